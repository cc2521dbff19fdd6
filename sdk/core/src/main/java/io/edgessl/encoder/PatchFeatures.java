package io.edgessl.encoder;

import java.util.Objects;

/**
 * The patch features of one frame: a {@code height x width} grid of {@code dimension}-component
 * features (one per ViT patch, or per cell of a CNN's feature map), row-major with components last,
 * plus the frame's global {@link Embedding} (of the same dimension, unless the bundle's embedding
 * pools the feature map into several cells: see {@code Manifest#patchFeatureSize}). Grid cell
 * {@code (y, x)} covers input pixels {@code [y * stride, (y + 1) * stride) x [x * stride, (x + 1) *
 * stride)} of the preprocessed input, where the stride is the manifest's patch size or feature
 * stride.
 */
public final class PatchFeatures {
  private final int height;
  private final int width;
  private final int dimension;
  private final float[] data;
  private final Embedding global;

  /**
   * Wraps {@code data} (not copied): {@code height * width * dimension} floats, cell {@code (y, x)}
   * at {@code (y * width + x) * dimension}.
   *
   * @param height grid rows, positive
   * @param width grid columns, positive
   * @param dimension floats per cell, positive
   * @param data the grid, channels last; kept, not copied
   * @param global the frame's global embedding; kept
   * @throws IllegalArgumentException if a size is not positive or {@code data} has another length
   */
  public PatchFeatures(int height, int width, int dimension, float[] data, Embedding global) {
    if (height <= 0 || width <= 0 || dimension <= 0) {
      throw new IllegalArgumentException(
          "grid " + height + "x" + width + "x" + dimension + " must be positive");
    }
    if ((long) height * width * dimension != data.length) {
      throw new IllegalArgumentException(
          "grid "
              + height
              + "x"
              + width
              + "x"
              + dimension
              + " needs "
              + (long) height * width * dimension
              + " floats, got "
              + data.length);
    }
    Objects.requireNonNull(global, "global");
    this.height = height;
    this.width = width;
    this.dimension = dimension;
    this.data = data;
    this.global = global;
  }

  /**
   * Grid rows.
   *
   * @return the number of grid rows
   */
  public int height() {
    return height;
  }

  /**
   * Grid columns.
   *
   * @return the number of grid columns
   */
  public int width() {
    return width;
  }

  /**
   * Components per cell.
   *
   * @return the number of float components per cell
   */
  public int dimension() {
    return dimension;
  }

  /**
   * The frame's global embedding.
   *
   * @return the global embedding (its own array, not a copy)
   */
  public Embedding global() {
    return global;
  }

  /**
   * The grid: this object's own array (height x width x dimension, components last).
   *
   * @return the grid; modifying it modifies these features
   */
  public float[] data() {
    return data;
  }

  /**
   * Component {@code d} of cell {@code (y, x)}.
   *
   * @param y the row, from 0 to {@code height() - 1}
   * @param x the column, from 0 to {@code width() - 1}
   * @param d the component, from 0 to {@code dimension() - 1}
   * @return the component
   */
  public float get(int y, int x, int d) {
    check(y, x, d);
    return data[(y * width + x) * dimension + d];
  }

  private void check(int y, int x, int d) {
    if (y < 0 || y >= height || x < 0 || x >= width || d < 0 || d >= dimension) {
      throw new IndexOutOfBoundsException(
          "(" + y + ", " + x + ", " + d + ") outside " + height + "x" + width + "x" + dimension);
    }
  }

  /**
   * A copy of cell {@code (y, x)}'s feature.
   *
   * @param y the row, from 0 to {@code height() - 1}
   * @param x the column, from 0 to {@code width() - 1}
   * @return a new array of {@link #dimension()} floats, owned by the caller
   */
  public float[] feature(int y, int x) {
    check(y, x, 0);
    float[] f = new float[dimension];
    System.arraycopy(data, (y * width + x) * dimension, f, 0, dimension);
    return f;
  }

  @Override
  public String toString() {
    return "PatchFeatures[" + height + "x" + width + "x" + dimension + "]";
  }
}
