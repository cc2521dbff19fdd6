package io.edgessl.nativeaccel;

import io.edgessl.internal.kernels.JavaImageKernels;
import io.edgessl.internal.kernels.KernelChecks;
import io.edgessl.spi.ImageKernels;
import io.edgessl.spi.KnnKernels;
import io.edgessl.spi.PackedBank;
import io.edgessl.spi.PackedInt8Bank;
import io.edgessl.spi.PreprocessPlan;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The C kernels of {@code libedgessl} for one CPU variant, as {@link KnnKernels} and {@link
 * ImageKernels} (over Java arrays and buffers) and over {@link MemorySegment}s (on or off the
 * heap).
 *
 * <p>Each search is split into calls of at most about {@value #F32_WORK} (FP32) or {@value
 * #INT8_WORK} (INT8) multiply-adds, about a millisecond each: arrays are passed in place through
 * critical downcalls, and a thread in one holds back the JVM's safepoints (garbage collection,
 * deoptimization) until it returns. The calls continue each other's top-k lists, so the split
 * changes nothing in the results. Nothing is allocated per call beyond the segment views of the
 * arguments, which the JIT removes.
 *
 * <p>Every argument is checked before a call: sizes and offsets against the arrays or segments
 * ({@link IllegalArgumentException}), segments for an open arena ({@link IllegalStateException}),
 * outputs for being writable. Instances are immutable and thread-safe.
 *
 * {@snippet :
 * NativeKernels k = NativeKernels.best();                 // e.g. "native-avx512-vnni"
 * try (Arena arena = Arena.ofConfined()) {                // one arena per session owns the buffers
 *   MemorySegment bank = arena.allocate(4L * PackedBank.length(count, dim), 64);
 *   // ... fill bank, queries ...
 *   k.searchPacked(bank, count, dim, queries, queryCount, 20, scores, slots);
 * }
 * }
 */
public final class NativeKernels implements KnnKernels, ImageKernels {
  /** Multiply-adds per FP32 call. */
  static final long F32_WORK = 1L << 25;

  /** Multiply-adds per INT8 call (its kernels run about twice as fast). */
  static final long INT8_WORK = 1L << 26;

  /** Queries per call: as many as the C kernels keep in cache while a bank range streams by. */
  static final int QUERY_CHUNK = 64;

  private final int variant;
  private final String variantName;

  private NativeKernels(int variant, String variantName) {
    this.variant = variant;
    this.variantName = variantName;
  }

  /**
   * The fastest variant this CPU runs.
   *
   * @throws UnsupportedOperationException when the library cannot be loaded (the message says why)
   * @return kernels of the best variant; stateless and thread-safe, may be shared
   */
  public static NativeKernels best() {
    NativeLoader.load();
    int v = LibEdgeSsl.variantBest();
    return new NativeKernels(v, LibEdgeSsl.variantName(v));
  }

  /**
   * A variant by name, e.g. {@code "avx2"} (for tests and benchmarks).
   *
   * @throws IllegalArgumentException if the library has no variant of that name
   * @throws UnsupportedOperationException when the library cannot be loaded or this CPU cannot run
   *     the variant
   * @param variant the variant's name, one of {@link #supportedVariants()}
   * @return kernels of that variant; stateless and thread-safe
   */
  public static NativeKernels of(String variant) {
    Objects.requireNonNull(variant, "variant");
    NativeLoader.load();
    List<String> all = new ArrayList<>();
    for (int v = 0; ; v++) {
      String name = LibEdgeSsl.variantName(v);
      if (name == null) {
        break;
      }
      all.add(name);
      if (name.equals(variant)) {
        if (!LibEdgeSsl.variantSupported(v)) {
          throw new UnsupportedOperationException(
              "this CPU cannot run the " + variant + " kernels; it runs " + supportedVariants());
        }
        return new NativeKernels(v, name);
      }
    }
    throw new IllegalArgumentException(
        "unknown native kernel variant '" + variant + "'; the library has " + all);
  }

  /**
   * The variants this CPU runs, slowest first ({@code portable} always).
   *
   * @throws UnsupportedOperationException when the library cannot be loaded
   * @return the variant names, a new list
   */
  public static List<String> supportedVariants() {
    NativeLoader.load();
    List<String> out = new ArrayList<>();
    for (int v = 0; ; v++) {
      String name = LibEdgeSsl.variantName(v);
      if (name == null) {
        return out;
      }
      if (LibEdgeSsl.variantSupported(v)) {
        out.add(name);
      }
    }
  }

