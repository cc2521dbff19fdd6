package io.edgessl.segment;

import java.util.Arrays;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Per-pixel labels of an image: {@code height x width} labels from 0 to {@link #MAX_LABEL}, row
 * major. By convention label 0 is the background (as in DAVIS and PASCAL VOC) and 255 may serve as
 * an "ignore" label (see {@link ConfusionMatrix}); nothing here depends on either.
 *
 * {@snippet :
 * Mask truth = Mask.ofBytes(480, 640, pngLabels);          // unsigned bytes, 0..255
 * Mask small = truth.resizeNearest(240, 320);
 * SortedSet<Integer> present = truth.labels();               // e.g. [0, 3, 15]
 * }
 *
 * <p>Immutable and thread-safe: every factory copies its input.
 */
public final class Mask {
  /** The largest label a mask holds (labels are stored in 16 bits). */
  public static final int MAX_LABEL = Short.MAX_VALUE;

  private final int height;
  private final int width;
  private final short[] labels;

  private Mask(int height, int width, short[] labels) {
    this.height = height;
    this.width = width;
    this.labels = labels;
  }

  /**
   * A mask of {@code height x width} labels, row-major (copied).
   *
   * @param height rows, positive
   * @param width columns, positive
   * @param labels {@code height * width} labels, each from 0 to {@link #MAX_LABEL}
   * @return the mask
   * @throws IllegalArgumentException if a size is not positive, {@code labels} has another length,
   *     or a label is out of range (the message names the first such pixel)
   */
  public static Mask of(int height, int width, int[] labels) {
    checkSize(height, width, labels.length);
    short[] s = new short[labels.length];
    for (int i = 0; i < labels.length; i++) {
      int l = labels[i];
      if (l < 0 || l > MAX_LABEL) {
        throw new IllegalArgumentException(
            "label "
                + l
                + " at pixel ("
                + i / width
                + ", "
                + i % width
                + ") outside 0.."
                + MAX_LABEL);
      }
      s[i] = (short) l;
    }
    return new Mask(height, width, s);
  }

  /**
   * A mask of {@code height x width} labels given as unsigned bytes (0 to 255; a PNG label image,
   * say), row-major (copied).
   *
   * @param height rows, positive
   * @param width columns, positive
   * @param labels {@code height * width} labels, each read as an unsigned byte
   * @return the mask
   * @throws IllegalArgumentException if a size is not positive or {@code labels} has another length
   */
  public static Mask ofBytes(int height, int width, byte[] labels) {
    checkSize(height, width, labels.length);
    short[] s = new short[labels.length];
    for (int i = 0; i < labels.length; i++) {
      s[i] = (short) (labels[i] & 0xff);
    }
    return new Mask(height, width, s);
  }

  /**
   * A mask of one label everywhere.
   *
   * @param height rows, positive
   * @param width columns, positive
   * @param label the label, from 0 to {@link #MAX_LABEL}
   * @return the mask
   * @throws IllegalArgumentException if a size is not positive or the label is out of range
   */
  public static Mask filled(int height, int width, int label) {
    checkSize(height, width, (long) height * width);
    if (label < 0 || label > MAX_LABEL) {
      throw new IllegalArgumentException("label " + label + " outside 0.." + MAX_LABEL);
    }
    short[] s = new short[height * width];
    Arrays.fill(s, (short) label);
    return new Mask(height, width, s);
  }

  private static void checkSize(int height, int width, long length) {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "mask size must be positive: " + height + "x" + width + " (height x width)");
    }
    if ((long) height * width != length) {
      throw new IllegalArgumentException(
          "a "
              + height
              + "x"
              + width
              + " mask (height x width) needs "
              + (long) height * width
              + " labels, got "
              + length);
    }
  }

  /**
   * Rows.
   *
   * @return the height in pixels
   */
  public int height() {
    return height;
  }

  /**
   * Columns.
   *
   * @return the width in pixels
   */
  public int width() {
    return width;
  }

  /**
   * The label of pixel {@code (y, x)}.
   *
   * @param y the row, from 0 to {@code height() - 1}
   * @param x the column, from 0 to {@code width() - 1}
   * @return the label
   * @throws IndexOutOfBoundsException outside the mask
   */
  public int get(int y, int x) {
    if (y < 0 || y >= height || x < 0 || x >= width) {
      throw new IndexOutOfBoundsException(
          "(" + y + ", " + x + ") outside a " + height + "x" + width + " mask");
    }
    return labels[y * width + x];
  }

  /** The label at row-major index {@code i}, unchecked beyond the array's own check. */
  int at(int i) {
    return labels[i];
  }

  /**
   * The labels, row-major.
   *
   * @return a new array of {@code height() * width()} labels, owned by the caller
   */
  public int[] toArray() {
    int[] out = new int[labels.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = labels[i];
    }
    return out;
  }

  /**
   * The labels present, in increasing order.
   *
   * @return an unmodifiable sorted set of the labels that occur at least once
   */
  public SortedSet<Integer> labels() {
    boolean[] seen = new boolean[MAX_LABEL + 1];
    TreeSet<Integer> set = new TreeSet<>();
    for (short l : labels) {
      if (!seen[l]) {
        seen[l] = true;
        set.add((int) l);
      }
    }
    return Collections.unmodifiableSortedSet(set);
  }

  /**
   * The largest label present.
   *
   * @return the largest label
   */
  public int maxLabel() {
    int max = 0;
    for (short l : labels) {
      max = Math.max(max, l);
    }
    return max;
  }

  /**
   * Pixels of one label.
   *
   * @param label any int; labels out of range occur nowhere
   * @return the number of pixels labelled {@code label}
   */
  public int count(int label) {
    int n = 0;
    for (short l : labels) {
      if (l == label) {
        n++;
      }
    }
    return n;
  }

  /**
   * This mask resized by nearest neighbour: pixel {@code (i, j)} of the result takes the label of
   * pixel {@code (floor((i + 0.5) * height / newHeight), floor((j + 0.5) * width / newWidth))}, the
   * source pixel whose area holds the target pixel's centre (as OpenCV's {@code
   * INTER_NEAREST_EXACT} and PIL's {@code NEAREST}).
   *
   * @param newHeight rows of the result, positive
   * @param newWidth columns of the result, positive
   * @return the resized mask (this mask when the size is unchanged)
   * @throws IllegalArgumentException if a size is not positive
   */
  public Mask resizeNearest(int newHeight, int newWidth) {
    checkSize(newHeight, newWidth, (long) newHeight * newWidth);
    if (newHeight == height && newWidth == width) {
      return this;
    }
    int[] cols = new int[newWidth];
    for (int j = 0; j < newWidth; j++) {
      cols[j] = (int) Math.min(width - 1, ((2L * j + 1) * width) / (2L * newWidth));
    }
    short[] out = new short[newHeight * newWidth];
    for (int i = 0; i < newHeight; i++) {
      int row = (int) Math.min(height - 1, ((2L * i + 1) * height) / (2L * newHeight)) * width;
      for (int j = 0; j < newWidth; j++) {
        out[i * newWidth + j] = labels[row + cols[j]];
      }
    }
    return new Mask(newHeight, newWidth, out);
  }

  /**
   * Equal masks have the same size and the same label at every pixel.
   *
   * @param o another object
   * @return whether {@code o} is an equal mask
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof Mask m
        && m.height == height
        && m.width == width
        && Arrays.equals(m.labels, labels);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * height + width) + Arrays.hashCode(labels);
  }

  @Override
  public String toString() {
    return "Mask[" + height + "x" + width + ", labels " + labels() + "]";
  }
}
