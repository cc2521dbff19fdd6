package io.edgessl.onnx;

/** ONNX tensor element types ({@code TensorProto.DataType}) that EdgeSSL's graphs use. */
public enum ElementType {
  /** 32-bit IEEE 754 float: ONNX {@code FLOAT} (1), 4 bytes. */
  FLOAT(1, 4),
  /** Unsigned 8-bit integer: ONNX {@code UINT8} (2), 1 byte. */
  UINT8(2, 1),
  /** Signed 8-bit integer: ONNX {@code INT8} (3), 1 byte. */
  INT8(3, 1),
  /** Signed 32-bit integer: ONNX {@code INT32} (6), 4 bytes. */
  INT32(6, 4),
  /** Signed 64-bit integer: ONNX {@code INT64} (7), 8 bytes; shapes, axes and indices. */
  INT64(7, 8),
  /** Boolean: ONNX {@code BOOL} (9), 1 byte (0 or 1). */
  BOOL(9, 1),
  /** 16-bit IEEE 754 half float: ONNX {@code FLOAT16} (10), 2 bytes (see {@link Half}). */
  FLOAT16(10, 2),
  /** 64-bit IEEE 754 float: ONNX {@code DOUBLE} (11), 8 bytes. */
  DOUBLE(11, 8);

  private final int code;
  private final int bytes;

  ElementType(int code, int bytes) {
    this.code = code;
    this.bytes = bytes;
  }

  /** {@return the {@code TensorProto.DataType} number, e.g. 1 for FLOAT} */
  public int code() {
    return code;
  }

  /** {@return the size of one element in bytes} */
  public int bytes() {
    return bytes;
  }

  /**
   * The type with ONNX number {@code code}.
   *
   * @param code a {@code TensorProto.DataType} number
   * @return the element type
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
