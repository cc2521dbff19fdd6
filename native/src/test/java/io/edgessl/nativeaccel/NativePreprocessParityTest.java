package io.edgessl.nativeaccel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.image.ColorMode;
import io.edgessl.image.Frame;
import io.edgessl.image.Interpolation;
import io.edgessl.image.Orientation;
import io.edgessl.image.PixelFormat;
import io.edgessl.image.Preprocessing;
import io.edgessl.image.Preprocessor;
import io.edgessl.image.YuvRange;
import io.edgessl.internal.kernels.JavaImageKernels;
import io.edgessl.internal.kernels.KernelSupport;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The C preprocessing kernel of every variant this CPU runs against its Java twin ({@code
 * JavaImageKernels}) through {@link Preprocessor}: every pixel format, orientation and filter, on
 * awkward frame and output sizes (1, 7, 13, 31, 207, 702 ...), random pixels, padded rows, arrays
 * and direct buffers, both YUV ranges and all colour modes.
 *
 * <p>The bound is equality ({@code ==}, so only the sign of a zero may differ): every variant
 * computes the contract's products and sums in the twin's order, each rounded to float, without
 * fused multiply-adds (the C build passes {@code -ffp-contract=off}; the SIMD code multiplies and
 * adds in separate instructions). A relative bound of 1e-5 would hide a wrong order of operations;
 * equality does not.
 */
class NativePreprocessParityTest {
  private static final int[] FRAME_SIZES = {1, 2, 7, 13, 31, 207, 702};
  private static final int[] OUT_SIZES = {1, 7, 13, 31, 64, 65, 207};

  @BeforeAll
  static void library() {
    NativeTestSupport.assumeLibrary();
  }

  static Stream<Arguments> variants() {
    NativeTestSupport.assumeLibrary();
    return NativeKernels.supportedVariants().stream().map(Arguments::of);
  }

  @ParameterizedTest
  @MethodSource("variants")
  void everyFormatOrientationAndFilterEqualsTheJavaTwin(String variant) {
    NativeKernels k = NativeKernels.of(variant);
    SplittableRandom r = new SplittableRandom(variant.hashCode());
    int cases = 0;
    for (PixelFormat format : PixelFormat.values()) {
      for (Orientation o : Orientation.values()) {
        for (Interpolation interp : Interpolation.values()) {
          int w = FRAME_SIZES[r.nextInt(FRAME_SIZES.length)];
          int h = FRAME_SIZES[r.nextInt(FRAME_SIZES.length)];
          Frame f =
              TestImages.frame(
                  format,
                  w,
                  h,
                  r.nextLong(),
                  r.nextInt(4),
                  r.nextBoolean(),
                  o,
                  r.nextBoolean() ? YuvRange.LIMITED : YuvRange.FULL);
          int oh = OUT_SIZES[r.nextInt(OUT_SIZES.length)];
          int ow = OUT_SIZES[r.nextInt(OUT_SIZES.length)];
          ColorMode color = ColorMode.values()[r.nextInt(ColorMode.values().length)];
          int shortSide = r.nextBoolean() ? 0 : Math.max(oh, ow) + r.nextInt(40);
          Preprocessing p = TestImages.spec(oh, ow, color, interp, shortSide);
          assertSame(p, f, k);
          cases++;
        }
      }
    }
    assertEquals(8 * 8 * 2, cases);
  }

  /** Camera-sized frames as DINO's transform shrinks them (short side 256, crop 224, bicubic). */
  @ParameterizedTest
  @MethodSource("variants")
  void cameraFramesEqualTheJavaTwin(String variant) {
    NativeKernels k = NativeKernels.of(variant);
    Preprocessing p = TestImages.spec(224, 224, ColorMode.RGB, Interpolation.BICUBIC, 256);
    Preprocessing bilinear = TestImages.spec(224, 224, ColorMode.RGB, Interpolation.BILINEAR, 0);
    long seed = 1;
    for (PixelFormat format : PixelFormat.values()) {
      Frame f =
          TestImages.frame(
              format, 1280, 720, seed++, 0, true, Orientation.UPRIGHT, YuvRange.LIMITED);
      assertSame(p, f, k);
      assertSame(bilinear, f, k);
    }
    Frame rotated =
        TestImages.frame(
            PixelFormat.NV21, 640, 480, seed, 8, false, Orientation.ROTATE_90, YuvRange.FULL);
    assertSame(p, rotated, k);
  }

  /**
   * An output large enough that the bindings split it into several calls over ranges of rows, so
   * that each call's safepoint pause stays short; the split must change nothing.
   */
  @Test
  void outputsSplitIntoSeveralCallsEqualTheJavaTwin() {
    NativeKernels k = NativeKernels.best();
    Preprocessing p = TestImages.spec(700, 702, ColorMode.RGB, Interpolation.BICUBIC, 0);
    long work = 700L * 3 * 702 * 4 + 1000L * 3 * 702 * 4;
    assertTrue(work > 4 * NativePreprocess.WORK, "work " + work);
    Frame f =
        TestImages.frame(
            PixelFormat.YUYV, 1000, 1000, 3, 2, true, Orientation.MIRROR, YuvRange.LIMITED);
    assertSame(p, f, k);
  }

