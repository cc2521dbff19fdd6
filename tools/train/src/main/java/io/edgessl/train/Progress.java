package io.edgessl.train;

/**
 * Where the library reports how far long work has got: training epochs, embedding a data set, a
 * k-NN search, calibration, timing runs. The command line draws a progress bar from it; a library
 * user passes {@link #NONE} or their own (a log line, a UI). Implementations must be thread-safe:
 * {@link Task#step} is called from worker threads.
 *
 * {@snippet :
 * try (Progress.Task t = progress.start("embedding train", images.count())) {
 *   for (...) { ...; t.step(1); }
 * }
 * }
 */
public interface Progress {
  /** Reports nothing. */
  Progress NONE = (what, total) -> new Task() {};

  /**
   * Starts a piece of work of {@code total} units (images, steps, queries), named for a person
   * ({@code "epoch 3/100"}). The caller closes the task when the work ends, also on failure.
   */
  Task start(String what, long total);

  /** One piece of work in progress. */
  interface Task extends AutoCloseable {
    /** Records {@code n} more units done. */
    default void step(long n) {}

    /** Ends the piece of work. Idempotent. */
    @Override
    default void close() {}
  }
}
