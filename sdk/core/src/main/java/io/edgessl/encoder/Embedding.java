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

  /**
   * Wraps {@code vector} (not copied: the embedding owns it from now on).
   *
   * @param vector the components, at least one; kept, not copied
   * @throws IllegalArgumentException if {@code vector} is empty
   */
  public Embedding(float[] vector) {
    if (vector.length == 0) {
      throw new IllegalArgumentException("an embedding has at least one component");
    }
    this.vector = vector;
  }

  /**
   * Number of components.
   *
   * @return the number of float components, positive
   */
  public int dimension() {
    return vector.length;
  }

  /**
   * The components: this embedding's own array, not a copy (the encoder never touches it again).
   * Modifying it modifies the embedding.
   *
   * @return the components
   */
  public float[] vector() {
    return vector;
  }

  /**
   * Component {@code i}.
   *
   * @param i the component's index, from 0 to {@code dimension() - 1}
   * @return the component
   */
  public float get(int i) {
    return vector[i];
  }

  /**
   * Cosine similarity with {@code other}, in double.
   *
   * @param other an embedding of the same dimension; read, not modified
   * @return the cosine similarity, in [-1, 1]; 0 when either vector is zero
   * @throws IllegalArgumentException if the dimensions differ
   */
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
