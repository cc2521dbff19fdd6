package io.edgessl.spi;

import java.util.Arrays;
import java.util.Objects;

/**
 * A float32 tensor a session takes or returns: its name and its shape per sample, i.e. without the
 * leading batch dimension.
 */
public final class TensorSpec {
  private final String name;
  private final long[] shape;

  /**
   * A tensor of this name and shape per sample.
   *
   * @param name the tensor's name in the model
   * @param shape the dimensions after the batch one, each positive; copied
   * @throws IllegalArgumentException if a dimension is not positive
   */
  public TensorSpec(String name, long... shape) {
    this.name = Objects.requireNonNull(name, "name");
    this.shape = shape.clone();
    for (long d : shape) {
      if (d <= 0) {
        throw new IllegalArgumentException(
            "tensor " + name + ": dimensions must be positive: " + Arrays.toString(shape));
      }
    }
  }

  /** {@return the tensor's name in the model} */
  public String name() {
    return name;
  }

  /**
   * Shape per sample (a copy).
   *
   * @return a new array, owned by the caller
   */
  public long[] shape() {
    return shape.clone();
  }

  /**
   * Floats per sample.
   *
   * @return the product of the dimensions
   * @throws ArithmeticException when that exceeds an int
   */
  public int size() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return Math.toIntExact(n);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec
        && name.equals(((TensorSpec) o).name)
        && Arrays.equals(shape, ((TensorSpec) o).shape);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  /** {@code name[N, d1, d2, ...]}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(name).append("[N");
    for (long d : shape) {
      sb.append(", ").append(d);
    }
    return sb.append(']').toString();
  }
}
