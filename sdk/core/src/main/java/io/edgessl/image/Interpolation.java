package io.edgessl.image;

/**
 * How preprocessing samples between pixels. Both use half-pixel centres: output pixel {@code i} of
 * {@code n} samples the source at {@code (i + 0.5) * sourceSize / n - 0.5}, with source indices
 * clamped to the image (border replicated), as OpenCV's {@code resize} ({@code INTER_LINEAR},
 * {@code INTER_CUBIC}) and PyTorch's {@code interpolate(..., align_corners=False, antialias=False)}
 * do. Neither low-pass filters when shrinking (no antialiasing), like those two; PIL and
 * torchvision's {@code antialias=True} differ from them when shrinking.
 */
public enum Interpolation {
  /** Linear in each direction: 2 x 2 source pixels. */
  BILINEAR(2),
  /**
   * Cubic convolution with {@code a = -0.75} in each direction (OpenCV's and PyTorch's choice; PIL
   * uses {@code a = -0.5}): 4 x 4 source pixels. Can overshoot at edges; values are not clamped.
   */
  BICUBIC(4);

  private final int taps;

  Interpolation(int taps) {
    this.taps = taps;
  }

  /**
   * Source pixels sampled in each direction.
   *
   * @return the filter's taps per direction, e.g. 2 for bilinear
   */
  public int taps() {
    return taps;
  }
}