  /**
   * Where the library was loaded from (for logs).
   *
   * @return a description for logs: the {@code -Dedgessl.native.library} path, the jar and its
   *     platform, or the {@code java.library.path} entry
   * @throws UnsupportedOperationException when the library cannot be loaded
   */
  public static String libraryOrigin() {
    return NativeLoader.load().origin();
  }

  /** {@return {@code "native-"} and the variant, e.g. {@code "native-avx512-vnni"}} */
  @Override
  public String name() {
    return "native-" + variantName;
  }

  /** {@return the CPU variant, e.g. {@code "avx2"}} */
  public String variant() {
    return variantName;
  }

  @Override
  public void searchPacked(
      float[] bank,
      int count,
      int dim,
      float[] queries,
      int queryOffset,
      int queryCount,
      int k,
      float[] outScores,
      int[] outSlots) {
    KernelChecks.searchPacked(
        bank, count, dim, queries, queryOffset, queryCount, k, outScores, outSlots);
    f32(
        MemorySegment.ofArray(bank),
        count,
        dim,
        queryOffset == 0
            ? MemorySegment.ofArray(queries)
            : MemorySegment.ofArray(queries).asSlice(4L * queryOffset),
        queryCount,
        k,
        MemorySegment.ofArray(outScores),
        MemorySegment.ofArray(outSlots));
  }

  @Override
  public void searchPackedInt8(
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
    KernelChecks.searchPackedInt8(
        bank,
        bankScales,
        count,
        dim,
        queries,
        queryScales,
        firstQuery,
        queryCount,
        k,
        outScores,
        outSlots);
    int pdim = PackedInt8Bank.paddedDim(dim);
    i8(
        MemorySegment.ofArray(bank),
        MemorySegment.ofArray(bankScales),
        count,
        dim,
        firstQuery == 0
            ? MemorySegment.ofArray(queries)
            : MemorySegment.ofArray(queries).asSlice((long) firstQuery * pdim),
        firstQuery == 0
            ? MemorySegment.ofArray(queryScales)
            : MemorySegment.ofArray(queryScales).asSlice(4L * firstQuery),
        queryCount,
        k,
        MemorySegment.ofArray(outScores),
        MemorySegment.ofArray(outSlots));
  }

  /**
   * {@link #searchPacked(float[], int, int, float[], int, int, int, float[], int[])} over segments:
   * the bank in the {@link PackedBank} layout, {@code queryCount} query rows of {@code dim} floats,
   * {@code queryCount * k} scores (float) and slots (int) out.
   *
   * @throws IllegalArgumentException for a negative size or a segment too small, misaligned for its
   *     element type, or read-only where it is written
   * @throws IllegalStateException if a segment's arena is closed
   * @param bank the packed bank, at least {@code 4 * PackedBank.length(count, dim)} bytes; read
   * @param count number of vectors in the bank
   * @param dim vector dimension
   * @param queries {@code queryCount} query rows of {@code dim} floats; read
   * @param queryCount number of queries
   * @param k neighbours per query, {@code >= 1}
   * @param outScores receives {@code queryCount * k} float scores
   * @param outSlots receives {@code queryCount * k} int bank slots
   */
  public void searchPacked(
      MemorySegment bank,
      int count,
      int dim,
      MemorySegment queries,
      int queryCount,
      int k,
      MemorySegment outScores,
      MemorySegment outSlots) {
    Segments.shape(count, dim, queryCount, k);
    Segments.check(
        bank,
        "bank",
        Segments.size("bank", 4L * PackedBank.BLOCK, dim, PackedBank.blocks(count)),
        4,
        false);
    Segments.check(queries, "queries", Segments.size("queries", 4L, dim, queryCount), 4, false);
    Segments.outputs(outScores, outSlots, queryCount, k);
    f32(bank, count, dim, queries, queryCount, k, outScores, outSlots);
  }

