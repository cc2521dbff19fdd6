package io.edgessl.bundle;

import java.util.Locale;

/**
 * The numeric precision of a model variant in a bundle. Precision lives in the graph: an FP16 model
 * computes in half precision inside (LayerNormalization and Softmax stay FP32), an INT8 model
 * carries QuantizeLinear / DequantizeLinear pairs; every variant takes and returns float32 tensors.
 */
public enum Precision {
  /** 32-bit floats throughout: the reference. */
  FP32,
  /** Half precision inside the graph, float32 at its inputs and outputs. */
  FP16,
  /** 8-bit integer weights and activations (QDQ), float32 at its inputs and outputs. */
  INT8;

  /**
   * The name used in manifests and on the command line: {@code fp32}, {@code fp16}, {@code int8}.
   *
   * @return the lower-case name
   */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The precision named {@code id} ({@code fp32}, {@code fp16} or {@code int8}, any case).
   *
   * @throws IllegalArgumentException for any other name
   * @param id the name
   * @return the precision
   */
  public static Precision parse(String id) {
    for (Precision p : values()) {
      if (p.id().equalsIgnoreCase(id)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown precision '" + id + "'; expected fp32, fp16 or int8");
  }
}
