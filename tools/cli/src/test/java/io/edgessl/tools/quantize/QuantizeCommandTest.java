package io.edgessl.tools.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.bundle.BundleWriter;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.bundle.Precision;
import io.edgessl.encoder.Encoder;
import io.edgessl.image.Frame;
import io.edgessl.image.PixelFormat;
import io.edgessl.internal.io.Json;
import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Ops;
import io.edgessl.onnx.Shape;
import io.edgessl.onnx.models.RandomModels;
import io.edgessl.onnx.models.RandomModels.Preset;
import io.edgessl.tools.EdgeSsl;
import io.edgessl.tools.TestData;
import io.edgessl.train.data.FashionMnist;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.eval.Similarity;
import io.edgessl.train.quantize.BundleSnapshots;
import io.edgessl.train.quantize.Npy;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code edgessl quantize} end to end: the INT8 and FP16 models it writes load in ONNX Runtime
 * (through the Encoder API) and stay close to FP32 on Fashion-MNIST test images, and a bad
 * calibration set or bundle fails with a clear message and leaves the bundle byte for byte.
 */
class QuantizeCommandTest {
  /**
   * The stated bounds on the cosine similarity of INT8 embeddings to FP32 ones, over 200 test
   * images, for the generated (untrained) test models: measured 0.9996 / 0.9970 (mean / min) for
   * vit-test and 0.99997 / 0.99994 for conv-mnist with the defaults (percentile 99.99, symmetric
   * activations, 64 calibration images).
   */
  static final double INT8_MEAN_COSINE = 0.995;

  static final double INT8_MIN_COSINE = 0.98;

  /** FP16 keeps about 11 bits; its embeddings are closer still. */
  static final double FP16_MIN_COSINE = 0.9999;

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

  private Path bundle(Preset p, String name) throws Exception {
    Path b = dir.resolve(name);
    RandomModels.writeBundle(p, 7, b);
    return b;
  }

