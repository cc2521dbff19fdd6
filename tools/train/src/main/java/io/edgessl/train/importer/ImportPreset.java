package io.edgessl.train.importer;

import io.edgessl.image.ColorMode;
import io.edgessl.image.Interpolation;
import io.edgessl.image.Preprocessing;
import java.util.Locale;

/**
 * What a model family expects of its input and how its global embedding is read, as the family's
 * own evaluation code does it: ImageNet mean and std on RGB, the image resized so that its short
 * side is 256/224 of the crop, then centre-cropped (DINO's, DINOv2's and MAE's k-NN and linear
 * evaluations: bicubic; torchvision's ImageNet CNNs: bilinear), and the [CLS] token (ViTs) or the
 * global average of the last feature map (CNNs) as the embedding.
 */
public enum ImportPreset {
  /** DINO ViTs (Caron et al. 2021): patch 16 or 8, [CLS] embedding, bicubic. */
  DINO("dino", Interpolation.BICUBIC, "cls"),
  /** DINOv2 ViTs (Oquab et al. 2023), with or without registers: patch 14, [CLS], bicubic. */
  DINOV2("dinov2", Interpolation.BICUBIC, "cls"),
  /** MAE encoders (He et al. 2022): patch 16, [CLS] (their linear probe's), bicubic. */
  MAE("mae", Interpolation.BICUBIC, "cls"),
  /** torchvision-style ImageNet CNNs (ResNet and kin): global average of the map, bilinear. */
  IMAGENET_CNN("imagenet-cnn", Interpolation.BILINEAR, "gap");

  /** ImageNet's channel means, RGB. */
  static final float[] MEAN = {0.485f, 0.456f, 0.406f};

  /** ImageNet's channel standard deviations, RGB. */
  static final float[] STD = {0.229f, 0.224f, 0.225f};

  private final String id;
  private final Interpolation interpolation;
  private final String pooling;

  ImportPreset(String id, Interpolation interpolation, String pooling) {
    this.id = id;
    this.interpolation = interpolation;
    this.pooling = pooling;
  }

  /** {@return the name on the command line and in the manifest, e.g. {@code imagenet-cnn}} */
  public String id() {
    return id;
  }

  /** {@return the embedding pooling: {@code cls} or {@code gap}} */
  public String pooling() {
    return pooling;
  }

  /** {@return the resampling filter of the family's evaluation transforms} */
  public Interpolation interpolation() {
    return interpolation;
  }

  /**
   * The family's preprocessing for a {@code height x width} input: short side resized to {@code
   * round(min(height, width) * 256 / 224)}, centre crop, ImageNet normalization, RGB.
   *
   * @param height the model's input height
   * @param width the model's input width
   * @return a builder holding those settings, to override
   */
  public Preprocessing.Builder preprocessing(int height, int width) {
    return Preprocessing.builder(height, width)
        .color(ColorMode.RGB)
        .normalize(MEAN.clone(), STD.clone())
        .resizeShortSide(Math.round(Math.min(height, width) * 256f / 224f), interpolation);
  }

  /**
   * The preset named {@code id}.
   *
   * @param id {@code dino}, {@code dinov2}, {@code mae} or {@code imagenet-cnn}
   * @return the preset
   * @throws IllegalArgumentException naming the value and the choices
   */
  public static ImportPreset parse(String id) {
    for (ImportPreset p : values()) {
      if (p.id.equals(id.toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "--preset '" + id + "' is not one of dino, dinov2, mae, imagenet-cnn");
  }
}
