package io.edgessl.onnx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The declared shape of a graph input or output: each dimension a fixed size or a symbolic name
 * (such as the batch dimension {@code N}); or unknown rank ({@link #UNKNOWN}).
 */
public final class Shape {
  /** A shape of unknown rank. */
  public static final Shape UNKNOWN = new Shape(null);

  private final List<Object> dims; // Long or String; null: unknown rank

  private Shape(List<Object> dims) {
    this.dims = dims == null ? null : Collections.unmodifiableList(dims);
  }

  /**
   * A shape of fixed sizes.
   *
   * @param dims the sizes, outermost first (e.g. {@code 1, 3, 224, 224} for NCHW); read, not kept
   * @return the shape; rank 0 when none are given
   * @throws IllegalArgumentException when a size is negative
   */
  public static Shape of(long... dims) {
    List<Object> l = new ArrayList<>();
    for (long d : dims) {
      l.add(checked(d));
    }
    return new Shape(l);
  }

  /**
   * A shape whose first dimension is the symbolic {@code batch}, the rest fixed.
   *
   * @param batch the batch dimension's name, e.g. {@code N}
   * @param rest the other sizes, in order; read, not kept
   * @return the shape, of rank {@code 1 + rest.length}
   * @throws IllegalArgumentException when a size is negative
   */
  public static Shape batched(String batch, long... rest) {
    List<Object> l = new ArrayList<>();
    l.add(Objects.requireNonNull(batch, "batch"));
    for (long d : rest) {
      l.add(checked(d));
    }
    return new Shape(l);
  }

  /**
   * A shape from dimensions that are {@code Long}/{@code Integer} sizes or {@code String} names.
   *
   * @param dims the dimensions, outermost first (any {@code Number} is read as a long size); copied
   * @return the shape
   * @throws IllegalArgumentException when a size is negative or a dimension is neither a number nor
   *     a string
   */
  public static Shape ofDims(List<?> dims) {
    List<Object> l = new ArrayList<>();
    for (Object d : dims) {
      if (d instanceof Number) {
        l.add(checked(((Number) d).longValue()));
      } else if (d instanceof String) {
        l.add(d);
      } else {
        throw new IllegalArgumentException("a dimension is a size or a name, not " + d);
      }
    }
    return new Shape(l);
  }

  private static Long checked(long d) {
    if (d < 0) {
      throw new IllegalArgumentException("dimension must not be negative: " + d);
    }
    return d;
  }

  /** {@return whether the rank is known (false only for {@link #UNKNOWN})} */
  public boolean isKnown() {
    return dims != null;
  }

  /** {@return the number of dimensions; -1 when unknown} */
  public int rank() {
    return dims == null ? -1 : dims.size();
  }

  /**
   * Dimension {@code i}: a {@code Long} size or a {@code String} name.
   *
   * @param i the dimension's index, from 0
   * @return the size or name
   * @throws IndexOutOfBoundsException when {@code i} is not below the rank
   * @throws NullPointerException when the rank is unknown
   */
  public Object dim(int i) {
    return dims.get(i);
  }

  /**
   * {@return the dimensions ({@code Long} sizes and {@code String} names), outermost first, as an
   * unmodifiable list; empty when unknown}
   */
  public List<Object> dims() {
    return dims == null ? List.of() : dims;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape && Objects.equals(dims, ((Shape) o).dims);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(dims);
  }

  @Override
  public String toString() {
    return dims == null ? "[?]" : dims.toString();
  }
}
