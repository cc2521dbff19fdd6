package io.edgessl.train.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.train.nn.Init;
import io.edgessl.train.nn.Ops;
import io.edgessl.train.nn.TransformerBlock;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class ModelTest {
  static EncoderSpec tinyVit() {
    return EncoderSpec.preset("vit-tiny", 1, 28).withPatch(4).withWidth(16, 2).withDepth(2);
  }

  static Tensor images(int b, int c, int s, long seed) {
    float[] x = new float[b * c * s * s];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return Ops.fromFloats(x, b, c, s, s);
  }

  @Test
  void vitNamesItsWeightsAsDinoAndCountsThem() {
    Encoder e = Encoder.create(tinyVit(), 1);
    Map<String, Tensor> p = e.parameters();
    List<String> names = List.copyOf(p.keySet());
    assertEquals(List.of("cls_token", "pos_embed", "patch_embed.proj.weight"), names.subList(0, 3));
    assertTrue(
        names.containsAll(
            List.of(
                "cls_token",
                "pos_embed",
                "blocks.0.norm1.weight",
                "blocks.0.attn.qkv.weight",
                "blocks.0.attn.proj.bias",
                "blocks.1.mlp.fc1.weight",
                "blocks.1.mlp.fc2.bias",
                "norm.bias")),
        names.toString());
    int d = 16;
    long perBlock =
        2 * 2 * d + (3L * d * d + 3 * d) + (d * d + d) + (4L * d * d + 4 * d) + (4L * d * d + d);
    long want = (16L * d + d) + d + 50L * d + 2 * perBlock + 2 * d;
    assertEquals(want, e.parameterCount());
  }

  static double gelu(double x) {
    return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
  }

  /** Abramowitz and Stegun 7.1.26 (error below 1.5e-7). */
  static double erf(double x) {
    double t = 1 / (1 + 0.3275911 * Math.abs(x));
    double y =
        1
            - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
                    + 0.254829592)
                * t
                * Math.exp(-x * x);
    return x >= 0 ? y : -y;
  }

  static double[][] layerNorm(double[][] x, float[] g, float[] b, double eps) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      double m = 0;
      for (double v : x[i]) {
        m += v;
      }
      m /= x[i].length;
      double var = 0;
      for (double v : x[i]) {
        var += (v - m) * (v - m);
      }
      var /= x[i].length;
      out[i] = new double[x[i].length];
      for (int j = 0; j < x[i].length; j++) {
        out[i][j] = (x[i][j] - m) / Math.sqrt(var + eps) * g[j] + b[j];
      }
    }
    return out;
  }

  static double[][] linear(double[][] x, float[] w, float[] b, int out) {
    int in = x[0].length;
    double[][] y = new double[x.length][out];
    for (int i = 0; i < x.length; i++) {
      for (int o = 0; o < out; o++) {
        double s = b == null ? 0 : b[o];
        for (int k = 0; k < in; k++) {
          s += x[i][k] * w[o * in + k];
        }
        y[i][o] = s;
      }
    }
    return y;
  }

  @Test
  void transformerBlockMatchesAPlainJavaForward() {
    int d = 8;
    int heads = 2;
    int n = 5;
    TransformerBlock blk = new TransformerBlock(new Init(3), d, heads, 4, true);
    // Give the norms non-trivial scales and shifts.
    Map<String, Tensor> p = blk.parameters();
    try (NoGradGuard g = new NoGradGuard()) {
      for (String k : List.of("norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias")) {
        p.get(k)
            .copy_(new Init(k.hashCode()).normal(0.5, d).add(Ops.s(k.endsWith("weight") ? 1 : 0)));
      }
    }
    Tensor x = new Init(11).normal(1, 1, n, d);
    float[] got;
    try (PointerScope s = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      got = Ops.toFloats(blk.forward(x, null, null));
    }
    float[] xv = Ops.toFloats(x);
    double[][] h = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        h[i][j] = xv[i * d + j];
      }
    }
    double[][] a = layerNorm(h, f(p, "norm1.weight"), f(p, "norm1.bias"), 1e-6);
    double[][] qkv = linear(a, f(p, "attn.qkv.weight"), f(p, "attn.qkv.bias"), 3 * d);
    int hd = d / heads;
    double[][] att = new double[n][d];
    for (int hh = 0; hh < heads; hh++) {
      for (int i = 0; i < n; i++) {
        double[] sc = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int k = 0; k < hd; k++) {
            s += qkv[i][hh * hd + k] * qkv[j][d + hh * hd + k];
          }
          sc[j] = s / Math.sqrt(hd);
          max = Math.max(max, sc[j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
          sc[j] = Math.exp(sc[j] - max);
          sum += sc[j];
        }
        for (int k = 0; k < hd; k++) {
          double v = 0;
          for (int j = 0; j < n; j++) {
            v += sc[j] / sum * qkv[j][2 * d + hh * hd + k];
          }
          att[i][hh * hd + k] = v;
        }
      }
    }
    double[][] proj = linear(att, f(p, "attn.proj.weight"), f(p, "attn.proj.bias"), d);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        h[i][j] += proj[i][j];
      }
    }
    double[][] m =
        linear(
            layerNorm(h, f(p, "norm2.weight"), f(p, "norm2.bias"), 1e-6),
            f(p, "mlp.fc1.weight"),
            f(p, "mlp.fc1.bias"),
            4 * d);
    for (double[] row : m) {
      for (int j = 0; j < row.length; j++) {
        row[j] = gelu(row[j]);
      }
    }
    double[][] m2 = linear(m, f(p, "mlp.fc2.weight"), f(p, "mlp.fc2.bias"), d);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        assertEquals(h[i][j] + m2[i][j], got[i * d + j], 1e-5, "token " + i + " feature " + j);
      }
    }
  }

  static float[] f(Map<String, Tensor> p, String name) {
    return Ops.toFloats(p.get(name));
  }

  @Test
  void fusedAttentionComputesTheSameFunction() {
    VisionTransformer v = (VisionTransformer) Encoder.create(tinyVit(), 2);
    v.train(false);
    try (PointerScope s = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      Tensor x = images(3, 1, 28, 4);
      float[] plain = Ops.toFloats(v.forward(x));
      v.setFusedAttention(true);
      float[] fused = Ops.toFloats(v.forward(x));
      assertArrayEquals(plain, fused, 1e-5f);
    }
  }

  @Test
  void vitTakesOtherResolutionsWithResizedPositions() {
    for (String pos : List.of("learned", "sincos")) {
      Encoder e = Encoder.create(tinyVit().withPosEmbed(pos), 2);
      try (PointerScope s = new PointerScope();
          NoGradGuard g = new NoGradGuard()) {
        assertArrayEquals(new long[] {2, 16}, Ops.shape(e.forward(images(2, 1, 12, 1))));
        assertArrayEquals(new long[] {2, 48}, Ops.shape(e.features(images(2, 1, 28, 1), 2, true)));
      }
    }
    Encoder e = Encoder.create(tinyVit(), 2);
    assertThrows(IllegalArgumentException.class, () -> e.forward(images(1, 1, 13, 1)));
    assertThrows(IllegalArgumentException.class, () -> e.forward(images(1, 3, 28, 1)));
  }

  @Test
  void sineCosinePositionsFollowMae() {
    float[] pe = Ops.toFloats(VisionTransformer.sincos(8, 3, 3));
    // [CLS] is zero; patch (row 1, col 2) at index 1 + 1*3 + 2 = 6; quarter = 2, omega = 1, 0.01.
    for (int j = 0; j < 8; j++) {
      assertEquals(0f, pe[j]);
    }
    int off = 6 * 8;
    double[] want = {
      Math.sin(2),
      Math.sin(0.02),
      Math.cos(2),
      Math.cos(0.02),
      Math.sin(1),
      Math.sin(0.01),
      Math.cos(1),
      Math.cos(0.01)
    };
    for (int j = 0; j < 8; j++) {
      assertEquals(want[j], pe[off + j], 1e-6);
    }
  }

  @Test
  void resnetGivesThePooledFeatureInEitherMemoryLayout() {
    EncoderSpec spec =
        EncoderSpec.preset("resnet-tiny", 1, 28).withStages(new int[] {8, 16}, new int[] {1, 2});
    ResNet a = (ResNet) Encoder.create(spec, 5);
    ResNet b = (ResNet) Encoder.create(spec, 5);
    b.setChannelsLast(true);
    a.train(false);
    b.train(false);
    try (PointerScope s = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      Tensor x = images(4, 1, 28, 3);
      float[] fa = Ops.toFloats(a.forward(x));
      assertEquals(4 * 16, fa.length);
      assertArrayEquals(fa, Ops.toFloats(b.forward(x)), 1e-5f);
    }
    assertTrue(a.parameters().containsKey("layer2.0.downsample.0.weight"));
    assertTrue(a.buffers().containsKey("layer2.1.bn2.running_var"));
  }

  @Test
  void dinoHeadOutputsCosinesToNormalizedPrototypes() {
    DinoHead h = new DinoHead(new Init(1), 16, 32, 24, 8, 3, false, true);
    assertTrue(h.parameters().containsKey("mlp.4.weight"));
    assertTrue(h.parameters().containsKey("last_layer.weight_v"));
    assertTrue(h.buffers().containsKey("last_layer.weight_g"), "fixed scale when norm_last_layer");
    try (PointerScope s = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      float[] out = Ops.toFloats(h.forward(new Init(2).normal(3, 5, 16)));
      for (float v : out) {
        assertTrue(Math.abs(v) <= 1 + 1e-5, "a cosine: " + v);
      }
    }
  }

  @Test
  void unknownArchitecturesAreRejectedByName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EncoderSpec.preset("vgg", 1, 28));
    assertEquals(
        "unknown architecture 'vgg'; expected one of vit-tiny, vit-small, resnet-tiny, resnet-small",
        e.getMessage());
  }
}
