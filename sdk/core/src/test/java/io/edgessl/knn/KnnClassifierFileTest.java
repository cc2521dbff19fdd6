package io.edgessl.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link KnnClassifier#save} and {@link KnnClassifier#load}: format version 3 and older files. */
class KnnClassifierFileTest {
  /** Byte offsets of the version-3 header fields. */
  private static final int SETTINGS_LENGTH_AT = 8 + 4 + 4 + 4 + 8 + 4 + 4;

  private static final int K_AT = SETTINGS_LENGTH_AT + 4;
  private static final int TEMPERATURE_AT = K_AT + 4;
  private static final int VOTE_AT = TEMPERATURE_AT + 8;
  private static final int THRESHOLD_AT = VOTE_AT + 4;

  @TempDir Path dir;

  private static KnnClassifier sample(KnnClassifier.Builder b) {
    KnnClassifier c = b.build();
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 90; i++) {
      long id = c.enroll("c" + i % 4, KnnIndexTest.gaussian(r, 7));
      if (i % 11 == 0) {
        c.forget(id);
      }
    }
    return c;
  }

  private static void assertSamePredictions(KnnClassifier a, KnnClassifier b) {
    SplittableRandom r = new SplittableRandom(4);
    for (int q = 0; q < 40; q++) {
      float[] query = KnnIndexTest.gaussian(r, 7);
      Prediction pa = a.classify(query);
      Prediction pb = b.classify(query);
      assertEquals(pa.size(), pb.size());
      for (int i = 0; i < pa.size(); i++) {
        assertEquals(pa.label(i), pb.label(i));
        assertEquals(pa.score(i), pb.score(i));
      }
      assertEquals(pa.rejected(), pb.rejected());
      assertEquals(pa.nearestSimilarity(), pb.nearestSimilarity());
    }
  }

  @Test
  void saveAndLoadRestoreTheExamplesAndEverySetting() throws Exception {
    KnnClassifier c =
        sample(
            KnnClassifier.builder(7)
                .labels(List.of("c3", "c1"))
                .k(7)
                .temperature(0.25)
                .vote(Vote.MAJORITY)
                .openSetThreshold(0.3f));
    Path f = dir.resolve("c.knn");
    c.save(f);
    KnnClassifier back = KnnClassifier.load(f);
    assertEquals(7, back.k());
    assertEquals(0.25, back.temperature());
    assertEquals(Vote.MAJORITY, back.vote());
    assertEquals(0.3f, back.openSetThreshold());
    assertEquals(List.of("c3", "c1", "c0", "c2"), back.index().labels());
    assertEquals(c.index().size(), back.index().size());
    assertEquals(BankPrecision.FP32, back.index().precision());
    assertSamePredictions(c, back);
    // the same classifier saves to the same bytes; ids continue where the saved one stopped
    Path g = dir.resolve("again.knn");
    KnnClassifier.load(f, 7).save(g);
    assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(g));
    float[] v = {1, 0, 0, 0, 0, 0, 0};
    assertEquals(c.enroll("x", v), back.enroll("x", v));
    // every vote rule and "no threshold" survive
    for (Vote vote : Vote.values()) {
      KnnClassifier d = KnnClassifier.builder(c.index()).vote(vote).build();
      d.save(g);
      KnnClassifier e = KnnClassifier.load(g);
      assertEquals(vote, e.vote());
      assertEquals(KnnClassifier.DEFAULT_K, e.k());
      assertEquals(Float.NEGATIVE_INFINITY, e.openSetThreshold());
    }
  }

  @Test
  void int8BanksKeepTheirPrecisionAndRerank() throws Exception {
    KnnIndex bank = KnnIndex.builder(7).precision(BankPrecision.INT8).rerank(2).build();
    KnnClassifier c = sample(KnnClassifier.builder(bank).k(5).temperature(0.1));
    Path f = dir.resolve("i.knn");
    c.save(f);
    KnnClassifier back = KnnClassifier.load(f);
    assertEquals(BankPrecision.INT8, back.index().precision());
    assertEquals(2, back.index().rerank());
    assertEquals(5, back.k());
    assertSamePredictions(c, back);
    assertEquals(
        3, ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN).getInt(8));
  }

  @Test
  void layoutMatchesTheDocumentedFormat() throws Exception {
    KnnClassifier c =
        KnnClassifier.builder(2).k(3).temperature(0.5).vote(Vote.DINOV2_SOFTMAX).build();
    c.enroll("a", new float[] {3, 4});
    Path f = dir.resolve("one.knn");
    c.save(f);
    byte[] bytes = Files.readAllBytes(f);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[8];
    b.get(magic);
    assertEquals("EDGSSLKN", new String(magic, StandardCharsets.US_ASCII));
    assertEquals(3, b.getInt()); // version
    assertEquals(2, b.getInt()); // dim
    assertEquals(1, b.getInt()); // count
    assertEquals(1L, b.getLong()); // next id
    assertEquals(0, b.getInt()); // precision FP32
    assertEquals(0, b.getInt()); // rerank
    assertEquals(SETTINGS_LENGTH_AT, b.position());
    assertEquals(20, b.getInt()); // settings length
    assertEquals(3, b.getInt()); // k
    assertEquals(0.5, b.getDouble()); // temperature
    assertEquals(1, b.getInt()); // vote DINOV2_SOFTMAX
    assertEquals(Float.NEGATIVE_INFINITY, b.getFloat()); // no open-set threshold
    assertEquals(1, b.getInt()); // labels
    assertEquals(1, b.getInt());
    assertEquals('a', b.get());
    assertEquals(0L, b.getLong()); // id
    assertEquals(0, b.getInt()); // label
    assertEquals(0.6f, b.getFloat());
    assertEquals(0.8f, b.getFloat());
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes, 0, b.position());
    assertEquals((int) crc.getValue(), b.getInt());
    assertEquals(0, b.remaining());
  }

  @Test
  void indexLoadIgnoresTheSettings() throws Exception {
    KnnClassifier c = sample(KnnClassifier.builder(7).k(3).openSetThreshold(0.9f));
    Path v3 = dir.resolve("c.knn");
    c.save(v3);
    KnnIndex index = KnnIndex.load(v3, 7);
    Path v1 = dir.resolve("i.knn");
    index.save(v1);
    Path direct = dir.resolve("direct.knn");
    c.index().save(direct);
    assertArrayEquals(Files.readAllBytes(direct), Files.readAllBytes(v1));
    // a classifier over the loaded index has the defaults again, not the file's settings
    assertEquals(KnnClassifier.DEFAULT_K, KnnClassifier.builder(index).build().k());
  }

  /** Files of versions 1 and 2, written by {@link KnnIndex#save}, give the default settings. */
  @Test
  void olderFilesGiveTheDefaults() throws Exception {
    KnnIndex fp32 = sample(KnnClassifier.builder(7)).index();
    KnnIndex int8 =
        sample(KnnClassifier.builder(KnnIndex.builder(7).precision(BankPrecision.INT8).build()))
            .index();
    for (KnnIndex index : List.of(fp32, int8)) {
      Path f = dir.resolve(index.precision() + ".knn");
      index.save(f);
      int version = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
      assertEquals(index.precision() == BankPrecision.FP32 ? 1 : 2, version);
      KnnClassifier c = KnnClassifier.load(f);
      assertEquals(KnnClassifier.DEFAULT_K, c.k());
      assertEquals(KnnClassifier.DEFAULT_TEMPERATURE, c.temperature());
      assertEquals(Vote.DINO, c.vote());
      assertEquals(Float.NEGATIVE_INFINITY, c.openSetThreshold());
      assertSamePredictions(KnnClassifier.builder(index).build(), c);
    }
  }

  /** A version-2 (INT8) file written by hand, as the format documents it. */
  @Test
  void handWrittenVersionTwoFileLoadsWithTheDefaults() throws Exception {
    ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
    b.put("EDGSSLKN".getBytes(StandardCharsets.US_ASCII));
    b.putInt(2).putInt(2).putInt(2).putLong(3); // version, dim, count, next id
    b.putInt(1).putInt(0); // INT8, no rerank
    b.putInt(2).putInt(1).put((byte) 'x').putInt(1).put((byte) 'y');
    b.putLong(0).putLong(2); // ids
    b.putInt(1).putInt(0); // labels
    b.putFloat(1f / 127).putFloat(1f / 127); // scales
    b.put((byte) 127).put((byte) 0).put((byte) 0).put((byte) 127); // codes
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    Path f = dir.resolve("v2.knn");
    Files.write(f, Arrays.copyOf(b.array(), b.position()));
    KnnClassifier c = KnnClassifier.load(f, 2);
    assertEquals(KnnClassifier.DEFAULT_K, c.k());
    assertEquals(Vote.DINO, c.vote());
    assertEquals(BankPrecision.INT8, c.index().precision());
    Prediction p = c.classify(new float[] {0, 2});
    assertEquals("x", p.label());
    assertEquals(2L, p.neighbors().id(0));
  }

  private Path saved() throws Exception {
    Path f = dir.resolve("c.knn");
    KnnClassifier c = KnnClassifier.builder(3).k(2).temperature(0.1).build();
    c.enroll("a", new float[] {1, 2, 3});
    c.enroll("b", new float[] {-1, 0, 1});
    c.save(f);
    return f;
  }

  private static EdgeSslException loadFails(Path f) {
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> KnnClassifier.load(f));
    assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
    return e;
  }

  @Test
  void truncatedSettingsNameTheField() throws Exception {
    Path f = saved();
    byte[] good = Files.readAllBytes(f);
    int[] cuts = {SETTINGS_LENGTH_AT + 2, K_AT + 1, TEMPERATURE_AT + 7, VOTE_AT, THRESHOLD_AT + 3};
    String[] fields = {"length", "k", "temperature", "vote", "open-set threshold"};
    for (int i = 0; i < cuts.length; i++) {
      Files.write(f, Arrays.copyOf(good, cuts[i]));
      EdgeSslException e = loadFails(f);
      assertEquals(ErrorCode.CORRUPT_FILE, e.code());
      assertEquals(
          f + ": truncated in the classifier settings (" + fields[i] + ")", e.getMessage());
    }
  }

  @Test
  void damagedSettingsFailTheChecksum() throws Exception {
    Path f = saved();
    byte[] bytes = Files.readAllBytes(f);
    bytes[TEMPERATURE_AT] ^= 0x01; // the lowest mantissa bit: still a valid temperature
    Files.write(f, bytes);
    EdgeSslException e = loadFails(f);
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertTrue(e.getMessage().startsWith(f + ": checksum mismatch"), e.getMessage());
  }

  @Test
  void absurdSettingsAreReportedByName() throws Exception {
    Path f = saved();
    byte[] good = Files.readAllBytes(f);
    Object[][] cases = {
      {K_AT, 0, "k = 0: must be positive"},
      {K_AT, -3, "k = -3: must be positive"},
      {TEMPERATURE_AT, 0.0, "temperature = 0.0: must be positive and finite"},
      {TEMPERATURE_AT, -0.07, "temperature = -0.07: must be positive and finite"},
      {TEMPERATURE_AT, Double.NaN, "temperature = NaN: must be positive and finite"},
      {
        TEMPERATURE_AT,
        Double.POSITIVE_INFINITY,
        "temperature = Infinity: must be positive and finite"
      },
      {VOTE_AT, 7, "vote = 7: must be 0 (dino), 1 (dinov2) or 2 (majority)"},
      {
        THRESHOLD_AT,
        2f,
        "open-set threshold = 2.0: must be a cosine similarity in [-1, 1], or -infinity for none"
      },
      {
        THRESHOLD_AT,
        Float.NaN,
        "open-set threshold = NaN: must be a cosine similarity in [-1, 1], or -infinity for none"
      },
    };
    for (Object[] c : cases) {
      byte[] bad = good.clone();
      ByteBuffer b = ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN);
      int at = (Integer) c[0];
      if (c[1] instanceof Integer) {
        b.putInt(at, (Integer) c[1]);
      } else if (c[1] instanceof Double) {
        b.putDouble(at, (Double) c[1]);
      } else {
        b.putFloat(at, (Float) c[1]);
      }
      Files.write(f, KnnIndexInt8Test.withCrc(bad));
      EdgeSslException e = loadFails(f);
      assertEquals(ErrorCode.CORRUPT_FILE, e.code());
      assertEquals(f + ": invalid classifier setting " + c[2], e.getMessage());
      // the file is invalid whoever reads it
      e = assertThrows(EdgeSslException.class, () -> KnnIndex.load(f));
      assertEquals(f + ": invalid classifier setting " + c[2], e.getMessage());
    }
    byte[] bad = good.clone();
    ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(SETTINGS_LENGTH_AT, 12);
    Files.write(f, KnnIndexInt8Test.withCrc(bad));
    assertEquals(
        f + ": invalid classifier settings length 12 (this build writes 20)",
        loadFails(f).getMessage());
  }

  @Test
  void wrongMagicMissingFileAndDimension() throws Exception {
    Path f = saved();
    byte[] bytes = Files.readAllBytes(f);
    bytes[1] = 'X';
    Files.write(f, bytes);
    assertEquals(f + ": not an EdgeSSL k-NN index (bad magic number)", loadFails(f).getMessage());

    Path g = saved();
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> KnnClassifier.load(g, 384));
    assertEquals(ErrorCode.SHAPE_MISMATCH, e.code());
    assertEquals(g + ": index has dimension 3, expected 384", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> KnnClassifier.load(g, 0));

    Path none = dir.resolve("none.knn");
    e = assertThrows(EdgeSslException.class, () -> KnnClassifier.load(none));
    assertEquals(ErrorCode.FILE_NOT_FOUND, e.code());
    assertEquals("k-NN index file not found: " + none, e.getMessage());
  }

  @Test
  void failedSaveLeavesThePreviousFileIntact() throws Exception {
    Path f = saved();
    byte[] before = Files.readAllBytes(f);
    KnnClassifier c = KnnClassifier.load(f);
    Path sub = Files.createDirectory(dir.resolve("sub"));
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> c.save(sub));
    assertEquals(ErrorCode.IO, e.code());
    assertTrue(
        e.getMessage().startsWith("cannot write k-NN index file " + sub + ": "), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(f));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(f, sub), s.sorted().toList(), "no temporary file is left behind");
    }
  }
}
