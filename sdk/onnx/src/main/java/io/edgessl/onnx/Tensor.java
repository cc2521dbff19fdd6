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
   * A tensor over little-endian {@code data} (not copied).
   *
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
   * A float tensor; with no {@code dims} a vector of {@code values.length} (or a scalar of one).
   */
  public static Tensor floats(String name, float[] values, long... dims) {
    ByteBuffer b = le(4 * values.length);
    b.asFloatBuffer().put(values);
    return new Tensor(name, ElementType.FLOAT, shapeOf(values.length, dims), b.array());
  }

  /**
   * A FLOAT16 tensor of {@code values} rounded to half precision ({@link Half#fromFloat}); with no
   * {@code dims} a vector (or scalar of one).
   */
  public static Tensor halves(String name, float[] values, long... dims) {
    ByteBuffer b = le(2 * values.length);
    for (float v : values) {
      b.putShort(Half.fromFloat(v));
    }
    return new Tensor(name, ElementType.FLOAT16, shapeOf(values.length, dims), b.array());
  }

  /** An int64 tensor (shapes, axes, indices); with no {@code dims} a vector (or scalar of one). */
  public static Tensor longs(String name, long[] values, long... dims) {
    ByteBuffer b = le(8 * values.length);
    b.asLongBuffer().put(values);
    return new Tensor(name, ElementType.INT64, shapeOf(values.length, dims), b.array());
  }

  /** An int32 tensor. */
  public static Tensor ints(String name, int[] values, long... dims) {
    ByteBuffer b = le(4 * values.length);
    b.asIntBuffer().put(values);
    return new Tensor(name, ElementType.INT32, shapeOf(values.length, dims), b.array());
  }

  /** An int8 or uint8 tensor (quantized weights and zero points). */
  public static Tensor bytes(String name, ElementType type, byte[] values, long... dims) {
    if (type != ElementType.INT8 && type != ElementType.UINT8) {
      throw new IllegalArgumentException("byte tensors are INT8 or UINT8, not " + type);
    }
    return new Tensor(name, type, shapeOf(values.length, dims), values.clone());
  }

  /** A float scalar (rank 0). */
  public static Tensor scalar(String name, float value) {
    return floats(name, new float[] {value});
  }

  /**
   * A float tensor of normally distributed values with mean 0 and standard deviation {@code std},
   * drawn from {@code random} (seeded, for reproducible test models).
   */
  public static Tensor normal(String name, SplittableRandom random, double std, long... dims) {
    float[] v = new float[Math.toIntExact(count(dims))];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (random.nextGaussian() * std);
    }
    return floats(name, v, dims);
  }

  /** A float tensor of uniformly distributed values in {@code [low, high)}. */
  public static Tensor uniform(
      String name, SplittableRandom random, double low, double high, long... dims) {
    float[] v = new float[Math.toIntExact(count(dims))];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (low + (high - low) * random.nextDouble());
    }
    return floats(name, v, dims);
  }

  /** A float tensor filled with {@code value}. */
  public static Tensor filled(String name, float value, long... dims) {
    float[] v = new float[Math.toIntExact(count(dims))];
    Arrays.fill(v, value);
    return floats(name, v, dims);
  }

  public String name() {
    return name;
  }

  public ElementType type() {
    return type;
  }

  /** The shape (a copy). */
  public long[] dims() {
    return dims.clone();
  }

  /** Number of elements. */
  public long count() {
    return count(dims);
  }

  /** The same data under another name. */
  public Tensor withName(String newName) {
    return new Tensor(newName, type, dims, data);
  }

  /** The little-endian bytes (a copy). */
  public byte[] rawData() {
    return data.clone();
  }

  /** The bytes without copying, for serialization. */
  byte[] rawDataShared() {
    return data;
  }

  /** The elements as floats (FLOAT tensors, or FLOAT16 ones, widened exactly). */
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
   */
  public byte[] toBytes() {
    if (type != ElementType.INT8 && type != ElementType.UINT8) {
      throw new IllegalStateException("tensor " + name + " is " + type + ", not INT8 or UINT8");
    }
    return data.clone();
  }

  /** The elements as longs (INT64 tensors only). */
  public long[] toLongs() {
    require(ElementType.INT64);
    long[] l = new long[data.length / 8];
    ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(l);
    return l;
  }

  /** The elements as ints (INT32 tensors only). */
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
