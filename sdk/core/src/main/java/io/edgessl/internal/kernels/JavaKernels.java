package io.edgessl.internal.kernels;

import io.edgessl.spi.KnnKernels;
import io.edgessl.spi.PackedBank;
import io.edgessl.spi.PackedInt8Bank;
import java.util.Arrays;

/**
 * The pure-Java k-NN kernels: always available, and the reference that every native kernel is
 * tested against.
 *
 * <p>k-NN search is a blocked matrix product. For a chunk of queries that stays in cache, each bank
 * block ({@link PackedBank#BLOCK} vectors, transposed) is read once from memory and multiplied with
 * tiles of four queries by a 4 x 4 register-blocked micro-kernel: sixteen independent accumulators
 * hide the latency of float additions, which a single dot-product loop waits on. (The JIT does not
 * vectorize float reductions, and the vectorizable outer-product form is bound by the stores of its
 * running sums; measured on AVX-512 with JDK 25, the register-blocked form was fastest, near the
 * machine's scalar peak.) The scores of the block are then merged into each query's running top-k.
 *
 * <p>The sum over {@code d} runs in increasing order without fused multiply-add, so scores equal
 * those of a plain dot-product loop bit for bit.
 *
 * <p>INT8 search ({@link #searchPackedInt8}) has the same structure; its integer dot products are
 * exact, so its scores are those of every other implementation, bit for bit.
 */
public final class JavaKernels implements KnnKernels {
  /** Queries multiplied together by the micro-kernel. */
  static final int QUERY_TILE = 4;

  /** Queries whose rows stay in cache while the whole bank streams past them once. */
  static final int QUERY_CHUNK = 256;

  private static final JavaKernels INSTANCE = new JavaKernels();

  private JavaKernels() {}

  /** The single instance. */
  public static JavaKernels instance() {
    return INSTANCE;
  }

  @Override
  public String name() {
    return "java";
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
    final int block = PackedBank.BLOCK;
    final int blocks = PackedBank.blocks(count);
    Arrays.fill(outScores, 0, queryCount * k, Float.NEGATIVE_INFINITY);
    Arrays.fill(outSlots, 0, queryCount * k, -1);
    final int[] filled = new int[queryCount];
    final float[] scores = new float[QUERY_TILE * block];

    for (int q0 = 0; q0 < queryCount; q0 += QUERY_CHUNK) {
      final int qEnd = Math.min(queryCount, q0 + QUERY_CHUNK);
      for (int b = 0; b < blocks; b++) {
        final int base = b * dim * block;
        final int valid = Math.min(block, count - b * block);
        for (int t = q0; t < qEnd; t += QUERY_TILE) {
          final int tile = Math.min(QUERY_TILE, qEnd - t);
          final int qo = queryOffset + t * dim;
          if (tile == QUERY_TILE) {
            for (int j = 0; j < valid; j += 4) {
              dot4x4(bank, base + j, dim, queries, qo, scores, j);
            }
          } else {
            for (int q = 0; q < tile; q++) {
              for (int j = 0; j < valid; j += 4) {
                dot1x4(bank, base + j, dim, queries, qo + q * dim, scores, q * block + j);
              }
            }
          }
          for (int q = 0; q < tile; q++) {
            final int query = t + q;
            filled[query] =
                TopK.merge(
                    scores,
                    q * block,
                    valid,
                    b * block,
                    outScores,
                    outSlots,
                    query * k,
                    k,
                    filled[query]);
          }
        }
      }
    }
  }

  /**
   * Scores of four queries (rows at {@code qo}, {@code qo + dim}, ...) against four consecutive
   * bank columns starting at {@code p}, written to {@code scores[q * BLOCK + at + c]}.
   */
  private static void dot4x4(
      float[] bank, int p, int dim, float[] x, int qo, float[] scores, int at) {
    final int block = PackedBank.BLOCK;
    final int q0 = qo;
    final int q1 = q0 + dim;
    final int q2 = q1 + dim;
    final int q3 = q2 + dim;
    float s00 = 0, s01 = 0, s02 = 0, s03 = 0;
    float s10 = 0, s11 = 0, s12 = 0, s13 = 0;
    float s20 = 0, s21 = 0, s22 = 0, s23 = 0;
    float s30 = 0, s31 = 0, s32 = 0, s33 = 0;
    for (int d = 0; d < dim; d++, p += block) {
      final float a0 = x[q0 + d];
      final float a1 = x[q1 + d];
      final float a2 = x[q2 + d];
      final float a3 = x[q3 + d];
      final float c0 = bank[p];
      final float c1 = bank[p + 1];
      final float c2 = bank[p + 2];
      final float c3 = bank[p + 3];
      s00 += a0 * c0;
      s01 += a0 * c1;
      s02 += a0 * c2;
      s03 += a0 * c3;
      s10 += a1 * c0;
      s11 += a1 * c1;
      s12 += a1 * c2;
      s13 += a1 * c3;
      s20 += a2 * c0;
      s21 += a2 * c1;
      s22 += a2 * c2;
      s23 += a2 * c3;
      s30 += a3 * c0;
      s31 += a3 * c1;
      s32 += a3 * c2;
      s33 += a3 * c3;
    }
    scores[at] = s00;
    scores[at + 1] = s01;
    scores[at + 2] = s02;
    scores[at + 3] = s03;
    scores[block + at] = s10;
    scores[block + at + 1] = s11;
    scores[block + at + 2] = s12;
    scores[block + at + 3] = s13;
    scores[2 * block + at] = s20;
    scores[2 * block + at + 1] = s21;
    scores[2 * block + at + 2] = s22;
    scores[2 * block + at + 3] = s23;
    scores[3 * block + at] = s30;
    scores[3 * block + at + 1] = s31;
    scores[3 * block + at + 2] = s32;
    scores[3 * block + at + 3] = s33;
  }

