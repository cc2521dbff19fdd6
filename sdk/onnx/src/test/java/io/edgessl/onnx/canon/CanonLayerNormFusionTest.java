package io.edgessl.onnx.canon;

import static io.edgessl.onnx.canon.CanonFixtures.count;
import static io.edgessl.onnx.canon.CanonFixtures.counts;
import static io.edgessl.onnx.canon.CanonFixtures.input;
import static io.edgessl.onnx.canon.CanonFixtures.sameOutputs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.onnx.Attribute;
import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Ops;
import io.edgessl.onnx.Shape;
import io.edgessl.onnx.Tensor;
import io.edgessl.onnx.testing.ReferenceEvaluator.Nd;
import io.edgessl.onnx.testing.TorchExportGraphs;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CanonLayerNormFusionTest {
  /** Norms in a 2-block encoder: two per block and the final one. */
  private static final int NORMS = 5;

  private static OnnxGraph cleaned(int opset, boolean mulSquare) {
    OnnxGraph g = TorchExportGraphs.vit(opset, 2, mulSquare, 1);
    GraphCleanup.constantsToInitializers(g);
    GraphCleanup.removeIdentities(g);
    GraphCleanup.removeDeadNodes(g);
    return g;
  }

  private static void assertFused(OnnxGraph before, OnnxGraph g) {
    assertEquals(NORMS, count(g, "LayerNormalization"), counts(g).toString());
    for (String op : List.of("ReduceMean", "Sub", "Pow", "Sqrt")) {
      assertEquals(0, count(g, op), op + " left: " + counts(g));
    }
    // What stays: the attention's scale, GELU's two Muls; the biases, GELU's +1, residuals.
    assertEquals(2 * 3, count(g, "Mul"), counts(g).toString());
    assertEquals(1 + 2 * (4 + 1 + 2), count(g, "Add"), counts(g).toString());
    for (Node n : g.nodes()) {
      if (n.opType().equals("LayerNormalization")) {
        assertEquals(-1L, n.attribute("axis").orElseThrow().asLong());
        assertEquals(TorchExportGraphs.EPS, n.attribute("epsilon").orElseThrow().asFloat());
        assertTrue(n.input(1).endsWith(".weight") && n.input(2).endsWith(".bias"), n.toString());
      }
    }
    assertEquals("LayerNormalization", g.producer("tokens").orElseThrow().opType());
    assertTrue(g.opset() >= 17);
    assertTrue(g.irVersion() >= 8);
    sameOutputs(before, g, input(3), 1e-5);
  }

  @Test
  void opset14ExportIsRaisedTo17AndEveryNormFused() {
    OnnxGraph g = cleaned(14, false);
    OnnxGraph before = g.copy();
    assertEquals(5 * 2, count(g, "ReduceMean"));
    assertEquals(NORMS, LayerNormFusion.apply(g));
    assertEquals(17, g.opset());
    assertFused(before, g);
    // The exponents and epsilons were read by the fused nodes alone: they are gone.
    for (var t : g.initializers().values()) {
      boolean scalar = t.count() == 1 && t.type() == ElementType.FLOAT;
      assertTrue(
          !scalar || t.toFloats()[0] != 2f && t.toFloats()[0] != TorchExportGraphs.EPS, t.name());
    }
    assertEquals(0, LayerNormFusion.apply(g), "idempotent");
  }

  @Test
  void constantNodesAreReadToo() {
    OnnxGraph g = TorchExportGraphs.vit(14, 2, false, 1);
    OnnxGraph before = g.copy();
    int constants = count(g, "Constant");
    assertEquals(NORMS, LayerNormFusion.apply(g));
    assertFused(before, g);
    assertEquals(constants - 2 * NORMS, count(g, "Constant"), "exponent and epsilon Constants");
  }

  @Test
  void mulSquareAndOpset18AxesInputsAreFused() {
    OnnxGraph m = cleaned(14, true);
    OnnxGraph before = m.copy();
    assertEquals(0, count(m, "Pow"));
    assertEquals(NORMS, LayerNormFusion.apply(m));
    assertFused(before, m);

    OnnxGraph g = cleaned(18, false);
    before = g.copy();
    assertEquals(NORMS, LayerNormFusion.apply(g));
    assertEquals(18, g.opset(), "not lowered");
    assertFused(before, g);
  }

  @Test
  void anIntermediateReadElsewhereBlocksThatNormOnly() {
    OnnxGraph g = cleaned(14, false);
    // Block 1's norm2 variance also read by a new graph output.
    Node var = null;
    for (Node n : g.nodes()) {
      if (n.opType().equals("ReduceMean") && n.name().startsWith("/blocks.1/norm2/")) {
        var = n;
      }
    }
    String v = var.output(0);
    Node sqrt = g.node("Sqrt", List.of(v), List.of("extra"));
    sqrt.name("extra");
    g.output("extra", ElementType.FLOAT, Shape.batched("N", TorchExportGraphs.TOKENS, 1));
    OnnxGraph before = g.copy();
    assertEquals(NORMS - 1, LayerNormFusion.apply(g));
    assertEquals(NORMS - 1, count(g, "LayerNormalization"));
    assertEquals(2, count(g, "ReduceMean"), "the blocked norm's two means stay");
    assertEquals(1, count(g, "Pow"));
    sameOutputs(before, g, input(4), 1e-5);
    assertEquals(0, LayerNormFusion.apply(g));
  }

  /** x [N, 3, 4] normalized over the last axis or another, with optional gamma and beta. */
  private static OnnxGraph single(long axis, boolean gamma, boolean beta) {
    OnnxGraph g = OnnxGraph.create("ln", 17).opset(14);
    Ops ops = new Ops(g);
    SplittableRandom r = new SplittableRandom(5);
    String x = g.input("x", ElementType.FLOAT, Shape.batched("N", 3, 4));
    String mean = ops.op("ReduceMean", List.of(x), Attribute.ints("axes", axis));
    String d = ops.sub(x, mean);
    String var =
        ops.op(
            "ReduceMean",
            List.of(ops.pow(d, ops.constant("two", 2f))),
            Attribute.ints("axes", axis));
    String y = ops.div(d, ops.sqrt(ops.add(ops.constant("eps", 1e-5f), var)));
    if (gamma) {
      y = ops.mul(ops.weight(Tensor.uniform("gamma", r, 0.5, 1.5, 4)), y);
    }
    if (beta) {
      y = ops.add(y, ops.weight(Tensor.normal("beta", r, 0.1, 4)));
    }
    g.output(ops.identity(y, "y"), ElementType.FLOAT, Shape.batched("N", 3, 4));
    return g;
  }

  @Test
  void gammaAndBetaAreOptional() {
    for (boolean gamma : new boolean[] {false, true}) {
      for (boolean beta : new boolean[] {false, true}) {
        OnnxGraph g = single(-1, gamma, beta);
        OnnxGraph before = g.copy();
        assertEquals(1, LayerNormFusion.apply(g), gamma + " " + beta);
        assertEquals(
            List.of("LayerNormalization", "Identity"),
            g.nodes().stream().map(Node::opType).toList());
        Node ln = g.nodes().get(0);
        assertEquals(1e-5f, ln.attribute("epsilon").orElseThrow().asFloat());
        assertEquals(gamma, ln.input(1).equals("gamma"));
        assertEquals(beta, ln.input(2).equals("beta"));
        if (!gamma) {
          assertArrayEquals(new float[] {1, 1, 1, 1}, g.initializers().get(ln.input(1)).toFloats());
        }
        if (!beta) {
          assertArrayEquals(new float[] {0, 0, 0, 0}, g.initializers().get(ln.input(2)).toFloats());
        }
        assertEquals(
            List.of(ln.input(1), ln.input(2)).stream().sorted().toList(),
            g.initializers().keySet().stream().sorted().toList(),
            "two and eps dropped");
        SplittableRandom r = new SplittableRandom(9);
        float[] v = new float[2 * 3 * 4];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (3 + 2 * r.nextGaussian());
        }
        sameOutputs(before, g, Map.of("x", Nd.of(v, 2, 3, 4)), 1e-5);
      }
    }
  }

  @Test
  void aNormOverAnotherAxisIsLeftAlone() {
    OnnxGraph g = single(1, true, true);
    OnnxGraph before = g.copy();
    assertEquals(0, LayerNormFusion.apply(g));
    assertEquals(counts(before), counts(g));
    assertEquals(14, g.opset(), "nothing fused, nothing raised");
  }

  @Test
  void opset12IsLeftAsIs() {
    OnnxGraph g = single(-1, true, true).opset(12);
    assertEquals(0, LayerNormFusion.apply(g));
    assertEquals(12, g.opset());
    assertEquals(0, count(g, "LayerNormalization"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Opsets.raiseTo17(g));
    assertTrue(e.getMessage().contains("opset 12"), e.getMessage());
  }

  @Test
  void anOperatorThatChangedSinceTheGraphsOpsetBlocksTheRaiseAndTheFusion() {
    OnnxGraph g = single(-1, true, true);
    String rois = g.input("rois", ElementType.FLOAT, Shape.of(1, 4));
    String idx = g.input("batch_indices", ElementType.INT64, Shape.of(1));
    g.node("RoiAlign", List.of("x", rois, idx), List.of("pooled")).name("roi");
    g.output("pooled", ElementType.FLOAT, Shape.UNKNOWN);
    OnnxGraph before = g.copy();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Opsets.raiseTo17(g));
    assertTrue(e.getMessage().contains("RoiAlign"), e.getMessage());
    assertEquals(0, LayerNormFusion.apply(g));
    assertEquals(14, g.opset());
    assertEquals(counts(before), counts(g));

    g.opset(16); // RoiAlign-16 is RoiAlign-17: nothing changed
    assertEquals(1, Opsets.raiseTo17(g));
    assertEquals(17, g.opset());
    assertEquals(0, Opsets.raiseTo17(g));

    OnnxGraph bn = OnnxGraph.create("bn", 17).opset(13);
    String x = bn.input("x", ElementType.FLOAT, Shape.of(1, 2));
    for (String p : List.of("s", "b", "m", "v")) {
      bn.initializer(Tensor.filled(p, 1f, 2));
    }
    bn.node("BatchNormalization", List.of(x, "s", "b", "m", "v"), List.of("y", "mean_out"));
    e = assertThrows(IllegalStateException.class, () -> Opsets.raiseTo17(bn));
    assertTrue(e.getMessage().contains("BatchNormalization"), e.getMessage());
    bn.nodes().get(0).outputs().remove(1);
    assertEquals(1, Opsets.raiseTo17(bn), "inference-only BatchNormalization is unchanged");
  }
}
