package io.edgessl.train.bench;

import io.edgessl.image.PixelFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * What {@link EncoderBench} measures.
 *
 * @param model the bundle to time, or null for a ViT-Tiny/16 at 224 x 224 with seeded random
 *     weights, generated for the run (speed does not depend on the weights' values)
 * @param width width of the camera frames fed in, pixels
 * @param height height of the camera frames, pixels
 * @param format pixel format of the frames
 * @param batches batch sizes, each in 1..{@code frames}
 * @param threads inference thread counts; null: 1 and all processors
 * @param frames frames per timed run
 * @param runs timed runs per measurement (the median is reported)
 * @param warmup untimed runs first
 * @param kernels preprocessing kernels to compare in the same run ({@code java}, {@code native});
 *     null or empty: the kernels this JVM selected
 */
public record EncoderBenchConfig(
    Path model,
    int width,
    int height,
    PixelFormat format,
    List<Integer> batches,
    List<Integer> threads,
    int frames,
    int runs,
    int warmup,
    List<String> kernels) {

  /**
   * @throws IllegalArgumentException for a value out of range or an unknown kernels name
   */
  public EncoderBenchConfig {
    Objects.requireNonNull(format, "format");
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("frame size must be positive: " + width + "x" + height);
    }
    batches = List.copyOf(batches);
    threads =
        List.copyOf(
            threads != null
                ? threads
                : new ArrayList<>(
                    new LinkedHashSet<>(List.of(1, Runtime.getRuntime().availableProcessors()))));
    kernels = kernels == null ? List.of() : List.copyOf(kernels);
    if (frames <= 0 || runs <= 0 || warmup < 0 || batches.isEmpty()) {
      throw new IllegalArgumentException(
          "--frames and --runs must be positive, --warmup not negative, --batch not empty");
    }
    for (int b : batches) {
      if (b <= 0 || b > frames) {
        throw new IllegalArgumentException(
            "batch sizes must be in 1..--frames (" + frames + "): " + b);
      }
    }
    for (int t : threads) {
      if (t <= 0) {
        throw new IllegalArgumentException("--threads must be positive: " + t);
      }
    }
    BenchKernels.check(kernels);
  }

  /**
   * The defaults of {@code edgessl bench encoder}: 640 x 480 RGB frames, batches of 1 and 8, 32
   * frames per run, median of 5 runs after 2 warm-up runs, the selected kernels.
   */
  public static EncoderBenchConfig defaults(Path model) {
    return new EncoderBenchConfig(
        model, 640, 480, PixelFormat.RGB, List.of(1, 8), null, 32, 5, 2, null);
  }

  /** The largest batch size. */
  public int maxBatch() {
    return batches.stream().mapToInt(Integer::intValue).max().getAsInt();
  }
}
