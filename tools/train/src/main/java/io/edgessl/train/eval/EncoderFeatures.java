package io.edgessl.train.eval;

import io.edgessl.EdgeSslException;
import io.edgessl.encoder.Encoder;
import io.edgessl.image.Frame;
import io.edgessl.train.data.LabelledImages;

/**
 * A model bundle's encoder as the features of a labelled grey dataset: each image becomes a GRAY
 * {@link Frame} over the dataset's own bytes (no copy) and goes through the bundle's preprocessing
 * (resize, colour, normalization) and model. Closing it closes the encoder.
 */
public final class EncoderFeatures implements ImageFeatures {
  private final Encoder encoder;

  /** Takes ownership of {@code encoder}. */
  public EncoderFeatures(Encoder encoder) {
    this.encoder = encoder;
  }

  @Override
  public String name() {
    return encoder.manifest().name()
        + " ("
        + encoder.backend()
        + ", "
        + encoder.precision().id()
        + ")";
  }

  @Override
  public int dimension() {
    return encoder.dimension();
  }

  @Override
  public void embed(LabelledImages images, int from, int n, float[][] out) throws EdgeSslException {
    float[][] e = encoder.embedAll(n, i -> images.frame(from + i));
    System.arraycopy(e, 0, out, 0, n);
  }

  @Override
  public void close() {
    encoder.close();
  }
}
