package io.edgessl.knn;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for the chunks of a parallel search. */
final class Futures {
  private Futures() {}

  /**
   * Waits for every future; rethrows a task's unchecked exception or error as it is. On interrupt,
   * cancels the rest, keeps the interrupt status and throws {@link IllegalStateException} ("{@code
   * what} interrupted").
   */
  static void awaitAll(List<Future<?>> futures, String what) {
    try {
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException(cause);
    }
  }
}
