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
    INT,
    FLOAT,
    STRING,
    TENSOR,
    INTS,
    FLOATS,
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

  /** An int attribute (ONNX ints are 64-bit). */
  public static Attribute of(String name, long value) {
    return new Attribute(name, Kind.INT, value);
  }

  /** A float attribute. */
  public static Attribute of(String name, float value) {
    return new Attribute(name, Kind.FLOAT, value);
  }

  /** A string attribute. */
  public static Attribute of(String name, String value) {
    return new Attribute(name, Kind.STRING, value);
  }

  /** A tensor attribute (e.g. a Constant's value). */
  public static Attribute of(String name, Tensor value) {
    return new Attribute(name, Kind.TENSOR, value);
  }

  /** A list of ints. */
  public static Attribute ints(String name, long... values) {
    return new Attribute(name, Kind.INTS, values.clone());
  }

  /** A list of floats. */
  public static Attribute floats(String name, float... values) {
    return new Attribute(name, Kind.FLOATS, values.clone());
  }

  /** A list of strings. */
  public static Attribute strings(String name, List<String> values) {
    return new Attribute(name, Kind.STRINGS, List.copyOf(values));
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  /** The int value. */
  public long asLong() {
    return (Long) as(Kind.INT);
  }

  /** The float value. */
  public float asFloat() {
    return (Float) as(Kind.FLOAT);
  }

  /** The string value. */
  public String asString() {
    return (String) as(Kind.STRING);
  }

  /** The tensor value. */
  public Tensor asTensor() {
    return (Tensor) as(Kind.TENSOR);
  }

  /** The ints (a copy). */
  public long[] asLongs() {
    return ((long[]) as(Kind.INTS)).clone();
  }

  /** The floats (a copy). */
  public float[] asFloats() {
    return ((float[]) as(Kind.FLOATS)).clone();
  }

  /** The strings. */
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
