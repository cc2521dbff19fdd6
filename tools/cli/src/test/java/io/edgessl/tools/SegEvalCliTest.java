package io.edgessl.tools;

import static io.edgessl.tools.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.internal.io.Json;
import io.edgessl.tools.CliTest.Run;
import io.edgessl.train.importer.ImportFixtures;
import io.edgessl.train.scenes.DavisDataset;
import io.edgessl.train.scenes.SceneTestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code edgessl eval seg} on a tiny generated scene set. */
class SegEvalCliTest {
  @TempDir Path dir;
  Path scenes;

  @BeforeEach
  void scenes() throws Exception {
    Path fm = SceneTestData.writeFashionMnist(dir.resolve("fm"), 30, 10);
    Path bg = SceneTestData.writeBackgrounds(dir.resolve("bg"), 4);
    scenes = dir.resolve("scenes");
    Run r =
        run(
            "data",
            "scenes",
            "--quiet",
            "-o",
            scenes.toString(),
            "--size",
            "64x64",
            "--train",
            "6",
            "--val",
            "1",
            "--test",
            "4",
            "--fmnist",
            fm.toString(),
            "--backgrounds",
            bg.toString());
    assertEquals(0, r.code(), r.err());
  }

  private static Map<?, ?> row(Map<?, ?> result, String method, boolean refined) {
    for (Object o : (List<?>) result.get("rows")) {
      Map<?, ?> m = (Map<?, ?>) o;
      if (m.get("method").equals(method) && m.get("refined").equals(refined)) {
        return m;
      }
    }
    throw new AssertionError("no row " + method + " refined " + refined + " in " + result);
  }

  @Test
  void baselinesScoreWhatTheMasksSay() throws Exception {
    Path json = dir.resolve("base.json");
    Run r =
        run(
            "eval",
            "seg",
            "--quiet",
            "--data",
            scenes.toString(),
            "--references",
            "3",
            "--json",
            json.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("| background | no |"), r.out());
    Map<?, ?> res = (Map<?, ?>) Json.parse(Files.readString(json));
    assertEquals(4L, res.get("frames"));
    // "Everything is background" is right exactly on the background pixels of the test masks.
    DavisDataset ds = DavisDataset.open(scenes);
    long bgPixels = 0;
    long all = 0;
    for (DavisDataset.Sequence s : ds.split("test")) {
      for (byte b : ds.annotation(s, 0).labels()) {
        bgPixels += b == 0 ? 1 : 0;
        all++;
      }
    }
    assertEquals(
        (double) bgPixels / all,
        ((Number) row(res, "background", false).get("pixel_accuracy")).doubleValue(),
        1e-12);
    double miou = ((Number) row(res, "pixels-transfer", true).get("miou")).doubleValue();
    assertTrue(miou >= 0 && miou <= 1, "mIoU " + miou);
  }

  @Test
  void everySegmenterOnAnImportedEncoderWithOverlays() throws Exception {
    Path bundle = dir.resolve("dino.edgessl");
    Run imp =
        run(
            "import",
            ImportFixtures.fixture("dino_vits16.onnx").toString(),
            "-o",
            bundle.toString(),
            "--quiet");
    assertEquals(0, imp.code(), imp.err());
    Path overlays = dir.resolve("overlays");
    Path json = dir.resolve("seg.json");
    Run r =
        run(
            "eval",
            "seg",
            "--quiet",
            "--data",
            scenes.toString(),
            "--model",
            bundle.toString(),
            "--methods",
            "transfer,linear,cluster",
            "--references",
            "4",
            "--overlays",
            overlays.toString(),
            "--overlay-count",
            "2",
            "--json",
            json.toString());
    assertEquals(0, r.code(), r.err());
    Map<?, ?> res = (Map<?, ?>) Json.parse(Files.readString(json));
    assertEquals(6, ((List<?>) res.get("rows")).size(), "3 methods, with and without refinement");
    for (String m : new String[] {"transfer", "linear", "cluster"}) {
      for (boolean refined : new boolean[] {false, true}) {
        double miou = ((Number) row(res, m, refined).get("miou")).doubleValue();
        assertTrue(miou >= 0 && miou <= 1, m + " mIoU " + miou);
      }
    }
    try (Stream<Path> s = Files.list(overlays)) {
      assertEquals(12, s.count(), "2 frames x 6 rows");
    }
  }

