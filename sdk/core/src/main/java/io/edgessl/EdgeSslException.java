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

  private final ErrorCode code;

  public EdgeSslException(ErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public EdgeSslException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The kind of failure. */
  public ErrorCode code() {
    return code;
  }
}
