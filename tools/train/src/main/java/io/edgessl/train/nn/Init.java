package io.edgessl.train.nn;

import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;

/**
 * Weight initialization drawn in Java from one seeded generator, so a model's initial weights
 * depend only on the seed and the order in which its layers are built (not on libtorch's random
 * number generator or version).
 */
public final class Init {
  private final SplittableRandom random;

  /** A generator for the weights of one model. */
  public Init(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /**
   * Normal values of standard deviation {@code std} truncated at two standard deviations (the
   * {@code trunc_normal_(std=.02)} of DINO and timm, whose bounds ±2 are absolute and so never bite
   * at that std; truncating at ±2 std instead keeps the same shape for any std).
   */
  public Tensor truncNormal(double std, long... shape) {
    float[] v = new float[Math.toIntExact(count(shape))];
    for (int i = 0; i < v.length; i++) {
      double g;
      do {
        g = random.nextGaussian();
      } while (g < -2 || g > 2);
      v[i] = (float) (g * std);
    }
    return Ops.fromFloats(v, shape);
  }

  /** Normal values with mean 0 and standard deviation {@code std}. */
  public Tensor normal(double std, long... shape) {
    float[] v = new float[Math.toIntExact(count(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (random.nextGaussian() * std);
    }
    return Ops.fromFloats(v, shape);
  }

  /** Uniform values in {@code [-bound, bound)}. */
  public Tensor uniform(double bound, long... shape) {
    float[] v = new float[Math.toIntExact(count(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
    }
    return Ops.fromFloats(v, shape);
  }

  /** Constant values. */
  public static Tensor constant(double value, long... shape) {
    float[] v = new float[Math.toIntExact(count(shape))];
    java.util.Arrays.fill(v, (float) value);
    return Ops.fromFloats(v, shape);
  }

  static long count(long[] shape) {
    long n = 1;
    for (long s : shape) {
      if (s < 0) {
        throw new IllegalArgumentException(
            "negative size in shape " + java.util.Arrays.toString(shape));
      }
      n *= s;
    }
    return n;
  }
}
