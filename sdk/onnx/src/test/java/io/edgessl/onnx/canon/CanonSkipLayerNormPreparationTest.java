package io.edgessl.onnx.canon;

import static io.edgessl.onnx.canon.CanonFixtures.count;
import static io.edgessl.onnx.canon.CanonFixtures.counts;
import static io.edgessl.onnx.canon.CanonFixtures.input;
import static io.edgessl.onnx.canon.CanonFixtures.sameOutputs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Ops;
import io.edgessl.onnx.Shape;
import io.edgessl.onnx.Tensor;
import io.edgessl.onnx.testing.TorchExportGraphs;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanonSkipLayerNormPreparationTest {
  @Test
  void everySharedResidualSumGetsAnAddOfItsOwnForTheNorm() {
    OnnxGraph g = TorchExportGraphs.vit(14, 2, false, 1);
    GraphCleanup.constantsToInitializers(g);
    GraphCleanup.removeIdentities(g);
    GraphCleanup.removeDeadNodes(g);
    assertEquals(5, LayerNormFusion.apply(g));
    OnnxGraph before = g.copy();
    int adds = count(g, "Add");
    // Block 0's second norm, block 1's two. Not block 0's first (x + pos_embed: a broadcast of an
    // initializer), nor the final norm (its sum has no other reader).
    assertEquals(3, SkipLayerNormPreparation.apply(g));
    assertEquals(adds + 3, count(g, "Add"), counts(g).toString());
    int fed = 0;
    for (Node ln : g.nodes()) {
      if (!ln.opType().equals("LayerNormalization")) {
        continue;
      }
      Node p = g.producer(ln.input(0)).orElseThrow();
      if (p.opType().equals("Add") && !g.initializers().containsKey(p.input(1))) {
        assertEquals(List.of(ln), g.consumers(ln.input(0)), "the norm reads its sum alone");
        fed++;
      }
    }
    assertEquals(4, fed, "3 copies and the final norm's sum");
    sameOutputs(before, g, input(6), 0);
    assertEquals(0, SkipLayerNormPreparation.apply(g), "idempotent");
  }

  @Test
  void aSumThatIsAGraphOutputIsShared() {
    OnnxGraph g = OnnxGraph.create("out");
    Ops ops = new Ops(g);
    String a = g.input("a", ElementType.FLOAT, Shape.of(1, 2, 4));
    String b = g.input("b", ElementType.FLOAT, Shape.of(1, 2, 4));
    String s = ops.add(a, b);
    String n =
        ops.layerNorm(
            s,
            ops.weight(Tensor.filled("g", 1f, 4)),
            ops.weight(Tensor.filled("z", 0f, 4)),
            -1,
            1e-5f);
    g.output(s, ElementType.FLOAT, Shape.of(1, 2, 4));
    g.output(ops.identity(n, "y"), ElementType.FLOAT, Shape.of(1, 2, 4));
    assertEquals(1, SkipLayerNormPreparation.apply(g));
    assertEquals(List.of(b, a), g.producer(g.nodes().get(2).input(0)).orElseThrow().inputs());
    assertEquals(s, g.outputs().get(0).name(), "graph outputs keep their names");
    g.check();

    // A broadcast of an initializer is left alone.
    OnnxGraph c = OnnxGraph.create("bias");
    Ops co = new Ops(c);
    String x = c.input("x", ElementType.FLOAT, Shape.of(1, 2, 4));
    String t = co.add(x, co.weight(Tensor.filled("pos", 1f, 1, 2, 4)));
    String m =
        co.layerNorm(
            t,
            co.weight(Tensor.filled("g", 1f, 4)),
            co.weight(Tensor.filled("z", 0f, 4)),
            -1,
            1e-5f);
    c.output(co.identity(co.add(t, m), "y"), ElementType.FLOAT, Shape.of(1, 2, 4));
    assertEquals(0, SkipLayerNormPreparation.apply(c));
    assertTrue(c.consumers(t).size() == 2);
  }
}
