package io.edgessl.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.internal.kernels.KernelSupport;
import io.edgessl.spi.PackedInt8Bank;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnnIndexInt8Test {
  @TempDir Path dir;

  private static KnnIndex int8(int dim, int rerank) {
    return KnnIndex.builder(dim)
        .precision(BankPrecision.INT8)
        .rerank(rerank)
        .kernels(KernelSupport.javaKnn())
        .build();
  }

  /** The scores an INT8 search must return, computed from the documented scheme. */
  private static float expectedScore(float[] query, float[] vector) {
    int dim = query.length;
    float[] q = Vectors.normalizedCopy(query, dim, "q");
    float[] v = Vectors.normalizedCopy(vector, dim, "v");
    byte[] cq = new byte[dim];
    byte[] cv = new byte[dim];
    float sq = PackedInt8Bank.quantize(q, 0, dim, cq, 0);
    float sv = PackedInt8Bank.quantize(v, 0, dim, cv, 0);
    int dot = 0;
    for (int d = 0; d < dim; d++) {
      dot += cq[d] * cv[d];
    }
    return (float) dot * (sq * sv);
  }

  @Test
  void int8SearchReturnsTheQuantizedSimilarities() {
    SplittableRandom r = new SplittableRandom(5);
    int dim = 37;
    KnnIndex index = int8(dim, 0);
    assertEquals(BankPrecision.INT8, index.precision());
    List<float[]> vs = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      float[] v = KnnIndexTest.gaussian(r, dim);
      vs.add(v);
      index.add("l" + (i % 4), v);
    }
    float[] q = KnnIndexTest.gaussian(r, dim);
    Neighbors nn = index.search(q, 150);
    float prev = Float.POSITIVE_INFINITY;
    for (int i = 0; i < nn.size(); i++) {
      float expected = expectedScore(q, vs.get((int) nn.id(i)));
      assertEquals(expected, nn.similarity(i), "neighbour " + i);
      assertTrue(nn.similarity(i) <= prev);
      prev = nn.similarity(i);
      // and close to the exact cosine similarity
      float[] v = Vectors.normalizedCopy(vs.get((int) nn.id(i)), dim, "v");
      float[] qn = Vectors.normalizedCopy(q, dim, "q");
      double exact = 0;
      for (int d = 0; d < dim; d++) {
        exact += (double) qn[d] * v[d];
      }
      assertEquals(exact, nn.similarity(i), 0.02);
    }
  }

  @Test
  void rerankGivesTheExactFp32Results() throws Exception {
    SplittableRandom r = new SplittableRandom(8);
    int dim = 24;
    KnnIndex exact = new KnnIndex(dim, List.of(), KernelSupport.javaKnn());
    KnnIndex reranked = int8(dim, 8);
    for (int i = 0; i < 300; i++) {
      float[] v = KnnIndexTest.gaussian(r, dim);
      exact.add("a", v);
      reranked.add("a", v);
    }
    float[][] qs = new float[70][];
    for (int i = 0; i < qs.length; i++) {
      qs[i] = KnnIndexTest.gaussian(r, dim);
    }
    Neighbors[] a = exact.search(qs, 5);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Neighbors[] b;
    try {
      b = reranked.search(qs, 5, pool);
    } finally {
      pool.shutdown();
    }
    for (int q = 0; q < qs.length; q++) {
      for (int i = 0; i < 5; i++) {
        assertEquals(a[q].id(i), b[q].id(i), "query " + q + " rank " + i);
        assertEquals(a[q].similarity(i), b[q].similarity(i));
      }
    }
    // vectors are kept exactly
    assertArrayEquals(exact.vector(7).orElseThrow(), reranked.vector(7).orElseThrow());
  }

  @Test
  void removalKeepsCodesAndOrder() {
    SplittableRandom r = new SplittableRandom(9);
    int dim = 5;
    KnnIndex index = int8(dim, 0);
    List<float[]> vs = new ArrayList<>();
    for (int i = 0; i < 140; i++) {
      vs.add(KnnIndexTest.gaussian(r, dim));
      index.add(i % 2 == 0 ? "even" : "odd", vs.get(i));
    }
    assertEquals(70, index.removeLabel("odd"));
    index.remove(0);
    float[] q = vs.get(10);
    Neighbors nn = index.search(q, 69);
    assertEquals(69, nn.size());
    for (int i = 0; i < nn.size(); i++) {
      assertEquals(0, nn.id(i) % 2);
      assertEquals(expectedScore(q, vs.get((int) nn.id(i))), nn.similarity(i));
    }
    // the dequantized vector is within half a step of the normalized one
    float[] back = index.vector(10).orElseThrow();
    float[] norm = Vectors.normalizedCopy(vs.get(10), dim, "v");
    for (int d = 0; d < dim; d++) {
      assertEquals(norm[d], back[d], 1.0 / 254 + 1e-6);
    }
  }

  @Test
  void builderRejectsBadOptions() {
    KnnIndex.Builder b = KnnIndex.builder(4);
    assertEquals(
        "rerank factor must be in 0..64: 65",
        assertThrows(IllegalArgumentException.class, () -> b.rerank(65)).getMessage());
    assertEquals(
        "rerank applies to INT8 banks only",
        assertThrows(IllegalStateException.class, () -> KnnIndex.builder(4).rerank(2).build())
            .getMessage());
    assertEquals(
        "dimension must be in 1..131072: 131073",
        assertThrows(
                IllegalArgumentException.class,
                () -> KnnIndex.builder(131073).precision(BankPrecision.INT8).build())
            .getMessage());
  }

  @Test
  void int8IndexesRoundTripExactly() throws Exception {
    for (int rerank : new int[] {0, 3}) {
      SplittableRandom r = new SplittableRandom(rerank);
      KnnIndex index = int8(9, rerank);
      for (int i = 0; i < 100; i++) {
        long id = index.add("c" + i % 3, KnnIndexTest.gaussian(r, 9));
        if (i % 7 == 0) {
          index.remove(id);
        }
      }
      Path f = dir.resolve("i" + rerank + ".knn");
      index.save(f);
      KnnIndex back = KnnIndex.load(f, 9);
      assertEquals(BankPrecision.INT8, back.precision());
      assertEquals(rerank, back.rerank());
      float[] q = KnnIndexTest.gaussian(r, 9);
      Neighbors a = index.search(q, 50);
      Neighbors b = back.search(q, 50);
      for (int i = 0; i < 50; i++) {
        assertEquals(a.id(i), b.id(i));
        assertEquals(a.similarity(i), b.similarity(i));
      }
      Path g = dir.resolve("again" + rerank + ".knn");
      back.save(g);
      assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(g));
    }
  }

  @Test
  void int8FileLayoutMatchesTheDocumentedFormat() throws Exception {
    KnnIndex index = int8(2, 0);
    index.add("a", new float[] {3, 4}); // normalized 0.6, 0.8: codes 95, 127, scale 0.8 / 127
    Path f = dir.resolve("one.knn");
    index.save(f);
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
    b.position(8);
    assertEquals(2, b.getInt()); // version
    assertEquals(2, b.getInt()); // dim
    assertEquals(1, b.getInt()); // count
    assertEquals(1L, b.getLong()); // next id
    assertEquals(1, b.getInt()); // precision INT8
    assertEquals(0, b.getInt()); // rerank
    assertEquals(1, b.getInt()); // labels
    assertEquals(1, b.getInt());
    assertEquals('a', b.get());
    assertEquals(0L, b.getLong()); // id
    assertEquals(0, b.getInt()); // label
    assertEquals(0.8f / 127, b.getFloat()); // scale
    assertEquals(95, b.get());
    assertEquals(127, b.get());
    b.getInt(); // crc
    assertEquals(0, b.remaining());
  }

  /** A version-1 file written by hand, as the format documents it, still loads. */
  @Test
  void versionOneFilesStillLoad() throws Exception {
    ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
    b.put("EDGSSLKN".getBytes(StandardCharsets.US_ASCII));
    b.putInt(1).putInt(2).putInt(2).putLong(5);
    b.putInt(2).putInt(1).put((byte) 'x').putInt(1).put((byte) 'y');
    b.putLong(1).putLong(4);
    b.putInt(1).putInt(0);
    b.putFloat(0.6f).putFloat(0.8f).putFloat(1f).putFloat(0f);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    Path f = dir.resolve("v1.knn");
    Files.write(f, java.util.Arrays.copyOf(b.array(), b.position()));
    KnnIndex index = KnnIndex.load(f);
    assertEquals(BankPrecision.FP32, index.precision());
    assertEquals(List.of("x", "y"), index.labels());
    Neighbors nn = index.search(new float[] {1, 0}, 2);
    assertEquals(4L, nn.id(0));
    assertEquals("x", nn.label(0));
    assertEquals(1L, nn.id(1));
    assertEquals(0.6f, nn.similarity(1));
    assertEquals(5L, index.add("z", new float[] {0, 1}));
  }

  @Test
  void damagedInt8FieldsAreReported() throws Exception {
    KnnIndex index = int8(3, 0);
    index.add("a", new float[] {1, -2, 3});
    Path f = dir.resolve("a.knn");
    index.save(f);
    byte[] good = Files.readAllBytes(f);
    int precisionAt = 8 + 4 + 4 + 4 + 8;
    byte[] bad = good.clone();
    ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(precisionAt, 7);
    Files.write(f, bad);
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> KnnIndex.load(f));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertEquals(f + ": invalid precision 7 or rerank factor 0", e.getMessage());

    bad = good.clone();
    int codesAt = good.length - 4 - 3;
    bad[codesAt] = (byte) -128;
    Files.write(f, withCrc(bad));
    e = assertThrows(EdgeSslException.class, () -> KnnIndex.load(f));
    assertEquals(f + ": invalid INT8 code -128 in vector 0", e.getMessage());

    bad = good.clone();
    ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putFloat(codesAt - 4, -1f);
    Files.write(f, withCrc(bad));
    e = assertThrows(EdgeSslException.class, () -> KnnIndex.load(f));
    assertEquals(f + ": invalid INT8 scale -1.0 of vector 0", e.getMessage());
  }

  /** {@code bytes} with its last four bytes set to the CRC-32C of the others. */
  static byte[] withCrc(byte[] bytes) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer.wrap(bytes)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(bytes.length - 4, (int) crc.getValue());
    return bytes;
  }
}
