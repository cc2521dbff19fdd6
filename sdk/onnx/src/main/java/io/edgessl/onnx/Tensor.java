package io.edgessl.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A named constant tensor: an initializer of a graph, or a tensor attribute. Elements are kept as
 * little-endian bytes (ONNX's {@code raw_data} layout), row-major; the typed accessors convert.
 * Immutable.
 */
public final class Tensor {
  private final String name;
  private final ElementType type;
  private final long[] dims;
  private final byte[] data;

  /**
   * A tensor over little-endian {@code data} (not copied: the tensor keeps the array, and the
   * caller must not modify it afterwards, or the tensor would change).
   *
   * @param name the tensor's name (an initializer's, or any name for an attribute)
   * @param type the element type
   * @param dims the shape, row-major; copied
   * @param data the elements, row-major, {@code type.bytes()} little-endian bytes each; kept
   * @throws IllegalArgumentException when {@code data} does not hold exactly the elements of {@code
   *     dims}
   */
  public Tensor(String name, ElementType type, long[] dims, byte[] data) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    this.dims = dims.clone();
    long n = count(this.dims);
    if (n * type.bytes() != data.length) {
      throw new IllegalArgumentException(
          "tensor "
              + name
              + " of shape "
              + Arrays.toString(dims)
              + " holds "
              + n
              + " "
              + type
              + " elements, not "
              + data.length
              + " bytes");
    }
    this.data = data;
  }

  private static long count(long[] dims) {
    long n = 1;
    for (long d : dims) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(dims));
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  private static ByteBuffer le(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static long[] shapeOf(int n, long[] dims) {
    return dims.length == 0 && n != 1 ? new long[] {n} : dims;
  }

  /**
   * A FLOAT tensor; with no {@code dims} a vector of {@code values.length} (or a scalar of one).
   *
   * @param name the tensor's name
   * @param values the elements, row-major; copied
   * @param dims the shape, row-major; none for a vector of {@code values.length}, or a scalar (rank
   *     0) when there is one value; copied
   * @return the tensor
   * @throws IllegalArgumentException when {@code dims} do not hold {@code values.length} elements
   */
  public static Tensor floats(String name, float[] values, long... dims) {
    ByteBuffer b = le(4 * values.length);
    b.asFloatBuffer().put(values);
    return new Tensor(name, ElementType.FLOAT, shapeOf(values.length, dims), b.array());
  }

  /**
   * A FLOAT16 tensor of {@code values} rounded to half precision ({@link Half#fromFloat}); with no
   * {@code dims} a vector (or scalar of one).
   *
   * @param name the tensor's name
   * @param values the elements, row-major, as floats; read, not kept
   * @param dims the shape, row-major; none for a vector of {@code values.length}, or a scalar (rank
   *     0) when there is one value; copied
   * @return the tensor, 2 bytes per element
   * @throws IllegalArgumentException when {@code dims} do not hold {@code values.length} elements
   */
  public static Tensor halves(String name, float[] values, long... dims) {
    ByteBuffer b = le(2 * values.length);
    for (float v : values) {
      b.putShort(Half.fromFloat(v));
    }
    return new Tensor(name, ElementType.FLOAT16, shapeOf(values.length, dims), b.array());
  }

  /**
   * An INT64 tensor (shapes, axes, indices); with no {@code dims} a vector (or scalar of one).
   *
   * @param name the tensor's name
   * @param values the elements, row-major; copied
   * @param dims the shape, row-major; none for a vector of {@code values.length}, or a scalar (rank
   *     0) when there is one value; copied
   * @return the tensor
   * @throws IllegalArgumentException when {@code dims} do not hold {@code values.length} elements
   */
  public static Tensor longs(String name, long[] values, long... dims) {
    ByteBuffer b = le(8 * values.length);
    b.asLongBuffer().put(values);
    return new Tensor(name, ElementType.INT64, shapeOf(values.length, dims), b.array());
  }

  /**
   * An INT32 tensor; with no {@code dims} a vector (or scalar of one).
   *
   * @param name the tensor's name
   * @param values the elements, row-major; copied
   * @param dims the shape, row-major; none for a vector of {@code values.length}, or a scalar (rank
   *     0) when there is one value; copied
   * @return the tensor
   * @throws IllegalArgumentException when {@code dims} do not hold {@code values.length} elements
   */
  public static Tensor ints(String name, int[] values, long... dims) {
    ByteBuffer b = le(4 * values.length);
    b.asIntBuffer().put(values);
    return new Tensor(name, ElementType.INT32, shapeOf(values.length, dims), b.array());
  }

  /**
   * An INT8 or UINT8 tensor (quantized weights and zero points); with no {@code dims} a vector (or
   * scalar of one).
   *
   * @param name the tensor's name
   * @param type {@link ElementType#INT8} or {@link ElementType#UINT8}
   * @param values the elements, row-major, as raw bytes (UINT8 values {@code 128..255} are the
   *     negative bytes); copied
   * @param dims the shape, row-major; none for a vector of {@code values.length}, or a scalar (rank
   *     0) when there is one value; copied
   * @return the tensor
   * @throws IllegalArgumentException for another type, or when {@code dims} do not hold {@code
   *     values.length} elements
   */
  public static Tensor bytes(String name, ElementType type, byte[] values, long... dims) {
    if (type != ElementType.INT8 && type != ElementType.UINT8) {
      throw new IllegalArgumentException("byte tensors are INT8 or UINT8, not " + type);
    }
    return new Tensor(name, type, shapeOf(values.length, dims), values.clone());
  }

  /**
   * A FLOAT scalar (rank 0).
   *
   * @param name the tensor's name
   * @param value the value
   * @return the tensor
   */
  public static Tensor scalar(String name, float value) {
    return floats(name, new float[] {value});
  }

  /**
   * A float tensor of normally distributed values with mean 0 and standard deviation {@code std},
   * drawn from {@code random} (seeded, for reproducible test models).
   *
   * @param name the tensor's name
   * @param random the source of randomness; advanced by one Gaussian per element
   * @param std the standard deviation
   * @param dims the shape; none for a scalar
   * @return the tensor
   */
  public static Tensor normal(String name, SplittableRandom random, double std, long... dims) {
    float[] v = new float[Math.toIntExact(count(dims))];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (random.nextGaussian() * std);
    }
    return floats(name, v, dims);
  }

  /**
   * A FLOAT tensor of uniformly distributed values in {@code [low, high)}.
   *
   * @param name the tensor's name
   * @param random the source of randomness; advanced by one double per element
   * @param low the lower bound, inclusive
   * @param high the upper bound, exclusive
   * @param dims the shape; none for a scalar
   * @return the tensor
   */
  public static Tensor uniform(
      String name, SplittableRandom random, double low, double high, long... dims) {
    float[] v = new float[Math.toIntExact(count(dims))];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (low + (high - low) * random.nextDouble());
    }
    return floats(name, v, dims);
  }

  /**
   * A FLOAT tensor filled with {@code value}.
   *
   * @param name the tensor's name
   * @param value every element's value
   * @param dims the shape; none for a scalar
   * @return the tensor
   */
  public static Tensor filled(String name, float value, long... dims) {
    float[] v = new float[Math.toIntExact(count(dims))];
    Arrays.fill(v, value);
    return floats(name, v, dims);
  }

  /** {@return the tensor's name} */
  public String name() {
    return name;
  }

  /** {@return the element type} */
  public ElementType type() {
    return type;
  }

  /** {@return the shape, row-major (a copy); empty for a scalar} */
  public long[] dims() {
    return dims.clone();
  }

  /** {@return the number of elements: the product of the dimensions, 1 for a scalar} */
  public long count() {
    return count(dims);
  }

  /**
   * The same data under another name; the bytes are shared, not copied (both are immutable).
   *
   * @param newName the new tensor's name
   * @return a new tensor
   */
  public Tensor withName(String newName) {
    return new Tensor(newName, type, dims, data);
  }

  /** {@return the elements as little-endian bytes, row-major ({@code raw_data}; a copy)} */
  public byte[] rawData() {
    return data.clone();
  }

  /** The bytes without copying, for serialization. */
  byte[] rawDataShared() {
    return data;
  }

  /**
   * The elements as floats (FLOAT tensors, or FLOAT16 ones, widened exactly).
   *
   * @return a new array of {@link #count()} elements, row-major
   * @throws IllegalStateException for another element type
   */
  public float[] toFloats() {
    if (type == ElementType.FLOAT16) {
      float[] f = new float[data.length / 2];
      ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < f.length; i++) {
        f[i] = Half.toFloat(b.getShort());
      }
      return f;
    }
    require(ElementType.FLOAT);
    float[] f = new float[data.length / 4];
    ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
    return f;
  }

  /**
   * The elements as bytes, signed (INT8 and UINT8 tensors; UINT8 values read as {@code b & 0xff}).
   *
   * @return a new array of {@link #count()} elements, row-major
   * @throws IllegalStateException for another element type
   */
  public byte[] toBytes() {
    if (type != ElementType.INT8 && type != ElementType.UINT8) {
      throw new IllegalStateException("tensor " + name + " is " + type + ", not INT8 or UINT8");
    }
    return data.clone();
  }

  /**
   * The elements as longs (INT64 tensors only).
   *
   * @return a new array of {@link #count()} elements, row-major
   * @throws IllegalStateException for another element type
   */
  public long[] toLongs() {
    require(ElementType.INT64);
    long[] l = new long[data.length / 8];
    ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(l);
    return l;
  }

  /**
   * The elements as ints (INT32 tensors only).
   *
   * @return a new array of {@link #count()} elements, row-major
   * @throws IllegalStateException for another element type
   */
  public int[] toInts() {
    require(ElementType.INT32);
    int[] l = new int[data.length / 4];
    ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(l);
    return l;
  }

  private void require(ElementType t) {
    if (type != t) {
      throw new IllegalStateException("tensor " + name + " is " + type + ", not " + t);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Tensor)) {
      return false;
    }
    Tensor t = (Tensor) o;
    return name.equals(t.name)
        && type == t.type
        && Arrays.equals(dims, t.dims)
        && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, type, Arrays.hashCode(dims), Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "Tensor[" + name + ", " + type + " " + Arrays.toString(dims) + "]";
  }
}
