package io.edgessl.train.config;

import java.util.List;

/** The range checks of config values; messages name the command-line option. */
public final class Checks {
  private Checks() {}

  /** Fails unless {@code v > 0}. */
  public static void positive(Key<?> k, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(k.option() + " must be positive: " + v);
    }
  }

  /** Fails unless {@code v >= 0}. */
  public static void nonNegative(Key<?> k, int v) {
    if (v < 0) {
      throw new IllegalArgumentException(k.option() + " must not be negative: " + v);
    }
  }

  /** Fails unless {@code v} holds two values. */
  public static void pair(Key<?> k, List<Double> v) {
    if (v.size() != 2) {
      throw new IllegalArgumentException(k.option() + " needs two values (min,max): " + v);
    }
  }

  /** Fails unless every temperature is positive. */
  public static void temperatures(double... t) {
    for (double v : t) {
      if (!(v > 0)) {
        throw new IllegalArgumentException("temperatures must be positive");
      }
    }
  }
}