  /** One query against four consecutive bank columns. */
  private static void dot1x4(
      float[] bank, int p, int dim, float[] x, int qo, float[] scores, int at) {
    final int block = PackedBank.BLOCK;
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int d = 0; d < dim; d++, p += block) {
      final float a = x[qo + d];
      s0 += a * bank[p];
      s1 += a * bank[p + 1];
      s2 += a * bank[p + 2];
      s3 += a * bank[p + 3];
    }
    scores[at] = s0;
    scores[at + 1] = s1;
    scores[at + 2] = s2;
    scores[at + 3] = s3;
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
    final int block = PackedInt8Bank.BLOCK;
    final int pdim = PackedInt8Bank.paddedDim(dim);
    final int blocks = PackedBank.blocks(count);
    Arrays.fill(outScores, 0, queryCount * k, Float.NEGATIVE_INFINITY);
    Arrays.fill(outSlots, 0, queryCount * k, -1);
    final int[] filled = new int[queryCount];
    final int[] dots = new int[QUERY_TILE * block];
    final float[] scores = new float[block];

    for (int q0 = 0; q0 < queryCount; q0 += QUERY_CHUNK) {
      final int qEnd = Math.min(queryCount, q0 + QUERY_CHUNK);
      for (int b = 0; b < blocks; b++) {
        final int base = b * pdim * block;
        final int valid = Math.min(block, count - b * block);
        for (int t = q0; t < qEnd; t += QUERY_TILE) {
          final int tile = Math.min(QUERY_TILE, qEnd - t);
          final int qo = (firstQuery + t) * pdim;
          if (tile == QUERY_TILE) {
            for (int j = 0; j < valid; j += 4) {
              idot4x4(bank, base + j * PackedInt8Bank.GROUP, pdim, queries, qo, dots, j);
            }
          } else {
            for (int q = 0; q < tile; q++) {
              for (int j = 0; j < valid; j += 4) {
                idot1x4(
                    bank,
                    base + j * PackedInt8Bank.GROUP,
                    pdim,
                    queries,
                    qo + q * pdim,
                    dots,
                    q * block + j);
              }
            }
          }
          for (int q = 0; q < tile; q++) {
            final int query = t + q;
            final float qs = queryScales[firstQuery + query];
            for (int j = 0; j < valid; j++) {
              // The score's definition (Kernels#searchPackedInt8): two float roundings.
              scores[j] = (float) dots[q * block + j] * (qs * bankScales[b * block + j]);
            }
            filled[query] =
                TopK.merge(
                    scores, 0, valid, b * block, outScores, outSlots, query * k, k, filled[query]);
          }
        }
      }
    }
  }

  /**
   * Components summed in {@code float} before the partial sum moves to an {@code int}: {@code 1024
   * * 127 * 127 < 2^24}, so every partial sum is an integer that a float holds exactly. (Float
   * accumulators live in vector registers; sixteen {@code int} accumulators spill out of the
   * general-purpose ones, which made the plain {@code int} loop twice as slow.)
   */
  static final int EXACT_FLOAT_SPAN = 1024;

  /**
   * Integer dot products of four INT8 queries (rows at {@code qo}, {@code qo + pdim}, ...) with
   * four consecutive slots whose first group of codes starts at {@code p}, written to {@code dots[q
   * * BLOCK + at + c]}.
   */
  private static void idot4x4(byte[] bank, int p, int pdim, byte[] x, int qo, int[] dots, int at) {
    final int step = PackedInt8Bank.GROUP * PackedInt8Bank.BLOCK;
    final int block = PackedInt8Bank.BLOCK;
    final int q1 = qo + pdim;
    final int q2 = q1 + pdim;
    final int q3 = q2 + pdim;
    for (int i = 0; i < 4; i++) {
      for (int c = 0; c < 4; c++) {
        dots[i * block + at + c] = 0;
      }
    }
    for (int g0 = 0; g0 < pdim; g0 += EXACT_FLOAT_SPAN) {
      final int gEnd = Math.min(pdim, g0 + EXACT_FLOAT_SPAN);
      float s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      float s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      float s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      float s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      int pp = p + g0 * block;
      for (int g = g0; g < gEnd; g += PackedInt8Bank.GROUP, pp += step) {
        for (int r = 0; r < PackedInt8Bank.GROUP; r++) {
          final float a0 = x[qo + g + r];
          final float a1 = x[q1 + g + r];
          final float a2 = x[q2 + g + r];
          final float a3 = x[q3 + g + r];
          final float c0 = bank[pp + r];
          final float c1 = bank[pp + 4 + r];
          final float c2 = bank[pp + 8 + r];
          final float c3 = bank[pp + 12 + r];
          s00 += a0 * c0;
          s01 += a0 * c1;
          s02 += a0 * c2;
          s03 += a0 * c3;
          s10 += a1 * c0;
          s11 += a1 * c1;
          s12 += a1 * c2;
          s13 += a1 * c3;
          s20 += a2 * c0;
          s21 += a2 * c1;
          s22 += a2 * c2;
          s23 += a2 * c3;
          s30 += a3 * c0;
          s31 += a3 * c1;
          s32 += a3 * c2;
          s33 += a3 * c3;
        }
      }
      dots[at] += (int) s00;
      dots[at + 1] += (int) s01;
      dots[at + 2] += (int) s02;
      dots[at + 3] += (int) s03;
      dots[block + at] += (int) s10;
      dots[block + at + 1] += (int) s11;
      dots[block + at + 2] += (int) s12;
      dots[block + at + 3] += (int) s13;
      dots[2 * block + at] += (int) s20;
      dots[2 * block + at + 1] += (int) s21;
      dots[2 * block + at + 2] += (int) s22;
      dots[2 * block + at + 3] += (int) s23;
      dots[3 * block + at] += (int) s30;
      dots[3 * block + at + 1] += (int) s31;
      dots[3 * block + at + 2] += (int) s32;
      dots[3 * block + at + 3] += (int) s33;
    }
  }

  /** One INT8 query against four consecutive slots (exact float spans as in {@link #idot4x4}). */
  private static void idot1x4(byte[] bank, int p, int pdim, byte[] x, int qo, int[] dots, int at) {
    final int step = PackedInt8Bank.GROUP * PackedInt8Bank.BLOCK;
    int t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    for (int g0 = 0; g0 < pdim; g0 += EXACT_FLOAT_SPAN) {
      final int gEnd = Math.min(pdim, g0 + EXACT_FLOAT_SPAN);
      float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      int pp = p + g0 * PackedInt8Bank.BLOCK;
      for (int g = g0; g < gEnd; g += PackedInt8Bank.GROUP, pp += step) {
        for (int r = 0; r < PackedInt8Bank.GROUP; r++) {
          final float a = x[qo + g + r];
          s0 += a * bank[pp + r];
          s1 += a * bank[pp + 4 + r];
          s2 += a * bank[pp + 8 + r];
          s3 += a * bank[pp + 12 + r];
        }
      }
      t0 += (int) s0;
      t1 += (int) s1;
      t2 += (int) s2;
      t3 += (int) s3;
    }
    dots[at] = t0;
    dots[at + 1] = t1;
    dots[at + 2] = t2;
    dots[at + 3] = t3;
  }

  /**
   * The baseline: one query at a time, one dot product per bank vector over a row-major bank
   * ({@code count} rows of {@code dim} floats). Same contract and same scores as {@link
   * #searchPacked}; kept as the reference for tests and the benchmark's baseline.
   */
  public static void searchRowMajor(
      float[] rows,
      int count,
      int dim,
      float[] queries,
      int queryOffset,
      int queryCount,
      int k,
      float[] outScores,
      int[] outSlots) {
    Arrays.fill(outScores, 0, queryCount * k, Float.NEGATIVE_INFINITY);
    Arrays.fill(outSlots, 0, queryCount * k, -1);
    final float[] one = new float[1];
    for (int q = 0; q < queryCount; q++) {
      int filled = 0;
      final int qo = queryOffset + q * dim;
      for (int i = 0; i < count; i++) {
        float s = 0f;
        final int ro = i * dim;
        for (int d = 0; d < dim; d++) {
          s += queries[qo + d] * rows[ro + d];
        }
        one[0] = s;
        filled = TopK.merge(one, 0, 1, i, outScores, outSlots, q * k, k, filled);
      }
    }
  }
}
