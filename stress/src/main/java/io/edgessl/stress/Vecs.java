package io.edgessl.stress;

import io.edgessl.knn.BankPrecision;
import io.edgessl.knn.KnnIndex;
import io.edgessl.knn.Neighbors;

/** Small fixed vectors and the check of what a search saw. */
final class Vecs {
  static final int DIM = 8;

  /** Unit basis vector {@code i}, so similarities are exact in FP32 and INT8 alike. */
  static float[] unit(int i) {
    float[] v = new float[DIM];
    v[i] = 1f;
    return v;
  }

  /** A query most similar to {@code e1}, then {@code e0}: cos = 0.8 and 0.6. */
  static float[] query() {
    float[] q = new float[DIM];
    q[0] = 0.6f;
    q[1] = 0.8f;
    return q;
  }

  static KnnIndex index(BankPrecision precision) {
    return KnnIndex.builder(DIM).precision(precision).kernels("java").build();
  }

  /**
   * What a search for {@link #query()} with k = 2 saw, when the index holds "a" = e0 before and
   * also "b" = e1 after: 0 only "a" (similarity 0.6), 1 "b" then "a" (0.8, 0.6), -1 anything else.
   */
  static int state(Neighbors nn, float tolerance) {
    if (nn.size() == 1 && is(nn, 0, "a", 0.6f, tolerance)) {
      return 0;
    }
    if (nn.size() == 2 && is(nn, 0, "b", 0.8f, tolerance) && is(nn, 1, "a", 0.6f, tolerance)) {
      return 1;
    }
    return -1;
  }

  private static boolean is(Neighbors nn, int i, String label, float sim, float tolerance) {
    return label.equals(nn.label(i)) && Math.abs(nn.similarity(i) - sim) <= tolerance;
  }

  private Vecs() {}
}
