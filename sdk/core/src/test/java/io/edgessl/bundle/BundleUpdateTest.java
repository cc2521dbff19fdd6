package io.edgessl.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.testing.TestBundles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Updating a bundle in place: all or nothing, for zips and directories. */
class BundleUpdateTest {
  @TempDir Path dir;

  static final byte[] FP32 = "fp32 model".getBytes(StandardCharsets.US_ASCII);
  static final byte[] INT8 = "int8 model".getBytes(StandardCharsets.US_ASCII);

  @AfterEach
  void noHook() {
    BundleWriter.beforeSwap = () -> {};
  }

  /** Every file under {@code dir}, by relative path, with its bytes. */
  private Map<String, String> snapshot() throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(p)) {
          m.put(dir.relativize(p).toString(), ModelBundle.sha256(Files.readAllBytes(p)));
        } else if (!p.equals(dir)) {
          m.put(dir.relativize(p) + "/", "");
        }
      }
    }
    return m;
  }

  private static Manifest.Builder withInt8(ModelBundle b) {
    return b.manifest().toBuilder().precision(Precision.INT8, "encoder.int8.onnx");
  }

  @Test
  void addsAModelToAZipAndToADirectory() throws Exception {
    for (String name : List.of("b.edgessl", "b-dir")) {
      Path p = dir.resolve(name);
      BundleWriter.write(p, TestBundles.manifest(), Map.of("encoder.fp32.onnx", FP32));
      ModelBundle b = ModelBundle.open(p);
      Manifest m = BundleWriter.update(b, withInt8(b), Map.of("encoder.int8.onnx", INT8));
      ModelBundle after = ModelBundle.open(p);
      assertEquals(m, after.manifest());
      assertEquals(List.of(Precision.FP32, Precision.INT8), List.copyOf(m.precisions().keySet()));
      assertArrayEquals(FP32, after.model(Precision.FP32));
      assertArrayEquals(INT8, after.model(Precision.INT8));
      assertEquals(ModelBundle.sha256(INT8), m.files().get("encoder.int8.onnx"));
      // Replacing a file works the same way.
      byte[] again = "int8 model, recalibrated".getBytes(StandardCharsets.US_ASCII);
      BundleWriter.update(after, after.manifest().toBuilder(), Map.of("encoder.int8.onnx", again));
      assertArrayEquals(again, ModelBundle.open(p).model(Precision.INT8));
    }
    // Nothing left behind but the two bundles.
    assertEquals(
        List.of(
            "b-dir/",
            "b-dir/encoder.fp32.onnx",
            "b-dir/encoder.int8.onnx",
            "b-dir/manifest.json",
            "b.edgessl"),
        List.copyOf(snapshot().keySet()));
  }

  @Test
  void aFailureBeforeTheSwapLeavesTheBundleByteForByte() throws Exception {
    Path p = dir.resolve("b-dir");
    BundleWriter.write(p, TestBundles.manifest(), Map.of("encoder.fp32.onnx", FP32));
    ModelBundle b = ModelBundle.open(p);
    Map<String, String> before = snapshot();
    BundleWriter.beforeSwap =
        () -> {
          throw new UncheckedIOException(new IOException("disk full (injected)"));
        };
    assertThrows(
        UncheckedIOException.class,
        () -> BundleWriter.update(b, withInt8(b), Map.of("encoder.int8.onnx", INT8)));
    assertEquals(before, snapshot(), "the bundle and its directory are as they were");
  }

  @Test
  void aFileChangedSinceOpeningAbortsTheUpdate() throws Exception {
    Path p = dir.resolve("b.edgessl");
    BundleWriter.write(p, TestBundles.manifest(), Map.of("encoder.fp32.onnx", FP32));
    ModelBundle b = ModelBundle.open(p);
    BundleWriter.write(
        dir.resolve("other.edgessl"), TestBundles.manifest(), Map.of("encoder.fp32.onnx", INT8));
    Files.move(dir.resolve("other.edgessl"), p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Map<String, String> before = snapshot();
    EdgeSslException e =
        assertThrows(
            EdgeSslException.class,
            () -> BundleWriter.update(b, withInt8(b), Map.of("encoder.int8.onnx", INT8)));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertTrue(e.getMessage().contains("changed after the bundle was opened"), e.getMessage());
    assertEquals(before, snapshot());
    // A manifest naming a file that is not there is a programming error, caught before writing.
    assertThrows(
        IllegalArgumentException.class,
        () ->
            BundleWriter.update(
                ModelBundle.open(p),
                ModelBundle.open(p).manifest().toBuilder().precision(Precision.FP16, "x.onnx"),
                Map.of()));
    assertEquals(before, snapshot());
  }
}
