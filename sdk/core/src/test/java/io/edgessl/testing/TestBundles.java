package io.edgessl.testing;

import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.Precision;
import io.edgessl.bundle.Provenance;
import io.edgessl.image.ColorMode;
import io.edgessl.image.Interpolation;
import io.edgessl.image.Preprocessing;

/** Manifests for tests. */
public final class TestBundles {
  private TestBundles() {}

  /** A complete manifest builder (without files) for a 32 x 32 RGB ViT with patch 8 and D 3. */
  public static Manifest.Builder manifest() {
    return Manifest.builder()
        .name("test")
        .architecture("vit-test")
        .inputName("pixels")
        .patchSize(8)
        .preprocessing(
            Preprocessing.builder(32, 32)
                .color(ColorMode.RGB)
                .normalize(
                    new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f})
                .resizeShortSide(36, Interpolation.BICUBIC)
                .build())
        .embedding(3, "embedding", "patch_grid")
        .precision(Precision.FP32, "encoder.fp32.onnx")
        .provenance(new Provenance("random-init", "none", 0, "unknown"));
  }
}
