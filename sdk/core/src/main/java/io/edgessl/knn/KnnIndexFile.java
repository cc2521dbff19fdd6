package io.edgessl.knn;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.internal.io.AtomicFiles;
import io.edgessl.spi.PackedInt8Bank;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The {@code .knn} file format, versions 1 and 2. All numbers little-endian.
 *
 * <pre>
 * magic       8 bytes  "EDGSSLKN"
 * version     u32      1 or 2
 * dim         u32
 * count       u32      vectors
 * nextId      u64      id the next added vector gets
 * precision   u32      version 2 only: 0 = FP32, 1 = INT8
 * rerank      u32      version 2 only: the INT8 rerank factor (0 for FP32)
 * labels      u32      size of the label table, then for each: u32 byte length, UTF-8 bytes
 * ids         count x u64, strictly increasing
 * labelOf     count x u32, each &lt; labels
 * FP32:
 * vectors     count x dim x f32, row-major, L2-normalized
 * INT8 (version 2):
 * scales      count x f32, finite, >= 0
 * codes       count x dim x i8, row-major, each in [-127, 127]
 * vectors     count x dim x f32, only when rerank &gt; 0
 * crc32c      u32      CRC-32C of every byte before it
 * </pre>
 *
 * <p>FP32 indexes are written as version 1, byte for byte as before version 2 existed, so older
 * builds keep reading them; INT8 indexes need version 2. Both versions are read.
 */
final class KnnIndexFile {
  static final byte[] MAGIC = "EDGSSLKN".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final int VERSION_INT8 = 2;
  private static final int PRECISION_FP32 = 0;
  private static final int PRECISION_INT8 = 1;
  private static final int MAX_LABEL_BYTES = 1 << 16;

  private KnnIndexFile() {}

  static void write(Path file, KnnIndex index) throws IOException {
    AtomicFiles.write(
        file,
        ch -> {
          Out out = new Out(ch);
          int dim = index.dimension();
          int count = index.countUnlocked();
          List<String> labels = index.labelTableUnlocked();
          Int8Bank int8 = index.int8Bank();
          out.bytes(MAGIC);
          out.i32(int8 == null ? VERSION : VERSION_INT8);
          out.i32(dim);
          out.i32(count);
          out.i64(index.nextIdUnlocked());
          if (int8 != null) {
            out.i32(PRECISION_INT8);
            out.i32(int8.rerank());
          }
          out.i32(labels.size());
          for (String l : labels) {
            byte[] b = l.getBytes(StandardCharsets.UTF_8);
            out.i32(b.length);
            out.bytes(b);
          }
          for (int i = 0; i < count; i++) {
            out.i64(index.idAt(i));
          }
          for (int i = 0; i < count; i++) {
            out.i32(index.labelAt(i));
          }
          float[] v = new float[dim];
          if (int8 != null) {
            for (int i = 0; i < count; i++) {
              out.f32(int8.scale(i));
            }
            byte[] c = new byte[dim];
            for (int i = 0; i < count; i++) {
              int8.codes(i, c);
              out.bytes(c);
            }
          }
          if (int8 == null || int8.hasRows()) {
            for (int i = 0; i < count; i++) {
              index.vectorAt(i, v);
              for (float x : v) {
                out.f32(x);
              }
            }
          }
          out.finish();
        });
  }

