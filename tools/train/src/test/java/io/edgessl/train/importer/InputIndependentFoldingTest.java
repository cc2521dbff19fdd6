package io.edgessl.train.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Ops;
import io.edgessl.onnx.Shape;
import io.edgessl.onnx.Tensor;
import io.edgessl.onnx.canon.GraphCleanup;
import io.edgessl.onnx.canon.InputIndependentFolding;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link InputIndependentFolding} on ONNX Runtime: the exporter's Shape -> Gather -> Concat Reshape
 * targets and a weight computed from the input's shape become constants, and the graph computes the
 * same at every batch size.
 */
class InputIndependentFoldingTest {
  /**
   * x [N, 4, 6] -> Reshape(x, Concat(Shape(x)[0], Shape(x)[1] * Shape(x)[2])) -> [N, 24], plus a
   * weight w [1, 24] scaled by Shape(x)[2] (as DINO's interpolation computes scales from the
   * input's shape).
   */
  static OnnxGraph exporterStyle() {
    OnnxGraph g = OnnxGraph.create("folding", 17);
    Ops ops = new Ops(g);
    g.input("x", ElementType.FLOAT, Shape.batched("N", 4, 6));
    String shape = ops.shape("x");
    String n =
        ops.unsqueeze(ops.gather(shape, ops.weight(Tensor.longs("i0", new long[] {0})), 0), 0);
    String rows = ops.gather(shape, ops.weight(Tensor.longs("i1", new long[] {1})), 0);
    String cols = ops.gather(shape, ops.weight(Tensor.longs("i2", new long[] {2})), 0);
    String flat = ops.unsqueeze(ops.mul(rows, cols), 0);
    String y = ops.op("Reshape", List.of("x", ops.concat(0, n, flat)));
    String scale = ops.cast(cols, ElementType.FLOAT);
    float[] w = new float[24];
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian();
    }
    String weight = ops.mul(ops.weight(Tensor.floats("w", w, 1, 24)), scale);
    g.output(ops.identity(ops.add(y, weight), "y"), ElementType.FLOAT, Shape.batched("N", 24));
    g.check();
    return g;
  }

  @Test
  void foldsShapeArithmeticAndKeepsTheBatchDynamic() throws Exception {
    OrtGraphEvaluator ort = new OrtGraphEvaluator(1, "test");
    OnnxGraph g = exporterStyle();
    OnnxGraph before = g.copy();
    InputIndependentFolding.Result r = InputIndependentFolding.apply(g, "x", ort);
    GraphCleanup.removeDeadNodes(g);
    assertEquals(1, r.reshapes(), "the Reshape target follows the batch in one place");
    assertEquals(1, r.folded(), "the scaled weight");
    Node reshape =
        g.nodes().stream().filter(nd -> nd.opType().equals("Reshape")).findFirst().orElseThrow();
    assertArrayEquals(new long[] {0, 24}, g.initializers().get(reshape.input(1)).toLongs());
    assertTrue(
        g.nodes().stream().noneMatch(nd -> nd.opType().equals("Shape")),
        "no Shape left: " + g.nodes());
    for (int batch : new int[] {1, 2, 5}) {
      float[] x = new float[batch * 24];
      for (int i = 0; i < x.length; i++) {
        x[i] = i * 0.25f - 3;
      }
      Map<String, Tensor> feed = Map.of("x", Tensor.floats("x", x, batch, 4, 6));
      assertArrayEquals(
          ort.run(before, feed, List.of("y")).get("y").toFloats(),
          ort.run(g, feed, List.of("y")).get("y").toFloats(),
          "batch " + batch);
    }
  }
}
