package io.edgessl.spi;

import java.util.List;
import java.util.Objects;

/**
 * What a session must take and return: one float32 input and float32 outputs, each with a leading
 * batch dimension.
 */
public record SessionSpec(TensorSpec input, List<TensorSpec> outputs) {
  public SessionSpec {
    Objects.requireNonNull(input, "input");
    outputs = List.copyOf(outputs);
    if (outputs.isEmpty()) {
      throw new IllegalArgumentException("a session needs at least one output");
    }
  }
}
