package io.edgessl.train.eval;

import io.edgessl.EdgeSslException;
import io.edgessl.image.Preprocessor;
import io.edgessl.train.data.LabelledImages;
import java.nio.FloatBuffer;

/**
 * Inputs a model can run on, each written, preprocessed, into an input buffer: images of a dataset
 * or a folder through the bundle's preprocessing, or tensors already preprocessed.
 */
public interface Samples {

  /** How reports name the set. */
  String name();

  /** Number of samples. */
  int count();

  /**
   * Writes sample {@code i} as the model's input ({@code pre.outputSize()} floats) at {@code
   * dst[offset...]}.
   *
   * @throws EdgeSslException when the sample cannot be read (a damaged image file)
   */
  void fill(int i, Preprocessor pre, FloatBuffer dst, int offset) throws EdgeSslException;

  /** How {@link #fill} writes one sample. */
  @FunctionalInterface
  interface Filler {
    /** As {@link Samples#fill}. */
    void fill(int i, Preprocessor pre, FloatBuffer dst, int offset) throws EdgeSslException;
  }

  /** {@code count} samples named {@code name}, each written by {@code filler}. */
  static Samples of(String name, int count, Filler filler) {
    return new Samples() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public int count() {
        return count;
      }

      @Override
      public void fill(int i, Preprocessor pre, FloatBuffer dst, int offset)
          throws EdgeSslException {
        filler.fill(i, pre, dst, offset);
      }
    };
  }

  /** The images of a labelled grey dataset, as GRAY frames over its own bytes. */
  static Samples of(LabelledImages images) {
    return of(
        images.name(),
        images.count(),
        (i, pre, dst, offset) -> pre.run(images.frame(i), dst, offset));
  }

  /** Samples {@code from .. from + n - 1} of this set (a view), named {@code name}. */
  default Samples slice(int from, int n, String name) {
    if (from < 0 || n < 0 || from + n > count()) {
      throw new IndexOutOfBoundsException(
          "samples " + from + " .. " + (from + n) + " of " + count());
    }
    return of(name, n, (i, pre, dst, offset) -> fill(from + i, pre, dst, offset));
  }
}
