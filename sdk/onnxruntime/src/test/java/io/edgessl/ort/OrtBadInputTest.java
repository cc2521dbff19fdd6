package io.edgessl.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.bundle.BundleWriter;
import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.encoder.Encoder;
import io.edgessl.image.Frame;
import io.edgessl.image.Interpolation;
import io.edgessl.image.PixelFormat;
import io.edgessl.image.Preprocessing;
import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Ops;
import io.edgessl.onnx.Shape;
import io.edgessl.onnx.models.RandomModels;
import io.edgessl.onnx.models.RandomModels.Preset;
import io.edgessl.testing.TestFrames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What goes wrong reaches the caller as a typed exception naming the problem, never a crash: bad
 * bundles, models ONNX Runtime rejects, models that disagree with their manifest, bad frames, use
 * after close.
 */
class OrtBadInputTest {
  @TempDir Path dir;

  private ModelBundle bundle(String name, Manifest.Builder m, byte[] model) throws Exception {
    Path p = dir.resolve(name + ".edgessl");
    BundleWriter.write(p, m, Map.of("encoder.fp32.onnx", model));
    return ModelBundle.open(p);
  }

  private static byte[] vitTest() {
    return RandomModels.graph(Preset.VIT_TEST, 1).toBytes();
  }

  private static EdgeSslException opening(ModelBundle b) {
    return assertThrows(
        EdgeSslException.class, () -> Encoder.builder(b).backend("onnxruntime").build());
  }

  @Test
  void aModelFileThatIsNotOnnxIsRejectedByName() throws Exception {
    for (byte[] junk :
        new byte[][] {
          "definitely not a protobuf".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
          Arrays.copyOf(vitTest(), 1000), // truncated
          new byte[0]
        }) {
      ModelBundle b = bundle("junk" + junk.length, RandomModels.manifest(Preset.VIT_TEST, 1), junk);
      EdgeSslException e = opening(b);
      assertEquals(ErrorCode.INVALID_MODEL, e.code(), e.getMessage());
      assertTrue(
          e.getMessage().startsWith("ONNX Runtime rejected " + b.path() + "!encoder.fp32.onnx: "),
          e.getMessage());
    }
  }

  @Test
  void anOperatorOnnxRuntimeDoesNotKnowIsAnInvalidModel() throws Exception {
    OnnxGraph g = RandomModels.graph(Preset.VIT_TEST, 1);
    g.nodes().get(g.nodes().size() - 1).opType("NoSuchOperator");
    EdgeSslException e =
        opening(bundle("op", RandomModels.manifest(Preset.VIT_TEST, 1), g.toBytes()));
    assertEquals(ErrorCode.INVALID_MODEL, e.code());
    assertTrue(e.getMessage().contains("NoSuchOperator"), e.getMessage());
  }

  @Test
  void aMissingOutputNameIsAShapeMismatchListingTheOutputs() throws Exception {
    Manifest.Builder m =
        RandomModels.manifest(Preset.VIT_TEST, 1).embedding(32, "cls", "patch_grid");
    ModelBundle b = bundle("out", m, vitTest());
    EdgeSslException e = opening(b);
    assertEquals(ErrorCode.SHAPE_MISMATCH, e.code());
    assertEquals(
        b.path()
            + "!encoder.fp32.onnx has no output 'cls'; its outputs are [embedding, patch_grid]",
        e.getMessage());
  }

