package io.edgessl.train.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.bundle.Precision;
import io.edgessl.onnx.models.RandomModels;
import io.edgessl.train.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quantization pipeline as a library call: the scores it returns, a dry run and a failure that
 * leave the bundle byte for byte, a run that writes both models into the manifest.
 */
class QuantizationTest {
  @TempDir Path dir;

  private Path bundle() throws Exception {
    Path b = dir.resolve("vit-dir");
    RandomModels.writeBundle(RandomModels.Preset.VIT_TEST, 7, b);
    return b;
  }

  /** {@code n} preprocessed inputs of the vit-test model, seeded. */
  private Path calibration(int n, int size) throws IOException {
    float[] data = new float[n * 3 * size * size];
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) (r.nextDouble() * 4 - 2);
    }
    Path npy = dir.resolve("calib-" + size + ".npy");
    Files.write(npy, Npy.write(new long[] {n, 3, size, size}, data));
    return npy;
  }

  private static QuantizeConfig config(Path bundle, String calib, boolean dryRun) {
    QuantizeConfig d = QuantizeConfig.defaults(bundle, calib);
    return new QuantizeConfig(
        d.bundle(),
        d.precisions(),
        d.calib(),
        16,
        d.calibSeed(),
        d.method(),
        d.percentile(),
        d.activations(),
        d.quantizeProducts(),
        d.keepCount(),
        d.keepLayers(),
        d.sensitivity(),
        d.rankByTop1(),
        d.eval(),
        d.evalBank(),
        d.evalQueries(),
        d.checkCount(),
        d.backend(),
        1,
        dryRun);
  }

  @Test
  void aDryRunScoresBothModelsAndLeavesTheBundle() throws Exception {
    Path b = bundle();
    Map<String, String> before = BundleSnapshots.of(b);
    QuantizeResult r =
        Quantization.open(config(b, calibration(16, 32).toString(), true)).run(Progress.NONE);
    assertNull(r.written());
    assertEquals(before, BundleSnapshots.of(b));
    assertEquals(
        List.of(Precision.FP32, Precision.FP16, Precision.INT8), List.copyOf(r.scores().keySet()));
    assertEquals(1.0, r.scores().get(Precision.FP32).meanCosine());
    assertTrue(r.scores().get(Precision.INT8).meanCosine() > 0.99, r.scores().toString());
    assertTrue(r.scores().get(Precision.FP16).minCosine() > 0.999, r.scores().toString());
    assertTrue(r.evaluation().startsWith("cosine on "), r.evaluation());
    QuantizeResult.Int8 q = r.int8();
    assertNotNull(q);
    assertEquals(q.layers().size(), q.quantizedCount());
    assertTrue(q.description().contains("percentile calibration"), q.description());
    assertNull(q.sensitivity());
    assertEquals("encoder.int8.onnx", r.models().get(Precision.INT8).file());
    Map<String, Object> json = Reports.json(r);
    assertEquals(List.of("bundle", "evaluation", "int8", "scores"), List.copyOf(json.keySet()));
  }

  @Test
  void aRunWritesBothModelsIntoTheManifest() throws Exception {
    Path b = bundle();
    QuantizeResult r =
        Quantization.open(config(b, calibration(16, 32).toString(), false)).run(Progress.NONE);
    assertNotNull(r.written());
    assertEquals(
        Set.of(Precision.FP32, Precision.INT8, Precision.FP16), r.written().precisions().keySet());
    ModelBundle reopened = ModelBundle.open(b);
    assertEquals(r.models().get(Precision.INT8).bytes(), reopened.model(Precision.INT8).length);
  }

  @Test
  void aFailureLeavesTheBundleByteForByte() throws Exception {
    Path b = bundle();
    Map<String, String> before = BundleSnapshots.of(b);
    Quantization q = Quantization.open(config(b, calibration(2, 16).toString(), false));
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> q.run(Progress.NONE));
    assertTrue(e.getMessage().contains("have shape [2, 3, 16, 16]"), e.getMessage());
    assertEquals(before, BundleSnapshots.of(b));
  }

  /** A config with {@code precisions}, a bogus calibration set and {@code keepCount}. */
  private static QuantizeConfig small(
      Path b, Set<Precision> precisions, int keepCount, List<String> keepLayers) {
    QuantizeConfig d = QuantizeConfig.defaults(b, "x");
    return new QuantizeConfig(
        b,
        precisions,
        "x",
        1,
        0,
        d.method(),
        99.0,
        d.activations(),
        true,
        keepCount,
        keepLayers,
        false,
        false,
        null,
        1,
        1,
        1,
        null,
        0,
        false);
  }

  @Test
  void configsAndBundlesAreCheckedBeforeAnyWork() throws Exception {
    Path b = bundle();
    QuantizeConfig d = QuantizeConfig.defaults(b, null);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Quantization.open(d));
    assertEquals("--calib DATA is required for int8", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> small(b, Set.of(Precision.FP16), 1, List.of()));
    assertEquals(
        "--keep-fp32, --keep-fp32-layers and --sensitivity apply to int8 only", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> small(b, Set.of(), 0, List.of()));
    QuantizeConfig keep = small(b, Set.of(Precision.INT8), 0, List.of("no-such-layer"));
    e = assertThrows(IllegalArgumentException.class, () -> Quantization.open(keep));
    assertTrue(e.getMessage().startsWith("--keep-fp32-layers: no quantizable layer"));
    assertTrue(Quantization.layers(b).size() > 0);
  }
}
