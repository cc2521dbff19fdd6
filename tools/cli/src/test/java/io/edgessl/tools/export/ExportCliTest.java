package io.edgessl.tools.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.image.ColorMode;
import io.edgessl.internal.io.Json;
import io.edgessl.tools.EdgeSsl;
import io.edgessl.tools.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code edgessl export} end to end: a model trained for one epoch on 400 Fashion-MNIST images is
 * exported, its manifest says what it is, and {@code eval knn --model} on the bundle (ONNX Runtime,
 * the SDK's preprocessing) gives the top-1 of {@code eval knn --checkpoint} (libtorch); a corrupt
 * checkpoint fails with a message and writes nothing.
 */
class ExportCliTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run run(List<String> args) {
    CommandLine cl = EdgeSsl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args.toArray(new String[0]));
    return new Run(code, out.toString(), err.toString());
  }

  Path train(String method, List<String> arch) {
    Path out = dir.resolve(method);
    List<String> a =
        new ArrayList<>(
            List.of(
                "--quiet",
                "train",
                "--threads",
                "1",
                "--out",
                out.toString(),
                "--method",
                method,
                "--data",
                TestData.fashionMnist().toString(),
                "--train-limit",
                "400",
                "--batch",
                "50",
                "--epochs",
                "1",
                "--warmup-epochs",
                "1",
                "--knn-every",
                "0"));
    a.addAll(arch);
    Run r = run(a);
    assertEquals(0, r.code(), r.err());
    return out;
  }

  double knnTop1(String flag, Path model, String json, String... more) throws Exception {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--quiet",
                "eval",
                "knn",
                flag,
                model.toString(),
                "--data",
                TestData.fashionMnist().toString(),
                "--train-limit",
                "400",
                "--test-limit",
                "200",
                "--threads",
                "1",
                "--json",
                dir.resolve(json).toString()));
    a.addAll(List.of(more));
    Run r = run(a);
    assertEquals(0, r.code(), r.err());
    Map<?, ?> j = (Map<?, ?>) Json.parse(Files.readString(dir.resolve(json)));
    return ((Number) ((Map<?, ?>) ((List<?>) j.get("results")).get(0)).get("top1")).doubleValue();
  }

  static final Pattern PARITY =
      Pattern.compile(
          "parity on 64 training images: max \\|libtorch - onnxruntime\\| (\\S+), (\\S+)");

  Manifest exportAndCompare(Path run, String bundle, String... embedding) throws Exception {
    Path out = dir.resolve(bundle);
    List<String> a =
        new ArrayList<>(
            List.of(
                "export",
                run.toString(),
                "--out",
                out.toString(),
                "--parity-images",
                "64",
                "--data",
                TestData.fashionMnist().toString()));
    a.addAll(List.of(embedding));
    Run e = run(a);
    assertEquals(0, e.code(), e.err());
    Matcher m = PARITY.matcher(e.out());
    assertTrue(m.find(), e.out());
    assertTrue(Double.parseDouble(m.group(2)) <= 1e-4, e.out());
    double viaCheckpoint =
        knnTop1("--checkpoint", run.resolve("checkpoint.pt"), bundle + ".ckpt.json", embedding);
    double viaBundle = knnTop1("--model", out, bundle + ".json");
    assertEquals(viaCheckpoint, viaBundle, 0.0, "libtorch and the exported bundle agree");
    assertTrue(viaBundle > 0.25, "a trained encoder beats chance: " + viaBundle);
    return ModelBundle.open(out).manifest();
  }

  @Test
  void resnetExportsAndEvaluatesAlike() throws Exception {
    Path run =
        train(
            "simclr",
            List.of(
                "--arch",
                "resnet-tiny",
                "--widths",
                "8,16",
                "--blocks",
                "1,1",
                "--proj-hidden",
                "16",
                "--proj-dim",
                "8"));
    Manifest m = exportAndCompare(run, "cnn.edgessl");
    assertEquals("cnn", m.name());
    assertEquals("resnet-tiny, widths 8-16, blocks 1-1", m.architecture());
    assertEquals(2, m.featureStride());
    assertEquals(0, m.patchSize());
    assertEquals(28, m.preprocessing().width());
    assertEquals(28, m.preprocessing().height());
    assertEquals(ColorMode.GRAY, m.preprocessing().color());
    assertEquals(0.286f, m.preprocessing().mean()[0]);
    assertEquals(0.353f, m.preprocessing().std()[0]);
    assertEquals(16, m.embeddingSize());
    assertEquals("embedding", m.embeddingOutput());
    assertEquals("patch_grid", m.patchGridOutput());
    assertEquals("simclr", m.provenance().method());
    assertEquals("fashion-mnist/train, first 400", m.provenance().data());
    assertEquals(8, m.provenance().steps());
    Map<?, ?> command = (Map<?, ?>) Json.parse(Files.readString(run.resolve("command.json")));
    assertEquals(command.get("commit"), m.provenance().commit());
  }

  @Test
  void resnetEmbeddingPoolingsExportAndEvaluateAlike() throws Exception {
    // Three stages: a 7 x 7 final map of 16 channels, as the Fashion-MNIST ResNet-tiny has.
    Path run =
        train(
            "simclr",
            List.of(
                "--arch",
                "resnet-tiny",
                "--widths",
                "8,8,16",
                "--blocks",
                "1,1,1",
                "--proj-hidden",
                "16",
                "--proj-dim",
                "8"));
    Manifest map = exportAndCompare(run, "map.edgessl", "--embedding", "map");
    assertEquals(16 * 7 * 7, map.embeddingSize());
    assertEquals(16, map.patchFeatureSize());
    assertEquals("map", map.embeddingPooling());
    assertEquals(7, map.gridHeight());
    Manifest grid = exportAndCompare(run, "grid3.edgessl", "--embedding", "grid:3");
    assertEquals(16 * 3 * 3, grid.embeddingSize());
    assertEquals(16, grid.patchFeatureSize());
    assertEquals("grid:3", grid.embeddingPooling());

    Run info = run(List.of("info", dir.resolve("map.edgessl").toString()));
    assertEquals(0, info.code(), info.err());
    assertTrue(
        info.out()
            .contains(
                "outputs       'embedding' [N, 784] (embedding), 'patch_grid' [N, 7, 7, 16]"
                    + " (patch grid)"),
        info.out());
    assertTrue(
        info.out().contains("embedding     map: final feature map flattened channel-major"),
        info.out());

    Run twice =
        run(
            List.of(
                "eval",
                "knn",
                "--model",
                dir.resolve("map.edgessl").toString(),
                "--embedding",
                "map",
                "--data",
                TestData.fashionMnist().toString(),
                "--test-limit",
                "10"));
    assertEquals(2, twice.code(), twice.out() + twice.err());
    assertTrue(
        twice
            .err()
            .contains(
                "--embedding map applies to --checkpoint; a bundle's embedding is chosen when it"
                    + " is exported (edgessl export --embedding)"),
        twice.err());
  }

  @Test
  void badEmbeddingsAreUsageErrors() throws Exception {
    Path none = dir.resolve("none.pt");
    for (String bad : new String[] {"grid:0", "grid:x", "foo"}) {
      Run r =
          run(
              List.of(
                  "export",
                  none.toString(),
                  "--out",
                  dir.resolve("m.edgessl").toString(),
                  "--embedding",
                  bad));
      assertEquals(2, r.code(), r.out() + r.err());
      assertTrue(
          r.err().contains("--embedding '" + bad + "' is not gap, grid:N (N from 1 to 64), map"),
          r.err());
      assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
      r =
          run(
              List.of(
                  "eval",
                  "knn",
                  "--checkpoint",
                  none.toString(),
                  "--data",
                  TestData.fashionMnist().toString(),
                  "--test-limit",
                  "10",
                  "--embedding",
                  bad));
      assertEquals(2, r.code(), r.out() + r.err());
      assertTrue(r.err().contains("--embedding '" + bad + "'"), r.err());
    }
    try (var s = Files.list(dir)) {
      assertEquals(List.of(), s.toList(), "nothing written");
    }
  }

  @Test
  void vitExportsAndEvaluatesAlike() throws Exception {
    Path run =
        train(
            "dino",
            List.of(
                "--arch",
                "vit-tiny",
                "--dim",
                "32",
                "--heads",
                "2",
                "--depth",
                "1",
                "--out-dim",
                "64",
                "--head-hidden",
                "32",
                "--head-bottleneck",
                "16",
                "--local-crops",
                "2"));
    Manifest m = exportAndCompare(run, "vit");
    assertEquals("vit", m.name());
    assertEquals("vit-tiny/4, 1 blocks, width 32, 2 heads", m.architecture());
    assertEquals(4, m.patchSize());
    assertEquals(7, m.gridHeight());
    assertEquals("dino", m.provenance().method());
  }

  @Test
  void corruptCheckpointFailsAndWritesNothing() throws Exception {
    Path ckpt = dir.resolve("checkpoint.pt");
    Files.write(ckpt, new byte[] {'P', 'K', 3, 4, 1, 2, 3, 4, 5, 6, 7, 8});
    Path out = dir.resolve("m.edgessl");
    Run r = run(List.of("export", ckpt.toString(), "--out", out.toString()));
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains(ckpt.toString()), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertFalse(Files.exists(out));
    try (var s = Files.list(dir)) {
      assertEquals(List.of(ckpt), s.toList(), "nothing else written");
    }
  }

  @Test
  void existingDirectoryIsAUsageError() throws Exception {
    Path out = Files.createDirectory(dir.resolve("taken"));
    Run r = run(List.of("export", dir.resolve("none.pt").toString(), "--out", out.toString()));
    assertEquals(2, r.code());
    assertTrue(
        r.err().contains(out + " exists; remove it first, or write a .edgessl file"), r.err());
    Path nowhere = dir.resolve("no/such/dir/m.edgessl");
    r = run(List.of("export", dir.resolve("none.pt").toString(), "--out", nowhere.toString()));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("directory " + nowhere.getParent() + " does not exist"), r.err());
  }
}
