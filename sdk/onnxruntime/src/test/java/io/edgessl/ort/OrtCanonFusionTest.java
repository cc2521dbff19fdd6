package io.edgessl.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.canon.GraphCleanup;
import io.edgessl.onnx.canon.LayerNormFusion;
import io.edgessl.onnx.canon.SkipLayerNormPreparation;
import io.edgessl.onnx.testing.TorchExportGraphs;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The canonicalization passes on a PyTorch-1.13-style export (opset 14, decomposed LayerNorm,
 * residual sums read by the next Add and the next norm) as ONNX Runtime sees them: the same
 * outputs, and the residual Adds fused into SkipLayerNormalization where ONNX Runtime left them as
 * Add + LayerNormalization before.
 */
class OrtCanonFusionTest {
  private static final Set<String> SKIP = Set.of("SkipLayerNormalization");
  private static final Set<String> PLAIN =
      Set.of("LayerNormalization", "SimplifiedLayerNormalization");

  @TempDir Path dir;

  private static OnnxGraph canonical(OnnxGraph g) {
    OnnxGraph c = g.copy();
    GraphCleanup.constantsToInitializers(c);
    GraphCleanup.removeIdentities(c);
    GraphCleanup.removeDeadNodes(c);
    assertEquals(5, LayerNormFusion.apply(c));
    assertEquals(3, SkipLayerNormPreparation.apply(c));
    c.check();
    return c;
  }

  private static Map<String, float[]> run(OnnxGraph g, float[] x, int n) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, float[]> out = new HashMap<>();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(1);
      try (OrtSession s = env.createSession(g.toBytes(), so);
          OnnxTensor t =
              OnnxTensor.createTensor(
                  env,
                  FloatBuffer.wrap(x),
                  new long[] {n, TorchExportGraphs.TOKENS, TorchExportGraphs.DIM});
          OrtSession.Result r = s.run(Map.of("x", t))) {
        for (String name : s.getOutputNames()) {
          FloatBuffer b = ((OnnxTensor) r.get(name).orElseThrow()).getFloatBuffer();
          float[] v = new float[b.remaining()];
          b.get(v);
          out.put(name, v);
        }
      }
    }
    return out;
  }

  @Test
  void sameOutputsAndTheResidualAddsFuseIntoSkipLayerNormalization() throws Exception {
    OnnxGraph export = TorchExportGraphs.vit(14, 2, false, 7);
    OnnxGraph canon = canonical(export);

    int n = 3;
    float[] x = new float[n * TorchExportGraphs.TOKENS * TorchExportGraphs.DIM];
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    Map<String, float[]> a = run(export, x, n);
    Map<String, float[]> b = run(canon, x, n);
    assertEquals(a.keySet(), b.keySet());
    for (String name : a.keySet()) {
      float[] p = a.get(name);
      float[] q = b.get(name);
      double scale = 0;
      double err = 0;
      for (int i = 0; i < p.length; i++) {
        scale = Math.max(scale, Math.abs(p[i]));
        err = Math.max(err, Math.abs(p[i] - q[i]));
      }
      assertTrue(err <= 1e-5 * scale, name + ": max error " + err + " of max " + scale);
    }

    Map<String, Integer> before = OrtOptimized.opCounts(export, dir.resolve("export.opt.onnx"));
    Map<String, Integer> after = OrtOptimized.opCounts(canon, dir.resolve("canon.opt.onnx"));
    // Before: ONNX Runtime fuses the decomposed norms itself, but only the final norm's sum (its
    // one reader) into SkipLayerNormalization. After: also the three sums the next residual Add
    // reads too. Block 0's first norm stays plain: it reads x + pos_embed, a broadcast.
    assertEquals(1, OrtOptimized.count(before, SKIP), "before: " + before);
    assertEquals(4, OrtOptimized.count(before, PLAIN), "before: " + before);
    assertEquals(4, OrtOptimized.count(after, SKIP), "after: " + after);
    assertEquals(1, OrtOptimized.count(after, PLAIN), "after: " + after);
  }
}
