package io.edgessl.train.eval;

import io.edgessl.train.data.LabelledImages;

/**
 * The raw-pixel baseline: each image flattened and scaled to [0, 1] ({@code pixel / 255}); the k-NN
 * index then L2-normalizes it. This is the standard reference encoder of k-NN evaluations.
 */
public final class PixelsFeatures implements ImageFeatures {
  private final int dim;

  public PixelsFeatures(int height, int width) {
    this.dim = height * width;
  }

  @Override
  public String name() {
    return "pixels";
  }

  @Override
  public int dimension() {
    return dim;
  }

  @Override
  public void embed(LabelledImages images, int from, int n, float[][] out) {
    byte[] px = images.pixels();
    for (int i = 0; i < n; i++) {
      float[] v = out[i] != null && out[i].length == dim ? out[i] : new float[dim];
      int off = images.offset(from + i);
      for (int p = 0; p < dim; p++) {
        v[p] = (px[off + p] & 0xff) / 255f;
      }
      out[i] = v;
    }
  }
}
