package io.edgessl.knn;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Buffered little-endian reading and writing of a file channel that keeps the CRC-32C of every byte
 * that passes, for {@link KnnIndexFile}.
 */
final class CrcStreams {
  private CrcStreams() {}

  /** Buffered little-endian writer that checksums what it writes. */
  static final class Out {
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

    void f64(double v) throws IOException {
      room(8);
      buf.putDouble(v);
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
  static final class In {
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private long left;

    In(FileChannel ch) throws IOException {
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

    double f64() throws IOException {
      need(8);
      return buf.getDouble();
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
