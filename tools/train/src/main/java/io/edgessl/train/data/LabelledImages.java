package io.edgessl.train.data;

import io.edgessl.image.Frame;
import io.edgessl.image.PixelFormat;
import java.util.List;

/**
 * Grey images of one size with class labels, stored as one byte array (image-major, row-major).
 *
 * @param pixels {@code count * height * width} bytes, unsigned
 * @param labels class index of each image
 * @param classes class names, indexed by label
 */
public record LabelledImages(
    String name, byte[] pixels, int[] labels, int height, int width, List<String> classes) {

  public LabelledImages {
    if ((long) labels.length * height * width != pixels.length) {
      throw new IllegalArgumentException(
          name
              + ": "
              + labels.length
              + " labels for "
              + pixels.length
              + " bytes of "
              + height
              + "x"
              + width
              + " images");
    }
  }

  public int count() {
    return labels.length;
  }

  /** Offset of image {@code i} in {@link #pixels()}. */
  public int offset(int i) {
    return i * height * width;
  }

  /** Image {@code i} as a GRAY {@link Frame} over {@link #pixels()} (no copy). */
  public Frame frame(int i) {
    return Frame.builder(PixelFormat.GRAY, width, height).pixels(pixels).offset(offset(i)).build();
  }

  /** The first {@code n} images (a view sharing no array; copies). */
  public LabelledImages head(int n) {
    if (n >= count()) {
      return this;
    }
    byte[] p = java.util.Arrays.copyOf(pixels, n * height * width);
    int[] l = java.util.Arrays.copyOf(labels, n);
    return new LabelledImages(name, p, l, height, width, classes);
  }
}
