package io.edgessl.onnx.quant;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A histogram of absolute values over {@code [0, limit]} in equal bins: bin {@code i} counts the
 * values with {@code i * w <= |x| < (i + 1) * w}, {@code w = limit / bins}; the last bin also takes
 * {@code |x| = limit} and anything above it. Non-finite values are not counted. This is the
 * histogram that TensorRT's and ONNX Runtime's entropy and percentile calibrators work on (2048
 * bins by default); the limit is the largest magnitude seen in a first pass over the data.
 */
public final class AbsHistogram {
  private final long[] counts;
  private final float limit;

  /**
   * An empty histogram.
   *
   * @param bins the number of bins
   * @param limit the upper end of the last bin, in the values' units
   * @throws IllegalArgumentException unless {@code bins >= 1} and {@code limit} is finite and not
   *     negative
   */
  public AbsHistogram(int bins, float limit) {
    if (bins < 1 || !(limit >= 0) || !Float.isFinite(limit)) {
      throw new IllegalArgumentException(
          "a histogram needs bins >= 1 and a finite limit >= 0: " + bins + ", " + limit);
    }
    this.counts = new long[bins];
    this.limit = limit;
  }

  /**
   * A histogram holding {@code counts} (for tests and hand-made examples).
   *
   * @param limit the upper end of the last bin
   * @param counts the count of each bin, one bin per element; copied
   * @return a new histogram
   * @throws IllegalArgumentException when a count is negative, there are no bins, or the limit is
   *     negative or not finite
   */
  public static AbsHistogram of(float limit, long... counts) {
    AbsHistogram h = new AbsHistogram(counts.length, limit);
    for (long c : counts) {
      if (c < 0) {
        throw new IllegalArgumentException("negative count in " + Arrays.toString(counts));
      }
    }
    System.arraycopy(counts, 0, h.counts, 0, counts.length);
    return h;
  }

  /**
   * Counts the absolute values of {@code values[from, from + n)}.
   *
   * @param values the values; read, not kept
   * @param from the first index read
   * @param n how many values to read
   */
  public void add(float[] values, int from, int n) {
    add(FloatBuffer.wrap(values, from, n));
  }

  /**
   * Counts the absolute values between the buffer's position and limit (not moved).
   *
   * @param values the values; read, not kept
   */
  public void add(FloatBuffer values) {
    int bins = counts.length;
    // limit 0: every finite value is 0 (the first pass saw nothing larger) and lands in bin 0.
    double perUnit = limit > 0 ? bins / (double) limit : 0;
    for (int i = values.position(), end = values.limit(); i < end; i++) {
      float v = Math.abs(values.get(i));
      if (v <= Float.MAX_VALUE) { // finite (false for NaN and infinity)
        int b = (int) Math.min(bins - 1, v * perUnit);
        counts[b]++;
      }
    }
  }

  /** {@return the number of bins} */
  public int bins() {
    return counts.length;
  }

  /** {@return the upper end of the last bin} */
  public float limit() {
    return limit;
  }

  /** {@return the width of one bin, {@code limit / bins}} */
  public double binWidth() {
    return limit / (double) counts.length;
  }

  /**
   * The count of bin {@code i}.
   *
   * @param i the bin's index, from 0
   * @return the number of values counted in it
   */
  public long count(int i) {
    return counts[i];
  }

  /** {@return all counts, bin 0 first (a copy)} */
  public long[] counts() {
    return counts.clone();
  }

  /** {@return the number of values counted (finite ones only)} */
  public long total() {
    long t = 0;
    for (long c : counts) {
      t += c;
    }
    return t;
  }

  @Override
  public String toString() {
    return "AbsHistogram[" + counts.length + " bins over [0, " + limit + "], " + total() + "]";
  }
}
