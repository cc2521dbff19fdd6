package io.edgessl.knn;

import java.util.Objects;

/**
 * The settings of a {@link KnnClassifier} besides its index, as {@link KnnClassifier#save} stores
 * them in a version-3 {@code .knn} file. The checks are the builder's, phrased for a file.
 */
record ClassifierSettings(int k, double temperature, Vote vote, float openSetThreshold) {
  /** DINO's defaults, and no open-set rejection: what a file without settings gives. */
  static final ClassifierSettings DEFAULTS =
      new ClassifierSettings(
          KnnClassifier.DEFAULT_K,
          KnnClassifier.DEFAULT_TEMPERATURE,
          Vote.DINO,
          Float.NEGATIVE_INFINITY);

  /** Bytes of the settings section: k u32, temperature f64, vote u32, threshold f32. */
  static final int BYTES = 4 + 8 + 4 + 4;

  ClassifierSettings {
    Objects.requireNonNull(vote, "vote");
  }

  /** Why {@code k} is not a valid number of neighbours, or null. */
  static String checkK(int k) {
    return k > 0 ? null : "must be positive";
  }

  /** Why {@code t} is not a valid temperature, or null. */
  static String checkTemperature(double t) {
    return t > 0 && !Double.isInfinite(t) ? null : "must be positive and finite";
  }

  /** Why {@code t} is not a valid open-set threshold, or null. */
  static String checkThreshold(float t) {
    return (t >= -1f && t <= 1f) || t == Float.NEGATIVE_INFINITY
        ? null
        : "must be a cosine similarity in [-1, 1], or -infinity for none";
  }

  /** The code of a vote rule in the file; fixed, independent of the enum's order. */
  static int voteCode(Vote vote) {
    switch (vote) {
      case DINO:
        return 0;
      case DINOV2_SOFTMAX:
        return 1;
      case MAJORITY:
        return 2;
      default:
        throw new AssertionError(vote);
    }
  }

  /** The vote rule of a code in the file, or null for an unknown code. */
  static Vote vote(int code) {
    switch (code) {
      case 0:
        return Vote.DINO;
      case 1:
        return Vote.DINOV2_SOFTMAX;
      case 2:
        return Vote.MAJORITY;
      default:
        return null;
    }
  }
}
