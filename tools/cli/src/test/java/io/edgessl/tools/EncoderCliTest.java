package io.edgessl.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.internal.io.Json;
import io.edgessl.internal.kernels.KernelSupport;
import io.edgessl.nativeaccel.NativeKernels;
import io.edgessl.train.data.IdxTestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The commands around model bundles: bundle random, info, eval knn --model, bench encoder. */
class EncoderCliTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    CommandLine cl = EdgeSsl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private Path bundle(String model, String name) {
    Path b = dir.resolve(name);
    Run r = run("bundle", "random", "--model", model, "--seed", "3", "--out", b.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("wrote " + b + ": " + model + "-random-3"), r.out());
    return b;
  }

  @Test
  void infoPrintsTheVerifiedManifest() throws Exception {
    Path b = bundle("vit-test", "v.edgessl");
    Run r = run("info", b.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("bundle        " + b + " (zip)"), r.out());
    assertTrue(r.out().contains("input         'pixels' [N, 3, 32, 32], rgb"), r.out());
    assertTrue(
        r.out().contains("resize        short side to 36, centre crop 32x32, bicubic"), r.out());
    assertTrue(r.out().contains("grid          patch size 8 -> 4 x 4 cells"), r.out());
    assertTrue(r.out().contains("precisions    fp32 encoder.fp32.onnx"), r.out());
    assertTrue(
        r.out().contains("provenance    method random-init, seed 3, data none, 0 steps"), r.out());
    assertTrue(
        r.out().matches("(?s).*encoder\\.fp32\\.onnx +[0-9,]+ bytes  [0-9a-f]{64}  ok.*"), r.out());

    Run j = run("info", "--json", b.toString());
    Map<?, ?> m = (Map<?, ?>) Json.parse(j.out());
    assertEquals(8L, m.get("patch_size"));
  }

  @Test
  void infoOnADamagedBundleIsAFailureNamingTheFile() throws Exception {
    Path b = bundle("conv-mnist", "dir-bundle");
    Path model = b.resolve("encoder.fp32.onnx");
    byte[] bytes = Files.readAllBytes(model);
    bytes[10] ^= 1;
    Files.write(model, bytes);
    Run r = run("info", b.toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertTrue(
        r.err().startsWith("edgessl: " + model + " is damaged or was changed: its SHA-256 is "),
        r.err());
    assertFalse(r.err().contains("Exception"), r.err());

    r = run("info", dir.resolve("none").toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertEquals("edgessl: model bundle not found: " + dir.resolve("none") + "\n", r.err());

    r = run("bundle", "random", "--model", "vit-giant", "--out", dir.resolve("x").toString());
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertEquals(
        "edgessl: unknown model 'vit-giant'; expected vit-tiny, vit-test, conv-test, conv-mnist or"
            + " conv-small\n",
        r.err());
  }

  @Test
  void evalKnnRunsABundlesEncoder() throws Exception {
    Path data = Files.createDirectory(dir.resolve("fm"));
    IdxTestData.write(data);
    Path b = bundle("conv-mnist", "m.edgessl");
    Path json = dir.resolve("r.json");
    Run r =
        run(
            "eval",
            "knn",
            "--quiet",
            "--data",
            data.toString(),
            "--model",
            b.toString(),
            "-k",
            "1",
            "--json",
            json.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out().contains("encoder   conv-mnist-random-3 (onnxruntime, fp32) (dimension 32)"),
        r.out());
    Map<?, ?> m = (Map<?, ?>) Json.parse(Files.readString(json));
    // The test split equals the training split: each image's nearest neighbour is itself.
    assertEquals(1.0, ((Map<?, ?>) ((List<?>) m.get("results")).get(0)).get("top1"));
    assertEquals(32L, m.get("dimension"));

    r =
        run(
            "eval",
            "knn",
            "--data",
            data.toString(),
            "--model",
            b.toString(),
            "--precision",
            "int8");
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertEquals("edgessl: model bundle " + b + " has no int8 model; it has fp32\n", r.err());

    r = run("eval", "knn", "--data", data.toString(), "--model", b.toString(), "--backend", "tpu");
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertTrue(r.err().startsWith("edgessl: no backend named 'tpu'; found [onnxruntime]"), r.err());
  }

  @Test
  void benchEncoderReportsThePreprocessingShare() {
    Path b = bundle("vit-test", "bench.edgessl");
    Run r =
        run(
            "bench",
            "encoder",
            "--model",
            b.toString(),
            "--frame",
            "64x48",
            "--format",
            "nv12",
            "--batch",
            "1,2",
            "--threads",
            "1",
            "--frames",
            "4",
            "--runs",
            "1",
            "--warmup",
            "0");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("NV12 64x48 frames"), r.out());
    assertTrue(r.out().contains("preprocess share"), r.out());
    String selected = KernelSupport.image().name();
    assertTrue(r.out().contains("kernels " + selected + "\n"), r.out());
    assertEquals(
        2,
        r.out().lines().filter(l -> l.matches("  " + selected + " +1 +[12] .*%")).count(),
        r.out());

    r = run("bench", "encoder", "--model", b.toString(), "--kernels", "gpu");
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertEquals("edgessl: unknown kernels 'gpu'; expected java or native\n", r.err());
    r = run("bench", "encoder", "--model", b.toString(), "--frame", "64by48");
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertEquals("edgessl: --frame takes WIDTHxHEIGHT, e.g. 640x480: 64by48\n", r.err());

    // Both kernels in one run, interleaved: a row each per batch size.
    r =
        run(
            "bench",
            "encoder",
            "--model",
            b.toString(),
            "--frame",
            "64x48",
            "--batch",
            "2",
            "--threads",
            "1",
            "--frames",
            "4",
            "--runs",
            "1",
            "--warmup",
            "0",
            "--kernels",
            "java,native");
    String nativeName;
    try {
      nativeName = NativeKernels.best().name();
    } catch (UnsupportedOperationException e) {
      assertEquals(EdgeSsl.EXIT_FAILURE, r.code()); // no library here: said, not crashed
      assertTrue(r.err().startsWith("edgessl: native kernels unavailable: "), r.err());
      return;
    }
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("kernels java, " + nativeName + "\n"), r.out());
    assertEquals(1, r.out().lines().filter(l -> l.matches("  java +1 +2 .*%")).count(), r.out());
    assertEquals(
        1, r.out().lines().filter(l -> l.matches("  " + nativeName + " +1 +2 .*%")).count());
  }

  /** The main job evaluates raw pixels, then each bundle given, both by the DINO protocol. */
  @Test
  void demoEvaluatesPixelsThenTheModels() throws Exception {
    Path data = Files.createDirectory(dir.resolve("fm"));
    IdxTestData.write(data);
    Path b = bundle("conv-mnist", "m.edgessl");
    Run r = run("demo", "--data", data.toString(), "--model", b.toString());
    assertEquals(0, r.code(), r.err());
    int pixels = r.out().indexOf("== Encoder: raw pixels");
    int model =
        r.out().indexOf("== Encoder: " + b + " (trained without labels; ONNX Runtime, FP32)");
    assertTrue(pixels >= 0 && model > pixels, r.out());
    assertTrue(
        r.out().indexOf("encoder   conv-mnist-random-3 (onnxruntime, fp32) (dimension 32)") > model,
        r.out());

    r = run("demo", "--data", data.toString(), "--model", dir.resolve("none.edgessl").toString());
    assertEquals(1, r.code(), r.out());
    assertEquals("edgessl: model bundle not found: " + dir.resolve("none.edgessl") + "\n", r.err());
  }
}
