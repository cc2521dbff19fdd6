package io.edgessl.image;

/**
 * How YUV samples map to RGB: ITU-R BT.601 in one of its two ranges. Each {@link Frame} carries
 * one; the conversion clamps R, G and B to [0, 255] and keeps them as floats (no rounding).
 *
 * <ul>
 *   <li>{@link #LIMITED} ("video" or "TV" range, Y in [16, 235], chroma in [16, 240]): {@code R =
 *       1.164383 (Y - 16) + 1.596027 (V - 128)}, {@code G = 1.164383 (Y - 16) - 0.391762 (U - 128)
 *       - 0.812968 (V - 128)}, {@code B = 1.164383 (Y - 16) + 2.017232 (U - 128)}. The coefficients
 *       are BT.601's luma weights (Kr = 0.299, Kb = 0.114) scaled by 255/219 and 255/224. This is
 *       what V4L2 webcams and most video decoders produce, and what OpenCV's {@code
 *       COLOR_YUV2RGB_NV12}, {@code _NV21} and {@code _YUYV} assume (OpenCV rounds its coefficients
 *       to 1.164, 1.596, 0.391, 0.813 and 2.018, rounds results to integers, and clamps {@code Y -
 *       16} at 0 first, so it differs from the formula for Y below 16, outside the legal range).
 *   <li>{@link #FULL} (JPEG / JFIF range, all samples in [0, 255]): {@code R = Y + 1.402 (V -
 *       128)}, {@code G = Y - 0.344136 (U - 128) - 0.714136 (V - 128)}, {@code B = Y + 1.772 (U -
 *       128)}. Android's camera {@code YUV_420_888} and {@code NV21} frames use this range.
 * </ul>
 */
public enum YuvRange {
  /** BT.601 limited ("video") range: Y in [16, 235]. The default. */
  LIMITED(16f, 255f / 219f, 1.402f, 0.344136f, 0.714136f, 1.772f, 255f / 224f),
  /** BT.601 full (JPEG) range: Y in [0, 255]. */
  FULL(0f, 1f, 1.402f, 0.344136f, 0.714136f, 1.772f, 1f);

  private final float[] coefficients;

  YuvRange(float yOffset, float yScale, float vr, float ug, float vg, float ub, float c) {
    this.coefficients = new float[] {yOffset, yScale, vr * c, ug * c, vg * c, ub * c};
  }

  /**
   * The six coefficients {@code {yOffset, yScale, vr, ug, vg, ub}} of {@code R = yScale (Y -
   * yOffset) + vr (V - 128)}, {@code G = yScale (Y - yOffset) - ug (U - 128) - vg (V - 128)},
   * {@code B = yScale (Y - yOffset) + ub (U - 128)}, as {@link
   * io.edgessl.spi.ImageKernels#preprocess} takes them. A fresh copy.
   *
   * @return a new array of six floats, owned by the caller
   */
  public float[] coefficients() {
    return coefficients.clone();
  }
}