  private static float[][] embed(ModelBundle b, Precision p, LabelledImages images, int n)
      throws Exception {
    try (Encoder e = Encoder.builder(b).precision(p).threads(1).maxBatch(32).build()) {
      assertEquals(p, e.precision());
      List<Frame> frames = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        frames.add(
            Frame.builder(PixelFormat.GRAY, images.width(), images.height())
                .pixels(images.pixels())
                .offset(images.offset(i))
                .build());
      }
      float[][] out = new float[n][];
      for (int i = 0; i < n; i++) {
        out[i] = e.embed(frames).get(i).vector();
      }
      return out;
    }
  }

  @Test
  void int8AndFp16ModelsLoadRunAndStayCloseToFp32() throws Exception {
    Path fm = TestData.fashionMnist();
    LabelledImages test = FashionMnist.load(fm, FashionMnist.Split.TEST).head(200);
    for (Preset p : new Preset[] {Preset.VIT_TEST, Preset.CONV_MNIST}) {
      Path b = bundle(p, p.id() + (p == Preset.VIT_TEST ? ".edgessl" : "-dir"));
      Path report = dir.resolve(p.id() + ".json");
      Run r =
          run(
              "quantize",
              b.toString(),
              "--quiet",
              "--calib",
              fm.toString(),
              "--calib-count",
              "64",
              "--eval",
              fm.toString(),
              "--eval-bank",
              "300",
              "--eval-queries",
              "100",
              "--report",
              report.toString());
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("wrote " + b + ": precisions fp32, fp16, int8"), r.out());
      assertTrue(r.out().matches("(?s).*\n  int8 +encoder\\.int8\\.onnx .*"), r.out());

      ModelBundle bundle = ModelBundle.open(b); // every hash checked
      assertEquals(
          List.of(Precision.FP32, Precision.FP16, Precision.INT8),
          List.copyOf(bundle.manifest().precisions().keySet()));
      OnnxGraph q = OnnxGraph.read(bundle.model(Precision.INT8), "int8");
      assertTrue(q.metadata().get("edgessl.quantization").startsWith("static int8 QDQ"));
      assertEquals(
          bundle.manifest().files().get("encoder.fp32.onnx"),
          q.metadata().get("edgessl.source_sha256"));

      // Independently of the command's own scores: the Encoder API on ONNX Runtime.
      float[][] ref = embed(bundle, Precision.FP32, test, test.count());
      for (Precision prec : new Precision[] {Precision.INT8, Precision.FP16}) {
        float[][] e = embed(bundle, prec, test, test.count());
        double sum = 0;
        double min = 1;
        for (int i = 0; i < e.length; i++) {
          double c = Similarity.cosine(ref[i], e[i]);
          sum += c;
          min = Math.min(min, c);
        }
        double mean = sum / e.length;
        if (prec == Precision.INT8) {
          assertTrue(mean >= INT8_MEAN_COSINE, p + " int8 mean cosine " + mean);
          assertTrue(min >= INT8_MIN_COSINE, p + " int8 min cosine " + min);
        } else {
          assertTrue(min >= FP16_MIN_COSINE, p + " fp16 min cosine " + min);
        }
      }
      Map<?, ?> json = (Map<?, ?>) Json.parse(Files.readString(report));
      Map<?, ?> scores = (Map<?, ?>) json.get("scores");
      assertEquals(List.of("fp32", "fp16", "int8"), List.copyOf(scores.keySet()));
      assertEquals(1.0, ((Map<?, ?>) scores.get("fp32")).get("cosine_mean"));
    }
  }

  /**
   * A bundle whose embedding is the final feature map flattened ({@code --embedding map}, as the
   * default Fashion-MNIST model has): its patch grid has fewer channels than the embedding has
   * values, and the quantizer must check each output against its own size.
   */
  @Test
  void aMapEmbeddingBundleQuantizes() throws Exception {
    Path fm = TestData.fashionMnist();
    OnnxGraph g = RandomModels.graph(Preset.CONV_MNIST, 7);
    Node grid = g.producer("patch_grid").orElseThrow();
    String map = g.producer(grid.input(0)).orElseThrow().input(0); // [N, 32, 7, 7]
    Node emb = g.producer("embedding").orElseThrow();
    emb.inputs().set(0, new Ops(g).flatten(map, 1));
    g.outputs().removeIf(v -> v.name().equals("embedding"));
    g.output("embedding", ElementType.FLOAT, Shape.batched("N", 32 * 7 * 7));
    g.sortNodes();
    g.check();
    Path b = dir.resolve("map.edgessl");
    BundleWriter.write(
        b,
        RandomModels.manifest(Preset.CONV_MNIST, 7)
            .embedding(32 * 7 * 7, "embedding", "patch_grid")
            .patchFeatureSize(32)
            .embeddingPooling("map"),
        Map.of("encoder.fp32.onnx", g.toBytes()));
    Run r =
        run("quantize", b.toString(), "--quiet", "--calib", fm.toString(), "--calib-count", "32");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("wrote " + b + ": precisions fp32, fp16, int8"), r.out());
    ModelBundle bundle = ModelBundle.open(b);
    assertEquals(32, bundle.manifest().patchFeatureSize());
    LabelledImages test = FashionMnist.load(fm, FashionMnist.Split.TEST).head(8);
    float[][] ref = embed(bundle, Precision.FP32, test, test.count());
    float[][] int8 = embed(bundle, Precision.INT8, test, test.count());
    for (int i = 0; i < ref.length; i++) {
      assertEquals(32 * 7 * 7, int8[i].length);
      assertTrue(Similarity.cosine(ref[i], int8[i]) >= INT8_MIN_COSINE, "image " + i);
    }
  }

  private Path pngs(String name, int count) throws IOException {
    Path d = Files.createDirectories(dir.resolve(name));
    SplittableRandom r = new SplittableRandom(count);
    for (int i = 0; i < count; i++) {
      BufferedImage img = new BufferedImage(40 + i, 30, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < img.getHeight(); y++) {
        for (int x = 0; x < img.getWidth(); x++) {
          img.setRGB(x, y, r.nextInt(1 << 24));
        }
      }
      ImageIO.write(img, "png", d.resolve("img" + i + ".png").toFile());
    }
    return d;
  }

  @Test
  void imageFoldersAndNpyTensorsCalibrateAndDryRunsWriteNothing() throws Exception {
    Path b = bundle(Preset.VIT_TEST, "vit.edgessl");
    Map<String, String> before = BundleSnapshots.of(dir.resolve("vit.edgessl"));
    Run r =
        run(
            "quantize",
            b.toString(),
            "--quiet",
            "--dry-run",
            "--calib",
            pngs("images", 6).toString(),
            "--method",
            "entropy",
            "--precisions",
            "int8");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("entropy calibration on 6 of 6 image files from "), r.out());
    assertTrue(r.out().contains("dry run: " + b + " not changed"), r.out());
    assertEquals(before, BundleSnapshots.of(b));

    float[] data = new float[5 * 3 * 32 * 32];
    SplittableRandom rnd = new SplittableRandom(1);
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) rnd.nextGaussian();
    }
    Path npy = dir.resolve("calib.npy");
    Files.write(npy, Npy.write(new long[] {5, 3, 32, 32}, data));
    r =
        run(
            "quantize",
            b.toString(),
            "--quiet",
            "--calib",
            npy.toString(),
            "--method",
            "minmax",
            "--activations",
            "asymmetric",
            "--keep-fp32-layers",
            "blocks.0/matmul",
            "--precisions",
            "int8");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("12 layers quantized, 1 in float"), r.out());
    ModelBundle bundle = ModelBundle.open(b);
    assertEquals(
        List.of(Precision.FP32, Precision.INT8),
        List.copyOf(bundle.manifest().precisions().keySet()));
    OnnxGraph q = OnnxGraph.read(bundle.model(Precision.INT8), "int8");
    Node kept =
        q.nodes().stream().filter(n -> n.name().equals("blocks.0/matmul")).findFirst().get();
    assertEquals("blocks.0.attn.qkv.weight", kept.input(1), "the kept layer reads float weights");
  }

  @Test
  void sensitivityRanksLayersAndKeepsTheWorstInFloat() throws Exception {
    Path b = bundle(Preset.VIT_TEST, "vit-dir");
    Run list = run("quantize", b.toString(), "--list-layers");
    assertEquals(0, list.code(), list.err());
    assertTrue(list.out().startsWith("13 quantizable layers"), list.out());
    assertTrue(
        list.out()
            .contains("patch_embed/conv                 Conv    pixels x patch_embed.proj.weight"),
        list.out());
    Run r =
        run(
            "quantize",
            b.toString(),
            "--quiet",
            "--calib",
            pngs("images", 8).toString(),
            "--sensitivity",
            "--keep-fp32",
            "2",
            "--precisions",
            "int8");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("sensitivity: each layer alone left in float"), r.out());
    long rows = r.out().lines().filter(l -> l.matches(" +\\d+  \\S+ +(MatMul|Conv) .*")).count();
    assertEquals(13, rows, r.out());
    assertTrue(r.out().contains("11 layers quantized, 2 in float"), r.out());
  }

  @Test
  void badCalibrationSetsAndBundlesFailClearlyAndTouchNothing() throws Exception {
    Path b = bundle(Preset.VIT_TEST, "vit-dir");
    Map<String, String> before = BundleSnapshots.of(b);
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Files.writeString(empty.resolve("notes.txt"), "no images here");
    Run r = run("quantize", b.toString(), "--calib", empty.toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertEquals(
        "edgessl: calibration set "
            + empty
            + " is empty: no train-images-idx3-ubyte[.gz] and no image files (.png, .jpg, .jpeg,"
            + " .bmp, .gif)\n",
        r.err());

    Path npy = dir.resolve("small.npy");
    Files.write(npy, Npy.write(new long[] {2, 3, 16, 16}, new float[2 * 3 * 16 * 16]));
    r = run("quantize", b.toString(), "--calib", npy.toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertEquals(
        "edgessl: calibration tensors "
            + npy
            + " have shape [2, 3, 16, 16] but the model takes [N, 3, 32, 32] (preprocessed"
            + " float32 inputs)\n",
        r.err());

    Path none = dir.resolve("none.npy");
    Files.write(none, Npy.write(new long[] {0, 3, 32, 32}, new float[0]));
    r = run("quantize", b.toString(), "--calib", none.toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertEquals("edgessl: calibration set " + none + " is empty: it holds 0 tensors\n", r.err());

    // An IDX file that is not a set of images (labels: one dimension).
    Path labels = dir.resolve("labels-idx1-ubyte");
    Files.write(labels, new byte[] {0, 0, 8, 1, 0, 0, 0, 2, 3, 4});
    r = run("quantize", b.toString(), "--calib", labels.toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertTrue(
        r.err()
            .startsWith(
                "edgessl: calibration set "
                    + labels
                    + " is not a set of images ([N, height, width] unsigned bytes): "),
        r.err());

    r = run("quantize", b.toString(), "--calib", dir.resolve("missing").toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertEquals("edgessl: calibration set not found: " + dir.resolve("missing") + "\n", r.err());

    r = run("quantize", b.toString());
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertEquals("edgessl: --calib DATA is required for int8\n", r.err());

    r = run("quantize", b.toString(), "--calib", empty.toString(), "--method", "mse");
    assertEquals(EdgeSsl.EXIT_USAGE, r.code());
    assertEquals(
        "edgessl: unknown calibration method 'mse'; expected minmax, percentile or entropy\n",
        r.err());
    assertFalse(r.err().contains("Exception"));
    assertEquals(before, BundleSnapshots.of(b), "every failure left the bundle as it was");

    // A bundle with no FP32 model: nothing to quantize from.
    Path noFp32 = dir.resolve("int8-only.edgessl");
    BundleWriter.write(
        noFp32,
        RandomModels.manifest(Preset.VIT_TEST, 1)
            .clearPrecisions()
            .precision(Precision.INT8, "encoder.int8.onnx"),
        Map.of("encoder.int8.onnx", RandomModels.graph(Preset.VIT_TEST, 1).toBytes()));
    Map<String, String> zipBefore = BundleSnapshots.of(noFp32);
    r = run("quantize", noFp32.toString(), "--calib", pngs("more", 2).toString());
    assertEquals(EdgeSsl.EXIT_FAILURE, r.code());
    assertEquals(
        "edgessl: model bundle "
            + noFp32
            + " has no fp32 model to quantize (it has int8); quantization starts from the float"
            + " model\n",
        r.err());
    assertEquals(zipBefore, BundleSnapshots.of(noFp32));
  }
}
