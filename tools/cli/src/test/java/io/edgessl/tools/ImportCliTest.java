package io.edgessl.tools;

import static io.edgessl.tools.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.bundle.ModelBundle;
import io.edgessl.bundle.Precision;
import io.edgessl.tools.CliTest.Run;
import io.edgessl.train.importer.ImportFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edgessl import} from the command line, and the other commands on an imported bundle:
 * quantize, eval knn, bench encoder, info.
 */
class ImportCliTest {
  @TempDir Path dir;

  @Test
  void importedBundleWorksWithEveryCommand() throws Exception {
    Path bundle = dir.resolve("dino.edgessl");
    Run r =
        run(
            "import",
            ImportFixtures.fixture("dino_vits16.onnx").toString(),
            "-o",
            bundle.toString(),
            "--preset",
            "dino",
            "--json",
            dir.resolve("import.json").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("embedding: pooled of 'cls'; patch grid: patch_tokens"), r.out());
    assertTrue(r.out().contains("layer_norms=5"), r.out());
    assertTrue(Files.exists(dir.resolve("import.json")));
    assertEquals(2, ModelBundle.open(bundle).manifest().formatVersion());

    Path fm = Files.createDirectory(dir.resolve("fm"));
    io.edgessl.train.data.IdxTestData.write(fm);
    Run q =
        run(
            "quantize",
            bundle.toString(),
            "--quiet",
            "--calib",
            fm.toString(),
            "--precisions",
            "int8");
    assertEquals(0, q.code(), q.err());
    assertTrue(ModelBundle.open(bundle).manifest().precisions().containsKey(Precision.INT8));

    Run knn =
        run(
            "eval",
            "knn",
            "--quiet",
            "--model",
            bundle.toString(),
            "--data",
            fm.toString(),
            "-k",
            "1");
    assertEquals(0, knn.code(), knn.err());
    Run knn8 =
        run(
            "eval",
            "knn",
            "--quiet",
            "--model",
            bundle.toString(),
            "--precision",
            "int8",
            "--data",
            fm.toString(),
            "-k",
            "1");
    assertEquals(0, knn8.code(), knn8.err());
    Run info = run("info", bundle.toString());
    assertEquals(0, info.code(), info.err());
    assertTrue(info.out().contains("int8"), info.out());
  }

  @Test
  void aDynamicSizeWithoutSizeIsAUsageError() throws Exception {
    Path out = dir.resolve("x.edgessl");
    Run r =
        run(
            "import",
            ImportFixtures.fixture("dino_vit8_interp.onnx").toString(),
            "-o",
            out.toString());
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertTrue(r.err().contains("--size H[xW]"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertNothingWritten();
  }

  @Test
  void aModelWithoutAnImageIsAFailure() throws Exception {
    Path out = dir.resolve("x.edgessl");
    Run r = run("import", ImportFixtures.fixture("no_image.onnx").toString(), "-o", out.toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertTrue(r.err().contains("no image-like input"), r.err());
    assertTrue(r.err().contains("nothing written"), r.err());
    assertNothingWritten();
  }

  @Test
  void badArguments() throws Exception {
    String model = ImportFixtures.fixture("dino_vits16.onnx").toString();
    Run size = run("import", model, "-o", dir.resolve("x.edgessl").toString(), "--size", "big");
    assertEquals(EdgeSsl.EXIT_USAGE, size.code());
    assertTrue(size.err().contains("--size 'big' is not H or HxW"), size.err());
    Run preset =
        run("import", model, "-o", dir.resolve("x.edgessl").toString(), "--preset", "clip");
    assertEquals(EdgeSsl.EXIT_USAGE, preset.code());
    assertTrue(preset.err().contains("--preset 'clip' is not one of"), preset.err());
    Run missing =
        run(
            "import",
            dir.resolve("nope.onnx").toString(),
            "-o",
            dir.resolve("x.edgessl").toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, missing.code());
    assertTrue(missing.err().contains("nope.onnx"), missing.err());
    assertNothingWritten();
  }

  private void assertNothingWritten() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(0, s.count(), "nothing written");
    }
  }
}
