package io.edgessl.onnx.canon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.ValueInfo;
import io.edgessl.onnx.testing.ReferenceEvaluator;
import io.edgessl.onnx.testing.ReferenceEvaluator.Nd;
import io.edgessl.onnx.testing.TorchExportGraphs;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** What the canonicalization tests share: operator counts and output comparisons. */
final class CanonFixtures {
  private CanonFixtures() {}

  /** Nodes per operator type. */
  static Map<String, Integer> counts(OnnxGraph g) {
    Map<String, Integer> c = new TreeMap<>();
    for (Node n : g.nodes()) {
      c.merge(n.opType(), 1, Integer::sum);
    }
    return c;
  }

  /** How many nodes of one type. */
  static int count(OnnxGraph g, String opType) {
    return counts(g).getOrDefault(opType, 0);
  }

  /** A batch of 2 Gaussian inputs for {@link TorchExportGraphs#vit}. */
  static Map<String, Nd> input(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[2 * TorchExportGraphs.TOKENS * TorchExportGraphs.DIM];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return Map.of("x", Nd.of(v, 2, TorchExportGraphs.TOKENS, TorchExportGraphs.DIM));
  }

  /** Asserts both graphs compute the same outputs (reference evaluator), within {@code rel}. */
  static void sameOutputs(OnnxGraph a, OnnxGraph b, Map<String, Nd> in, double rel) {
    a.check();
    b.check();
    Map<String, Nd> x = ReferenceEvaluator.run(a, in);
    Map<String, Nd> y = ReferenceEvaluator.run(b, in);
    assertEquals(a.outputs(), b.outputs(), "graph outputs");
    for (ValueInfo v : a.outputs()) {
      float[] p = x.get(v.name()).floats();
      float[] q = y.get(v.name()).floats();
      assertEquals(p.length, q.length);
      for (int i = 0; i < p.length; i++) {
        assertEquals(p[i], q[i], rel * (1 + Math.abs(p[i])), v.name() + "[" + i + "]");
      }
    }
  }
}