  /**
   * {@link #searchPackedInt8(byte[], float[], int, int, byte[], float[], int, int, int, float[],
   * int[])} over segments: the bank in the {@link PackedInt8Bank} layout with {@code count} float
   * scales, {@code queryCount} query rows of {@code PackedInt8Bank.paddedDim(dim)} bytes with their
   * float scales, {@code queryCount * k} scores (float) and slots (int) out.
   *
   * @throws IllegalArgumentException as {@link #searchPacked(MemorySegment, int, int,
   *     MemorySegment, int, int, MemorySegment, MemorySegment)}
   * @throws IllegalStateException if a segment's arena is closed
   * @param bank the packed INT8 bank, at least {@code PackedInt8Bank.length(count, dim)} bytes;
   *     read
   * @param bankScales {@code count} float scales, one per slot; read
   * @param count number of vectors in the bank
   * @param dim vector dimension (before padding)
   * @param queries {@code queryCount} rows of {@code PackedInt8Bank.paddedDim(dim)} codes; read
   * @param queryScales {@code queryCount} float scales; read
   * @param queryCount number of queries
   * @param k neighbours per query, {@code >= 1}
   * @param outScores receives {@code queryCount * k} float scores
   * @param outSlots receives {@code queryCount * k} int bank slots
   */
  public void searchPackedInt8(
      MemorySegment bank,
      MemorySegment bankScales,
      int count,
      int dim,
      MemorySegment queries,
      MemorySegment queryScales,
      int queryCount,
      int k,
      MemorySegment outScores,
      MemorySegment outSlots) {
    Segments.shape(count, dim, queryCount, k);
    long pdim = PackedInt8Bank.paddedDim(dim);
    Segments.check(bank, "bank", pdim * PackedBank.BLOCK * PackedBank.blocks(count), 1, false);
    Segments.check(bankScales, "bank scales", 4L * count, 4, false);
    Segments.check(queries, "queries", pdim * queryCount, 1, false);
    Segments.check(queryScales, "query scales", 4L * queryCount, 4, false);
    Segments.outputs(outScores, outSlots, queryCount, k);
    i8(bank, bankScales, count, dim, queries, queryScales, queryCount, k, outScores, outSlots);
  }

  /**
   * The C preprocessing kernel ({@code edgessl_preprocess}), with the contract of {@link
   * ImageKernels#preprocess} and the Java twin's results, bit for bit (up to the sign of zero:
   * every variant computes the same products and sums in the same order, without fused
   * multiply-adds). The frame and the output are read and written in place, on the heap or off it
   * (direct buffers, buffers of an arena's segments). {@code scratch} is checked but not used: the
   * C kernel keeps its rows on its stack.
   *
   * <p>Runs the Java twin instead for an output buffer whose floats are not native-order or not
   * 4-byte aligned (a float view of a heap byte buffer) and for more than 8 taps.
   *
   * @throws IllegalArgumentException for any argument outside the contract (see {@code
   *     KernelChecks.preprocess} and {@link PreprocessPlan}), before anything is read
   * @throws IllegalStateException if the frame's or the output's memory belongs to a closed arena
   */
  @Override
  public void preprocess(
      ByteBuffer src, PreprocessPlan plan, FloatBuffer dst, int dstOffset, float[] scratch) {
    KernelChecks.preprocess(src, plan, dst, dstOffset, scratch);
    if (!NativePreprocess.run(variant, variantName, src, plan, dst, dstOffset)) {
      JavaImageKernels.instance().preprocess(src, plan, dst, dstOffset, scratch);
    }
  }

  // ---- the split into bounded calls (arguments checked) ----

  private void f32(
      MemorySegment bank,
      int count,
      int dim,
      MemorySegment queries,
      int queryCount,
      int k,
      MemorySegment outScores,
      MemorySegment outSlots) {
    int blocks = PackedBank.blocks(count);
    long perBlock = (long) Math.min(queryCount, QUERY_CHUNK) * PackedBank.BLOCK * dim;
    int step = (int) Math.max(1, Math.min(blocks, F32_WORK / Math.max(1, perBlock)));
    for (int q0 = 0; q0 < queryCount; q0 += QUERY_CHUNK) {
      int n = Math.min(QUERY_CHUNK, queryCount - q0);
      // Views of later chunks; the first (for most calls the only one) is the segments as given.
      MemorySegment q = q0 == 0 ? queries : queries.asSlice(4L * q0 * dim);
      MemorySegment s = q0 == 0 ? outScores : outScores.asSlice(4L * q0 * k);
      MemorySegment sl = q0 == 0 ? outSlots : outSlots.asSlice(4L * q0 * k);
      int b0 = 0;
      do {
        int b1 = Math.min(blocks, b0 + step);
        int rc =
            LibEdgeSsl.knnSearchF32(
                variant,
                bank,
                count,
                dim,
                b0,
                b1,
                q,
                n,
                k,
                s,
                sl,
                b0 == 0 ? LibEdgeSsl.KNN_INIT : 0);
        if (rc != LibEdgeSsl.OK) {
          LibEdgeSsl.check(rc, "edgessl_knn_search_f32", variantName, count, dim, b0, b1, n, k);
        }
        b0 = b1;
      } while (b0 < blocks);
    }
  }

