package io.edgessl.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgessl.onnx.testing.ReferenceEvaluator;
import io.edgessl.onnx.testing.ReferenceEvaluator.Nd;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reference evaluator against values computed by hand (or by tables, for erf). */
class ReferenceEvaluatorTest {
  @Test
  void erfMatchesTables() {
    // Abramowitz and Stegun, table 7.1, and erf(3.5) from its asymptotic series.
    assertEquals(0.5204998778130465, ReferenceEvaluator.erf(0.5), 1e-15);
    assertEquals(0.8427007929497149, ReferenceEvaluator.erf(1), 1e-15);
    assertEquals(0.9953222650189527, ReferenceEvaluator.erf(2), 1e-15);
    assertEquals(0.9999992569016276, ReferenceEvaluator.erf(3.5), 1e-15);
    assertEquals(-0.8427007929497149, ReferenceEvaluator.erf(-1), 1e-15);
  }

  @Test
  void convolutionAndPoolingByHand() {
    OnnxGraph g = OnnxGraph.create("c");
    Ops ops = new Ops(g);
    g.input("x", ElementType.FLOAT, Shape.of(1, 1, 3, 3));
    // 2 x 2 kernel [[1, 2], [3, 4]], stride 1, no padding, bias 10.
    String w = ops.weight(Tensor.floats("w", new float[] {1, 2, 3, 4}, 1, 1, 2, 2));
    String y =
        ops.conv("x", w, ops.constant("b", 10f), new long[] {1, 1}, new long[] {0, 0, 0, 0}, 1);
    String p = ops.maxPool(y, new long[] {2, 2}, new long[] {1, 1}, new long[] {0, 0, 0, 0});
    g.output(ops.identity(y, "y"), ElementType.FLOAT, Shape.UNKNOWN);
    g.output(ops.identity(p, "p"), ElementType.FLOAT, Shape.UNKNOWN);
    Map<String, Nd> out =
        ReferenceEvaluator.run(
            g, Map.of("x", Nd.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3)));
    // Top-left: 1*1 + 2*2 + 4*3 + 5*4 + 10 = 47; then 57, 77, 87.
    assertArrayEquals(new float[] {47, 57, 77, 87}, out.get("y").floats());
    assertArrayEquals(new int[] {1, 1, 2, 2}, out.get("y").shape());
    assertArrayEquals(new float[] {87}, out.get("p").floats());
  }

  @Test
  void layerNormSoftmaxAndShapesByHand() {
    OnnxGraph g = OnnxGraph.create("l");
    Ops ops = new Ops(g);
    g.input("x", ElementType.FLOAT, Shape.of(2, 2));
    String ln =
        ops.layerNorm("x", ops.constant("s", 2f, 2f), ops.constant("b", 1f, 1f), -1, 1e-12f);
    String sm = ops.softmax("x", -1);
    String t = ops.transpose("x", 1, 0);
    String cat = ops.concat(0, "x", t);
    String first = ops.gather(cat, 0, 0);
    String sl = ops.slice(cat, new long[] {1}, new long[] {3}, new long[] {0}, new long[] {1});
    for (String o : List.of(ln, sm, t, cat, first, sl)) {
      g.output(o, ElementType.FLOAT, Shape.UNKNOWN);
    }
    Map<String, Nd> out =
        ReferenceEvaluator.run(g, Map.of("x", Nd.of(new float[] {1, 3, 2, 2}, 2, 2)));
    // Row (1, 3): mean 2, variance 1 -> (-1, 1) * 2 + 1; row (2, 2): (0, 0) * 2 + 1.
    assertArrayEquals(new float[] {-1, 3, 1, 1}, out.get(ln).floats(), 1e-6f);
    double e = Math.exp(2);
    assertArrayEquals(
        new float[] {(float) (1 / (1 + e)), (float) (e / (1 + e)), 0.5f, 0.5f},
        out.get(sm).floats(),
        1e-6f);
    assertArrayEquals(new float[] {1, 2, 3, 2}, out.get(t).floats());
    assertArrayEquals(new float[] {1, 3, 2, 2, 1, 2, 3, 2}, out.get(cat).floats());
    assertArrayEquals(new float[] {1, 3}, out.get(first).floats());
    assertArrayEquals(new int[] {2}, out.get(first).shape());
    assertArrayEquals(new float[] {2, 2, 1, 2}, out.get(sl).floats());
  }

  @Test
  void geluIsTheErfForm() {
    OnnxGraph g = OnnxGraph.create("gelu");
    Ops ops = new Ops(g);
    g.input("x", ElementType.FLOAT, Shape.of(3));
    g.output(ops.gelu("x"), ElementType.FLOAT, Shape.UNKNOWN);
    Map<String, Nd> out = ReferenceEvaluator.run(g, Map.of("x", Nd.of(new float[] {-1, 0, 2}, 3)));
    // 0.5 x (1 + erf(x / sqrt 2)): -0.15865525, 0, 1.95449974.
    assertArrayEquals(
        new float[] {-0.15865525f, 0f, 1.9544997f}, out.values().iterator().next().floats(), 1e-6f);
  }
}
