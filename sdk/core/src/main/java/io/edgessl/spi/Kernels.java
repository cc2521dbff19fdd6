package io.edgessl.spi;

/**
 * The compute kernels on EdgeSSL's hot paths. One implementation is pure Java (always present);
 * others (the native module's C kernels) plug in through {@link KernelsProvider}.
 *
 * <p>Implementations are stateless and thread-safe. Callers have checked every argument before the
 * call (see {@code io.edgessl.kernels.KernelChecks}); implementations may assume valid input.
 */
public interface Kernels {

  /** A short name for logs and benchmarks, e.g. {@code "java"} or {@code "native-avx512"}. */
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
   * in the last bits when an implementation reassociates the sum (native SIMD does).
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
}
