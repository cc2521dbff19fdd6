package io.edgessl.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.bundle.BundleWriter;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.bundle.Precision;
import io.edgessl.image.Frame;
import io.edgessl.image.Orientation;
import io.edgessl.image.PixelFormat;
import io.edgessl.image.YuvRange;
import io.edgessl.knn.KnnClassifier;
import io.edgessl.knn.Prediction;
import io.edgessl.testing.ReferencePreprocessing;
import io.edgessl.testing.TestBundles;
import io.edgessl.testing.TestFrames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The encoder's mechanics on a plain-Java test backend (the ONNX Runtime tests check models). */
class EncoderTest {
  @TempDir Path dir;

  private ModelBundle bundle(String model) throws Exception {
    Path p = dir.resolve("b" + System.nanoTime() + ".edgessl");
    BundleWriter.write(
        p,
        TestBundles.manifest(),
        Map.of("encoder.fp32.onnx", model.getBytes(StandardCharsets.US_ASCII)));
    return ModelBundle.open(p);
  }

  /** The pooling backend's outputs computed from the reference preprocessing. */
  private static float[][] expected(ModelBundle b, Frame f) {
    float[] in = ReferencePreprocessing.run(b.manifest().preprocessing(), f);
    float[] emb = new float[3];
    float[] grid = new float[4 * 4 * 3];
    for (int c = 0; c < 3; c++) {
      double total = 0;
      for (int gy = 0; gy < 4; gy++) {
        for (int gx = 0; gx < 4; gx++) {
          double s = 0;
          for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
              s += in[(c * 32 + gy * 8 + y) * 32 + gx * 8 + x];
            }
          }
          grid[(gy * 4 + gx) * 3 + c] = (float) (s / 64);
          total += s;
        }
      }
      emb[c] = (float) (total / 1024);
    }
    return new float[][] {emb, grid};
  }

  @Test
  void embedsAndFeaturizesFramesOfEveryFormat() throws Exception {
    ModelBundle b = bundle("pool");
    try (Encoder enc = Encoder.open(b)) {
      assertEquals("test-pooling", enc.backend()); // the broken one ranks higher but cannot run
      assertEquals(Precision.FP32, enc.precision()); // the only one the bundle has
      assertEquals(3, enc.dimension());
      List<Frame> frames = new ArrayList<>();
      for (PixelFormat f : PixelFormat.values()) {
        frames.add(
            TestFrames.random(
                f,
                41,
                23,
                f.ordinal(),
                2,
                f.ordinal() % 2 == 0,
                Orientation.ROTATE_90,
                YuvRange.FULL));
      }
      List<Embedding> batch = enc.embed(frames);
      List<PatchFeatures> grids = enc.features(frames);
      for (int i = 0; i < frames.size(); i++) {
        float[][] want = expected(b, frames.get(i));
        Embedding one = enc.embed(frames.get(i));
        assertArrayEquals(want[0], one.vector(), 1e-4f, frames.get(i).toString());
        assertArrayEquals(one.vector(), batch.get(i).vector(), 1e-6f);
        PatchFeatures pf = enc.features(frames.get(i));
        assertEquals(4, pf.height());
        assertEquals(4, pf.width());
        assertArrayEquals(want[1], pf.data(), 1e-4f);
        assertArrayEquals(want[0], pf.global().vector(), 1e-4f);
        assertArrayEquals(pf.data(), grids.get(i).data(), 1e-6f);
        assertEquals(want[1][(2 * 4 + 1) * 3 + 2], pf.get(2, 1, 2), 1e-4f);
      }
    }
  }

  @Test
  void plugsIntoKnnClassification() throws Exception {
    try (Encoder enc = Encoder.open(bundle("pool"))) {
      KnnClassifier knn = KnnClassifier.builder(enc.dimension()).k(1).build();
      byte[] red = new byte[3 * 16];
      byte[] blue = new byte[3 * 16];
      for (int i = 0; i < 16; i++) {
        red[3 * i] = (byte) 250;
        blue[3 * i + 2] = (byte) 250;
      }
      knn.enroll("red", enc.embed(Frame.of(red, PixelFormat.RGB, 4, 4)).vector());
      knn.enroll("blue", enc.embed(Frame.of(blue, PixelFormat.RGB, 4, 4)).vector());
      red[0] = (byte) 200;
      Prediction p = knn.classify(enc.embed(Frame.of(red, PixelFormat.RGB, 4, 4)).vector());
      assertEquals("red", p.label());
    }
  }

  @Test
  void useAfterCloseIsAnIllegalStateAndCloseReleasesTheSessionOnce() throws Exception {
    int before = PoolingBackendProvider.CLOSED.get();
    Encoder enc = Encoder.open(bundle("pool"));
    Frame f = TestFrames.random(PixelFormat.RGB, 5, 5, 1);
    enc.close();
    enc.close();
    assertEquals(before + 1, PoolingBackendProvider.CLOSED.get());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> enc.embed(f));
    assertEquals("Encoder is closed (test)", e.getMessage());
    assertThrows(IllegalStateException.class, () -> enc.features(f));
    assertThrows(IllegalStateException.class, () -> enc.embed(List.of(f)));
  }

  @Test
  void backendsAndPrecisionsByName() throws Exception {
    assertEquals(List.of("test-broken", "test-pooling"), Backends.names());
    ModelBundle b = bundle("pool");
    EdgeSslException e =
        assertThrows(EdgeSslException.class, () -> Encoder.builder(b).backend("tensorrt").build());
    assertEquals(ErrorCode.UNAVAILABLE, e.code());
    assertEquals(
        "no backend named 'tensorrt'; found [test-broken, test-pooling] (add"
            + " io.edgessl:edgessl-onnxruntime for the CPU backend)",
        e.getMessage());
    e =
        assertThrows(
            EdgeSslException.class, () -> Encoder.builder(b).backend("test-broken").build());
    assertEquals(
        "backend test-broken cannot run here: no such device (install the test driver)",
        e.getMessage());
    e = assertThrows(EdgeSslException.class, () -> Encoder.builder(b).precision("int8").build());
    assertEquals(ErrorCode.UNAVAILABLE, e.code());
    assertEquals("model bundle " + b.path() + " has no int8 model; it has fp32", e.getMessage());
    IllegalArgumentException iae =
        assertThrows(IllegalArgumentException.class, () -> Encoder.builder(b).precision("fp64"));
    assertEquals("unknown precision 'fp64'; expected fp32, fp16 or int8", iae.getMessage());
    try (Encoder enc = Encoder.builder(b).backend("test-pooling").precision("fastest").build()) {
      assertEquals(Precision.FP32, enc.precision());
    }
  }

  @Test
  void aModelTheBackendRejectsIsAnInvalidModel() throws Exception {
    ModelBundle b = bundle("bad model");
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> Encoder.open(b));
    assertEquals(ErrorCode.INVALID_MODEL, e.code());
    assertEquals(b.path() + "!encoder.fp32.onnx: rejected", e.getMessage());
  }
}
