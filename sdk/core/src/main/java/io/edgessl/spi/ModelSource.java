package io.edgessl.spi;

import java.util.Objects;

/**
 * A model's bytes, as a backend receives them.
 *
 * @param name how messages name it, e.g. {@code vit.edgessl!encoder.fp32.onnx}
 * @param bytes the ONNX model (not copied; backends must not modify it)
 * @param sha256 its SHA-256, lower-case hex: a key for caches of compiled engines
 */
public record ModelSource(String name, byte[] bytes, String sha256) {
  /**
   * Checks that no component is null; {@code bytes} is kept, not copied.
   *
   * @throws NullPointerException if a component is null
   */
  public ModelSource {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(sha256, "sha256");
  }
}