  static KnnIndex read(Path file, int expectedDim) throws EdgeSslException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      In in = new In(ch, file);
      byte[] magic = in.bytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw corrupt(file, "not an EdgeSSL k-NN index (bad magic number)");
      }
      int version = in.i32();
      if (version != VERSION && version != VERSION_INT8) {
        throw new EdgeSslException(
            ErrorCode.UNSUPPORTED_VERSION,
            file
                + ": k-NN index format version "
                + version
                + " is not supported (this build reads "
                + VERSION
                + " and "
                + VERSION_INT8
                + ")");
      }
      int dim = in.i32();
      int count = in.i32();
      long nextId = in.i64();
      int precision = PRECISION_FP32;
      int rerank = 0;
      if (version == VERSION_INT8) {
        precision = in.i32();
        rerank = in.i32();
        boolean known =
            (precision == PRECISION_FP32 && rerank == 0)
                || (precision == PRECISION_INT8 && rerank >= 0 && rerank <= KnnIndex.MAX_RERANK);
        if (!known) {
          throw corrupt(file, "invalid precision " + precision + " or rerank factor " + rerank);
        }
        if (precision == PRECISION_INT8 && dim > PackedInt8Bank.MAX_DIM) {
          throw corrupt(file, "INT8 index of dimension " + dim);
        }
      }
      boolean int8 = precision == PRECISION_INT8;
      boolean floats = !int8 || rerank > 0;
      int labelCount = in.i32();
      if (dim <= 0 || count < 0 || labelCount < 0 || nextId < count) {
        throw corrupt(
            file,
            "invalid header (dim " + dim + ", count " + count + ", labels " + labelCount + ")");
      }
      if (expectedDim > 0 && dim != expectedDim) {
        throw new EdgeSslException(
            ErrorCode.SHAPE_MISMATCH,
            file + ": index has dimension " + dim + ", expected " + expectedDim);
      }
      // Check the size the header promises before allocating anything for it.
      long perVector = 8 + 4 + (floats ? 4L * dim : 0) + (int8 ? 4 + (long) dim : 0);
      long fixed = (long) count * perVector + 4;
      if (fixed > in.remaining()) {
        throw corrupt(file, "truncated: header promises " + count + " vectors of dimension " + dim);
      }
      String[] labels = new String[labelCount];
      for (int i = 0; i < labelCount; i++) {
        int len = in.i32();
        if (len < 0 || len > MAX_LABEL_BYTES || len > in.remaining()) {
          throw corrupt(file, "invalid label length " + len);
        }
        labels[i] = new String(in.bytes(len), StandardCharsets.UTF_8);
      }
      KnnIndex index =
          KnnIndex.builder(dim)
              .labels(List.of(labels))
              .precision(int8 ? BankPrecision.INT8 : BankPrecision.FP32)
              .rerank(rerank)
              .build();
      if (index.labels().size() != labelCount) {
        throw corrupt(file, "duplicate labels in the label table");
      }
      long[] ids = new long[count];
      for (int i = 0; i < count; i++) {
        ids[i] = in.i64();
        if (ids[i] < 0 || ids[i] >= nextId || (i > 0 && ids[i] <= ids[i - 1])) {
          throw corrupt(file, "invalid id " + ids[i] + " at entry " + i);
        }
      }
      int[] labelOf = new int[count];
      for (int i = 0; i < count; i++) {
        labelOf[i] = in.i32();
        if (labelOf[i] < 0 || labelOf[i] >= labelCount) {
          throw corrupt(file, "invalid label index " + labelOf[i] + " at entry " + i);
        }
      }
      if (int8) {
        readInt8(in, file, index, dim, count, floats, ids, labelOf);
      } else {
        float[] v = new float[dim];
        for (int i = 0; i < count; i++) {
          readVector(in, file, v, i);
          index.restore(ids[i], labelOf[i], v);
        }
      }
      int computed = in.crc();
      int stored = in.i32();
      if (computed != stored) {
        throw corrupt(
            file,
            String.format(
                "checksum mismatch (stored %08x, computed %08x): the file is damaged",
                stored, computed));
      }
      if (in.remaining() != 0) {
        throw corrupt(file, in.remaining() + " unexpected bytes after the checksum");
      }
      index.restoreNextId(nextId);
      return index;
    } catch (NoSuchFileException e) {
      throw new EdgeSslException(ErrorCode.FILE_NOT_FOUND, "k-NN index file not found: " + file, e);
    } catch (AccessDeniedException e) {
      throw new EdgeSslException(
          ErrorCode.FILE_NOT_FOUND, "cannot read k-NN index file " + file, e);
    } catch (EOFException e) {
      throw corrupt(file, "truncated");
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot read k-NN index file " + file + ": " + e, e);
    }
  }

  private static void readVector(In in, Path file, float[] v, int i)
      throws IOException, EdgeSslException {
    for (int d = 0; d < v.length; d++) {
      v[d] = in.f32();
      if (!Float.isFinite(v[d])) {
        throw corrupt(file, "non-finite value in vector " + i);
      }
    }
  }

  /** Scales, then codes, then (when reranking) the FP32 vectors; see the format above. */
  private static void readInt8(
      In in,
      Path file,
      KnnIndex index,
      int dim,
      int count,
      boolean floats,
      long[] ids,
      int[] labelOf)
      throws IOException, EdgeSslException {
    float[] scales = new float[count];
    for (int i = 0; i < count; i++) {
      scales[i] = in.f32();
      if (!(scales[i] >= 0f) || !Float.isFinite(scales[i])) {
        throw corrupt(file, "invalid INT8 scale " + scales[i] + " of vector " + i);
      }
    }
    byte[][] codes = new byte[count][];
    for (int i = 0; i < count; i++) {
      codes[i] = in.bytes(dim);
      for (byte c : codes[i]) {
        if (c < -PackedInt8Bank.MAX_CODE) {
          throw corrupt(file, "invalid INT8 code " + c + " in vector " + i);
        }
      }
    }
    float[] v = floats ? new float[dim] : null;
    for (int i = 0; i < count; i++) {
      if (floats) {
        readVector(in, file, v, i);
      }
      index.restoreInt8(ids[i], labelOf[i], codes[i], scales[i], v);
    }
  }

  private static EdgeSslException corrupt(Path file, String what) {
    return new EdgeSslException(ErrorCode.CORRUPT_FILE, file + ": " + what);
  }

  /** Buffered little-endian writer that checksums what it writes. */
  private static final class Out {
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();

    Out(FileChannel ch) {
      this.ch = ch;
    }

    void room(int n) throws IOException {
      if (buf.remaining() < n) {
        flush();
      }
    }

    void flush() throws IOException {
      buf.flip();
      crc.update(buf.duplicate());
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      buf.clear();
    }

    void bytes(byte[] b) throws IOException {
      int off = 0;
      while (off < b.length) {
        room(1);
        int n = Math.min(buf.remaining(), b.length - off);
        buf.put(b, off, n);
        off += n;
      }
    }

    void i32(int v) throws IOException {
      room(4);
      buf.putInt(v);
    }

    void i64(long v) throws IOException {
      room(8);
      buf.putLong(v);
    }

    void f32(float v) throws IOException {
      room(4);
      buf.putFloat(v);
    }

    void finish() throws IOException {
      flush();
      ByteBuffer tail = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      tail.putInt((int) crc.getValue()).flip();
      while (tail.hasRemaining()) {
        ch.write(tail);
      }
    }
  }

  /** Buffered little-endian reader that checksums what it reads. */
  private static final class In {
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private long left;

    In(FileChannel ch, Path file) throws IOException {
      this.ch = ch;
      this.left = ch.size();
      buf.limit(0);
    }

    long remaining() {
      return left + buf.remaining();
    }

    private void need(int n) throws IOException {
      if (buf.remaining() >= n) {
        return;
      }
      // Checksum what was consumed, keep the unread tail, refill.
      int pos = buf.position();
      ByteBuffer consumed = buf.duplicate();
      consumed.position(mark).limit(pos);
      crc.update(consumed);
      buf.compact();
      while (buf.position() < n) {
        if (left <= 0) {
          throw new EOFException();
        }
        int r = ch.read(buf);
        if (r < 0) {
          throw new EOFException();
        }
        left -= r;
      }
      buf.flip();
      mark = 0;
    }

    private int mark = 0;

    byte[] bytes(int n) throws IOException {
      byte[] b = new byte[n];
      int off = 0;
      while (off < n) {
        need(1);
        int m = Math.min(buf.remaining(), n - off);
        buf.get(b, off, m);
        off += m;
      }
      return b;
    }

    int i32() throws IOException {
      need(4);
      return buf.getInt();
    }

    long i64() throws IOException {
      need(8);
      return buf.getLong();
    }

    float f32() throws IOException {
      need(4);
      return buf.getFloat();
    }

    /** CRC of every byte consumed so far. */
    int crc() {
      ByteBuffer consumed = buf.duplicate();
      consumed.position(mark).limit(buf.position());
      crc.update(consumed);
      mark = buf.position();
      return (int) crc.getValue();
    }
  }
}
