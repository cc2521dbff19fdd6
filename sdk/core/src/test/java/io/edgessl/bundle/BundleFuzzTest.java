package io.edgessl.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgessl.EdgeSslException;
import io.edgessl.image.ColorMode;
import io.edgessl.image.Interpolation;
import io.edgessl.image.Preprocessing;
import io.edgessl.testing.Fuzz;
import io.edgessl.testing.TestBundles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated manifests and bundles through {@link ManifestReader} and {@link ModelBundle#open}: only
 * {@link EdgeSslException}, and no allocation beyond the input's size (see {@link Fuzz}).
 */
class BundleFuzzTest {
  @TempDir Path dir;

  private static final byte[] MODEL = "not really onnx".getBytes(StandardCharsets.US_ASCII);

  private List<Manifest.Builder> manifests() {
    return List.of(
        TestBundles.manifest(),
        TestBundles.manifest()
            .patchSize(0)
            .featureStride(16)
            .precision(Precision.INT8, "encoder.int8.onnx")
            .defaultPrecision(Precision.INT8)
            .preprocessing(
                Preprocessing.builder(32, 32)
                    .color(ColorMode.GRAY)
                    .normalize(new float[] {0.5f}, new float[] {0.25f})
                    .resizeShortSide(40, Interpolation.BILINEAR)
                    .build()));
  }

  private List<Path> bundles(String ext) throws Exception {
    List<Manifest.Builder> ms = manifests();
    Path a = dir.resolve("seed0" + ext);
    BundleWriter.write(a, ms.get(0), Map.of("encoder.fp32.onnx", MODEL));
    Path b = dir.resolve("seed1" + ext);
    BundleWriter.write(
        b, ms.get(1), Map.of("encoder.fp32.onnx", MODEL, "encoder.int8.onnx", MODEL));
    return List.of(a, b);
  }

  @Test
  void manifestReaderThrowsOnlyEdgeSslException() throws Exception {
    List<byte[]> seeds =
        bundles("").stream().map(p -> read(p.resolve(ModelBundle.MANIFEST))).toList();
    Fuzz.Result r =
        Fuzz.reader("manifest", seeds)
            .cases(4000)
            .documented(EdgeSslException.class)
            .run(in -> ManifestReader.parse(new String(in, StandardCharsets.UTF_8), "fuzz"));
    assertEquals(r.cases(), r.accepted() + r.rejected());
  }

  @Test
  void openingAMutatedDirectoryThrowsOnlyEdgeSslException() throws Exception {
    List<Path> seeds = bundles("");
    Path target = dir.resolve("mutated");
    BundleWriter.write(
        target, manifests().get(1), Map.of("encoder.fp32.onnx", MODEL, "encoder.int8.onnx", MODEL));
    Fuzz.reader(
            "bundle-dir", seeds.stream().map(p -> read(p.resolve(ModelBundle.MANIFEST))).toList())
        .cases(1500)
        .documented(EdgeSslException.class)
        .prepare(in -> Files.write(target.resolve(ModelBundle.MANIFEST), in))
        .run(in -> ModelBundle.open(target));
  }

  @Test
  void openingAMutatedZipThrowsOnlyEdgeSslException() throws Exception {
    List<byte[]> seeds = bundles(ModelBundle.EXTENSION).stream().map(BundleFuzzTest::read).toList();
    Path target = dir.resolve("mutated.edgessl");
    Fuzz.reader("bundle-zip", seeds)
        .cases(2000)
        .documented(EdgeSslException.class)
        .prepare(in -> Files.write(target, in))
        .run(in -> ModelBundle.open(target));
  }

  static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
