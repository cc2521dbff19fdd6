package io.edgessl.onnx.canon;

import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;

/**
 * Raising a graph's default-domain opset without rewriting its nodes, where the operators it uses
 * mean the same at the new opset.
 */
public final class Opsets {
  private Opsets() {}

  /** The first opset with LayerNormalization. */
  static final int LAYER_NORM_OPSET = 17;

  /** The IR version that defines opset 17 (ONNX 1.12). */
  private static final long IR_VERSION_17 = 8;

  /**
   * Raises the default-domain opset of a graph at opset 13 to 16 to 17, the first with
   * LayerNormalization, when every node means at 17 what it meant at the graph's opset; the IR
   * version goes up to 8 if it is below (opset 17 is defined from IR version 8). Nodes are not
   * changed. Below 13 it refuses: opset 13 changed Softmax, LogSoftmax and Hardmax from a 2-D
   * coercion to one axis and moved Split's, Squeeze's, Unsqueeze's and ReduceSum's axes from
   * attributes to inputs, which would need the nodes rewritten.
   *
   * <p>Checked against the ONNX operator changelog (docs/Changelog.md), opsets 14 to 17:
   *
   * <ul>
   *   <li>Opset 14: HardSwish, Trilu new; Add, Sub, Mul, Div, CumSum, Relu, Identity gained types;
   *       Reshape gained {@code allowzero}, GRU, LSTM and RNN {@code layout}, both defaulting to
   *       the old behaviour. BatchNormalization gained {@code training_mode} and dropped the
   *       saved-mean / saved-variance outputs, so a BatchNormalization with more than its one
   *       inference output is <b>refused</b> when raising from 13.
   *   <li>Opset 15: Bernoulli, CastLike, Optional, OptionalGetElement, OptionalHasElement new;
   *       BatchNormalization and Pow gained types; Shape gained {@code start} / {@code end},
   *       defaulting to the whole shape.
   *   <li>Opset 16: GridSample new; Identity, If, Loop, Scan, LeakyRelu, PRelu, Where,
   *       GreaterOrEqual, LessOrEqual gained types; ScatterElements and ScatterND gained {@code
   *       reduction}, defaulting to none (the old behaviour). RoiAlign gained {@code
   *       coordinate_transformation_mode} whose default, {@code half_pixel}, shifts the input
   *       coordinates where RoiAlign-10 did not, so RoiAlign is <b>refused</b> when raising from
   *       below 16.
   *   <li>Opset 17: LayerNormalization, SequenceMap, DFT, STFT, BlackmanWindow, HammingWindow,
   *       HannWindow, MelWeightMatrix new; nothing changed.
   * </ul>
   *
   * Nodes of other domains ({@code com.microsoft}...) have their own opsets and are not affected.
   *
   * @param g the graph, edited in place (its opset, and IR version where needed)
   * @return 1 when the opset was raised, 0 when it was 17 or later already
   * @throws IllegalStateException naming the operator (and node) when a node's semantics changed
   *     between the graph's opset and 17, or when the opset is below 13; the graph is then
   *     unchanged
   */
  public static int raiseTo17(OnnxGraph g) {
    int from = g.opset();
    if (from >= LAYER_NORM_OPSET) {
      return 0;
    }
    if (from < 13) {
      throw new IllegalStateException(
          "cannot raise opset "
              + from
              + " to 17 without rewriting nodes (opset 13 changed Softmax's axis semantics and"
              + " moved Split/Squeeze/Unsqueeze/ReduceSum axes to inputs)");
    }
    for (Node n : g.nodes()) {
      if (!Constants.defaultDomain(n)) {
        continue;
      }
      String why = changed(n, from);
      if (why != null) {
        throw new IllegalStateException(
            "cannot raise opset "
                + from
                + " to 17: operator "
                + n.opType()
                + " (node '"
                + n.name()
                + "') "
                + why);
      }
    }
    g.opset(LAYER_NORM_OPSET);
    if (g.irVersion() < IR_VERSION_17) {
      g.irVersion(IR_VERSION_17);
    }
    return 1;
  }

  /** Why {@code n} means something else at opset 17 than at {@code from}; null when it does not. */
  private static String changed(Node n, int from) {
    switch (n.opType()) {
      case "RoiAlign":
        return from < 16
            ? "changed its default coordinate_transformation_mode to half_pixel in opset 16"
            : null;
      case "BatchNormalization":
        if (from < 14) {
          long outs = n.outputs().stream().filter(o -> !o.isEmpty()).count();
          return outs > 1 ? "replaced its training outputs in opset 14" : null;
        }
        return null;
      default:
        return null;
    }
  }
}