  /**
   * Frames and outputs in every kind of buffer: heap and direct, read-only, with a position and a
   * limit (ignored: indices are absolute), over an arena's segment; outputs at an offset, in a
   * direct buffer, in the other byte order and as a view of a heap byte buffer (those two run the
   * Java twin, since the C kernel writes aligned native-order floats).
   */
  @Test
  void framesAndOutputsInEveryKindOfBuffer() {
    NativeKernels k = NativeKernels.best();
    Preprocessing p = TestImages.spec(31, 13, ColorMode.RGB, Interpolation.BICUBIC, 0);
    Frame base =
        TestImages.frame(PixelFormat.NV12, 33, 21, 9, 1, false, Orientation.UPRIGHT, YuvRange.FULL);
    float[] want = TestImages.run(p, JavaImageKernels.instance(), base);
    byte[] bytes = new byte[base.pixels().capacity()];
    base.pixels().get(0, bytes);
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes);
    direct.position(5).limit(17);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = arena.allocate(bytes.length);
      seg.copyFrom(MemorySegment.ofArray(bytes));
      ByteBuffer[] sources = {
        ByteBuffer.wrap(bytes),
        ByteBuffer.wrap(bytes).asReadOnlyBuffer(),
        direct,
        direct.asReadOnlyBuffer(),
        seg.asByteBuffer()
      };
      for (ByteBuffer src : sources) {
        Frame f = rebuild(base, src);
        assertEquals(-1, TestImages.firstDifference(want, TestImages.run(p, k, f)), src.toString());
      }
      int n = p.size();
      FloatBuffer[] outputs = {
        FloatBuffer.wrap(new float[n + 3]),
        ByteBuffer.allocateDirect(4 * (n + 3)).order(ByteOrder.nativeOrder()).asFloatBuffer(),
        ByteBuffer.allocateDirect(4 * (n + 3)).order(ByteOrder.BIG_ENDIAN).asFloatBuffer(),
        ByteBuffer.allocate(4 * (n + 3)).order(ByteOrder.nativeOrder()).asFloatBuffer(),
        arena
            .allocate(4L * (n + 3), 4)
            .asByteBuffer()
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer()
      };
      Preprocessor pre = new Preprocessor(p, k);
      for (FloatBuffer out : outputs) {
        out.position(2).limit(3);
        pre.run(base, out, 3);
        float[] got = new float[n];
        out.duplicate().clear().get(3, got, 0, n);
        assertEquals(-1, TestImages.firstDifference(want, got), out.toString());
        assertEquals(0f, out.duplicate().clear().get(2), "nothing before the offset");
        assertEquals(2, out.position());
        assertEquals(3, out.limit());
      }
    }
  }

  /** Memory of a closed arena is refused with an exception, before C could read it. */
  @Test
  void aClosedArenaThrows() {
    NativeKernels k = NativeKernels.best();
    Preprocessing p = TestImages.spec(7, 7, ColorMode.RGB, Interpolation.BILINEAR, 0);
    Preprocessor pre = new Preprocessor(p, k);
    Arena arena = Arena.ofShared();
    ByteBuffer pixels = arena.allocate(3 * 13 * 13).asByteBuffer();
    Frame f = Frame.builder(PixelFormat.RGB, 13, 13).pixels(pixels).build();
    FloatBuffer live = FloatBuffer.allocate(p.size());
    pre.run(f, live, 0);
    arena.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> pre.run(f, live, 0));
    assertEquals("the memory of the frame was freed (arena closed)", e.getMessage());
    Arena outArena = Arena.ofShared();
    FloatBuffer out =
        outArena
            .allocate(4L * p.size(), 4)
            .asByteBuffer()
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    Frame heap =
        TestImages.frame(
            PixelFormat.RGB, 13, 13, 1, 0, false, Orientation.UPRIGHT, YuvRange.LIMITED);
    outArena.close();
    e = assertThrows(IllegalStateException.class, () -> pre.run(heap, out, 0));
    assertEquals("the memory of the output was freed (arena closed)", e.getMessage());
  }

  /** Where the library is present, preprocessing runs on it by default: asserted, not assumed. */
  @Test
  void preprocessorsUseTheNativeKernelsByDefault() {
    Preprocessor pre =
        new Preprocessor(TestImages.spec(8, 8, ColorMode.RGB, Interpolation.BICUBIC, 0));
    assertInstanceOf(NativeKernels.class, KernelSupport.image());
    assertEquals(NativeKernels.best().name(), pre.kernelsName());
    assertEquals(KernelSupport.image().name(), pre.kernelsName());
  }

  private static Frame rebuild(Frame base, ByteBuffer pixels) {
    return Frame.builder(base.format(), base.width(), base.height())
        .pixels(pixels)
        .offset(base.offset())
        .rowStride(base.rowStride())
        .chromaOffset(base.chromaOffset())
        .chromaRowStride(base.chromaRowStride())
        .yuvRange(base.yuvRange())
        .build();
  }

  private static void assertSame(Preprocessing p, Frame f, NativeKernels k) {
    float[] want = TestImages.run(p, JavaImageKernels.instance(), f);
    float[] got = TestImages.run(p, k, f);
    int i = TestImages.firstDifference(want, got);
    if (i >= 0) {
      throw new AssertionError(
          k.name()
              + ", "
              + f
              + " ("
              + f.yuvRange()
              + ") -> "
              + p
              + ": value "
              + i
              + " is "
              + got[i]
              + ", the Java twin's "
              + want[i]);
    }
  }
}
