package io.edgessl.onnx.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.bundle.Precision;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.testing.ReferenceEvaluator;
import io.edgessl.onnx.testing.ReferenceEvaluator.Nd;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RandomModelsTest {
  @TempDir Path dir;

  private static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) r.nextGaussian();
    }
    return f;
  }

  @Test
  void everyPresetIsAValidBundleWhoseGraphMatchesItsManifest() throws Exception {
    for (RandomModels.Preset p : RandomModels.Preset.values()) {
      if (p == RandomModels.Preset.VIT_TINY) {
        continue; // large; the benchmark and the ONNX Runtime tests build it
      }
      Path b = dir.resolve(p.id() + ".edgessl");
      Manifest m = RandomModels.writeBundle(p, 5, b);
      ModelBundle bundle = ModelBundle.open(b);
      assertEquals(m, bundle.manifest());
      OnnxGraph g = OnnxGraph.read(bundle.model(Precision.FP32), p.id());
      g.check();
      int c = m.preprocessing().channels();
      int h = m.preprocessing().height();
      int w = m.preprocessing().width();
      Map<String, Nd> out =
          ReferenceEvaluator.run(g, Map.of("pixels", Nd.of(random(2 * c * h * w, 1), 2, c, h, w)));
      assertArrayEquals(new int[] {2, m.embeddingSize()}, out.get("embedding").shape(), p.id());
      assertArrayEquals(
          new int[] {2, m.gridHeight(), m.gridWidth(), m.embeddingSize()},
          out.get("patch_grid").shape(),
          p.id());
      // Two different images give two different embeddings.
      float[] e = out.get("embedding").floats();
      int d = m.embeddingSize();
      assertNotEquals(e[0], e[d]);
    }
  }

  @Test
  void weightsDependOnSeedAndNameOnly() {
    Weights a = Weights.random(3);
    assertArrayEquals(
        a.get("x", 0, 1, 4).toFloats(), Weights.random(3).get("x", 0, 1, 4).toFloats());
    assertNotEquals(a.get("x", 0, 1, 4), a.get("y", 0, 1, 4).withName("x"));
    float[] ones = a.get("scale", 1, 0, 3).toFloats();
    assertArrayEquals(new float[] {1, 1, 1}, ones);
  }

  @Test
  void vitTinyHasTheSizeOfViTTiny() {
    OnnxGraph g = RandomModels.graph(RandomModels.Preset.VIT_TINY, 1);
    long params = 0;
    for (var t : g.initializers().values()) {
      if (t.type() == io.edgessl.onnx.ElementType.FLOAT) {
        params += t.count();
      }
    }
    // timm's vit_tiny_patch16_224 without its classifier head: 5,524,416 parameters.
    assertEquals(5_524_416, params, 64);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RandomModels.Preset.parse("vit-huge"));
    assertEquals(
        "unknown model 'vit-huge'; expected vit-tiny, vit-test, conv-test, conv-mnist or"
            + " conv-small",
        e.getMessage());
  }
}
