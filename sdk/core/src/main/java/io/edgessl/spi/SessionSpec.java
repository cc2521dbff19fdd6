package io.edgessl.spi;

import io.edgessl.bundle.Manifest;
import java.util.List;
import java.util.Objects;

/**
 * What a session must take and return: one float32 input and float32 outputs, each with a leading
 * batch dimension.
 *
 * @param input the input, shape per sample
 * @param outputs the outputs, in the order {@link InferenceSession#output(int)} numbers them
 */
public record SessionSpec(TensorSpec input, List<TensorSpec> outputs) {
  /**
   * Checks and copies the outputs.
   *
   * @throws IllegalArgumentException when there is no output
   */
  public SessionSpec {
    Objects.requireNonNull(input, "input");
    outputs = List.copyOf(outputs);
    if (outputs.isEmpty()) {
      throw new IllegalArgumentException("a session needs at least one output");
    }
  }

  /**
   * What every precision's model of a bundle takes and returns, by its manifest: the input {@code
   * [C, height, width]}, the embedding {@code [embedding_size]} (output 0) and the patch grid
   * {@code [grid_h, grid_w, patch_feature_size]} (output 1). The one place a manifest becomes a
   * spec.
   *
   * @param m the bundle's manifest
   * @return the spec: input, embedding output, patch grid output
   */
  public static SessionSpec of(Manifest m) {
    return new SessionSpec(
        new TensorSpec(
            m.inputName(),
            m.preprocessing().channels(),
            m.preprocessing().height(),
            m.preprocessing().width()),
        List.of(
            new TensorSpec(m.embeddingOutput(), m.embeddingSize()),
            new TensorSpec(
                m.patchGridOutput(), m.gridHeight(), m.gridWidth(), m.patchFeatureSize())));
  }
}
