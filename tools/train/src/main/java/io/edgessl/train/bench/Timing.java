package io.edgessl.train.bench;

import io.edgessl.train.Progress;
import java.util.Arrays;
import java.util.List;

/** Repeated timing with warm-up; reports the median, which resists noise on shared machines. */
public final class Timing {
  private Timing() {}

  /**
   * Runs {@code body} {@code warmup} times untimed, then {@code runs} times; returns seconds per
   * run.
   */
  public static double[] measure(
      String what, int warmup, int runs, Runnable body, Progress progress) {
    try (Progress.Task p = progress.start(what, warmup + runs)) {
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

  /**
   * Times several bodies in rounds: each runs {@code warmup} times untimed, then every round runs
   * each body once. On a shared machine the load then falls on all of them alike, and the ratios of
   * their medians hold better than when each is measured in a block of its own. Returns seconds per
   * run, one array per body.
   */
  public static double[][] interleaved(
      String what, int warmup, int runs, List<Runnable> bodies, Progress progress) {
    double[][] s = new double[bodies.size()][runs];
    try (Progress.Task p = progress.start(what, (long) (warmup + runs) * bodies.size())) {
      for (Runnable body : bodies) {
        for (int i = 0; i < warmup; i++) {
          body.run();
          p.step(1);
        }
      }
      for (int r = 0; r < runs; r++) {
        for (int b = 0; b < bodies.size(); b++) {
          long t = System.nanoTime();
          bodies.get(b).run();
          s[b][r] = (System.nanoTime() - t) / 1e9;
          p.step(1);
        }
      }
    }
    return s;
  }

  /** The median of {@code xs}. */
  public static double median(double[] xs) {
    double[] c = xs.clone();
    Arrays.sort(c);
    int n = c.length;
    return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
  }

  /** The smallest of {@code xs}. */
  public static double min(double[] xs) {
    return Arrays.stream(xs).min().orElse(Double.NaN);
  }

  /** The largest of {@code xs}. */
  public static double max(double[] xs) {
    return Arrays.stream(xs).max().orElse(Double.NaN);
  }
}
