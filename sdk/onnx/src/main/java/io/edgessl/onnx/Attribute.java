package io.edgessl.onnx;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A node attribute: a name and one value of an ONNX attribute type (int, float, string, tensor, or
 * a list of ints, floats or strings). Graph-valued attributes (If, Loop, Scan) are not supported:
 * EdgeSSL's graphs are subgraph-free. Immutable.
 */
public final class Attribute {
  /** The attribute kinds EdgeSSL reads and writes. */
  public enum Kind {
    /** One 64-bit integer ({@code AttributeProto.INT}); read with {@link #asLong()}. */
    INT,
    /** One 32-bit float ({@code AttributeProto.FLOAT}); read with {@link #asFloat()}. */
    FLOAT,
    /** One UTF-8 string ({@code AttributeProto.STRING}); read with {@link #asString()}. */
    STRING,
    /** One tensor ({@code AttributeProto.TENSOR}); read with {@link #asTensor()}. */
    TENSOR,
    /** A list of 64-bit integers ({@code AttributeProto.INTS}); read with {@link #asLongs()}. */
    INTS,
    /** A list of 32-bit floats ({@code AttributeProto.FLOATS}); read with {@link #asFloats()}. */
    FLOATS,
    /** A list of strings ({@code AttributeProto.STRINGS}); read with {@link #asStrings()}. */
    STRINGS
  }

  private final String name;
  private final Kind kind;
  private final Object value; // Long, Float, String, Tensor, long[], float[], List<String>

  private Attribute(String name, Kind kind, Object value) {
    this.name = Objects.requireNonNull(name, "name");
    this.kind = kind;
    this.value = Objects.requireNonNull(value, "value");
  }

  /**
   * An int attribute (ONNX ints are 64-bit; booleans such as {@code keepdims} are 0 or 1).
   *
   * @param name the attribute's name, e.g. {@code axis}
   * @param value the value
   * @return an {@link Kind#INT} attribute
   */
  public static Attribute of(String name, long value) {
    return new Attribute(name, Kind.INT, value);
  }

  /**
   * A float attribute.
   *
   * @param name the attribute's name, e.g. {@code epsilon}
   * @param value the value
   * @return a {@link Kind#FLOAT} attribute
   */
  public static Attribute of(String name, float value) {
    return new Attribute(name, Kind.FLOAT, value);
  }

  /**
   * A string attribute.
   *
   * @param name the attribute's name, e.g. {@code mode}
   * @param value the value
   * @return a {@link Kind#STRING} attribute
   */
  public static Attribute of(String name, String value) {
    return new Attribute(name, Kind.STRING, value);
  }

  /**
   * A tensor attribute (e.g. a Constant's value).
   *
   * @param name the attribute's name, e.g. {@code value}
   * @param value the tensor (immutable, kept)
   * @return a {@link Kind#TENSOR} attribute
   */
  public static Attribute of(String name, Tensor value) {
    return new Attribute(name, Kind.TENSOR, value);
  }

  /**
   * A list of ints.
   *
   * @param name the attribute's name, e.g. {@code perm}
   * @param values the values, in order; copied
   * @return an {@link Kind#INTS} attribute
   */
  public static Attribute ints(String name, long... values) {
    return new Attribute(name, Kind.INTS, values.clone());
  }

  /**
   * A list of floats.
   *
   * @param name the attribute's name
   * @param values the values, in order; copied
   * @return a {@link Kind#FLOATS} attribute
   */
  public static Attribute floats(String name, float... values) {
    return new Attribute(name, Kind.FLOATS, values.clone());
  }

  /**
   * A list of strings.
   *
   * @param name the attribute's name
   * @param values the values, in order, none {@code null}; copied
   * @return a {@link Kind#STRINGS} attribute
   */
  public static Attribute strings(String name, List<String> values) {
    return new Attribute(name, Kind.STRINGS, List.copyOf(values));
  }

  /** {@return the attribute's name} */
  public String name() {
    return name;
  }

  /** {@return the kind of value held, which says which {@code as...} accessor reads it} */
  public Kind kind() {
    return kind;
  }

  /**
   * The int value.
   *
   * @return the value
   * @throws IllegalStateException when the attribute is not {@link Kind#INT}
   */
  public long asLong() {
    return (Long) as(Kind.INT);
  }

  /**
   * The float value.
   *
   * @return the value
   * @throws IllegalStateException when the attribute is not {@link Kind#FLOAT}
   */
  public float asFloat() {
    return (Float) as(Kind.FLOAT);
  }

  /**
   * The string value.
   *
   * @return the value
   * @throws IllegalStateException when the attribute is not {@link Kind#STRING}
   */
  public String asString() {
    return (String) as(Kind.STRING);
  }

  /**
   * The tensor value.
   *
   * @return the value (immutable)
   * @throws IllegalStateException when the attribute is not {@link Kind#TENSOR}
   */
  public Tensor asTensor() {
    return (Tensor) as(Kind.TENSOR);
  }

  /**
   * The ints (a copy).
   *
   * @return the value: a new array
   * @throws IllegalStateException when the attribute is not {@link Kind#INTS}
   */
  public long[] asLongs() {
    return ((long[]) as(Kind.INTS)).clone();
  }

  /**
   * The floats (a copy).
   *
   * @return the value: a new array
   * @throws IllegalStateException when the attribute is not {@link Kind#FLOATS}
   */
  public float[] asFloats() {
    return ((float[]) as(Kind.FLOATS)).clone();
  }

  /**
   * The strings.
   *
   * @return the values, in order: an unmodifiable list
   * @throws IllegalStateException when the attribute is not {@link Kind#STRINGS}
   */
  @SuppressWarnings("unchecked")
  public List<String> asStrings() {
    return (List<String>) as(Kind.STRINGS);
  }

  private Object as(Kind k) {
    if (kind != k) {
      throw new IllegalStateException("attribute " + name + " is " + kind + ", not " + k);
    }
    return value;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Attribute)) {
      return false;
    }
    Attribute a = (Attribute) o;
    return name.equals(a.name)
        && kind == a.kind
        && Arrays.deepEquals(new Object[] {value}, new Object[] {a.value});
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, kind, Arrays.deepHashCode(new Object[] {value}));
  }

  @Override
  public String toString() {
    String v;
    if (value instanceof long[]) {
      v = Arrays.toString((long[]) value);
    } else if (value instanceof float[]) {
      v = Arrays.toString((float[]) value);
    } else {
      v = String.valueOf(value);
    }
    return name + "=" + v;
  }
}
