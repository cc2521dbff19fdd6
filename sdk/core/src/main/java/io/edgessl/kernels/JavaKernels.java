package io.edgessl.kernels;

import io.edgessl.spi.Kernels;
import io.edgessl.spi.PackedBank;
import java.util.Arrays;

/**
 * The pure-Java kernels: always available, and the reference that every native kernel is tested
 * against.
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
 */
public final class JavaKernels implements Kernels {
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
