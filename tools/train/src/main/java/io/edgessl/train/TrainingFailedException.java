package io.edgessl.train;

/**
 * A training run that cannot go on: the loss is no longer finite (it diverged) or the embeddings
 * collapsed to a point (the collapse guard). The message names the epoch and step and what to
 * change; the last checkpoint written before it is intact.
 */
public final class TrainingFailedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the run stopped. */
  public enum Reason {
    /** The loss became NaN or infinite. */
    DIVERGED,
    /** The embeddings' spread across the batch stayed below the collapse threshold. */
    COLLAPSED
  }

  private final Reason reason;

  /** A failure for {@code reason}, described by {@code message}. */
  public TrainingFailedException(Reason reason, String message) {
    this(reason, message, null);
  }

  /** A failure for {@code reason}, described by {@code message}, caused by {@code cause}. */
  public TrainingFailedException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Why the run stopped. */
  public Reason reason() {
    return reason;
  }
}
