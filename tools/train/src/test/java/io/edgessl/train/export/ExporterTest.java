package io.edgessl.train.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.models.Pooling;
import io.edgessl.train.model.Encoder;
import io.edgessl.train.model.EncoderSpec;
import io.edgessl.train.model.PoolingOps;
import io.edgessl.train.nn.Ops;
import io.edgessl.train.nn.Torch;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ONNX graphs of seeded encoders against their libtorch forward, through ONNX Runtime: ResNet
 * (with batch-norm running statistics away from 0 and 1), ViT at its training resolution and at
 * another one (position embeddings resized), ViT with sine-cosine positions.
 */
class ExporterTest {
  @BeforeAll
  static void threads() {
    Torch.threads(1);
  }

  static float[] images(int n, int c, int s, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * c * s * s];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextDouble() * 3 - 1);
    }
    return x;
  }

  static Exporter.Parity check(Encoder e, int size, int n) throws EdgeSslException {
    OnnxGraph g = Exporter.graph(e, size, size);
    int c = e.spec().channels();
    Exporter.Parity p =
        Exporter.parity(
            e,
            PoolingOps.resolve(null, e.spec(), 0),
            g.toBytes(),
            "test",
            images(n, c, size, 7),
            n,
            c,
            size,
            1);
    assertEquals(n, p.images());
    assertTrue(p.scale() > 0.1, "features are not all zero: " + p.scale());
    assertTrue(
        p.maxAbsDiff() <= 1e-4 * p.scale(),
        "max |diff| " + p.maxAbsDiff() + " over scale " + p.scale());
    return p;
  }

  @Test
  void resnetMatchesLibtorch() throws EdgeSslException {
    EncoderSpec s =
        EncoderSpec.preset("resnet-tiny", 1, 28).withStages(new int[] {8, 16}, new int[] {1, 2});
    Encoder e = Encoder.create(s, 3);
    // A few training-mode passes move the running statistics off their initial 0 and 1, so the
    // graph's BatchNormalization is checked on real ones.
    e.train(true);
    try (PointerScope scope = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      for (int i = 0; i < 3; i++) {
        e.forward(Ops.fromFloats(images(16, 1, 28, i), 16, 1, 28, 28));
      }
    }
    e.train(false);
    check(e, 28, 70); // two chunks, the second partial
  }

  @Test
  void resnetPoolingsMatchLibtorch() throws EdgeSslException {
    // Three stages at 28 pixels: a 7 x 7 final map, as the Fashion-MNIST ResNet-tiny has, so
    // grid:2 and grid:3 have unequal, overlapping cells.
    EncoderSpec s =
        EncoderSpec.preset("resnet-tiny", 1, 28)
            .withStages(new int[] {8, 8, 16}, new int[] {1, 1, 1});
    Encoder e = Encoder.create(s, 11);
    e.train(false);
    for (Pooling p : new Pooling[] {Pooling.MAP, Pooling.grid(2), Pooling.grid(3)}) {
      OnnxGraph g = Exporter.graph(e, 28, 28, p);
      Exporter.Parity r =
          Exporter.parity(e, p, g.toBytes(), "test", images(5, 1, 28, 3), 5, 1, 28, 1);
      assertEquals(e.embedDim(p, 28), p == Pooling.MAP ? 16 * 49 : 16 * p.cells() * p.cells());
      assertTrue(r.scale() > 0.1, p.id() + ": features are not all zero: " + r.scale());
      assertTrue(
          r.maxAbsDiff() <= 1e-5 * r.scale(),
          p.id() + ": max |diff| " + r.maxAbsDiff() + " over scale " + r.scale());
    }
    IllegalArgumentException x =
        assertThrows(
            IllegalArgumentException.class, () -> Exporter.graph(e, 28, 28, Pooling.grid(8)));
    assertEquals("--embedding grid:8: more cells than the 7x7 feature map has", x.getMessage());
    Encoder v = Encoder.create(tinyVit("learned"), 1);
    x = assertThrows(IllegalArgumentException.class, () -> Exporter.graph(v, 28, 28, Pooling.MAP));
    assertEquals(
        "--embedding map: a ViT's embedding is its [CLS] token (cls); gap, grid:N and map pool a"
            + " ResNet's feature map",
        x.getMessage());
  }

  @Test
  void rgbResnetMatchesLibtorch() throws EdgeSslException {
    EncoderSpec s =
        EncoderSpec.preset("resnet-tiny", 3, 32).withStages(new int[] {8, 8}, new int[] {1, 1});
    check(Encoder.create(s, 4), 32, 5);
  }

  static EncoderSpec tinyVit(String pos) {
    return EncoderSpec.preset("vit-tiny", 1, 28).withWidth(32, 2).withDepth(2).withPosEmbed(pos);
  }

  @Test
  void vitMatchesLibtorch() throws EdgeSslException {
    check(Encoder.create(tinyVit("learned"), 5), 28, 9);
  }

  @Test
  void vitAtAnotherResolutionMatchesLibtorch() throws EdgeSslException {
    // 36 pixels, patch 4: a 9 x 9 grid from the trained 7 x 7, resized bicubically as DINO does.
    check(Encoder.create(tinyVit("learned"), 6), 36, 4);
  }

  @Test
  void sincosVitMatchesLibtorch() throws EdgeSslException {
    check(Encoder.create(tinyVit("sincos"), 7), 20, 4);
  }

  @Test
  void parityNoticesAnotherModel() throws EdgeSslException {
    Encoder a = Encoder.create(tinyVit("learned"), 8);
    Encoder b = Encoder.create(tinyVit("learned"), 9);
    byte[] onnx = Exporter.graph(b, 28, 28).toBytes();
    Exporter.Parity p =
        Exporter.parity(a, Pooling.CLS, onnx, "test", images(3, 1, 28, 1), 3, 1, 28, 1);
    assertTrue(p.relative() > 1e-2, "different weights differ: " + p.relative());
  }

  @Test
  void sizesThatDoNotFitFail() {
    Encoder v = Encoder.create(tinyVit("learned"), 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Exporter.graph(v, 30, 30));
    assertEquals("export size 30x30 is not a multiple of the patch size 4", e.getMessage());
    Encoder r =
        Encoder.create(
            EncoderSpec.preset("resnet-tiny", 1, 28)
                .withStages(new int[] {8, 8, 8, 8}, new int[] {1, 1, 1, 1}),
            1);
    e = assertThrows(IllegalArgumentException.class, () -> Exporter.graph(r, 28, 28));
    assertEquals(
        "input 28x28 is not a multiple of the ResNet's feature stride 8: its patch grid would not"
            + " cover the image evenly",
        e.getMessage());
  }
}
