package io.edgessl.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.internal.io.Json;
import io.edgessl.testing.TestBundles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBundleTest {
  @TempDir Path dir;

  static final byte[] MODEL = "not really onnx".getBytes(StandardCharsets.US_ASCII);
  // sha256("not really onnx"), computed with sha256sum.
  static final String MODEL_SHA = ModelBundle.sha256(MODEL);

  private Path writeDir() throws Exception {
    Path b = dir.resolve("bundle");
    BundleWriter.write(b, TestBundles.manifest(), Map.of("encoder.fp32.onnx", MODEL));
    return b;
  }

  @Test
  void writesAndOpensADirectoryAndAZip() throws Exception {
    Manifest written =
        BundleWriter.write(
            dir.resolve("b.edgessl"), TestBundles.manifest(), Map.of("encoder.fp32.onnx", MODEL));
    assertEquals(MODEL_SHA, written.files().get("encoder.fp32.onnx"));
    for (Path p : new Path[] {writeDir(), dir.resolve("b.edgessl")}) {
      ModelBundle b = ModelBundle.open(p);
      assertEquals(written, b.manifest());
      assertEquals(p.toString().endsWith(".edgessl"), b.isArchive());
      assertArrayEquals(MODEL, b.model(Precision.FP32));
      assertEquals(MODEL.length, b.sizes().get("encoder.fp32.onnx"));
      EdgeSslException e = assertThrows(EdgeSslException.class, () -> b.model(Precision.INT8));
      assertEquals(ErrorCode.UNAVAILABLE, e.code());
      assertEquals("model bundle " + p + " has no int8 model; it has fp32", e.getMessage());
    }
    // Nothing but the bundles was left in the directory (no temporary files).
    try (var s = Files.list(dir)) {
      assertEquals(2, s.count());
    }
  }

  @Test
  void manifestJsonIsExactlyTheDocumentedFormat() throws Exception {
    Path b = writeDir();
    Map<?, ?> m = (Map<?, ?>) Json.parse(Files.readString(b.resolve("manifest.json")));
    assertEquals(1L, m.get("format_version"));
    assertEquals(8L, m.get("patch_size"));
    assertEquals("rgb", m.get("color"));
    assertEquals(
        Map.of("policy", "short_side_center_crop", "short_side", 36L, "interpolation", "bicubic"),
        m.get("resize"));
    assertEquals(
        java.util.List.of(0.485, 0.456, 0.406), ((Map<?, ?>) m.get("normalization")).get("mean"));
    assertEquals(Map.of("encoder.fp32.onnx", MODEL_SHA), m.get("files"));
    assertEquals(
        Map.of("method", "random-init", "data", "none", "steps", 0L, "commit", "unknown"),
        m.get("provenance"));
  }

  static ImportSource source() {
    return new ImportSource(
        "dinov2.onnx",
        "ab".repeat(32),
        "pytorch 1.13.1",
        14,
        "dinov2",
        "x_norm",
        "cls_token",
        "x_norm",
        "tokens",
        5,
        4,
        Map.of("layer_norms", 25L));
  }

  @Test
  void anImportedModelsManifestIsVersion2AndReadsBack() throws Exception {
    Path b = dir.resolve("imported");
    Manifest written =
        BundleWriter.write(
            b, TestBundles.manifest().source(source()), Map.of("encoder.fp32.onnx", MODEL));
    assertEquals(2, written.formatVersion());
    Map<?, ?> m = (Map<?, ?>) Json.parse(Files.readString(b.resolve("manifest.json")));
    assertEquals(2L, m.get("format_version"));
    Map<?, ?> src = (Map<?, ?>) m.get("source");
    assertEquals("tokens", src.get("patch_layout"));
    assertEquals(5L, src.get("prefix_tokens"));
    assertEquals(Map.of("layer_norms", 25L), src.get("rewrites"));
    Manifest read = ModelBundle.open(b).manifest();
    assertEquals(written, read);
    assertEquals(source(), read.source().orElseThrow());
    // Without a source the manifest stays version 1, as every bundle before.
    Manifest plain = written.toBuilder().source(null).build();
    assertEquals(1, plain.formatVersion());
    assertTrue(plain.source().isEmpty());
  }

  @Test
  void aVersion2SourceIsChecked() throws Exception {
    Path b = dir.resolve("imported2");
    BundleWriter.write(
        b, TestBundles.manifest().source(source()), Map.of("encoder.fp32.onnx", MODEL));
    Map<String, Object> m =
        copy((Map<?, ?>) Json.parse(Files.readString(b.resolve("manifest.json"))));
    Map<String, Object> src = copy((Map<?, ?>) m.get("source"));
    src.put("patch_layout", "grid");
    m.put("source", src);
    Files.writeString(b.resolve("manifest.json"), Json.writePretty(m));
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> ModelBundle.open(b));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertTrue(
        e.getMessage()
            .endsWith("source.patch_layout 'grid' is not one of tokens, patch_tokens, feature_map"),
        e.getMessage());
  }

  @Test
  void aChangedFileIsRefusedWithBothHashes() throws Exception {
    Path b = writeDir();
    Files.write(b.resolve("encoder.fp32.onnx"), "tampered".getBytes(StandardCharsets.US_ASCII));
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> ModelBundle.open(b));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertEquals(
        b.resolve("encoder.fp32.onnx")
            + " is damaged or was changed: its SHA-256 is "
            + ModelBundle.sha256("tampered".getBytes(StandardCharsets.US_ASCII))
            + " but manifest.json says "
            + MODEL_SHA,
        e.getMessage());
  }

  @Test
  void aFileChangedAfterOpeningIsCaughtWhenRead() throws Exception {
    Path b = writeDir();
    ModelBundle bundle = ModelBundle.open(b);
    Files.write(b.resolve("encoder.fp32.onnx"), new byte[] {1, 2, 3});
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> bundle.model(Precision.FP32));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertTrue(e.getMessage().contains("changed after the bundle was opened"), e.getMessage());
  }

  @Test
  void missingAndUnlistedFiles() throws Exception {
    Path b = writeDir();
    Files.write(b.resolve("extra.bin"), new byte[1]);
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> ModelBundle.open(b));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertEquals(
        "model bundle " + b + " holds extra.bin, which manifest.json does not list",
        e.getMessage());
    Files.delete(b.resolve("extra.bin"));
    Files.write(b.resolve(".DS_Store"), new byte[1]); // hidden files are tolerated
    ModelBundle.open(b);

    Files.delete(b.resolve("encoder.fp32.onnx"));
    e = assertThrows(EdgeSslException.class, () -> ModelBundle.open(b));
    assertEquals(ErrorCode.FILE_NOT_FOUND, e.code());
    assertEquals(
        b.resolve("encoder.fp32.onnx") + " is listed in manifest.json but missing", e.getMessage());

    Files.delete(b.resolve("manifest.json"));
    e = assertThrows(EdgeSslException.class, () -> ModelBundle.open(b));
    assertEquals("model bundle " + b + " has no manifest.json", e.getMessage());

    e = assertThrows(EdgeSslException.class, () -> ModelBundle.open(dir.resolve("none")));
    assertEquals(ErrorCode.FILE_NOT_FOUND, e.code());
    assertEquals("model bundle not found: " + dir.resolve("none"), e.getMessage());
  }

  @Test
  void aZipWithAnUnlistedEntryOrGarbageIsRefused() throws Exception {
    Path z = dir.resolve("x.edgessl");
    byte[] manifest = Files.readAllBytes(writeDir().resolve("manifest.json"));
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(z))) {
      for (Map.Entry<String, byte[]> e :
          Map.of("manifest.json", manifest, "encoder.fp32.onnx", MODEL, "../evil", MODEL)
              .entrySet()) {
        out.putNextEntry(new ZipEntry(e.getKey()));
        out.write(e.getValue());
        out.closeEntry();
      }
    }
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> ModelBundle.open(z));
    assertEquals(
        "model bundle " + z + " holds an entry named '../evil': a '..' segment", e.getMessage());

    Path junk = dir.resolve("junk.edgessl");
    Files.write(junk, new byte[] {1, 2, 3, 4});
    e = assertThrows(EdgeSslException.class, () -> ModelBundle.open(junk));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertTrue(
        e.getMessage().startsWith(junk + " is neither a bundle directory nor a readable zip"),
        e.getMessage());
  }

  /** Rewrites one field of the written manifest and returns the error opening it gives. */
  private EdgeSslException withField(String path, Object value) throws Exception {
    Path b = dir.resolve("f" + System.nanoTime());
    BundleWriter.write(b, TestBundles.manifest(), Map.of("encoder.fp32.onnx", MODEL));
    Map<String, Object> m =
        copy((Map<?, ?>) Json.parse(Files.readString(b.resolve("manifest.json"))));
    String[] keys = path.split("\\.", 2);
    Map<String, Object> at = m;
    for (int i = 0; i < keys.length - 1; i++) {
      Map<String, Object> inner = copy((Map<?, ?>) at.get(keys[i]));
      at.put(keys[i], inner);
      at = inner;
    }
    if (value == null) {
      at.remove(keys[keys.length - 1]);
    } else {
      at.put(keys[keys.length - 1], value);
    }
    Files.writeString(b.resolve("manifest.json"), Json.writePretty(m));
    return assertThrows(EdgeSslException.class, () -> ModelBundle.open(b));
  }

  private static Map<String, Object> copy(Map<?, ?> m) {
    Map<String, Object> c = new LinkedHashMap<>();
    m.forEach((k, v) -> c.put((String) k, v));
    return c;
  }

  @Test
  void everyFieldIsChecked() throws Exception {
    EdgeSslException e = withField("format_version", 3L);
    assertEquals(ErrorCode.UNSUPPORTED_VERSION, e.code());
    assertTrue(
        e.getMessage()
            .endsWith(
                "manifest.json: bundle format version 3 is not supported; this EdgeSSL reads"
                    + " versions 1 to 2 (the bundle was written by a newer EdgeSSL: upgrade)"),
        e.getMessage());
    assertEquals(ErrorCode.UNSUPPORTED_VERSION, withField("format_version", 0L).code());
    assertMessage(
        "unknown field source (a format version 1 manifest has none)",
        withField("source", Map.of("file", "x.onnx")));

    assertMessage("name is missing", withField("name", null));
    assertMessage(
        "input.height must be a positive integer (at most 2^20), got -3",
        withField("input.height", -3L));
    assertMessage("unknown field colour", withField("colour", "rgb"));
    assertMessage("unknown field input.channels", withField("input.channels", 3L));
    assertMessage("color 'rgba' is not one of rgb, bgr, gray", withField("color", "rgba"));
    assertMessage(
        "RGB input has 3 channels but normalization has 2 means and 3 stds",
        withField("normalization.mean", java.util.List.of(0.5, 0.5)));
    assertMessage(
        "normalization of channel 1: mean must be finite and std positive and finite, got mean"
            + " 0.456, std 0.0",
        withField("normalization.std", java.util.List.of(0.2, 0.0, 0.2)));
    assertMessage(
        "short side 30 is smaller than the 32x32 input it is cropped to",
        withField("resize.short_side", 30L));
    assertMessage(
        "resize.policy 'letterbox' is not one of stretch, short_side_center_crop",
        withField("resize.policy", "letterbox"));
    assertMessage("patch_size 5 does not divide the input size 32x32", withField("patch_size", 5L));
    assertMessage(
        "give exactly one of patch_size and feature_stride", withField("feature_stride", 8L));
    assertMessage("outputs.patch_grid is missing", withField("outputs.patch_grid", null));
    assertMessage(
        "outputs.embedding and outputs.patch_grid are both 'x'",
        withField("outputs", Map.of("embedding", "x", "patch_grid", "x")));
    assertMessage(
        "precisions: unknown precision 'bf16'; expected fp32, fp16 or int8",
        withField("precisions.bf16", "encoder.fp32.onnx"));
    assertMessage(
        "precisions.int8: encoder.int8.onnx is not listed in files",
        withField("precisions.int8", "encoder.int8.onnx"));
    assertMessage(
        "precisions.fp32: '../model.onnx' is not a plain file name (letters, digits, . _ + -)",
        withField("precisions.fp32", "../model.onnx"));
    assertMessage(
        "files.encoder.fp32.onnx: not a lower-case hex SHA-256: ABC",
        withField("files.encoder.fp32.onnx", "ABC"));
    assertMessage(
        "provenance.steps must be a non-negative integer, got -1",
        withField("provenance.steps", -1L));
    assertMessage("provenance.commit is missing", withField("provenance.commit", null));
    assertMessage(
        "embedding_size must be a positive integer (at most 2^20), got 0",
        withField("embedding_size", 0L));
    assertMessage(
        "patch_feature_size must be a positive integer (at most 2^20), got 0",
        withField("patch_feature_size", 0L));
    assertMessage(
        "embedding_pooling 'grid:0' is not one of cls, gap, grid:N (N a positive integer), map",
        withField("embedding_pooling", "grid:0"));
  }

  @Test
  void patchFeatureSizeAndPoolingAreOptionalAndRoundTrip() throws Exception {
    // An older manifest has neither field: patch features are embedding-sized, pooling unknown.
    Path old = writeDir();
    Map<?, ?> json = (Map<?, ?>) Json.parse(Files.readString(old.resolve("manifest.json")));
    assertFalse(json.containsKey("patch_feature_size"));
    assertFalse(json.containsKey("embedding_pooling"));
    Manifest m = ModelBundle.open(old).manifest();
    assertEquals(m.embeddingSize(), m.patchFeatureSize());
    assertEquals(null, m.embeddingPooling());

    // A CNN whose embedding is its 2x2-pooled feature map: 4 cells of D = 8.
    Manifest.Builder b = TestBundles.manifest().embedding(32, "embedding", "patch_grid");
    b.patchFeatureSize(8).embeddingPooling("grid:2");
    Path p = dir.resolve("pooled.edgessl");
    BundleWriter.write(p, b, Map.of("encoder.fp32.onnx", MODEL));
    Manifest read = ModelBundle.open(p).manifest();
    assertEquals(32, read.embeddingSize());
    assertEquals(8, read.patchFeatureSize());
    assertEquals("grid:2", read.embeddingPooling());
    Map<String, Object> j = read.toJson();
    assertEquals(8L, j.get("patch_feature_size"));
    assertEquals("grid:2", j.get("embedding_pooling"));
  }

  private static void assertMessage(String expected, EdgeSslException e) {
    assertEquals(ErrorCode.CORRUPT_FILE, e.code(), e.getMessage());
    assertTrue(e.getMessage().endsWith("manifest.json: " + expected), e.getMessage());
  }

  @Test
  void writerRefusesAnIncompleteManifestAndAnExistingDirectory() throws Exception {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BundleWriter.write(dir.resolve("b"), TestBundles.manifest(), Map.of()));
    assertEquals("precisions.fp32: encoder.fp32.onnx is not listed in files", e.getMessage());
    assertFalse(Files.exists(dir.resolve("b")));
    Path b = writeDir();
    EdgeSslException ex =
        assertThrows(
            EdgeSslException.class,
            () ->
                BundleWriter.write(b, TestBundles.manifest(), Map.of("encoder.fp32.onnx", MODEL)));
    assertEquals(ErrorCode.IO, ex.code());
    assertTrue(ex.getMessage().contains("remove it first"), ex.getMessage());
  }

  @Test
  void zippedBundlesAreReproducible() throws Exception {
    BundleWriter.write(
        dir.resolve("a.edgessl"), TestBundles.manifest(), Map.of("encoder.fp32.onnx", MODEL));
    BundleWriter.write(
        dir.resolve("b.edgessl"), TestBundles.manifest(), Map.of("encoder.fp32.onnx", MODEL));
    assertArrayEquals(
        Files.readAllBytes(dir.resolve("a.edgessl")), Files.readAllBytes(dir.resolve("b.edgessl")));
  }
}
