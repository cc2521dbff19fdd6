package io.edgessl.train.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.bundle.ImportSource;
import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.encoder.Encoder;
import io.edgessl.encoder.PatchFeatures;
import io.edgessl.image.Frame;
import io.edgessl.image.PixelFormat;
import io.edgessl.internal.io.Json;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Imports the PyTorch fixtures ({@code scripts/python/make_import_fixtures.py}: tiny DINO, DINOv2
 * with and without registers, MAE ViTs and a ResNet exported by torch 1.13) and runs the bundles
 * through the SDK: embedding and patch grid must equal PyTorch's within 1e-4 of their scale.
 */
class ModelImporterTest {
  @TempDir Path tmp;

  static Path fixture(String file) throws IOException {
    return ImportFixtures.fixture(file);
  }

  static Map<?, ?> describe(String name) throws Exception {
    return (Map<?, ?>) Json.parse(Files.readString(fixture(name + ".json")));
  }

  static float[] floats(String file) throws IOException {
    ByteBuffer b =
        ByteBuffer.wrap(Files.readAllBytes(fixture(file))).order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[b.remaining() / 4];
    b.asFloatBuffer().get(f);
    return f;
  }

  /** The fixture's import_args as options, with the resize made the identity for its images. */
  static ImportOptions options(Path model, Path out, Map<?, ?> d, boolean gap) {
    ImportOptions o = new ImportOptions(model, out);
    List<?> args = (List<?>) d.get("import_args");
    for (int i = 0; i < args.size(); i += 2) {
      String v = (String) args.get(i + 1);
      switch ((String) args.get(i)) {
        case "--preset" -> o.preset(ImportPreset.parse(v));
        case "--size" -> o.size(Integer.parseInt(v), Integer.parseInt(v));
        case "--registers" -> o.registers(Integer.parseInt(v));
        case "--embedding" -> o.embeddingOutput(v);
        case "--patch-tokens" -> o.patchOutput(v);
        default -> throw new IllegalArgumentException("fixture arg " + args.get(i));
      }
    }
    int h = ((Long) d.get("height")).intValue();
    o.resize(h, false); // short side = crop: the fixture images go in as they are
    if (gap) {
      o.pooling("gap");
    }
    return o;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dino_vits16",
        "dino_vit8_interp",
        "dinov2_vits14",
        "dinov2_vits14_reg4",
        "mae_vits16",
        "resnet_tiny"
      })
  void sdkReproducesPyTorch(String name) throws Exception {
    Map<?, ?> d = describe(name);
    Path out = tmp.resolve(name + ".edgessl");
    ModelImporter.Result r =
        ModelImporter.importModel(options(fixture(name + ".onnx"), out, d, false));
    Manifest m = ModelBundle.open(out).manifest();
    assertEquals(2, m.formatVersion());
    ImportSource src = m.source().orElseThrow();
    assertEquals(name + ".onnx", src.file());
    assertEquals(d.get("preset"), src.preset());
    int h = ((Long) d.get("height")).intValue();
    List<?> grid = (List<?>) d.get("grid");
    assertEquals(((Long) grid.get(0)).intValue(), m.gridHeight(), "grid rows");
    assertEquals(((Long) grid.get(1)).intValue(), m.gridWidth(), "grid columns");
    if (d.containsKey("registers")) {
      assertEquals(((Long) d.get("registers")).intValue(), src.registerTokens());
    }
    assertTrue(r.maxAbsDiff() <= 1e-4 * r.scale(), r.toString());
    compareWithPyTorch(name, out, h, "embedding");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dinov2_vits14_reg4", "mae_vits16"})
  void meanOfPatchTokensAsEmbedding(String name) throws Exception {
    Map<?, ?> d = describe(name);
    Path out = tmp.resolve(name + "-gap.edgessl");
    ModelImporter.importModel(options(fixture(name + ".onnx"), out, d, true));
    Manifest m = ModelBundle.open(out).manifest();
    assertEquals("mean_patch_tokens", m.source().orElseThrow().embeddingLayout());
    assertEquals("gap", m.embeddingPooling());
    compareWithPyTorch(name, out, ((Long) d.get("height")).intValue(), "embedding-gap");
  }

  private static void compareWithPyTorch(String name, Path bundle, int size, String embeddingFile)
      throws Exception {
    byte[] rgb = Files.readAllBytes(fixture(name + ".input.rgb"));
    float[] wantEmb = floats(name + "." + embeddingFile + ".f32");
    float[] wantGrid = floats(name + ".patch_grid.f32");
    int images = 2;
    int per = size * size * 3;
    assertEquals(images * per, rgb.length);
    try (Encoder enc = Encoder.builder(ModelBundle.open(bundle)).threads(1).build()) {
      int dim = enc.dimension();
      int cells = enc.manifest().gridHeight() * enc.manifest().gridWidth();
      int pdim = enc.patchDimension();
      assertEquals(images * dim, wantEmb.length, "embedding size");
      assertEquals(images * cells * pdim, wantGrid.length, "grid size");
      double scale = 0;
      double diff = 0;
      for (int i = 0; i < images; i++) {
        byte[] img = java.util.Arrays.copyOfRange(rgb, i * per, (i + 1) * per);
        PatchFeatures f = enc.features(Frame.of(img, PixelFormat.RGB, size, size));
        float[] e = f.global().vector();
        for (int k = 0; k < dim; k++) {
          scale = Math.max(scale, Math.abs(wantEmb[i * dim + k]));
          diff = Math.max(diff, Math.abs(e[k] - wantEmb[i * dim + k]));
        }
        float[] g = f.data();
        for (int k = 0; k < cells * pdim; k++) {
          scale = Math.max(scale, Math.abs(wantGrid[i * cells * pdim + k]));
          diff = Math.max(diff, Math.abs(g[k] - wantGrid[i * cells * pdim + k]));
        }
      }
      assertTrue(diff <= 1e-4 * scale, name + ": max |SDK - PyTorch| " + diff + ", scale " + scale);
    }
  }

  @Test
  void canonicalFormFoldsShapesAndFusesLayerNorm() throws Exception {
    Path out = tmp.resolve("dino.edgessl");
    ModelImporter.Result r =
        ModelImporter.importModel(
            options(fixture("dino_vits16.onnx"), out, describe("dino_vits16"), false));
    // torch 1.13 at opset 14: 2 blocks, 5 LayerNorms decomposed into 9 nodes each.
    assertEquals(5L, r.rewrites().get("layer_norms"));
    assertFalse(r.opsAfter().containsKey("ReduceMean"), r.opsAfter().toString());
    assertEquals(5, r.opsAfter().get("LayerNormalization"));
    OnnxGraph g = OnnxGraph.read(ModelBundle.open(out).read(ModelImporter.MODEL_FILE), "bundle");
    assertEquals(17, g.opset());
    assertEquals(
        List.of("embedding", "patch_grid"), g.outputs().stream().map(v -> v.name()).toList());
    // Every Reshape target is a constant now (the exporter built each from Shape -> Gather ->
    // Concat); the only Shape left feeds the batch of [CLS]'s Expand.
    int reshapes = 0;
    for (Node n : g.nodes()) {
      if (n.opType().equals("Reshape")) {
        assertTrue(g.initializers().containsKey(n.input(1)), n.toString());
        reshapes++;
      }
    }
    assertEquals(7, reshapes);
    assertEquals(2, r.opsAfter().get("Shape"), "the batch of [CLS]'s Expand: " + r.opsAfter());
  }

  @Test
  void noCanonicalizationKeepsTheExportersGraph() throws Exception {
    Path out = tmp.resolve("raw.edgessl");
    ImportOptions o =
        options(fixture("dino_vits16.onnx"), out, describe("dino_vits16"), false)
            .canonicalize(false);
    ModelImporter.Result r = ModelImporter.importModel(o);
    assertEquals(10, r.opsAfter().get("ReduceMean"));
    compareWithPyTorch("dino_vits16", out, 64, "embedding");
  }

  // ---- bad input: a clear message, nothing written

  private void refused(Class<? extends Exception> type, ImportOptions o, String... words)
      throws IOException {
    Exception e = assertThrows(Exception.class, () -> ModelImporter.importModel(o));
    assertTrue(type.isInstance(e), e.toString());
    for (String w : words) {
      assertTrue(e.getMessage().contains(w), "'" + w + "' not in: " + e.getMessage());
    }
    assertFalse(Files.exists(o.out()), "nothing written");
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(0, s.count(), "no temporary files left");
    }
  }

  @Test
  void noImageInput() throws Exception {
    ImportOptions o = new ImportOptions(fixture("no_image.onnx"), tmp.resolve("x.edgessl"));
    refused(EdgeSslException.class, o, "no image-like input", "[N, 10]");
  }

  @Test
  void severalPooledOutputsAndNoChoice() throws Exception {
    ImportOptions o = new ImportOptions(fixture("two_pooled.onnx"), tmp.resolve("x.edgessl"));
    Exception e = assertThrows(Exception.class, () -> ModelImporter.importModel(o));
    assertTrue(
        e.getMessage().contains("--embedding") || e.getMessage().contains("--patch-tokens"),
        e.getMessage());
    assertFalse(Files.exists(o.out()));
  }

  @Test
  void dynamicSizeWithoutSize() throws Exception {
    ImportOptions o = new ImportOptions(fixture("dino_vit8_interp.onnx"), tmp.resolve("x.edgessl"));
    refused(IllegalArgumentException.class, o, "dynamic spatial size", "--size");
  }

  @Test
  void aTracedExportAtAnotherSizeSaysWhy() throws Exception {
    // Traced at 96 x 96: the position-embedding Resize has constant scales, so 64 x 64 fails.
    ImportOptions o =
        new ImportOptions(fixture("dino_vit8_interp.onnx"), tmp.resolve("x.edgessl")).size(64, 64);
    refused(EdgeSslException.class, o, "traced at", "--size");
  }

  @Test
  void declaredLayoutsThatDoNotMatch() throws Exception {
    Path model = fixture("dinov2_vits14_reg4.onnx");
    refused(
        IllegalArgumentException.class,
        new ImportOptions(model, tmp.resolve("x.edgessl")).size(84, 84).registers(0),
        "--registers 0",
        "4 register(s)");
    refused(
        IllegalArgumentException.class,
        new ImportOptions(model, tmp.resolve("x.edgessl")).size(84, 84).patchSize(16),
        "--patch-size 16",
        "14");
    refused(
        IllegalArgumentException.class,
        new ImportOptions(fixture("dino_vits16.onnx"), tmp.resolve("x.edgessl")).patchOutput("cls"),
        "--patch-tokens 'cls'");
    refused(
        IllegalArgumentException.class,
        new ImportOptions(fixture("dino_vits16.onnx"), tmp.resolve("x.edgessl"))
            .embeddingOutput("nope"),
        "--embedding 'nope' is not an output",
        "'cls'",
        "'patch_tokens'");
  }

  @Test
  void unsupportedOperatorIsNamed() throws Exception {
    OnnxGraph g = OnnxGraph.load(fixture("dino_vits16.onnx"));
    g.nodes().get(g.nodes().size() - 1).domain("org.example").opType("FancyNorm");
    Path bad = tmp.resolve("custom.onnx");
    g.save(bad);
    ImportOptions o = new ImportOptions(bad, tmp.resolve("x.edgessl"));
    Exception e = assertThrows(EdgeSslException.class, () -> ModelImporter.importModel(o));
    assertTrue(e.getMessage().contains("org.example::FancyNorm"), e.getMessage());
    assertEquals(ErrorCode.INVALID_MODEL, ((EdgeSslException) e).code());
    assertFalse(Files.exists(o.out()));
    Files.delete(bad);
  }

  @Test
  void notAnOnnxFile() throws Exception {
    Path bad =
        Files.writeString(Files.createTempDirectory("imp").resolve("junk.onnx"), "not a model");
    EdgeSslException e =
        assertThrows(
            EdgeSslException.class,
            () -> ModelImporter.importModel(new ImportOptions(bad, tmp.resolve("x.edgessl"))));
    assertTrue(e.getMessage().contains("junk.onnx"), e.getMessage());
    EdgeSslException missing =
        assertThrows(
            EdgeSslException.class,
            () ->
                ModelImporter.importModel(
                    new ImportOptions(tmp.resolve("nope.onnx"), tmp.resolve("y.edgessl"))));
    assertEquals(ErrorCode.FILE_NOT_FOUND, missing.code());
  }
}
