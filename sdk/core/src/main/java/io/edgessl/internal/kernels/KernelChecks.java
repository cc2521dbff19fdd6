package io.edgessl.internal.kernels;

import io.edgessl.image.PixelFormat;
import io.edgessl.spi.ImageKernels;
import io.edgessl.spi.KnnKernels;
import io.edgessl.spi.PackedBank;
import io.edgessl.spi.PackedInt8Bank;
import io.edgessl.spi.PreprocessPlan;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * Argument checks of the {@link KnnKernels} and {@link ImageKernels} methods, shared by every
 * implementation: a negative size, a too-small array or an offset past its end throws {@link
 * IllegalArgumentException} naming the values before any kernel reads or writes memory (the
 * facade-checks pattern of Lucene's {@code VectorUtil}). Sizes are computed in {@code long}, so no
 * product can overflow past a check.
 */
public final class KernelChecks {
  private KernelChecks() {}

  /** Checks the arguments of {@link KnnKernels#searchPacked}. */
  public static void searchPacked(
      float[] bank,
      int count,
      int dim,
      float[] queries,
      int queryOffset,
      int queryCount,
      int k,
      float[] outScores,
      int[] outSlots) {
    Objects.requireNonNull(bank, "bank");
    Objects.requireNonNull(queries, "queries");
    shape(count, dim, queryCount, k);
    if (queryOffset < 0) {
      throw new IllegalArgumentException("query offset must not be negative: " + queryOffset);
    }
    long bankNeed = (long) PackedBank.blocks(count) * PackedBank.BLOCK * dim;
    if (bank.length < bankNeed) {
      throw new IllegalArgumentException(
          "bank holds "
              + bank.length
              + " floats, "
              + bankNeed
              + " needed for "
              + count
              + " vectors of dimension "
              + dim);
    }
    long queryEnd = queryOffset + (long) queryCount * dim;
    if (queries.length < queryEnd) {
      throw new IllegalArgumentException(
          "queries hold "
              + queries.length
              + " floats, "
              + queryEnd
              + " needed for "
              + queryCount
              + " queries of dimension "
              + dim
              + " from offset "
              + queryOffset);
    }
    outputs(outScores, outSlots, queryCount, k);
  }

  /** Checks the arguments of {@link KnnKernels#searchPackedInt8}. */
  public static void searchPackedInt8(
      byte[] bank,
      float[] bankScales,
      int count,
      int dim,
      byte[] queries,
      float[] queryScales,
      int firstQuery,
      int queryCount,
      int k,
      float[] outScores,
      int[] outSlots) {
    Objects.requireNonNull(bank, "bank");
    Objects.requireNonNull(bankScales, "bankScales");
    Objects.requireNonNull(queries, "queries");
    Objects.requireNonNull(queryScales, "queryScales");
    shape(count, dim, queryCount, k);
    int pdim = PackedInt8Bank.paddedDim(dim);
    if (firstQuery < 0) {
      throw new IllegalArgumentException("first query must not be negative: " + firstQuery);
    }
    long bankNeed = (long) PackedBank.blocks(count) * PackedBank.BLOCK * pdim;
    if (bank.length < bankNeed) {
      throw new IllegalArgumentException(
          "INT8 bank holds "
              + bank.length
              + " bytes, "
              + bankNeed
              + " needed for "
              + count
              + " vectors of dimension "
              + dim);
    }
    if (bankScales.length < count) {
      throw new IllegalArgumentException(
          "bank scales hold " + bankScales.length + " values, " + count + " needed");
    }
    long rows = (long) firstQuery + queryCount;
    if (queries.length < rows * pdim) {
      throw new IllegalArgumentException(
          "INT8 queries hold "
              + queries.length
              + " bytes, "
              + rows * pdim
              + " needed for rows "
              + firstQuery
              + ".."
              + (rows - 1)
              + " of "
              + pdim
              + " bytes");
    }
    if (queryScales.length < rows) {
      throw new IllegalArgumentException(
          "query scales hold " + queryScales.length + " values, " + rows + " needed");
    }
    outputs(outScores, outSlots, queryCount, k);
  }

  /**
   * Checks the tables of a {@link PreprocessPlan} (called once, when the plan is built): every
   * array long enough, every channel a component, every row tap in {@code [0, rowOffsets.length /
   * 2)} and in the order the contract states (the taps of an output row consecutive rows, clamped;
   * windows never moving up), and no sample before the frame's first byte. Returns the byte ranges
   * the samples read: {@code {lumaFirst, lumaEnd, chromaFirst, chromaEnd}}, zeros where none.
   */
  public static long[] plan(
      PixelFormat format, int taps, int outHeight, int outWidth, PlanTables t) {
    int nc = t.channels().length;
    if (taps < 1 || outHeight < 0 || outWidth < 0 || nc < 1) {
      throw new IllegalArgumentException(
          "invalid preprocessing shape: taps "
              + taps
              + ", output "
              + outHeight
              + "x"
              + outWidth
              + ", channels "
              + nc
              + " (taps and channels must be positive, sizes not negative)");
    }
    for (int c = 0; c < nc; c++) {
      if (t.channels()[c] < 0 || t.channels()[c] > 3) {
        throw new IllegalArgumentException(
            "channel " + c + " names component " + t.channels()[c] + "; components are 0..3");
      }
    }
    if (format.isYuv()) {
      atLeast("yuv coefficients", t.yuv().length, 6);
    }
    long window = (long) outHeight * taps;
    long colTaps = (long) outWidth * taps;
    atLeast("rowTaps", t.rowTaps().length, window);
    atLeast("rowWeights", t.rowWeights().length, window);
    atLeast("colOffsets", t.colOffsets().length, 2 * colTaps);
    atLeast("colWeights", t.colWeights().length, colTaps);
    atLeast("scale", t.scale().length, nc);
    atLeast("bias", t.bias().length, nc);
    if ((long) outHeight * outWidth == 0) {
      return new long[4]; // nothing is read
    }
    int rows = t.rowOffsets().length / 2;
    long[] rowRange = rowTapRange(t.rowOffsets(), rows, taps, outHeight, t.rowTaps());
    int luma = format.isYuv() || format == PixelFormat.GRAY ? 1 : 3;
    int chroma = format == PixelFormat.YUYV ? 3 : (format.isYuv() ? 2 : 0);
    long[] out = new long[4];
    samples("luma", rowRange[0], rowRange[1], t.colOffsets(), colTaps, 0, luma, out, 0);
    if (chroma > 0) {
      samples("chroma", rowRange[2], rowRange[3], t.colOffsets(), colTaps, 1, chroma, out, 2);
    }
    return out;
  }

  /**
   * Checks the arguments of {@link ImageKernels#preprocess} against its (valid) plan: every byte a
   * sample reads inside {@code [0, src.capacity())}, the output inside {@code dst} and writable,
   * the scratch long enough. Constant time: the plan's tables were checked when it was built.
   */
  public static void preprocess(
      ByteBuffer src, PreprocessPlan plan, FloatBuffer dst, int dstOffset, float[] scratch) {
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(dst, "dst");
    Objects.requireNonNull(scratch, "scratch");
    atLeast("scratch", scratch.length, plan.scratchSize());
    long out = plan.outputSize();
    if (dstOffset < 0 || dstOffset + out > dst.capacity()) {
      throw new IllegalArgumentException(
          "output of "
              + out
              + " floats at offset "
              + dstOffset
              + " does not fit a buffer of "
              + dst.capacity());
    }
    if (dst.isReadOnly()) {
      throw new IllegalArgumentException("output buffer is read-only");
    }
    if (plan.sourceBytes() > src.capacity()) {
      long[] luma = plan.lumaRange();
      long[] r = luma[1] > src.capacity() ? luma : plan.chromaRange();
      throw new IllegalArgumentException(
          "the "
              + (r == luma ? "luma" : "chroma")
              + " samples read bytes "
              + r[0]
              + ".."
              + (r[1] - 1)
              + " of a frame of "
              + src.capacity()
              + " bytes");
    }
  }

  /**
   * Checks the row taps; returns the smallest and largest luma, then chroma, offsets of the rows
   * they name.
   */
  private static long[] rowTapRange(
      int[] rowOffsets, int rows, int taps, int outHeight, int[] rowTaps) {
    long lumaLo = Long.MAX_VALUE;
    long lumaHi = Long.MIN_VALUE;
    long chromaLo = Long.MAX_VALUE;
    long chromaHi = Long.MIN_VALUE;
    int prevFirst = Integer.MIN_VALUE;
    int prevLast = Integer.MIN_VALUE;
    for (int y = 0; y < outHeight; y++) {
      int tb = y * taps;
      for (int t = 0; t < taps; t++) {
        int r = rowTaps[tb + t];
        if (r < 0 || r >= rows) {
          throw new IllegalArgumentException(
              "row tap "
                  + t
                  + " of output row "
                  + y
                  + " is "
                  + r
                  + ", outside the "
                  + rows
                  + " upright rows of rowOffsets");
        }
        if (t > 0 && (r < rowTaps[tb + t - 1] || r > rowTaps[tb + t - 1] + 1)) {
          throw new IllegalArgumentException(
              "row taps of output row "
                  + y
                  + " are not consecutive rows: "
                  + rowTaps[tb + t - 1]
                  + " then "
                  + r);
        }
        lumaLo = Math.min(lumaLo, rowOffsets[2 * r]);
        lumaHi = Math.max(lumaHi, rowOffsets[2 * r]);
        chromaLo = Math.min(chromaLo, rowOffsets[2 * r + 1]);
        chromaHi = Math.max(chromaHi, rowOffsets[2 * r + 1]);
      }
      if (rowTaps[tb] < prevFirst || rowTaps[tb + taps - 1] < prevLast) {
        throw new IllegalArgumentException(
            "row taps of output row " + y + " move up from those of row " + (y - 1));
      }
      prevFirst = rowTaps[tb];
      prevLast = rowTaps[tb + taps - 1];
    }
    return new long[] {lumaLo, lumaHi, chromaLo, chromaHi};
  }

  /**
   * Every row is combined with every column tap, so the positions read span exactly the sums of the
   * extremes: {@code [rowLo + colLo, rowHi + colHi + bytes)}, stored at {@code out[at], out[at +
   * 1]}; the first must not be negative.
   */
  private static void samples(
      String what,
      long rowLo,
      long rowHi,
      int[] colOffsets,
      long colTaps,
      int part,
      int bytes,
      long[] out,
      int at) {
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (int k = 0; k < colTaps; k++) {
      int v = colOffsets[2 * k + part];
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    long first = rowLo + lo;
    long end = rowHi + hi + bytes;
    if (first < 0) {
      throw new IllegalArgumentException(
          "the " + what + " samples read bytes " + first + ".." + (end - 1) + ", before the frame");
    }
    out[at] = first;
    out[at + 1] = end;
  }

  private static void atLeast(String what, long length, long needed) {
    if (length < needed) {
      throw new IllegalArgumentException(
          what + " holds " + length + " values, " + needed + " needed");
    }
  }

  private static void shape(int count, int dim, int queryCount, int k) {
    if (count < 0 || dim <= 0 || queryCount < 0 || k <= 0) {
      throw new IllegalArgumentException(
          "invalid search shape: count "
              + count
              + ", dimension "
              + dim
              + ", queries "
              + queryCount
              + ", k "
              + k
              + " (count and queries must not be negative, dimension and k must be positive)");
    }
  }

  private static void outputs(float[] outScores, int[] outSlots, int queryCount, int k) {
    Objects.requireNonNull(outScores, "outScores");
    Objects.requireNonNull(outSlots, "outSlots");
    long need = (long) queryCount * k;
    if (outScores.length < need || outSlots.length < need) {
      throw new IllegalArgumentException(
          "outputs hold "
              + outScores.length
              + " scores and "
              + outSlots.length
              + " slots, "
              + need
              + " needed for "
              + queryCount
              + " queries x k "
              + k);
    }
  }
}
