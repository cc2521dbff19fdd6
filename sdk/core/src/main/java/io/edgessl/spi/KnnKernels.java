package io.edgessl.spi;

/**
 * The k-NN kernels: exact maximum-inner-product search over packed banks. One implementation is
 * pure Java (always present); others (the native module's C kernels) plug in through {@link
 * KernelsProvider#knn()}.
 *
 * <p>Implementations are stateless and thread-safe. No kernel touches memory before its arguments
 * are checked: the k-NN searches check their own with {@code
 * io.edgessl.internal.kernels.KernelChecks} (throwing {@link IllegalArgumentException} for a
 * negative size or a too-small array), and native implementations check everything their callers
 * may not have, since a bad size would otherwise corrupt memory rather than throw.
 */
public interface KnnKernels {

  /**
   * A short name for logs and benchmarks, e.g. {@code "java"} or {@code "native-avx512"}.
   *
   * @return the name
   */
  String name();

  /**
   * Exact maximum-inner-product search over a bank in the {@link PackedBank} layout.
   *
   * <p>For each of {@code queryCount} queries (row-major, {@code dim} floats each, starting at
   * {@code queries[queryOffset]}) finds the {@code min(k, count)} bank slots with the largest inner
   * product and writes them to {@code outScores[q * k + r]} and {@code outSlots[q * k + r]} in
   * descending order of score; equal scores keep the lower slot first. When {@code count < k} the
   * remaining entries are set to {@code -Infinity} and {@code -1}.
   *
   * <p>Scores are computed in float, summing over the dimension in increasing order, so every
   * implementation that honours this contract returns the same neighbours; float results may differ
   * in the last bits when an implementation fuses multiply-adds (native SIMD variants do) or
   * reassociates the sum, and then neighbours may swap at near-ties.
   *
   * @param bank packed bank, length {@code >= PackedBank.length(count, dim)}
   * @param count number of vectors in the bank
   * @param dim vector dimension
   * @param queries query vectors, row-major
   * @param queryOffset index of the first float of the first query
   * @param queryCount number of queries
   * @param k neighbours per query, {@code >= 1}
   * @param outScores {@code queryCount * k} scores
   * @param outSlots {@code queryCount * k} bank slots
   */
  void searchPacked(
      float[] bank,
      int count,
      int dim,
      float[] queries,
      int queryOffset,
      int queryCount,
      int k,
      float[] outScores,
      int[] outSlots);

  /**
   * Exact maximum-inner-product search over an INT8 bank in the {@link PackedInt8Bank} layout, with
   * the contract of {@link #searchPacked} otherwise.
   *
   * <p>The score of query {@code q} and slot {@code s} is {@code (float) dot * (queryScales[q] *
   * bankScales[s])}, where {@code dot} is the exact integer inner product of their codes over
   * {@code PackedInt8Bank.paddedDim(dim)} components: every implementation returns the same scores
   * and neighbours, bit for bit.
   *
   * @param bank packed codes, length {@code >= PackedInt8Bank.length(count, dim)}
   * @param bankScales one scale per slot, length {@code >= count}
   * @param count number of vectors in the bank
   * @param dim vector dimension, at most {@link PackedInt8Bank#MAX_DIM}
   * @param queries query codes in rows of {@code PackedInt8Bank.paddedDim(dim)} bytes
   * @param queryScales one scale per query row
   * @param firstQuery index of the first query row (of its codes and of its scale)
   * @param queryCount number of queries
   * @param k neighbours per query, {@code >= 1}
   * @param outScores {@code queryCount * k} scores
   * @param outSlots {@code queryCount * k} bank slots
   */
  void searchPackedInt8(
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
      int[] outSlots);
}
