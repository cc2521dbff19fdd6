package io.edgessl.onnx.quant;

import java.util.List;
import java.util.Objects;

/**
 * One operator that INT8 quantization turns into integer arithmetic: a MatMul, Gemm or Conv of a
 * prepared graph ({@link GraphPreparation}), what it reads and how each input is quantized.
 *
 * @param node the node's name: how options and reports name the layer
 * @param opType {@code MatMul}, {@code Gemm} or {@code Conv}
 * @param activations the inputs computed at run time, quantized per tensor with calibrated ranges
 *     (one for a layer with weights, two for a product of activations such as attention's {@code q
 *     k^T}); copied into an unmodifiable list
 * @param weight the constant input quantized per channel (symmetric), or {@code null}
 * @param weightAxis the axis of {@code weight} that holds output channels, or -1 for one scale
 * @param output the output quantized too (a Conv's, which ONNX Runtime's integer convolution
 *     needs), or {@code null}
 */
public record QuantLayer(
    String node,
    String opType,
    List<String> activations,
    String weight,
    int weightAxis,
    String output) {
  /**
   * Checks the components and copies {@code activations}.
   *
   * @throws NullPointerException when {@code node}, {@code opType} or {@code activations} (or one
   *     of its names) is {@code null}
   */
  public QuantLayer {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(opType, "opType");
    activations = List.copyOf(activations);
  }

  /**
   * {@return a short description: {@code MatMul x x blocks.0.attn.qkv.weight} for a layer with
   * weights, {@code MatMul a x b} for a product of activations}
   */
  public String describe() {
    if (weight != null) {
      return opType + " " + String.join(", ", activations) + " x " + weight;
    }
    return opType + " " + String.join(" x ", activations);
  }
}
