package io.edgessl.onnx;

import java.util.Objects;

/**
 * A graph input or output: name, element type and declared shape.
 *
 * @param name tensor name
 * @param type element type
 * @param shape declared shape
 */
public record ValueInfo(String name, ElementType type, Shape shape) {
  /**
   * Checks the components.
   *
   * @throws NullPointerException when a component is {@code null}
   */
  public ValueInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(shape, "shape");
  }
}
