package io.edgessl.knn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.testing.Fuzz;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated {@code .knn} files through {@link KnnIndex#load} and {@link KnnClassifier#load}: only
 * {@link EdgeSslException}, and no allocation beyond the input's size (see {@link Fuzz}).
 */
class KnnFileFuzzTest {
  @TempDir Path dir;

  private List<byte[]> seeds() throws Exception {
    List<byte[]> out = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(3);
    int i = 0;
    for (BankPrecision p : BankPrecision.values()) {
      for (int n : new int[] {0, 1, 5, 70}) {
        KnnIndex index = KnnIndex.builder(5).labels(List.of("a", "bé")).precision(p).build();
        for (int j = 0; j < n; j++) {
          long id = index.add(j % 3 == 0 ? "a" : j % 3 == 1 ? "bé" : "c" + j % 4, vec(r, 5));
          if (j % 7 == 6) {
            index.remove(id);
          }
        }
        Path f = dir.resolve("seed" + i++ + ".knn");
        if (n == 5) {
          KnnClassifier.builder(index).k(3).temperature(0.5).openSetThreshold(0.1f).build().save(f);
        } else {
          index.save(f);
        }
        out.add(Files.readAllBytes(f));
      }
    }
    return out;
  }

  static float[] vec(SplittableRandom r, int d) {
    float[] v = new float[d];
    for (int i = 0; i < d; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  /** An empty FP32 index's file with {@code field} (a byte offset) set to {@code value}. */
  private Path patched(int field, int value) throws Exception {
    Path f = dir.resolve("patched.knn");
    new KnnIndex(4).save(f);
    byte[] b = Files.readAllBytes(f);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(field, value);
    Files.write(f, b);
    return f;
  }

  @Test
  void aLabelCountTheFileCannotHoldIsRefusedBeforeAllocating() throws Exception {
    // Found by the fuzzer: a 58-byte file whose label count sized a 3.7 GB array.
    int labelCountAt = 8 + 4 + 4 + 4 + 8; // magic, version 1, dim, count, next id
    Path f = patched(labelCountAt, 926168627);
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> KnnIndex.load(f));
    assertEquals(f + ": truncated: header promises 926168627 labels", e.getMessage());
  }

  @Test
  void aHugeDimensionIsRefusedAndAnEmptyIndexAllocatesNothingPerDimension() throws Exception {
    // Found by the fuzzer: an empty index of dimension 12293 preallocated a 3 MB bank.
    Path f = patched(12, Integer.MAX_VALUE);
    EdgeSslException e = assertThrows(EdgeSslException.class, () -> KnnIndex.load(f));
    assertTrue(
        e.getMessage().contains("invalid dimension 2147483647 (at most 131072)"), e.getMessage());
    KnnIndex wide = new KnnIndex(100_000);
    assertEquals(0, wide.size());
    wide.add("a", new float[100_000]);
    assertEquals(1, wide.size());
  }

  @Test
  void indexLoadThrowsOnlyEdgeSslException() throws Exception {
    Path target = dir.resolve("mutated.knn");
    Fuzz.reader("knn-index", seeds())
        .cases(3000)
        .documented(EdgeSslException.class)
        .prepare(in -> Files.write(target, in))
        .run(in -> KnnIndex.load(target));
  }

  @Test
  void classifierLoadThrowsOnlyEdgeSslException() throws Exception {
    Path target = dir.resolve("mutated.knn");
    Fuzz.reader("knn-classifier", seeds())
        .cases(2000)
        .documented(EdgeSslException.class)
        .prepare(in -> Files.write(target, in))
        .run(in -> KnnClassifier.load(target, 5));
  }
}
