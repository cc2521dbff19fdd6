package io.edgessl.train.bench;

import java.util.List;

/**
 * What {@link KnnBench} measures.
 *
 * @param queries queries for the blocked kernels
 * @param naiveQueries queries for the naive per-query loop (it is slow); at most {@code queries}
 * @param k neighbours (at most the bank size is used)
 * @param runs timed runs per method (the median is reported)
 * @param warmup untimed runs first
 * @param precisions bank precisions: {@code fp32}, {@code int8}
 * @param rerank also measure an INT8 index that rescores the {@code rerank * k} best INT8
 *     candidates in FP32; 0: don't
 * @param kernels kernels to measure: {@code java}, {@code native}
 * @param allVariants measure every native variant this CPU runs, not only the fastest
 */
public record KnnBenchConfig(
    int queries,
    int naiveQueries,
    int k,
    int runs,
    int warmup,
    List<String> precisions,
    int rerank,
    List<String> kernels,
    boolean allVariants) {

  /**
   * @throws IllegalArgumentException for a value out of range or an unknown name
   */
  public KnnBenchConfig {
    precisions = List.copyOf(precisions);
    kernels = List.copyOf(kernels);
    if (k <= 0 || queries <= 0 || naiveQueries <= 0 || runs <= 0 || warmup < 0 || rerank < 0) {
      throw new IllegalArgumentException(
          "k, --queries, --naive-queries and --runs must be positive, --warmup and --rerank not"
              + " negative");
    }
    BenchKernels.check(kernels);
    for (String p : precisions) {
      if (!p.equals("fp32") && !p.equals("int8")) {
        throw new IllegalArgumentException(
            "unknown bank precision '" + p + "'; expected fp32 or int8");
      }
    }
  }

  /** The defaults of {@code edgessl bench knn}. */
  public static KnnBenchConfig defaults() {
    return new KnnBenchConfig(
        2000, 200, 20, 5, 2, List.of("fp32", "int8"), 2, List.of("java", "native"), false);
  }
}