  private void i8(
      MemorySegment bank,
      MemorySegment bankScales,
      int count,
      int dim,
      MemorySegment queries,
      MemorySegment queryScales,
      int queryCount,
      int k,
      MemorySegment outScores,
      MemorySegment outSlots) {
    int pdim = PackedInt8Bank.paddedDim(dim);
    int blocks = PackedBank.blocks(count);
    long perBlock = (long) Math.min(queryCount, QUERY_CHUNK) * PackedBank.BLOCK * pdim;
    int step = (int) Math.max(1, Math.min(blocks, INT8_WORK / Math.max(1, perBlock)));
    for (int q0 = 0; q0 < queryCount; q0 += QUERY_CHUNK) {
      int n = Math.min(QUERY_CHUNK, queryCount - q0);
      MemorySegment q = q0 == 0 ? queries : queries.asSlice((long) q0 * pdim);
      MemorySegment qs = q0 == 0 ? queryScales : queryScales.asSlice(4L * q0);
      MemorySegment s = q0 == 0 ? outScores : outScores.asSlice(4L * q0 * k);
      MemorySegment sl = q0 == 0 ? outSlots : outSlots.asSlice(4L * q0 * k);
      int b0 = 0;
      do {
        int b1 = Math.min(blocks, b0 + step);
        int rc =
            LibEdgeSsl.knnSearchI8(
                variant,
                bank,
                bankScales,
                count,
                dim,
                b0,
                b1,
                q,
                qs,
                n,
                k,
                s,
                sl,
                b0 == 0 ? LibEdgeSsl.KNN_INIT : 0);
        if (rc != LibEdgeSsl.OK) {
          LibEdgeSsl.check(rc, "edgessl_knn_search_i8", variantName, count, dim, b0, b1, n, k);
        }
        b0 = b1;
      } while (b0 < blocks);
    }
  }

  @Override
  public String toString() {
    return name();
  }

  /** Checks of segment arguments. */
  static final class Segments {
    private Segments() {}

    static void shape(int count, int dim, int queryCount, int k) {
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

    /**
     * The product of {@code factors}, a segment's size in bytes: a shape whose size overflows a
     * long is refused here, not wrapped to a small size that lets C read past the segment (found by
     * NativeKernelsFuzzTest: count 1867656193 and dimension 1897876995 crashed the JVM).
     */
    static long size(String what, long... factors) {
      long n = 1;
      try {
        for (long f : factors) {
          n = Math.multiplyExact(n, f);
        }
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(
            "invalid search shape: the " + what + " segment would need more than 2^63 bytes");
      }
      return n;
    }

    static void check(MemorySegment s, String what, long bytes, long alignment, boolean written) {
      Objects.requireNonNull(s, what);
      if (!s.scope().isAlive()) {
        throw new IllegalStateException("the arena of the " + what + " segment is closed");
      }
      if (s.byteSize() < bytes) {
        throw new IllegalArgumentException(
            what + " segment holds " + s.byteSize() + " bytes, " + bytes + " needed");
      }
      long aligned = maxAlignment(s);
      if (aligned < alignment) {
        throw new IllegalArgumentException(
            what + " segment is aligned to " + aligned + " bytes, its elements need " + alignment);
      }
      if (written && s.isReadOnly()) {
        throw new IllegalArgumentException(what + " segment is read-only");
      }
    }

    /**
     * The alignment the segment guarantees: of its address, and for heap segments also of the
     * array's elements (a {@code byte[]} guarantees 1), as JDK 23's {@code maxByteAlignment()}.
     */
    static long maxAlignment(MemorySegment s) {
      long address = s.address();
      long a = address == 0 ? 1L << 62 : Long.lowestOneBit(address);
      if (s.isNative() || s.heapBase().isEmpty()) {
        return a; // a read-only heap segment hides its array: its offset is all we know
      }
      long element =
          switch (s.heapBase().get()) {
            case byte[] _ -> 1;
            case short[] _, char[] _ -> 2;
            case int[] _, float[] _ -> 4;
            default -> 8;
          };
      return Math.min(a, element);
    }

    static void outputs(MemorySegment scores, MemorySegment slots, int queryCount, int k) {
      long bytes = size("scores", 4L, queryCount, k);
      check(scores, "scores", bytes, ValueLayout.JAVA_FLOAT.byteAlignment(), true);
      check(slots, "slots", bytes, ValueLayout.JAVA_INT.byteAlignment(), true);
    }
  }
}
