package io.edgessl.bundle;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a zip file's central directory itself, before {@link java.util.zip.ZipFile} does, for what
 * that class does not say: the entry count before every entry is loaded, and each entry's external
 * attributes (a Unix symbolic link has file type {@code 0120000} in their high 16 bits).
 */
final class ZipDirectory {
  private static final int EOCD = 0x06054b50;
  private static final int ZIP64_LOCATOR = 0x07064b50;
  private static final int ZIP64_EOCD = 0x06064b50;
  private static final int CENTRAL = 0x02014b50;

  /** One central directory entry: its name and whether it is a Unix symbolic link. */
  record Entry(String name, boolean symlink) {}

  private ZipDirectory() {}

  /**
   * The entries of {@code file}'s central directory.
   *
   * @throws EdgeSslException {@link ErrorCode#CORRUPT_FILE} when it holds more than {@code
   *     maxEntries} entries or the directory cannot be parsed
   */
  static List<Entry> read(Path file, int maxEntries) throws IOException, EdgeSslException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      int tailLength = (int) Math.min(size, 22 + 0xFFFF);
      ByteBuffer tail = read(ch, size - tailLength, tailLength);
      int at = -1;
      for (int i = tailLength - 22; i >= 0; i--) {
        if (tail.getInt(i) == EOCD && i + 22 + (tail.getShort(i + 20) & 0xFFFF) <= tailLength) {
          at = i;
          break;
        }
      }
      if (at < 0) {
        throw corrupt(file, "no end of central directory record");
      }
      long count = tail.getShort(at + 10) & 0xFFFF;
      long cdSize = tail.getInt(at + 12) & 0xFFFFFFFFL;
      long cdOffset = tail.getInt(at + 16) & 0xFFFFFFFFL;
      if (count == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL) {
        long eocdPos = size - tailLength + at;
        if (eocdPos < 20) {
          throw corrupt(file, "a zip64 record is missing");
        }
        ByteBuffer loc = read(ch, eocdPos - 20, 20);
        if (loc.getInt(0) != ZIP64_LOCATOR) {
          throw corrupt(file, "a zip64 record is missing");
        }
        long z = loc.getLong(8);
        if (z < 0 || z > size - 56) {
          throw corrupt(file, "the zip64 record is out of the file");
        }
        ByteBuffer z64 = read(ch, z, 56);
        if (z64.getInt(0) != ZIP64_EOCD) {
          throw corrupt(file, "the zip64 record is damaged");
        }
        count = z64.getLong(32);
        cdSize = z64.getLong(40);
        cdOffset = z64.getLong(48);
      }
      if (count < 0 || count > maxEntries) {
        throw new EdgeSslException(
            ErrorCode.CORRUPT_FILE,
            "model bundle "
                + file
                + " holds "
                + Long.toUnsignedString(count)
                + " entries, over the limit of "
                + maxEntries);
      }
      // An entry is at most 46 + 3 * 65535 bytes: this bounds the read by the count.
      if (cdOffset < 0 || cdSize < 0 || cdOffset + cdSize > size || cdSize > count * 196_651) {
        throw corrupt(file, "the central directory is out of the file");
      }
      ByteBuffer cd = read(ch, cdOffset, (int) cdSize);
      List<Entry> entries = new ArrayList<>();
      int p = 0;
      for (long i = 0; i < count; i++) {
        if (p + 46 > cdSize || cd.getInt(p) != CENTRAL) {
          throw corrupt(file, "central directory entry " + i + " is damaged");
        }
        int madeBy = cd.getShort(p + 4) & 0xFFFF;
        int nameLength = cd.getShort(p + 28) & 0xFFFF;
        int extra = cd.getShort(p + 30) & 0xFFFF;
        int comment = cd.getShort(p + 32) & 0xFFFF;
        int external = cd.getInt(p + 38);
        if (p + 46 + nameLength > cdSize) {
          throw corrupt(file, "central directory entry " + i + " is damaged");
        }
        byte[] name = new byte[nameLength];
        for (int k = 0; k < nameLength; k++) {
          name[k] = cd.get(p + 46 + k); // not get(int, byte[]): Android lacks it below API 35
        }
        boolean unix = (madeBy >>> 8) == 3;
        boolean symlink = unix && ((external >>> 16) & 0170000) == 0120000;
        entries.add(new Entry(new String(name, StandardCharsets.UTF_8), symlink));
        p += 46 + nameLength + extra + comment;
      }
      return entries;
    }
  }

  private static ByteBuffer read(FileChannel ch, long at, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      if (ch.read(b, at + b.position()) < 0) {
        throw new IOException("unexpected end of file");
      }
    }
    return b.clear();
  }

  private static EdgeSslException corrupt(Path file, String why) {
    return new EdgeSslException(
        ErrorCode.CORRUPT_FILE, file + " is neither a bundle directory nor a readable zip: " + why);
  }
}
