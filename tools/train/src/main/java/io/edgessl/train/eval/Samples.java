package io.edgessl.train.eval;

import io.edgessl.EdgeSslException;
import io.edgessl.image.Frame;
import io.edgessl.image.PixelFormat;
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

  /** The images of a labelled grey dataset, as GRAY frames over its own bytes. */
  static Samples of(LabelledImages images) {
    return new Samples() {
      @Override
      public String name() {
        return images.name();
      }

      @Override
      public int count() {
        return images.count();
      }

      @Override
      public void fill(int i, Preprocessor pre, FloatBuffer dst, int offset) {
        Frame f =
            Frame.builder(PixelFormat.GRAY, images.width(), images.height())
                .pixels(images.pixels())
                .offset(images.offset(i))
                .build();
        pre.run(f, dst, offset);
      }
    };
  }
}
