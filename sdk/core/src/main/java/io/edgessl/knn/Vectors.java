package io.edgessl.knn;

import io.edgessl.encoder.Embedding;
import java.util.List;
import java.util.Objects;

/** Checks and L2 normalization shared by the index and the classifier. */
final class Vectors {
  /** As PyTorch's {@code F.normalize}: norms below this are clamped, so zero stays zero. */
  static final double EPS = 1e-12;

  private Vectors() {}

  /** {@code embedding.vector()}, the embedding's own array (not copied: callers only read it). */
  static float[] of(Embedding embedding, String what) {
    return Objects.requireNonNull(embedding, what).vector();
  }

  /** The vectors of {@code embeddings}, their own arrays (callers only read them). */
  static float[][] of(List<Embedding> embeddings) {
    float[][] v = new float[embeddings.size()][];
    for (int i = 0; i < v.length; i++) {
      v[i] = of(embeddings.get(i), "embedding " + i);
    }
    return v;
  }

  static float[] normalizedCopy(float[] v, int dim, String what) {
    float[] out = new float[dim];
    normalizeInto(v, dim, what, out, 0);
    return out;
  }

  static void normalizeInto(float[] v, int dim, String what, float[] out, int at) {
    if (v == null) {
      throw new IllegalArgumentException(what + " is null");
    }
    if (v.length != dim) {
      throw new IllegalArgumentException(
          what + " has dimension " + v.length + ", the index has " + dim);
    }
    double ss = 0;
    for (int i = 0; i < dim; i++) {
      float x = v[i];
      if (!Float.isFinite(x)) {
        throw new IllegalArgumentException(what + " has a non-finite component at " + i + ": " + x);
      }
      ss += (double) x * x;
    }
    // Divide by the float norm, as F.normalize does, rather than multiply by a reciprocal.
    float norm = (float) Math.max(Math.sqrt(ss), EPS);
    for (int i = 0; i < dim; i++) {
      out[at + i] = v[i] / norm;
    }
  }
}
