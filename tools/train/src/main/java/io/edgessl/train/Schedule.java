package io.edgessl.train;

/**
 * A per-step schedule as DINO's {@code cosine_scheduler}: a linear warm-up from {@code start} to
 * {@code base} over the warm-up steps ({@code np.linspace}, both ends included), then a half cosine
 * from {@code base} to {@code end} over the remaining steps.
 */
public record Schedule(double base, double end, long totalSteps, long warmupSteps, double start) {

  public Schedule {
    if (totalSteps <= 0 || warmupSteps < 0) {
      throw new IllegalArgumentException(
          "schedule needs total steps > 0 and warm-up >= 0: " + totalSteps + ", " + warmupSteps);
    }
    warmupSteps = Math.min(warmupSteps, totalSteps);
  }

  /** A cosine from {@code base} to {@code end} with no warm-up. */
  public static Schedule cosine(double base, double end, long totalSteps) {
    return new Schedule(base, end, totalSteps, 0, 0);
  }

  /** A constant. */
  public static Schedule constant(double value, long totalSteps) {
    return new Schedule(value, value, totalSteps, 0, 0);
  }

  /** The value at 0-based {@code step} (the last value beyond the end). */
  public double at(long step) {
    if (step < warmupSteps) {
      return warmupSteps == 1 ? start : start + (base - start) * step / (warmupSteps - 1);
    }
    long n = totalSteps - warmupSteps;
    long i = Math.min(step - warmupSteps, n - 1);
    if (n <= 0) {
      return base;
    }
    return end + 0.5 * (base - end) * (1 + Math.cos(Math.PI * i / n));
  }

  /**
   * DINO's teacher temperature: linear from {@code warmup} to {@code temp} over {@code
   * warmupEpochs} epochs (both ends included), then constant; indexed by epoch.
   */
  public static double teacherTemp(double warmup, double temp, int warmupEpochs, int epoch) {
    if (epoch >= warmupEpochs) {
      return temp;
    }
    return warmupEpochs == 1 ? warmup : warmup + (temp - warmup) * epoch / (warmupEpochs - 1);
  }
}
