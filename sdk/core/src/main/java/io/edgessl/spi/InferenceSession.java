package io.edgessl.spi;

import io.edgessl.EdgeSslException;
import java.nio.FloatBuffer;

/**
 * A model loaded by a {@link Backend}, with its input and output buffers allocated once and reused
 * by every run: the caller writes samples straight into {@link #input()}, calls {@link #run}, and
 * reads {@link #output}, with no copy in between.
 *
 * <p>Buffers are direct and in native byte order. Sample {@code i} of the input occupies floats
 * {@code [i * size, (i + 1) * size)} where {@code size} is the input's {@link TensorSpec#size()};
 * outputs likewise. Output views are read-only and valid until the next {@link #run} or {@link
 * #close}; what they hold beyond the last run's batch is unspecified.
 *
 * <p>Not thread-safe: one run at a time. {@link #close()} releases every native resource the
 * session owns, exactly once; it is idempotent, and any other method after it throws {@link
 * IllegalStateException}.
 */
public interface InferenceSession extends AutoCloseable {

  /**
   * The largest batch {@link #run} takes.
   *
   * @return the largest batch, in samples
   */
  int maxBatch();

  /**
   * The input buffer: {@code maxBatch * input size} floats.
   *
   * @return the session's own direct buffer: the caller writes samples into it (absolute indices,
   *     sample {@code i} at {@code i * input size}) before each {@link #run}, and must not keep it
   *     after {@link #close()}
   */
  FloatBuffer input();

  /**
   * Runs the model on the first {@code batch} samples of {@link #input()}.
   *
   * @throws IllegalArgumentException when {@code batch} is not in {@code 1..maxBatch()}
   * @throws EdgeSslException {@code NATIVE_FAILURE} or {@code SHAPE_MISMATCH} when the runtime
   *     fails; the message names the model
   * @param batch the number of samples to run, from 1 to {@link #maxBatch()}
   */
  void run(int batch) throws EdgeSslException;

  /**
   * Output {@code index} of the {@link SessionSpec} (in its order) of the last run: {@code maxBatch
   * * output size} floats, read-only.
   *
   * @param index the output's position in {@link SessionSpec#outputs()}
   * @return the session's own buffer, overwritten by the next run; valid until {@link #close()}
   */
  FloatBuffer output(int index);

  @Override
  void close();
}
