package io.edgessl.train.bench;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link SoakBench} runs and the bounds it holds the memory and resource slopes to.
 *
 * @param model the bundle whose encoder embeds every frame
 * @param backend inference backend (e.g. {@code onnxruntime}); null: the best available
 * @param kernels SDK kernels (preprocessing and k-NN): {@code native}, {@code java}
 * @param frames frames to push through encoder and classifier
 * @param sampleEvery frames between samples (a sample is also taken before the first frame)
 * @param warmupSamples samples left out of the slopes (class loading, JIT, pools filling up)
 * @param bank examples enrolled before the run; the periodic enrolments keep the bank at about this
 *     size by forgetting the oldest
 * @param enrollEvery frames between an enrolment of the current frame and the forgetting of the
 *     oldest example; 0: never
 * @param k neighbours of the classifier
 * @param bounds the largest slope allowed per 10 000 frames; null: report only
 */
public record SoakConfig(
    Path model,
    String backend,
    String kernels,
    int frames,
    int sampleEvery,
    int warmupSamples,
    int bank,
    int enrollEvery,
    int k,
    Bounds bounds) {

  /**
   * The largest slopes allowed, per 10 000 frames.
   *
   * @param heapMiB heap used after a full GC, MiB
   * @param nativeMiB native memory committed (NMT total), MiB; checked only when NMT is on
   * @param rssMiB resident set size, MiB
   * @param fds open file descriptors
   * @param threads live threads
   */
  public record Bounds(
      double heapMiB, double nativeMiB, double rssMiB, double fds, double threads) {
    /** The bounds of {@code scripts/soak}: well under a leak of one small buffer per frame. */
    public static Bounds defaults() {
      return new Bounds(0.5, 1.0, 2.0, 0.1, 0.1);
    }
  }

  /**
   * @throws IllegalArgumentException for a value out of range
   */
  public SoakConfig {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(kernels, "kernels");
    if (frames <= 0 || sampleEvery <= 0 || warmupSamples < 0 || bank <= 0 || enrollEvery < 0) {
      throw new IllegalArgumentException(
          "--frames, --sample-every and --bank must be positive, --warmup-samples and"
              + " --enroll-every not negative");
    }
    if (k <= 0) {
      throw new IllegalArgumentException("k must be positive: " + k);
    }
  }

  /** Samples taken: one before the first frame and one after every {@code sampleEvery} frames. */
  public int samples() {
    return 1 + frames / sampleEvery;
  }
}
