package io.edgessl.onnx.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.onnx.Attribute;
import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Ops;
import io.edgessl.onnx.Shape;
import io.edgessl.onnx.Tensor;
import io.edgessl.onnx.ValueInfo;
import io.edgessl.onnx.models.RandomModels;
import io.edgessl.onnx.models.RandomModels.Preset;
import io.edgessl.onnx.testing.ReferenceEvaluator;
import io.edgessl.onnx.testing.ReferenceEvaluator.Nd;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The prepared graph computes what the original does (reference evaluator), in quantizable form.
 */
class GraphPreparationTest {
  private static Nd random(SplittableRandom r, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return Nd.of(v, shape);
  }

  private static void sameOutputs(OnnxGraph a, OnnxGraph b, Map<String, Nd> in, double tol) {
    Map<String, Nd> x = ReferenceEvaluator.run(a, in);
    Map<String, Nd> y = ReferenceEvaluator.run(b, in);
    for (ValueInfo v : a.outputs()) {
      float[] p = x.get(v.name()).floats();
      float[] q = y.get(v.name()).floats();
      assertEquals(p.length, q.length);
      for (int i = 0; i < p.length; i++) {
        assertEquals(p[i], q[i], tol * (1 + Math.abs(p[i])), v.name() + "[" + i + "]");
      }
    }
  }

  @Test
  void batchNormFoldsIntoTheConvAndTheBiasMovesToAnAdd() {
    OnnxGraph g = RandomModels.graph(Preset.CONV_TEST, 5);
    OnnxGraph p = GraphPreparation.forQuantization(g);
    sameOutputs(g, p, Map.of("pixels", random(new SplittableRandom(1), 2, 3, 24, 32)), 1e-4);
    assertFalse(p.nodes().stream().anyMatch(n -> n.opType().equals("BatchNormalization")));
    for (Node n : p.nodes()) {
      if (n.opType().equals("Conv")) {
        assertEquals(2, n.inputs().size(), "bias-free: " + n);
        Node add = p.consumers(n.output(0)).get(0);
        assertEquals("Add", add.opType());
        long[] bias = p.initializers().get(add.input(1)).dims();
        assertEquals(4, bias.length);
        assertEquals(1, bias[0]);
        assertEquals(1, bias[2]);
      }
    }
    // The original graph is not changed.
    assertTrue(g.nodes().stream().anyMatch(n -> n.opType().equals("BatchNormalization")));
  }

  @Test
  void gemmBecomesMatMulPlusAddAndConstantsBecomeInitializers() {
    OnnxGraph g = OnnxGraph.create("gemm");
    Ops ops = new Ops(g);
    g.input("x", ElementType.FLOAT, Shape.batched("N", 4));
    SplittableRandom r = new SplittableRandom(2);
    String b = ops.weight(Tensor.normal("b", r, 1, 3, 4)); // [N, K] read transposed
    Node c =
        g.node(
            "Constant",
            List.of(),
            List.of("c"),
            Attribute.of("value", Tensor.floats("c", new float[] {1, 2, 3})));
    c.name("const_c");
    Node gemm = g.node("Gemm", List.of("x", b, "c"), List.of("y"));
    gemm.attribute(Attribute.of("transB", 1L))
        .attribute(Attribute.of("alpha", 0.5f))
        .attribute(Attribute.of("beta", 2f));
    g.output("y", ElementType.FLOAT, Shape.batched("N", 3));
    OnnxGraph p = GraphPreparation.forQuantization(g);
    sameOutputs(g, p, Map.of("x", random(r, 5, 4)), 1e-5);
    List<String> ops2 = p.nodes().stream().map(Node::opType).toList();
    assertEquals(List.of("MatMul", "Add"), ops2);
    assertArrayEquals(new long[] {4, 3}, p.initializers().get(p.nodes().get(0).input(1)).dims());
    QuantLayer l = QdqQuantizer.layers(p).get(0);
    assertEquals(1, l.weightAxis());
  }

  @Test
  void theVitIsUnchangedButForNames() {
    OnnxGraph g = RandomModels.graph(Preset.VIT_TEST, 5);
    OnnxGraph p = GraphPreparation.forQuantization(g);
    Map<String, Nd> in = new HashMap<>();
    in.put("pixels", random(new SplittableRandom(3), 1, 3, 32, 32));
    sameOutputs(g, p, in, 1e-5);
    // The patch embedding's bias moved to an Add; nothing else changed.
    assertEquals(g.nodes().size() + 1, p.nodes().size());
  }
}
