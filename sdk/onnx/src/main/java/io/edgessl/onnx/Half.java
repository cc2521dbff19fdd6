package io.edgessl.onnx;

/**
 * IEEE 754 binary16 ("half", ONNX {@code FLOAT16}) conversions, for writing FP16 models on Java 17,
 * which lacks {@code Float.floatToFloat16}. Rounding is to nearest, ties to even, as the standard
 * and {@code Float.floatToFloat16} (Java 20) define it: values past the largest half (65504) that
 * do not round down to it become infinity, values below half the smallest subnormal (2^-25) become
 * zero, NaN stays NaN.
 */
public final class Half {
  /** The largest finite half, 65504. */
  public static final float MAX = 65504f;

  private Half() {}

  /**
   * The binary16 bits nearest to {@code f}.
   *
   * @param f the value
   * @return the half's 16 bits (sign, 5 exponent bits, 10 mantissa bits) in a short
   */
  public static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) { // infinity, or NaN (kept quiet and non-zero)
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
    }
    int e = exp - 127 + 15; // the half's biased exponent
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e >= 1) { // normal: drop 13 mantissa bits, rounding; a carry may reach infinity correctly
      int h = (e << 10) | (mant >>> 13);
      int rest = mant & 0x1fff;
      if (rest > 0x1000 || (rest == 0x1000 && (h & 1) == 1)) {
        h++;
      }
      return (short) (sign | h);
    }
    if (e < -10) { // below 2^-25: rounds to zero
      return (short) sign;
    }
    // Subnormal half m * 2^-24 with m = (1.mant * 2^23) >> (14 - e); a carry may make it normal.
    int m = mant | 0x800000;
    int shift = 14 - e;
    int h = m >>> shift;
    int rest = m & ((1 << shift) - 1);
    int half = 1 << (shift - 1);
    if (rest > half || (rest == half && (h & 1) == 1)) {
      h++;
    }
    return (short) (sign | h);
  }

  /**
   * The float value of binary16 bits (exact: every half is a float).
   *
   * @param half the half's 16 bits, as {@link #fromFloat} returns them
   * @return the value
   */
  public static float toFloat(short half) {
    int h = half & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f; // subnormal (or zero): exact in float
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }
}
