package io.edgessl.bundle;

import java.util.Objects;

/**
 * Where a model comes from.
 *
 * @param method how it was trained, e.g. {@code dino}, {@code mae}, or {@code random-init} for
 *     untrained test models
 * @param data what it was trained on, e.g. {@code fashion-mnist/train}
 * @param steps optimizer steps
 * @param commit the source revision of the code that trained and exported it ({@code unknown} when
 *     not in version control)
 */
public record Provenance(String method, String data, long steps, String commit) {
  /**
   * Checks the components.
   *
   * @throws NullPointerException if {@code method}, {@code data} or {@code commit} is null
   * @throws IllegalArgumentException if one of them is empty or {@code steps} is negative
   */
  public Provenance {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(commit, "commit");
    if (method.isEmpty() || data.isEmpty() || commit.isEmpty()) {
      throw new IllegalArgumentException("provenance method, data and commit must not be empty");
    }
    if (steps < 0) {
      throw new IllegalArgumentException("provenance steps must not be negative: " + steps);
    }
  }
}
