package io.edgessl.internal.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgessl.spi.PackedBank;
import io.edgessl.spi.PackedInt8Bank;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JavaKernelsTest {
  /** Awkward sizes, after Lucene's TestVectorUtilSupport. */
  static Stream<Arguments> shapes() {
    int[] counts = {1, 3, 4, 63, 64, 65, 207, 702};
    int[] dims = {1, 7, 13, 31, 64};
    int[] queries = {1, 5, 9};
    Stream.Builder<Arguments> b = Stream.builder();
    for (int n : counts) {
      for (int d : dims) {
        for (int q : queries) {
          b.add(Arguments.of(n, d, q, Math.min(5, n) == 5 ? 5 : 3));
        }
      }
    }
    b.add(Arguments.of(300, 17, 7, 301)); // k > count
    b.add(Arguments.of(130, 33, 261, 20)); // several query chunks
    return b.build();
  }

  @ParameterizedTest(name = "n={0} dim={1} queries={2} k={3}")
  @MethodSource("shapes")
  void blockedEqualsNaiveBitForBit(int n, int dim, int nq, int k) {
    SplittableRandom r = new SplittableRandom(31L * n + dim * 7L + nq);
    float[] rows = random(r, n * dim);
    float[] queries = random(r, nq * dim + 3); // offset 3 below
    float[] packed = pack(rows, n, dim);

    float[] es = new float[nq * k];
    int[] ei = new int[nq * k];
    JavaKernels.searchRowMajor(rows, n, dim, queries, 3, nq, k, es, ei);
    float[] as = new float[nq * k];
    int[] ai = new int[nq * k];
    JavaKernels.instance().searchPacked(packed, n, dim, queries, 3, nq, k, as, ai);

    assertArrayEquals(ei, ai);
    assertArrayEquals(es, as);
    // and against an independent sort of all scores computed in double
    for (int q = 0; q < nq; q++) {
      Integer[] order = new Integer[n];
      double[] s = new double[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
        float acc = 0;
        for (int d = 0; d < dim; d++) {
          acc += queries[3 + q * dim + d] * rows[i * dim + d];
        }
        s[i] = acc;
      }
      Arrays.sort(
          order, (x, y) -> s[y] != s[x] ? Double.compare(s[y], s[x]) : Integer.compare(x, y));
      for (int j = 0; j < k; j++) {
        int expected = j < n ? order[j] : -1;
        assertEquals(expected, ai[q * k + j], "query " + q + " rank " + j);
      }
    }
  }

  /** Dimensions past JavaKernels.EXACT_FLOAT_SPAN, codes up to 127 (n + dim even): still exact. */
  @Test
  void int8LongVectorsStayExact() {
    int8EqualsAnIndependentIntegerReference(70, 2 * JavaKernels.EXACT_FLOAT_SPAN + 54, 5, 7);
    int8EqualsAnIndependentIntegerReference(4, 3 * JavaKernels.EXACT_FLOAT_SPAN, 1, 3);
  }

  @ParameterizedTest(name = "n={0} dim={1} queries={2} k={3}")
  @MethodSource("shapes")
  void int8EqualsAnIndependentIntegerReference(int n, int dim, int nq, int k) {
    SplittableRandom r = new SplittableRandom(17L * n + dim * 5L + nq);
    int pdim = PackedInt8Bank.paddedDim(dim);
    byte[][] rows = new byte[n][dim];
    float[] scales = new float[n];
    byte[] bank = new byte[PackedInt8Bank.length(n, dim)];
    // small codes and a few scales make exact ties between different slots likely
    int range = (n + dim) % 2 == 0 ? 127 : 2;
    for (int s = 0; s < n; s++) {
      for (int d = 0; d < dim; d++) {
        rows[s][d] = (byte) r.nextInt(-range, range + 1);
      }
      scales[s] = (1 + r.nextInt(3)) / 127f;
      PackedInt8Bank.put(bank, s, rows[s], 0, dim);
    }
    int first = 2;
    byte[] q = new byte[(first + nq) * pdim];
    float[] qs = new float[first + nq];
    for (int i = 0; i < nq; i++) {
      for (int d = 0; d < dim; d++) {
        q[(first + i) * pdim + d] = (byte) r.nextInt(-range, range + 1);
      }
      qs[first + i] = (float) r.nextDouble(0.001, 0.01);
    }
    float[] as = new float[nq * k];
    int[] ai = new int[nq * k];
    JavaKernels.instance().searchPackedInt8(bank, scales, n, dim, q, qs, first, nq, k, as, ai);
    for (int i = 0; i < nq; i++) {
      float[] score = new float[n];
      Integer[] order = new Integer[n];
      for (int s = 0; s < n; s++) {
        long dot = 0;
        for (int d = 0; d < dim; d++) {
          dot += (long) q[(first + i) * pdim + d] * rows[s][d];
        }
        score[s] = (float) dot * (qs[first + i] * scales[s]);
        order[s] = s;
      }
      Arrays.sort(
          order,
          (x, y) ->
              score[y] != score[x] ? Float.compare(score[y], score[x]) : Integer.compare(x, y));
      for (int j = 0; j < k; j++) {
        assertEquals(j < n ? order[j] : -1, ai[i * k + j], "query " + i + " rank " + j);
        assertEquals(j < n ? score[order[j]] : Float.NEGATIVE_INFINITY, as[i * k + j]);
      }
    }
  }

  @Test
  void checksNameTheBadValues() {
    float[] bank = new float[64 * 3];
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JavaKernels.instance()
                    .searchPacked(bank, 65, 3, new float[3], 0, 1, 1, new float[1], new int[1]));
    assertEquals("bank holds 192 floats, 384 needed for 65 vectors of dimension 3", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JavaKernels.instance()
                    .searchPacked(
                        bank,
                        Integer.MAX_VALUE,
                        3,
                        new float[3],
                        0,
                        1,
                        1,
                        new float[1],
                        new int[1]));
    assertEquals(
        "bank holds 192 floats, 6442450944 needed for 2147483647 vectors of dimension 3",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JavaKernels.instance()
                    .searchPacked(bank, 1, 3, new float[3], 1, 1, 1, new float[1], new int[1]));
    assertEquals(
        "queries hold 3 floats, 4 needed for 1 queries of dimension 3 from offset 1",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JavaKernels.instance()
                    .searchPacked(bank, 1, 3, new float[3], 0, 1, -2, new float[1], new int[1]));
    assertEquals(
        "invalid search shape: count 1, dimension 3, queries 1, k -2 (count and queries must not"
            + " be negative, dimension and k must be positive)",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JavaKernels.instance()
                    .searchPacked(bank, 1, 3, new float[6], 0, 2, 1, new float[2], new int[1]));
    assertEquals("outputs hold 2 scores and 1 slots, 2 needed for 2 queries x k 1", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JavaKernels.instance()
                    .searchPackedInt8(
                        new byte[256],
                        new float[1],
                        1,
                        3,
                        new byte[4],
                        new float[1],
                        1,
                        1,
                        1,
                        new float[1],
                        new int[1]));
    assertEquals("INT8 queries hold 4 bytes, 8 needed for rows 1..1 of 4 bytes", e.getMessage());
  }

  @Test
  void tiesKeepTheLowerSlotFirst() {
    int dim = 3;
    float[] rows = {0, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0};
    float[] q = {0, 1, 0};
    float[] s = new float[4];
    int[] i = new int[4];
    JavaKernels.instance().searchPacked(pack(rows, 5, dim), 5, dim, q, 0, 1, 4, s, i);
    assertArrayEquals(new int[] {0, 2, 4, 1}, i);
    assertArrayEquals(new float[] {1, 1, 1, 0}, s);
  }

  @Test
  void missingNeighboursAreMarked() {
    float[] rows = {1, 0};
    float[] s = new float[3];
    int[] i = new int[3];
    JavaKernels.instance().searchPacked(pack(rows, 1, 2), 1, 2, new float[] {1, 0}, 0, 1, 3, s, i);
    assertArrayEquals(new int[] {0, -1, -1}, i);
    assertEquals(Float.NEGATIVE_INFINITY, s[1]);
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

  static float[] random(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      // a coarse grid makes exact ties between different vectors likely
      x[i] = (float) (r.nextInt(-4, 5) / 4.0);
    }
    return x;
  }
}
