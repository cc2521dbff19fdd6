package io.edgessl.train.augment;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How one view of an image is made: a random resized crop (torchvision's {@code RandomResizedCrop}:
 * area fraction in {@code [scaleMin, scaleMax]}, aspect ratio log-uniform in {@code [3/4, 4/3]})
 * with an optional random rotation, a horizontal flip, colour jitter (brightness, contrast,
 * saturation, hue, applied in random order with probability {@code jitterP}; saturation and hue do
 * nothing to grey images), grayscale, Gaussian blur with sigma uniform in {@code [blurSigmaMin,
 * blurSigmaMax]} pixels of the output, and solarization of values {@code >= 0.5}.
 *
 * @param size output side in pixels
 */
public record ViewSpec(
    int size,
    double scaleMin,
    double scaleMax,
    double rotateDegrees,
    double flipP,
    double jitterP,
    double brightness,
    double contrast,
    double saturation,
    double hue,
    double grayscaleP,
    double blurP,
    double blurSigmaMin,
    double blurSigmaMax,
    double solarizeP) {

  public ViewSpec {
    if (size <= 0) {
      throw new IllegalArgumentException("view size must be positive: " + size);
    }
    if (!(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1)) {
      throw new IllegalArgumentException(
          "crop scale must satisfy 0 < min <= max <= 1: " + scaleMin + ", " + scaleMax);
    }
    for (double p : new double[] {flipP, jitterP, grayscaleP, blurP, solarizeP}) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("probability must be in [0, 1]: " + p);
      }
    }
    if (!(brightness >= 0 && contrast >= 0 && saturation >= 0 && hue >= 0 && hue <= 0.5)) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "colour jitter strengths must be >= 0 (hue <= 0.5): %s %s %s %s",
              brightness,
              contrast,
              saturation,
              hue));
    }
    if (!(blurSigmaMin > 0 && blurSigmaMin <= blurSigmaMax)) {
      throw new IllegalArgumentException(
          "blur sigma range must satisfy 0 < min <= max: " + blurSigmaMin + ", " + blurSigmaMax);
    }
    if (!(rotateDegrees >= 0 && rotateDegrees <= 180)) {
      throw new IllegalArgumentException("rotation must be in [0, 180] degrees: " + rotateDegrees);
    }
  }

  /** The same view with another blur and solarize probability (DINO's asymmetric views). */
  public ViewSpec withBlurSolarize(double blur, double solarize) {
    return new ViewSpec(
        size,
        scaleMin,
        scaleMax,
        rotateDegrees,
        flipP,
        jitterP,
        brightness,
        contrast,
        saturation,
        hue,
        grayscaleP,
        blur,
        blurSigmaMin,
        blurSigmaMax,
        solarize);
  }

  /** The same view at another size and crop scale (DINO's local crops). */
  public ViewSpec withSizeScale(int s, double min, double max) {
    return new ViewSpec(
        s,
        min,
        max,
        rotateDegrees,
        flipP,
        jitterP,
        brightness,
        contrast,
        saturation,
        hue,
        grayscaleP,
        blurP,
        blurSigmaMin,
        blurSigmaMax,
        solarizeP);
  }

  /** The fields as a JSON-ready map. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("size", size);
    m.put("scale", java.util.List.of(scaleMin, scaleMax));
    m.put("rotate", rotateDegrees);
    m.put("flip_p", flipP);
    m.put("jitter_p", jitterP);
    m.put("jitter", java.util.List.of(brightness, contrast, saturation, hue));
    m.put("grayscale_p", grayscaleP);
    m.put("blur_p", blurP);
    m.put("blur_sigma", java.util.List.of(blurSigmaMin, blurSigmaMax));
    m.put("solarize_p", solarizeP);
    return m;
  }
}