  @Test
  void aWrongInputShapeIsAShapeMismatchWithBothShapes() throws Exception {
    Manifest.Builder m =
        RandomModels.manifest(Preset.VIT_TEST, 1)
            .preprocessing(
                Preprocessing.builder(24, 24).resizeShortSide(28, Interpolation.BICUBIC).build());
    ModelBundle b = bundle("shape", m, vitTest());
    EdgeSslException e = opening(b);
    assertEquals(ErrorCode.SHAPE_MISMATCH, e.code());
    assertEquals(
        b.path()
            + "!encoder.fp32.onnx: input 'pixels' has shape [?, 3, 32, 32] but the manifest implies"
            + " pixels[N, 3, 24, 24]",
        e.getMessage());

    // A wrong embedding size shows on the outputs.
    m = RandomModels.manifest(Preset.VIT_TEST, 1).embedding(48, "embedding", "patch_grid");
    ModelBundle b2 = bundle("dim", m, vitTest());
    e = opening(b2);
    assertEquals(
        b2.path()
            + "!encoder.fp32.onnx: output 'embedding' has shape [?, 32] but the manifest implies"
            + " embedding[N, 48]",
        e.getMessage());

    m = RandomModels.manifest(Preset.VIT_TEST, 1).inputName("image");
    ModelBundle b3 = bundle("name", m, vitTest());
    e = opening(b3);
    assertEquals(
        b3.path() + "!encoder.fp32.onnx has inputs [pixels]; EdgeSSL feeds exactly one, 'image'",
        e.getMessage());
  }

  @Test
  void aFixedBatchOtherThanOneIsRefused() throws Exception {
    OnnxGraph g = OnnxGraph.create("fixed");
    Ops ops = new Ops(g);
    g.input("pixels", ElementType.FLOAT, Shape.of(4, 1, 28, 28));
    String pooled = ops.flatten(ops.globalAveragePool("pixels"), 1);
    g.output(ops.identity(pooled, "embedding"), ElementType.FLOAT, Shape.of(4, 1));
    g.output(
        ops.identity(ops.transpose("pixels", 0, 2, 3, 1), "patch_grid"),
        ElementType.FLOAT,
        Shape.of(4, 28, 28, 1));
    Manifest.Builder m =
        RandomModels.manifest(Preset.CONV_MNIST, 1)
            .featureStride(1)
            .embedding(1, "embedding", "patch_grid");
    ModelBundle b = bundle("fixed", m, g.toBytes());
    EdgeSslException e = opening(b);
    assertEquals(ErrorCode.SHAPE_MISMATCH, e.code());
    assertEquals(
        b.path()
            + "!encoder.fp32.onnx fixes its batch dimension to 4; EdgeSSL needs a dynamic batch"
            + " dimension, or 1",
        e.getMessage());
  }

  @Test
  void aTamperedBundleNeverReachesOnnxRuntime() throws Exception {
    Path p = dir.resolve("t");
    RandomModels.writeBundle(Preset.CONV_MNIST, 1, p);
    byte[] model = Files.readAllBytes(p.resolve("encoder.fp32.onnx"));
    model[model.length / 2] ^= 1;
    Files.write(p.resolve("encoder.fp32.onnx"), model);
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> ModelBundle.open(p));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertTrue(
        e.getMessage().contains("is damaged or was changed: its SHA-256 is"), e.getMessage());
  }

  @Test
  void framesOfTheWrongSizeOrFormatAreRefusedBeforeInference() throws Exception {
    ModelBundle b = bundle("ok", RandomModels.manifest(Preset.VIT_TEST, 1), vitTest());
    try (Encoder enc = Encoder.open(b)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> enc.embed(Frame.of(new byte[640 * 480], PixelFormat.NV12, 640, 480)));
      assertEquals(
          "NV12 frame 640x480 needs 460800 bytes for the chroma plane from byte 307200 (offset 0,"
              + " row stride 640) but the pixels hold 307200",
          e.getMessage());
      assertEquals(32, enc.embed(TestFrames.random(PixelFormat.BGRA, 3, 500, 1)).dimension());
    }
  }

  @Test
  void useAfterCloseAndRepeatedOpenCloseAreSafe() throws Exception {
    ModelBundle b = bundle("cycle", RandomModels.manifest(Preset.VIT_TEST, 1), vitTest());
    Frame f = TestFrames.random(PixelFormat.RGB, 33, 21, 1);
    for (int i = 0; i < 20; i++) {
      Encoder enc = Encoder.builder(b).maxBatch(1 + i % 4).build();
      enc.embed(List.of(f, f, f));
      enc.close();
      enc.close();
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> enc.embed(f));
      assertTrue(e.getMessage().startsWith("Encoder is closed"), e.getMessage());
    }
  }
}
