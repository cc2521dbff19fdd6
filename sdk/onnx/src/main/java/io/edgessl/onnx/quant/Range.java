package io.edgessl.onnx.quant;

/**
 * The float interval {@code [min, max]} a tensor is quantized over: values outside it saturate.
 *
 * @param min lower end
 * @param max upper end, at least {@code min}
 */
public record Range(float min, float max) {
  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException when an end is not finite or {@code min > max}
   */
  public Range {
    if (!(min <= max) || !Float.isFinite(min) || !Float.isFinite(max)) {
      throw new IllegalArgumentException("not a finite range: [" + min + ", " + max + "]");
    }
  }

  /** {@return the largest magnitude in the range: what a symmetric scale must cover} */
  public float maxAbs() {
    return Math.max(Math.abs(min), Math.abs(max));
  }

  /**
   * This range intersected with {@code [-t, t]} ({@code t >= 0}).
   *
   * @param t the clipping threshold on {@code |x|}
   * @return the intersection, or {@code [0, 0]} when it is empty
   * @throws IllegalArgumentException when {@code t} is negative or NaN
   */
  public Range clip(float t) {
    if (!(t >= 0)) {
      throw new IllegalArgumentException("clip threshold must not be negative: " + t);
    }
    float lo = Math.max(min, -t);
    float hi = Math.min(max, t);
    return lo <= hi ? new Range(lo, hi) : new Range(0, 0);
  }

  @Override
  public String toString() {
    return "[" + min + ", " + max + "]";
  }
}
