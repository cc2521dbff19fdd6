package io.edgessl.tools.bench;

import io.edgessl.tools.cli.Progress;
import java.util.Arrays;

/** Repeated timing with warm-up; reports the median, which resists noise on shared machines. */
final class Timing {
  private Timing() {}

  /**
   * Runs {@code body} {@code warmup} times untimed, then {@code runs} times; returns seconds per
   * run.
   */
  static double[] measure(String what, int warmup, int runs, Runnable body) {
    try (Progress p = Progress.start(what, warmup + runs)) {
      for (int i = 0; i < warmup; i++) {
        body.run();
        p.step(1);
      }
      double[] s = new double[runs];
      for (int i = 0; i < runs; i++) {
        long t = System.nanoTime();
        body.run();
        s[i] = (System.nanoTime() - t) / 1e9;
        p.step(1);
      }
      return s;
    }
  }

  static double median(double[] xs) {
    double[] c = xs.clone();
    Arrays.sort(c);
    int n = c.length;
    return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
  }

  static double min(double[] xs) {
    return Arrays.stream(xs).min().orElse(Double.NaN);
  }

  static double max(double[] xs) {
    return Arrays.stream(xs).max().orElse(Double.NaN);
  }
}
