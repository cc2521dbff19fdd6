package io.edgessl.onnx;

/** ONNX tensor element types ({@code TensorProto.DataType}) that EdgeSSL's graphs use. */
public enum ElementType {
  FLOAT(1, 4),
  UINT8(2, 1),
  INT8(3, 1),
  INT32(6, 4),
  INT64(7, 8),
  BOOL(9, 1),
  FLOAT16(10, 2),
  DOUBLE(11, 8);

  private final int code;
  private final int bytes;

  ElementType(int code, int bytes) {
    this.code = code;
    this.bytes = bytes;
  }

  /** The {@code TensorProto.DataType} number. */
  public int code() {
    return code;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  /**
   * The type with ONNX number {@code code}.
   *
   * @throws IllegalArgumentException for types EdgeSSL does not handle (strings, complex, bfloat16,
   *     float8, 4-bit)
   */
  public static ElementType of(int code) {
    for (ElementType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new IllegalArgumentException("unsupported ONNX element type " + code);
  }
}
