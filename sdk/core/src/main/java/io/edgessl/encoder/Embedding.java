package io.edgessl.encoder;

import java.util.Arrays;

/**
 * The global embedding of one frame: the [CLS] token after the final norm for a ViT, the pooled
 * feature for a CNN. Not normalized; {@link io.edgessl.knn.KnnIndex} L2-normalizes what it stores.
 *
 * {@snippet :
 * classifier.enroll("mug", encoder.embed(frame).vector());
 * }
 */
public final class Embedding {
  private final float[] vector;

  /** Wraps {@code vector} (not copied: the embedding owns it from now on). */
  public Embedding(float[] vector) {
    if (vector.length == 0) {
      throw new IllegalArgumentException("an embedding has at least one component");
    }
    this.vector = vector;
  }

  /** Number of components. */
  public int dimension() {
    return vector.length;
  }

  /**
   * The components: this embedding's own array, not a copy (the encoder never touches it again).
   * Modifying it modifies the embedding.
   */
  public float[] vector() {
    return vector;
  }

  /** Component {@code i}. */
  public float get(int i) {
    return vector[i];
  }

  /** Cosine similarity with {@code other}, in double. */
  public double cosine(Embedding other) {
    if (other.vector.length != vector.length) {
      throw new IllegalArgumentException(
          "embedding dimensions differ: " + vector.length + " != " + other.vector.length);
    }
    double dot = 0;
    double a = 0;
    double b = 0;
    for (int i = 0; i < vector.length; i++) {
      dot += (double) vector[i] * other.vector[i];
      a += (double) vector[i] * vector[i];
      b += (double) other.vector[i] * other.vector[i];
    }
    return dot / Math.sqrt(Math.max(a * b, Double.MIN_NORMAL));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Embedding && Arrays.equals(vector, ((Embedding) o).vector);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(vector);
  }

  @Override
  public String toString() {
    return "Embedding[" + vector.length + "]";
  }
}
