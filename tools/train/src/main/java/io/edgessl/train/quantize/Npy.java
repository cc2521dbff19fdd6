package io.edgessl.train.quantize;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reader for NumPy's {@code .npy} format (numpy.org, "A simple file format for NumPy arrays"):
 * magic {@code \x93NUMPY}, a version, a little-endian header length (2 bytes in version 1, 4 in
 * versions 2 and 3), a Python dict literal with {@code descr}, {@code fortran_order} and {@code
 * shape}, then the data. Only C-ordered little-endian float32 ({@code '<f4'}) is read: what
 * preprocessed model inputs are.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /** A float32 array. */
  record Array(long[] shape, float[] data) {}

  /**
   * Reads a float32 array.
   *
   * @throws EdgeSslException {@code FILE_NOT_FOUND}, {@code CORRUPT_FILE} when it is not an npy
   *     file or is truncated, {@code SHAPE_MISMATCH} when it holds another type or order
   */
  public static Array readFloats(Path file) throws EdgeSslException {
    byte[] b;
    try {
      b = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new EdgeSslException(ErrorCode.FILE_NOT_FOUND, "file not found: " + file, e);
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot read " + file + ": " + e, e);
    }
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    if (b.length < 10 || !ByteBuffer.wrap(b, 0, 6).equals(ByteBuffer.wrap(MAGIC))) {
      throw corrupt(file, "not an .npy file (no \\x93NUMPY magic)");
    }
    int major = b[6];
    int headerLen;
    int start;
    if (major == 1) {
      headerLen = Short.toUnsignedInt(buf.getShort(8));
      start = 10;
    } else if (major == 2 || major == 3) {
      if (b.length < 12) {
        throw corrupt(file, "truncated header");
      }
      headerLen = buf.getInt(8);
      start = 12;
    } else {
      throw corrupt(file, "unknown .npy version " + major);
    }
    if (headerLen < 0 || start + headerLen > b.length) {
      throw corrupt(file, "truncated header");
    }
    String header = new String(b, start, headerLen, StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header);
    Matcher f = FORTRAN.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !f.find() || !s.find()) {
      throw corrupt(file, "header is not a dict with descr, fortran_order and shape: " + header);
    }
    if (!d.group(1).equals("<f4") || f.group(1).equals("True")) {
      throw new EdgeSslException(
          ErrorCode.SHAPE_MISMATCH,
          file
              + " holds "
              + d.group(1)
              + (f.group(1).equals("True") ? " in Fortran order" : "")
              + "; expected C-ordered little-endian float32 ('<f4')");
    }
    List<Long> dims = new ArrayList<>();
    long n = 1;
    for (String part : s.group(1).split(",")) {
      String t = part.trim();
      if (t.isEmpty()) {
        continue;
      }
      long v;
      try {
        v = Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
      } catch (NumberFormatException e) {
        throw corrupt(file, "bad shape (" + s.group(1) + ")");
      }
      if (v < 0) {
        throw corrupt(file, "bad shape (" + s.group(1) + ")");
      }
      dims.add(v);
      n = Math.multiplyExact(n, v);
    }
    long bytes = 4 * n;
    if (b.length - start - headerLen != bytes) {
      throw corrupt(
          file,
          "shape ("
              + s.group(1)
              + ") needs "
              + bytes
              + " data bytes, the file has "
              + (b.length - start - headerLen));
    }
    float[] data = new float[(int) n];
    buf.position(start + headerLen);
    buf.asFloatBuffer().get(data);
    return new Array(dims.stream().mapToLong(Long::longValue).toArray(), data);
  }

  /** Writes a float32 array (version 1.0): for tests and tools that make calibration files. */
  public static byte[] write(long[] shape, float[] data) {
    StringBuilder sh = new StringBuilder();
    for (long d : shape) {
      sh.append(d).append(", ");
    }
    String dict =
        "{'descr': '<f4', 'fortran_order': False, 'shape': ("
            + (shape.length == 1 ? sh.toString().trim() : sh.toString().replaceAll(", $", ""))
            + "), }";
    int pad = 64 - (10 + dict.length() + 1) % 64;
    String header = dict + " ".repeat(pad % 64) + "\n";
    ByteBuffer b =
        ByteBuffer.allocate(10 + header.length() + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.ISO_8859_1));
    b.asFloatBuffer().put(data);
    return b.array();
  }

  private static EdgeSslException corrupt(Path file, String what) {
    return new EdgeSslException(ErrorCode.CORRUPT_FILE, file + ": " + what);
  }
}
