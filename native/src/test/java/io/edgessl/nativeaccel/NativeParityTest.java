package io.edgessl.nativeaccel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.internal.kernels.JavaKernels;
import io.edgessl.spi.KnnKernels;
import io.edgessl.spi.PackedBank;
import io.edgessl.spi.PackedInt8Bank;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every native variant this CPU runs against its Java twin ({@link JavaKernels}) on awkward sizes
 * (after Lucene's TestVectorUtilSupport) and random inputs.
 *
 * <ul>
 *   <li>INT8: scores and neighbours equal bit for bit.
 *   <li>FP32 on a grid of quarters: products and partial sums are exact, so fused and unfused
 *       arithmetic agree: scores, neighbours and tie order equal bit for bit.
 *   <li>FP32 on Gaussian data: the portable variant equals the twin bit for bit (same order, no
 *       fusion); SIMD variants sum in the same order but fuse each multiply-add, so a score may
 *       differ by {@code |Δ| <= 1e-5 * Σ_d |q_d b_d|}: relative to the magnitude of the terms (the
 *       error of a dot product scales with it, not with the possibly cancelling result; a rigorous
 *       worst case is {@code 2 * dim * 2^-24}, 8e-5 at dim 702, but rounding errors grow like
 *       {@code sqrt(dim)}: we observe below 1e-6). Neighbours are equal except where the twin's
 *       scores of the two slots are within twice that bound: a genuine near-tie.
 * </ul>
 */
class NativeParityTest {
  static final double RELATIVE = 1e-5;

  @BeforeAll
  static void library() {
    NativeTestSupport.assumeLibrary();
  }

  static Stream<Arguments> cases() {
    NativeTestSupport.assumeLibrary();
    int[] counts = {1, 7, 13, 31, 64, 65, 207, 702};
    int[] dims = {1, 7, 13, 31, 207, 702};
    int[] queries = {1, 7, 13, 70};
    int[] ks = {1, 7, 20, 31};
    Stream.Builder<Arguments> b = Stream.builder();
    for (String v : NativeKernels.supportedVariants()) {
      int i = 0;
      for (int n : counts) {
        for (int d : dims) {
          b.add(Arguments.of(v, n, d, queries[i % 4], ks[(i / 4 + i) % 4]));
          i++;
        }
      }
      b.add(Arguments.of(v, 5000, 300, 130, 20)); // split into several calls and query chunks
      b.add(Arguments.of(v, 300, 17, 5, 301)); // k > count
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0} n={1} dim={2} queries={3} k={4}")
  @MethodSource("cases")
  void fp32OnAGridIsBitExact(String variant, int n, int dim, int nq, int k) {
    SplittableRandom r = new SplittableRandom(n * 31L + dim);
    float[] rows = new float[n * dim];
    float[] q = new float[nq * dim + 5];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = r.nextInt(-4, 5) / 4f;
    }
    for (int i = 0; i < q.length; i++) {
      q[i] = r.nextInt(-4, 5) / 4f;
    }
    float[] bank = pack(rows, n, dim);
    Result java = searchF32(JavaKernels.instance(), bank, n, dim, q, 5, nq, k);
    Result nat = searchF32(NativeKernels.of(variant), bank, n, dim, q, 5, nq, k);
    assertArrayEquals(java.slots, nat.slots);
    assertArrayEquals(java.scores, nat.scores);
  }

  @ParameterizedTest(name = "{0} n={1} dim={2} queries={3} k={4}")
  @MethodSource("cases")
  void fp32OnGaussianDataIsWithinTheBound(String variant, int n, int dim, int nq, int k) {
    SplittableRandom r = new SplittableRandom(n * 17L + dim);
    float[] rows = gaussian(r, n * dim);
    float[] q = gaussian(r, nq * dim);
    float[] bank = pack(rows, n, dim);
    Result java = searchF32(JavaKernels.instance(), bank, n, dim, q, 0, nq, k);
    NativeKernels kernels = NativeKernels.of(variant);
    Result nat = searchF32(kernels, bank, n, dim, q, 0, nq, k);
    if (variant.equals("portable")) {
      assertArrayEquals(java.slots, nat.slots);
      assertArrayEquals(java.scores, nat.scores);
      return;
    }
    for (int i = 0; i < nq; i++) {
      for (int j = 0; j < k; j++) {
        int at = i * k + j;
        int slot = nat.slots[at];
        if (j >= n) {
          assertEquals(-1, slot);
          continue;
        }
        double magnitude = 0;
        float sum = 0f;
        for (int d = 0; d < dim; d++) {
          magnitude += Math.abs((double) q[i * dim + d] * rows[slot * dim + d]);
          sum += q[i * dim + d] * rows[slot * dim + d];
        }
        final float twin = sum; // the Java twin's score of the slot native returned
        double tol = RELATIVE * magnitude;
        assertTrue(
            Math.abs(nat.scores[at] - twin) <= tol,
            () ->
                variant + " score " + nat.scores[at] + " vs " + twin + " (tolerance " + tol + ")");
        if (slot != java.slots[at]) {
          assertTrue(
              Math.abs(twin - java.scores[at]) <= 2 * tol,
              () ->
                  "query "
                      + at / k
                      + " rank "
                      + at % k
                      + ": slot "
                      + slot
                      + " instead of "
                      + java.slots[at]
                      + " is no near-tie");
        }
      }
    }
    // The segment API over an off-heap bank gives the same bits as the array API.
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment b = arena.allocate(4L * bank.length, 64);
      MemorySegment.copy(bank, 0, b, ValueLayout.JAVA_FLOAT, 0, bank.length);
      MemorySegment qs = arena.allocate(4L * q.length, 64);
      MemorySegment.copy(q, 0, qs, ValueLayout.JAVA_FLOAT, 0, q.length);
      MemorySegment s = arena.allocate(4L * nq * k, 64);
      MemorySegment sl = arena.allocate(4L * nq * k, 64);
      kernels.searchPacked(b, n, dim, qs, nq, k, s, sl);
      assertArrayEquals(nat.scores, s.toArray(ValueLayout.JAVA_FLOAT));
      assertArrayEquals(nat.slots, sl.toArray(ValueLayout.JAVA_INT));
    }
  }

  @ParameterizedTest(name = "{0} n={1} dim={2} queries={3} k={4}")
  @MethodSource("cases")
  void int8IsBitExact(String variant, int n, int dim, int nq, int k) {
    SplittableRandom r = new SplittableRandom(n * 13L + dim);
    int pdim = PackedInt8Bank.paddedDim(dim);
    byte[] bank = new byte[PackedInt8Bank.length(n, dim)];
    float[] scales = new float[n];
    float[] v = new float[dim];
    byte[] c = new byte[dim];
    for (int s = 0; s < n; s++) {
      for (int d = 0; d < dim; d++) {
        v[d] = (float) r.nextGaussian();
      }
      scales[s] = PackedInt8Bank.quantize(v, 0, dim, c, 0);
      PackedInt8Bank.put(bank, s, c, 0, dim);
    }
    int first = 3;
    byte[] q = new byte[(first + nq) * pdim];
    float[] qs = new float[first + nq];
    for (int i = 0; i < nq; i++) {
      for (int d = 0; d < dim; d++) {
        v[d] = (float) r.nextGaussian();
      }
      qs[first + i] = PackedInt8Bank.quantize(v, 0, dim, q, (first + i) * pdim);
    }
    float[] js = new float[nq * k];
    int[] ji = new int[nq * k];
    JavaKernels.instance().searchPackedInt8(bank, scales, n, dim, q, qs, first, nq, k, js, ji);
    NativeKernels kernels = NativeKernels.of(variant);
    float[] ns = new float[nq * k];
    int[] ni = new int[nq * k];
    kernels.searchPackedInt8(bank, scales, n, dim, q, qs, first, nq, k, ns, ni);
    assertArrayEquals(ji, ni);
    assertArrayEquals(js, ns);
    // and over heap segments of the same arrays
    float[] ss = new float[nq * k];
    int[] si = new int[nq * k];
    kernels.searchPackedInt8(
        MemorySegment.ofArray(bank),
        MemorySegment.ofArray(scales),
        n,
        dim,
        MemorySegment.ofArray(q).asSlice((long) first * pdim),
        MemorySegment.ofArray(qs).asSlice(4L * first),
        nq,
        k,
        MemorySegment.ofArray(ss),
        MemorySegment.ofArray(si));
    assertArrayEquals(ji, si);
    assertArrayEquals(js, ss);
  }

  record Result(float[] scores, int[] slots) {}

  static Result searchF32(
      KnnKernels kernels, float[] bank, int n, int dim, float[] q, int off, int nq, int k) {
    float[] s = new float[nq * k];
    int[] sl = new int[nq * k];
    kernels.searchPacked(bank, n, dim, q, off, nq, k, s, sl);
    return new Result(s, sl);
  }

  static float[] pack(float[] rows, int n, int dim) {
    float[] packed = new float[PackedBank.length(n, dim)];
    float[] v = new float[dim];
    for (int i = 0; i < n; i++) {
      System.arraycopy(rows, i * dim, v, 0, dim);
      PackedBank.put(packed, i, v, dim);
    }
    return packed;
  }

  static float[] gaussian(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }
}
