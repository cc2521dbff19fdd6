package io.edgessl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.train.nn.Init;
import io.edgessl.train.nn.Ops;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  @TempDir Path dir;

  static Map<String, Tensor> tensors(long seed) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("student.blocks.0.weight", new Init(seed).normal(1, 64, 32));
    m.put("center", new Init(seed + 1).normal(1, 1, 16));
    return m;
  }

  @Test
  void roundTripsTensorsAndMetadata() throws Exception {
    Path f = dir.resolve("c.pt");
    Map<String, Tensor> saved = tensors(1);
    Checkpoint.save(f, Map.of("step", 42, "method", "dino"), saved);
    Map<String, Tensor> loaded = tensors(2);
    try (Checkpoint.Reader r = Checkpoint.open(f)) {
      assertEquals(42L, r.meta().get("step"));
      assertEquals(List.of("student.blocks.0.weight", "center"), r.names());
      r.loadInto(loaded);
    }
    for (String k : saved.keySet()) {
      assertArrayEquals(Ops.toFloats(saved.get(k)), Ops.toFloats(loaded.get(k)), k);
    }
    try (var files = Files.list(dir)) {
      assertEquals(List.of(f), files.toList(), "no temporary file left behind");
    }
  }

  @Test
  void damagedFilesAreReportedNotLoaded() throws Exception {
    Path f = dir.resolve("c.pt");
    Checkpoint.save(f, Map.of("step", 1), tensors(1));
    byte[] good = Files.readAllBytes(f);

    Path truncated = dir.resolve("truncated.pt");
    Files.write(truncated, java.util.Arrays.copyOf(good, good.length / 2));
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> Checkpoint.open(truncated));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertTrue(
        e.getMessage().startsWith(truncated + ": not a readable checkpoint"), e.getMessage());

    // A flipped byte inside the tensor data: the archive still opens, the content hash catches it.
    int at =
        indexOf(good, floatBytes(Ops.toFloats(tensors(1).get("student.blocks.0.weight"))[100]));
    assertTrue(at > 0, "tensor bytes are stored uncompressed");
    byte[] bad = good.clone();
    bad[at] ^= 0x40;
    Path flipped = dir.resolve("flipped.pt");
    Files.write(flipped, bad);
    Map<String, Tensor> target = tensors(3);
    float[] before = Ops.toFloats(target.get("center"));
    EdgeSslException e2 =
        assertThrows(
            EdgeSslException.class,
            () -> {
              try (Checkpoint.Reader r = Checkpoint.open(flipped)) {
                r.loadInto(target);
              }
            });
    assertEquals(ErrorCode.CORRUPT_FILE, e2.code());
    assertTrue(e2.getMessage().contains("content hash"), e2.getMessage());
    assertArrayEquals(before, Ops.toFloats(target.get("center")), "nothing half-loaded");

    Path notOurs = dir.resolve("other.pt");
    Files.writeString(notOurs, "hello");
    assertEquals(
        ErrorCode.CORRUPT_FILE,
        assertThrows(EdgeSslException.class, () -> Checkpoint.open(notOurs)).code());
    assertEquals(
        ErrorCode.FILE_NOT_FOUND,
        assertThrows(EdgeSslException.class, () -> Checkpoint.open(dir.resolve("none.pt"))).code());
  }

  @Test
  void shapeMismatchNamesTheTensor() throws Exception {
    Path f = dir.resolve("c.pt");
    Checkpoint.save(f, Map.of(), tensors(1));
    Map<String, Tensor> other = new LinkedHashMap<>();
    other.put("center", Init.constant(0, 1, 8));
    try (Checkpoint.Reader r = Checkpoint.open(f)) {
      EdgeSslException e = assertThrows(EdgeSslException.class, () -> r.loadInto(other));
      assertEquals(ErrorCode.SHAPE_MISMATCH, e.code());
      assertEquals(
          f + ": tensor 'center' has shape [1, 16], the model expects [1, 8]", e.getMessage());
    }
  }

  static byte[] floatBytes(float v) {
    int b = Float.floatToRawIntBits(v);
    return new byte[] {(byte) b, (byte) (b >> 8), (byte) (b >> 16), (byte) (b >> 24)};
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
