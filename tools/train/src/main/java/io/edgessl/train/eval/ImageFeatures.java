package io.edgessl.train.eval;

import io.edgessl.EdgeSslException;
import io.edgessl.train.data.LabelledImages;

/** Turns the images of a dataset into embeddings, for evaluation and benchmarks. */
public interface ImageFeatures extends AutoCloseable {

  /** Name shown in reports. */
  String name();

  /** Embedding dimension. */
  int dimension();

  /**
   * Embeds images {@code [from, from + n)} of {@code images} into {@code out[0..n)}.
   *
   * @throws EdgeSslException when the model fails
   */
  void embed(LabelledImages images, int from, int n, float[][] out) throws EdgeSslException;

  @Override
  default void close() {}
}
