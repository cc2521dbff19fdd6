package io.edgessl.spi;

import io.edgessl.encoder.OptimizationLevel;
import java.util.Objects;

/**
 * How a backend runs a session.
 *
 * @param threads threads one inference uses; 0 lets the backend decide (ONNX Runtime: one per
 *     physical core)
 * @param optimization graph optimization level
 * @param maxBatch the largest batch one {@link InferenceSession#run} takes; input and output
 *     buffers are sized for it
 */
public record SessionOptions(int threads, OptimizationLevel optimization, int maxBatch) {
  /** Backend-chosen threads, all optimizations, batches of up to 8. */
  public static final SessionOptions DEFAULT = new SessionOptions(0, OptimizationLevel.ALL, 8);

  /**
   * Checks the components.
   *
   * @throws NullPointerException if {@code optimization} is null
   * @throws IllegalArgumentException if {@code threads < 0} or {@code maxBatch} is not in 1..4096
   */
  public SessionOptions {
    Objects.requireNonNull(optimization, "optimization");
    if (threads < 0) {
      throw new IllegalArgumentException("threads must not be negative: " + threads);
    }
    if (maxBatch < 1 || maxBatch > 4096) {
      throw new IllegalArgumentException("maxBatch must be in 1..4096: " + maxBatch);
    }
  }
}
