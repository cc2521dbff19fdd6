package io.edgessl;

import java.util.Objects;

/**
 * A runtime failure that a caller can reasonably handle: a missing or corrupt file, a model the
 * backend rejects, a native failure. Programming errors (a negative {@code k}, arrays of the wrong
 * length) are reported with {@link IllegalArgumentException} instead.
 *
 * <p>The message always names the file, value or operation concerned.
 */
public class EdgeSslException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * The kind of failure, never null.
   *
   * @serial
   */
  private final ErrorCode code;

  /**
   * A failure of kind {@code code}.
   *
   * @param code the kind of failure, not null
   * @param message what failed, naming the file, value or operation
   */
  public EdgeSslException(ErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /**
   * A failure of kind {@code code} caused by another exception.
   *
   * @param code the kind of failure, not null
   * @param message what failed, naming the file, value or operation
   * @param cause the underlying exception, e.g. an {@link java.io.IOException}, or null
   */
  public EdgeSslException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /**
   * The kind of failure.
   *
   * @return the error code, never null
   */
  public ErrorCode code() {
    return code;
  }
}
