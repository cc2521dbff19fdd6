package io.edgessl.segment;

import io.edgessl.encoder.Embedding;
import io.edgessl.encoder.PatchFeatures;
import io.edgessl.image.Preprocessing;
import java.util.SplittableRandom;
import java.util.function.IntBinaryOperator;

/** Synthetic patch features for the segmentation tests. */
final class Synthetic {
  private Synthetic() {}

  /** A 64 x 64 input, stretched: frames of 64 x 64 map one to one, 16 pixels per cell of 4 x 4. */
  static final Preprocessing STRETCH_64 = Preprocessing.builder(64, 64).build();

  /** {@code k} random unit vectors of dimension {@code dim}, row-major. */
  static float[] centres(int k, int dim, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] c = new float[k * dim];
    for (int j = 0; j < k; j++) {
      double n = 0;
      for (int d = 0; d < dim; d++) {
        c[j * dim + d] = (float) (r.nextDouble() * 2 - 1);
        n += c[j * dim + d] * c[j * dim + d];
      }
      for (int d = 0; d < dim; d++) {
        c[j * dim + d] /= (float) Math.sqrt(n);
      }
    }
    return c;
  }

  /**
   * A {@code gh x gw} grid whose cell {@code (y, x)} is centre {@code cluster(y, x)} plus uniform
   * noise of amplitude {@code noise} per component.
   */
  static PatchFeatures grid(
      int gh, int gw, float[] centres, int dim, IntBinaryOperator cluster, float noise, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] data = new float[gh * gw * dim];
    for (int y = 0; y < gh; y++) {
      for (int x = 0; x < gw; x++) {
        int c = cluster.applyAsInt(y, x);
        for (int d = 0; d < dim; d++) {
          data[(y * gw + x) * dim + d] =
              centres[c * dim + d] + (float) ((r.nextDouble() * 2 - 1) * noise);
        }
      }
    }
    return new PatchFeatures(gh, gw, dim, data, new Embedding(new float[dim]));
  }

  /** A {@code h x w} mask of {@code label(y, x)}. */
  static Mask mask(int h, int w, IntBinaryOperator label) {
    int[] l = new int[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        l[y * w + x] = label.applyAsInt(y, x);
      }
    }
    return Mask.of(h, w, l);
  }
}
