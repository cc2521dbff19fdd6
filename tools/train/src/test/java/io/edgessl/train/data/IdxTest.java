package io.edgessl.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
  @TempDir Path dir;

  static byte[] idx(int magic, int[] shape, byte[] data) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeInt(magic);
    for (int s : shape) {
      out.writeInt(s);
    }
    out.write(data);
    return b.toByteArray();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (OutputStream z = new GZIPOutputStream(b)) {
      z.write(raw);
    }
    return b.toByteArray();
  }

  /** Writes a tiny Fashion-MNIST-shaped dataset (2 x 3 images) and returns its directory. */
  static Path tinyDataset(Path dir, boolean gz) throws IOException {
    byte[] px = {
      0, 1, 2, 3, 4, 5, (byte) 250, (byte) 251, (byte) 252, (byte) 253, (byte) 254, (byte) 255
    };
    for (String split : new String[] {"train", "t10k"}) {
      byte[] img = idx(0x803, new int[] {2, 2, 3}, px);
      byte[] lab = idx(0x801, new int[] {2}, new byte[] {9, 0});
      Files.write(
          dir.resolve(split + "-images-idx3-ubyte" + (gz ? ".gz" : "")), gz ? gzip(img) : img);
      Files.write(
          dir.resolve(split + "-labels-idx1-ubyte" + (gz ? ".gz" : "")), gz ? gzip(lab) : lab);
    }
    return dir;
  }

  @Test
  void readsRawAndGzipped() throws Exception {
    for (boolean gz : new boolean[] {false, true}) {
      Path d = Files.createDirectory(dir.resolve("gz" + gz));
      tinyDataset(d, gz);
      LabelledImages train = FashionMnist.load(d, FashionMnist.Split.TRAIN);
      assertEquals(2, train.count());
      assertEquals(2, train.height());
      assertEquals(3, train.width());
      assertArrayEquals(new int[] {9, 0}, train.labels());
      assertEquals((byte) 255, train.pixels()[11]);
      assertEquals("Ankle boot", train.classes().get(train.labels()[0]));
    }
  }

  @Test
  void wrongMagicNamesTheFileAndTheNumbers() throws Exception {
    Path f = dir.resolve("x");
    Files.write(f, idx(0x801, new int[] {2}, new byte[2]));
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> Idx.read(f, 3));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertEquals(
        f + ": wrong magic number 0x00000801: expected 0x00000803 (unsigned bytes, 3 dimensions)",
        e.getMessage());
  }

  @Test
  void truncatedAndOverlongFiles() throws Exception {
    Path f = dir.resolve("x");
    byte[] good = idx(0x803, new int[] {2, 2, 2}, new byte[8]);
    Files.write(f, Arrays.copyOf(good, good.length - 3));
    assertEquals(
        f + ": truncated: header promises 8 data bytes, file has 5",
        assertThrows(EdgeSslException.class, () -> Idx.read(f, 3)).getMessage());
    Files.write(f, Arrays.copyOf(good, 9));
    assertEquals(
        f + ": truncated header",
        assertThrows(EdgeSslException.class, () -> Idx.read(f, 3)).getMessage());
    Files.write(f, new byte[0]);
    assertEquals(
        f + ": empty or shorter than an IDX header",
        assertThrows(EdgeSslException.class, () -> Idx.read(f, 3)).getMessage());
    Files.write(f, Arrays.copyOf(good, good.length + 1));
    assertEquals(
        f + ": longer than its header promises (8 data bytes)",
        assertThrows(EdgeSslException.class, () -> Idx.read(f, 3)).getMessage());
    // a gzip stream cut short
    byte[] gz = gzip(good);
    Files.write(f, Arrays.copyOf(gz, gz.length - 10));
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> Idx.read(f, 3));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code(), e.getMessage());
  }

  @Test
  void missingFilesAndMismatchedCounts() throws Exception {
    EdgeSslException e =
        assertThrows(EdgeSslException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TEST));
    assertEquals(ErrorCode.FILE_NOT_FOUND, e.code());
    assertEquals(
        "missing " + dir.resolve("t10k-images-idx3-ubyte") + " (or t10k-images-idx3-ubyte.gz)",
        e.getMessage());

    tinyDataset(dir, false);
    Files.write(dir.resolve("t10k-labels-idx1-ubyte"), idx(0x801, new int[] {3}, new byte[3]));
    e = assertThrows(EdgeSslException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TEST));
    assertEquals(ErrorCode.SHAPE_MISMATCH, e.code());

    Files.write(
        dir.resolve("t10k-labels-idx1-ubyte"), idx(0x801, new int[] {2}, new byte[] {1, 10}));
    e = assertThrows(EdgeSslException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TEST));
    assertEquals(
        dir.resolve("t10k-labels-idx1-ubyte") + ": label 10 of example 1 is not in 0..9",
        e.getMessage());

    Path none = dir.resolve("absent");
    e =
        assertThrows(
            EdgeSslException.class, () -> FashionMnist.load(none, FashionMnist.Split.TEST));
    assertEquals("Fashion-MNIST directory not found: " + none, e.getMessage());
  }
}
