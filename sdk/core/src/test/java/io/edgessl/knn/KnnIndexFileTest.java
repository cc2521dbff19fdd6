package io.edgessl.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnnIndexFileTest {
  @TempDir Path dir;

  private KnnIndex sample() {
    KnnIndex index = new KnnIndex(6, List.of("zebra", "äpfel"));
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 130; i++) {
      long id =
          index.add(i % 3 == 0 ? "zebra" : i % 3 == 1 ? "äpfel" : "ω", KnnIndexTest.gaussian(r, 6));
      if (i % 10 == 0) {
        index.remove(id);
      }
    }
    return index;
  }

  @Test
  void roundTripKeepsEverything() throws Exception {
    KnnIndex index = sample();
    Path f = dir.resolve("a.knn");
    index.save(f);
    KnnIndex back = KnnIndex.load(f, 6);
    assertEquals(index.size(), back.size());
    assertEquals(index.labels(), back.labels());
    assertArrayEquals(index.labelCounts(), back.labelCounts());
    float[] q = {1, 2, 3, -1, 0, 0.5f};
    Neighbors a = index.search(q, 50);
    Neighbors b = back.search(q, 50);
    for (int i = 0; i < 50; i++) {
      assertEquals(a.id(i), b.id(i));
      assertEquals(a.similarity(i), b.similarity(i));
      assertEquals(a.label(i), b.label(i));
    }
    // ids continue where the saved index stopped
    assertEquals(index.add("x", q), back.add("x", q));
    // the same index saves to the same bytes
    Path g = dir.resolve("b.knn");
    KnnIndex.load(f).save(g);
    assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(g));
  }

  @Test
  void layoutMatchesTheDocumentedFormat() throws Exception {
    KnnIndex index = new KnnIndex(2);
    index.add("a", new float[] {3, 4});
    Path f = dir.resolve("one.knn");
    index.save(f);
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[8];
    b.get(magic);
    assertEquals("EDGSSLKN", new String(magic, java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(1, b.getInt()); // version
    assertEquals(2, b.getInt()); // dim
    assertEquals(1, b.getInt()); // count
    assertEquals(1L, b.getLong()); // next id
    assertEquals(1, b.getInt()); // labels
    assertEquals(1, b.getInt());
    assertEquals('a', b.get());
    assertEquals(0L, b.getLong()); // id
    assertEquals(0, b.getInt()); // label
    assertEquals(0.6f, b.getFloat());
    assertEquals(0.8f, b.getFloat());
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(Files.readAllBytes(f), 0, b.position());
    assertEquals((int) crc.getValue(), b.getInt());
    assertEquals(0, b.remaining());
  }

  @Test
  void damagedByteFailsTheChecksum() throws Exception {
    Path f = dir.resolve("a.knn");
    sample().save(f);
    byte[] bytes = Files.readAllBytes(f);
    bytes[bytes.length - 40] ^= 0x01; // inside a vector: still a finite float
    Files.write(f, bytes);
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> KnnIndex.load(f));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertTrue(e.getMessage().startsWith(f + ": checksum mismatch"), e.getMessage());
  }

  @Test
  void truncatedFileIsReportedEverywhere() throws Exception {
    Path f = dir.resolve("a.knn");
    sample().save(f);
    byte[] bytes = Files.readAllBytes(f);
    for (int len : new int[] {0, 5, 12, 30, 40, bytes.length / 2, bytes.length - 1}) {
      Files.write(f, Arrays.copyOf(bytes, len));
      EdgeSslException e =
          assertThrows(EdgeSslException.class, () -> KnnIndex.load(f), "length " + len);
      assertEquals(ErrorCode.CORRUPT_FILE, e.code(), e.getMessage());
      assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    }
  }

  @Test
  void wrongMagicVersionAndDimension() throws Exception {
    Path f = dir.resolve("a.knn");
    sample().save(f);
    byte[] bytes = Files.readAllBytes(f);

    byte[] m = bytes.clone();
    m[0] = 'X';
    Files.write(f, m);
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> KnnIndex.load(f));
    assertEquals(f + ": not an EdgeSSL k-NN index (bad magic number)", e.getMessage());

    byte[] v = bytes.clone();
    v[8] = 9;
    Files.write(f, v);
    e = assertThrows(EdgeSslException.class, () -> KnnIndex.load(f));
    assertEquals(ErrorCode.UNSUPPORTED_VERSION, e.code());
    assertEquals(
        f + ": k-NN index format version 9 is not supported (this build reads 1, 2 and 3)",
        e.getMessage());

    Files.write(f, bytes);
    e = assertThrows(EdgeSslException.class, () -> KnnIndex.load(f, 128));
    assertEquals(ErrorCode.SHAPE_MISMATCH, e.code());
    assertEquals(f + ": index has dimension 6, expected 128", e.getMessage());
  }

  @Test
  void hugeCountInHeaderDoesNotAllocate() throws Exception {
    Path f = dir.resolve("a.knn");
    sample().save(f);
    byte[] bytes = Files.readAllBytes(f);
    ByteBuffer.wrap(bytes)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(16, Integer.MAX_VALUE)
        .putLong(20, Long.MAX_VALUE);
    Files.write(f, bytes);
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> KnnIndex.load(f));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void missingFile() {
    Path f = dir.resolve("nope.knn");
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> KnnIndex.load(f));
    assertEquals(ErrorCode.FILE_NOT_FOUND, e.code());
    assertEquals("k-NN index file not found: " + f, e.getMessage());
  }

  @Test
  void failedSaveLeavesThePreviousFileIntact() throws Exception {
    Path f = dir.resolve("a.knn");
    KnnIndex index = sample();
    index.save(f);
    byte[] before = Files.readAllBytes(f);
    // Saving into a path whose parent is a file fails before touching the target.
    Path child = f.resolve("child.knn");
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> index.save(child));
    assertEquals(ErrorCode.FILE_NOT_FOUND, e.code());
    assertEquals(
        "cannot write k-NN index file " + child + ": " + f + " is not a directory", e.getMessage());
    Path orphan = dir.resolve("none").resolve("a.knn");
    e = assertThrows(EdgeSslException.class, () -> index.save(orphan));
    assertEquals(ErrorCode.FILE_NOT_FOUND, e.code());
    assertEquals(
        "cannot write k-NN index file "
            + orphan
            + ": directory "
            + orphan.toAbsolutePath().getParent()
            + " does not exist",
        e.getMessage());
    // Renaming over a directory fails after the temporary file was written: it is removed.
    Path sub = Files.createDirectory(dir.resolve("sub.knn"));
    e = assertThrows(EdgeSslException.class, () -> index.save(sub));
    assertEquals(ErrorCode.IO, e.code());
    assertTrue(
        e.getMessage().startsWith("cannot write k-NN index file " + sub + ": "), e.getMessage());
    assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
    Files.delete(sub);
    // A write that dies midway (simulated by the atomic writer's callback) leaves no trace.
    assertThrows(
        IOException.class,
        () ->
            io.edgessl.internal.io.AtomicFiles.write(
                f,
                ch -> {
                  ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                  throw new IOException("disk full");
                }));
    assertArrayEquals(before, Files.readAllBytes(f));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(f), s.toList(), "no temporary file is left behind");
    }
  }
}
