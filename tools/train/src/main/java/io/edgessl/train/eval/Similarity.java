package io.edgessl.train.eval;

/** Similarity of embeddings, as the evaluations and benchmarks compare them. */
public final class Similarity {
  private Similarity() {}

  /** Cosine similarity, in double; 0 when either vector is zero. */
  public static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }
}
