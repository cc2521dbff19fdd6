package io.edgessl;

/** What kind of runtime failure an {@link EdgeSslException} reports. */
public enum ErrorCode {
  /** A file that should exist does not, or cannot be read. */
  FILE_NOT_FOUND,
  /**
   * A file exists but its content is not what it claims to be (bad magic, truncated, bad checksum).
   */
  CORRUPT_FILE,
  /** A file is valid but was written by a format version this build does not read. */
  UNSUPPORTED_VERSION,
  /** Shapes or dimensions disagree (an index of another dimension, a frame of another size). */
  SHAPE_MISMATCH,
  /** A model could not be loaded or run by the backend. */
  INVALID_MODEL,
  /** No backend or kernel provider can do what was asked on this machine. */
  UNAVAILABLE,
  /** A native library returned an error. */
  NATIVE_FAILURE,
  /** An I/O operation failed for another reason. */
  IO,
  /**
   * Trusted keys are configured and a model bundle is not signed, its signature does not verify, or
   * it was signed by a key that is not trusted.
   */
  UNTRUSTED,
}
