package io.edgessl.nativeaccel;

import io.edgessl.image.PixelFormat;
import io.edgessl.internal.kernels.PlanAccess;
import io.edgessl.internal.kernels.PlanTables;
import io.edgessl.spi.PreprocessPlan;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * The binding of {@code edgessl_preprocess}: segment views of the frame, the tables and the output,
 * and the split of a frame into calls of bounded work. Arguments are checked by the caller ({@code
 * KernelChecks.preprocess} against a validated {@link PreprocessPlan}); this class only checks what
 * the FFM adds (the frame's and the output's memory still alive).
 *
 * <p>The frame and the output are passed in place, whatever holds them: a byte array or heap buffer
 * (heap segments through the critical downcall), a direct buffer from a camera or from a {@link
 * java.lang.foreign.MemorySegment#asByteBuffer() segment of an arena} (native segments). A buffer's
 * position and limit are ignored, as the contract says: a buffer whose position or limit hides part
 * of its capacity is viewed through a duplicate (one small object).
 */
final class NativePreprocess {
  /** {@code EDGESSL_PREPROCESS_MAX_TAPS}: more taps run the Java twin. */
  static final int MAX_TAPS = 8;

  /**
   * Sample operations per call: each horizontal sample counts 3 (a gather and a conversion), each
   * vertical multiply-add 1. About 0.5 ms on AVX-512, a few on the portable kernel: a critical call
   * holds back the JVM's safepoints until it returns.
   */
  static final long WORK = 1L << 21;

  private NativePreprocess() {}

  /**
   * Runs the C kernel over checked arguments, or returns false, having done nothing, where it does
   * not take them: it writes native-order floats at 4-byte aligned addresses, so an output buffer
   * in the other byte order, or a float view of a heap byte buffer (whose floats are not aligned as
   * such), runs the Java twin, as do more than {@link #MAX_TAPS} taps.
   */
  static boolean run(
      int variant,
      String variantName,
      ByteBuffer src,
      PreprocessPlan plan,
      FloatBuffer dst,
      int dstOffset) {
    PixelFormat format = plan.format();
    int taps = plan.taps();
    int outHeight = plan.outHeight();
    int outWidth = plan.outWidth();
    PlanTables t = PlanAccess.tables(plan);
    int[] rowTaps = t.rowTaps();
    int[] channels = t.channels();
    if (taps > MAX_TAPS || dst.order() != ByteOrder.nativeOrder()) {
      return false;
    }
    MemorySegment d = MemorySegment.ofBuffer(whole(dst));
    if (NativeKernels.Segments.maxAlignment(d) < 4) {
      return false;
    }
    int nc = channels.length;
    if ((long) outHeight * outWidth == 0) {
      return true;
    }
    MemorySegment s = MemorySegment.ofBuffer(whole(src));
    alive(s, "frame");
    alive(d, "output");
    if (dstOffset != 0) {
      d = d.asSlice(4L * dstOffset);
    }
    MemorySegment yuvSeg = format.isYuv() ? MemorySegment.ofArray(t.yuv()) : MemorySegment.NULL;
    MemorySegment rowOffsetsSeg = MemorySegment.ofArray(t.rowOffsets());
    MemorySegment rowTapsSeg = MemorySegment.ofArray(rowTaps);
    MemorySegment rowWeightsSeg = MemorySegment.ofArray(t.rowWeights());
    MemorySegment colOffsetsSeg = MemorySegment.ofArray(t.colOffsets());
    MemorySegment colWeightsSeg = MemorySegment.ofArray(t.colWeights());
    MemorySegment channelsSeg = MemorySegment.ofArray(channels);
    MemorySegment scaleSeg = MemorySegment.ofArray(t.scale());
    MemorySegment biasSeg = MemorySegment.ofArray(t.bias());
    int code = code(format);
    int rows = plan.rows();
    long perFreshRow = 3L * outWidth * taps;
    long perOutputRow = (long) nc * outWidth * taps;
    int y0 = 0;
    while (y0 < outHeight) {
      // Rows [y0, y1): each call starts with an empty ring, so its first window counts in full.
      long work = 0;
      int prevLast = -1;
      int y1 = y0;
      do {
        int first = rowTaps[y1 * taps];
        int last = rowTaps[y1 * taps + taps - 1];
        work += Math.max(0, last - Math.max(first - 1, prevLast)) * perFreshRow + perOutputRow;
        prevLast = last;
        y1++;
      } while (y1 < outHeight && work < WORK);
      int rc =
          LibEdgeSsl.preprocess(
              variant,
              s,
              s.byteSize(),
              code,
              yuvSeg,
              rowOffsetsSeg,
              rows,
              taps,
              outHeight,
              y0,
              y1,
              rowTapsSeg,
              rowWeightsSeg,
              outWidth,
              colOffsetsSeg,
              colWeightsSeg,
              nc,
              channelsSeg,
              scaleSeg,
              biasSeg,
              d);
      if (rc != LibEdgeSsl.OK) {
        LibEdgeSsl.check(
            rc,
            "edgessl_preprocess",
            variantName,
            format,
            s.byteSize(),
            rows,
            taps,
            outHeight,
            y0,
            y1,
            outWidth,
            nc);
      }
      y0 = y1;
    }
    return true;
  }

  /** {@code EDGESSL_FORMAT_*}. */
  static int code(PixelFormat format) {
    return switch (format) {
      case RGB -> 0;
      case BGR -> 1;
      case RGBA -> 2;
      case BGRA -> 3;
      case GRAY -> 4;
      case NV12 -> 5;
      case NV21 -> 6;
      case YUYV -> 7;
    };
  }

  private static void alive(MemorySegment s, String what) {
    if (!s.scope().isAlive()) {
      throw new IllegalStateException("the memory of the " + what + " was freed (arena closed)");
    }
  }

  /** The buffer with its whole capacity between position and limit. */
  private static ByteBuffer whole(ByteBuffer b) {
    return b.position() == 0 && b.limit() == b.capacity() ? b : b.duplicate().clear();
  }

  private static FloatBuffer whole(FloatBuffer b) {
    return b.position() == 0 && b.limit() == b.capacity() ? b : b.duplicate().clear();
  }
}
