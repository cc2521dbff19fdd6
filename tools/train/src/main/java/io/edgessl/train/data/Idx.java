package io.edgessl.train.data;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader for the IDX format of MNIST and Fashion-MNIST (yann.lecun.com/exdb/mnist): a big-endian
 * header {@code 0x00 0x00 type ndims}, then {@code ndims} u32 sizes, then the data. Only unsigned
 * bytes (type 0x08) are supported, which is what both datasets use. Files may be gzipped.
 */
public final class Idx {
  private static final int UBYTE = 0x08;

  private Idx() {}

  /** An IDX array of unsigned bytes. */
  public record Array(int[] shape, byte[] data) {
    public int size(int axis) {
      return shape[axis];
    }
  }

  /** The first allocation for the data; it doubles as data arrives, up to the header's size. */
  private static final int FIRST_CHUNK = 1 << 16;

  /**
   * Reads an IDX file of unsigned bytes with {@code expectedDims} dimensions.
   *
   * @throws EdgeSslException naming the file when it is missing, not IDX, of another type or rank,
   *     truncated, or longer than its header says
   */
  public static Array read(Path file, int expectedDims) throws EdgeSslException {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in =
            new DataInputStream(new BufferedInputStream(maybeGunzip(raw), 1 << 16))) {
      int magic;
      try {
        magic = in.readInt();
      } catch (EOFException e) {
        throw corrupt(file, "empty or shorter than an IDX header");
      }
      int type = (magic >>> 8) & 0xff;
      int dims = magic & 0xff;
      if ((magic >>> 16) != 0 || type != UBYTE || dims != expectedDims) {
        throw corrupt(
            file,
            String.format(
                "wrong magic number 0x%08x: expected 0x%08x (unsigned bytes, %d dimensions)",
                magic, (UBYTE << 8) | expectedDims, expectedDims));
      }
      int[] shape = new int[dims];
      long n = 1;
      for (int i = 0; i < dims; i++) {
        shape[i] = in.readInt();
        if (shape[i] <= 0) {
          throw corrupt(file, "invalid size " + (shape[i] & 0xffffffffL) + " of dimension " + i);
        }
        n *= shape[i];
        if (n > Integer.MAX_VALUE - 8) {
          throw corrupt(file, "header promises " + n + "+ bytes, more than this reader supports");
        }
      }
      // Grow with the data that actually arrives rather than trusting the header: a 23-byte
      // file that promises 758 MB must not allocate them (found by DataFuzzTest).
      byte[] data = new byte[(int) Math.min(n, FIRST_CHUNK)];
      int off = 0;
      while (off < n) {
        if (off == data.length) {
          data = Arrays.copyOf(data, (int) Math.min(n, 2L * data.length));
        }
        int r = in.read(data, off, data.length - off);
        if (r < 0) {
          throw corrupt(file, "truncated: header promises " + n + " data bytes, file has " + off);
        }
        off += r;
      }
      if (in.read() >= 0) {
        throw corrupt(file, "longer than its header promises (" + n + " data bytes)");
      }
      return new Array(shape, data);
    } catch (NoSuchFileException e) {
      throw new EdgeSslException(ErrorCode.FILE_NOT_FOUND, "file not found: " + file, e);
    } catch (AccessDeniedException e) {
      throw new EdgeSslException(
          ErrorCode.FILE_NOT_FOUND, "cannot read " + file + ": permission denied", e);
    } catch (EOFException e) {
      throw corrupt(file, "truncated header");
    } catch (ZipException e) {
      throw corrupt(file, "damaged gzip data (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Gzip is recognised by its magic bytes, not the file name. */
  private static InputStream maybeGunzip(InputStream raw) throws IOException {
    BufferedInputStream b = new BufferedInputStream(raw, 1 << 16);
    b.mark(2);
    int b0 = b.read();
    int b1 = b.read();
    b.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      return new GZIPInputStream(b, 1 << 16);
    }
    return b;
  }

  private static EdgeSslException corrupt(Path file, String what) {
    return new EdgeSslException(ErrorCode.CORRUPT_FILE, file + ": " + what);
  }
}