  @Test
  void badInput() throws Exception {
    Run noModel = run("eval", "seg", "--data", scenes.toString(), "--methods", "transfer");
    assertEquals(EdgeSsl.EXIT_USAGE, noModel.code());
    assertTrue(noModel.err().contains("needs an encoder"), noModel.err());
    Run badMethod = run("eval", "seg", "--data", scenes.toString(), "--methods", "crf");
    assertEquals(EdgeSsl.EXIT_USAGE, badMethod.code());
    assertTrue(badMethod.err().contains("'crf' is not one of"), badMethod.err());
    Run missing = run("eval", "seg", "--data", dir.resolve("nope").toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, missing.code(), missing.err());
    assertTrue(missing.err().contains("nope"), missing.err());
    DavisDataset ds = DavisDataset.open(scenes);
    Path png = ds.annotationFile(ds.split("test").get(0), 0);
    Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    Run corrupt = run("eval", "seg", "--data", scenes.toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, corrupt.code(), corrupt.err());
    assertTrue(corrupt.err().contains(png.toString()), corrupt.err());
  }

  @Test
  void segmentAnImageFromAnAnnotatedReference() throws Exception {
    Path bundle = dir.resolve("dino.edgessl");
    assertEquals(
        0,
        run(
                "import",
                ImportFixtures.fixture("dino_vits16.onnx").toString(),
                "-o",
                bundle.toString())
            .code());
    DavisDataset ds = DavisDataset.open(scenes);
    DavisDataset.Sequence ref = ds.split("train").get(0);
    DavisDataset.Sequence target = ds.split("test").get(0);
    Path out = dir.resolve("mask.png");
    Run r =
        run(
            "segment",
            ds.imageFile(target, 0).toString(),
            "--model",
            bundle.toString(),
            "--reference",
            ds.imageFile(ref, 0).toString(),
            "--mask",
            ds.annotationFile(ref, 0).toString(),
            "-o",
            out.toString());
    assertEquals(0, r.code(), r.err());
    java.awt.image.BufferedImage m = io.edgessl.train.scenes.Images.read(out);
    assertEquals(64, m.getWidth());
    byte[] labels = io.edgessl.train.scenes.Images.indices(m, out);
    java.util.Set<Integer> refLabels = new java.util.HashSet<>();
    for (byte b : ds.annotation(ref, 0).labels()) {
      refLabels.add(b & 0xff);
    }
    for (byte b : labels) {
      assertTrue(refLabels.contains(b & 0xff), "label " + (b & 0xff) + " not in the reference");
    }

    // An empty reference mask, a reference of another size, a damaged mask.
    Path empty = dir.resolve("empty.png");
    Files.write(empty, io.edgessl.train.scenes.Images.indexedPng(new byte[64 * 64], 64, 64));
    Run e =
        run(
            "segment",
            ds.imageFile(target, 0).toString(),
            "--model",
            bundle.toString(),
            "--reference",
            ds.imageFile(ref, 0).toString(),
            "--mask",
            empty.toString(),
            "-o",
            dir.resolve("e.png").toString());
    assertEquals(EdgeSsl.EXIT_USAGE, e.code(), e.err());
    assertTrue(e.err().contains("references:"), e.err());
    Path small = dir.resolve("small.png");
    Files.write(small, io.edgessl.train.scenes.Images.indexedPng(new byte[32 * 32], 32, 32));
    Run s =
        run(
            "segment",
            small.toString(),
            "--model",
            bundle.toString(),
            "--reference",
            ds.imageFile(ref, 0).toString(),
            "--mask",
            ds.annotationFile(ref, 0).toString(),
            "-o",
            dir.resolve("s.png").toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, s.code(), s.err());
    assertTrue(s.err().contains("32x32") && s.err().contains("64x64"), s.err());
    Path bad = dir.resolve("bad.png");
    Files.write(bad, new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    Run b =
        run(
            "segment",
            ds.imageFile(target, 0).toString(),
            "--model",
            bundle.toString(),
            "--reference",
            ds.imageFile(ref, 0).toString(),
            "--mask",
            bad.toString(),
            "-o",
            dir.resolve("b.png").toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, b.code(), b.err());
    assertTrue(b.err().contains(bad.toString()), b.err());
    assertTrue(!Files.exists(dir.resolve("e.png")) && !Files.exists(dir.resolve("b.png")));
  }
}
