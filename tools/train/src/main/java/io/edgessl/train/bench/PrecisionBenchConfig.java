package io.edgessl.train.bench;

import io.edgessl.bundle.Precision;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link PrecisionBench} compares.
 *
 * @param bundle the bundle, with its FP32 model and the others to compare
 * @param precisions the precisions to compare, or null for every one the bundle has
 * @param k neighbours of the k-NN vote
 * @param temperature vote temperature
 * @param threads inference thread counts of the timed runs, one row each
 * @param batch frames per inference in the timed runs
 * @param frames test images per timed run
 * @param runs timed runs per precision (the median is reported)
 * @param warmup untimed runs first
 * @param profile a directory for ONNX Runtime's profiles and optimized graphs, or null
 */
public record PrecisionBenchConfig(
    Path bundle,
    List<Precision> precisions,
    int k,
    double temperature,
    List<Integer> threads,
    int batch,
    int frames,
    int runs,
    int warmup,
    Path profile) {

  /**
   * @throws IllegalArgumentException for a value out of range
   */
  public PrecisionBenchConfig {
    Objects.requireNonNull(bundle, "bundle");
    precisions = precisions == null ? null : List.copyOf(precisions);
    threads = List.copyOf(threads);
    if (frames <= 0 || runs <= 0 || warmup < 0 || batch <= 0 || batch > frames || k <= 0) {
      throw new IllegalArgumentException(
          "--frames, --runs, -k and --batch must be positive, --batch at most --frames, --warmup"
              + " not negative");
    }
    for (int t : threads) {
      if (t <= 0) {
        throw new IllegalArgumentException("--threads must be positive: " + t);
      }
    }
  }

  /** The defaults of {@code edgessl bench precision}: DINO's k-NN, one thread, batches of 8. */
  public static PrecisionBenchConfig defaults(Path bundle) {
    return new PrecisionBenchConfig(bundle, null, 20, 0.07, List.of(1), 8, 64, 7, 2, null);
  }
}
