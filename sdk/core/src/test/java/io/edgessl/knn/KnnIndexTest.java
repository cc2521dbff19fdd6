package io.edgessl.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class KnnIndexTest {
  @Test
  void searchReturnsCosineNeighboursInOrder() {
    KnnIndex index = new KnnIndex(2);
    long a = index.add("east", new float[] {10, 0});
    long b = index.add("north", new float[] {0, 3});
    long c = index.add("north-east", new float[] {1, 1});
    Neighbors nn = index.search(new float[] {2, 1}, 3);
    assertEquals(3, nn.size());
    assertEquals(c, nn.id(0));
    assertEquals(a, nn.id(1));
    assertEquals(b, nn.id(2));
    // cos((2,1),(1,1)) = 3/sqrt10 = 0.949; cos((2,1),(1,0)) = 2/sqrt5 = 0.894; cos((2,1),(0,1)) =
    // 0.447
    assertEquals(3 / Math.sqrt(10), nn.similarity(0), 1e-6);
    assertEquals(2 / Math.sqrt(5), nn.similarity(1), 1e-6);
    assertEquals(1 / Math.sqrt(5), nn.similarity(2), 1e-6);
    assertEquals("north-east", nn.label(0));
  }

  @Test
  void vectorsAreStoredNormalized() {
    KnnIndex index = new KnnIndex(3);
    long id = index.add("x", new float[] {3, 0, 4});
    assertArrayEquals(new float[] {0.6f, 0, 0.8f}, index.vector(id).orElseThrow(), 1e-7f);
  }

  @Test
  void zeroVectorStaysZeroAsWithTorchNormalize() {
    KnnIndex index = new KnnIndex(2);
    long id = index.add("blank", new float[] {0, 0});
    index.add("x", new float[] {1, 0});
    assertArrayEquals(new float[] {0, 0}, index.vector(id).orElseThrow());
    assertEquals(0f, index.search(new float[] {0, 1}, 2).similarity(0));
  }

  @Test
  void kLargerThanSizeReturnsEverything() {
    KnnIndex index = new KnnIndex(1);
    index.add("a", new float[] {1});
    assertEquals(1, index.search(new float[] {1}, 10).size());
  }

  @Test
  void emptyIndexReturnsNoNeighbours() {
    assertEquals(0, new KnnIndex(4).search(new float[4], 3).size());
  }

  @Test
  void badArgumentsNameTheValue() {
    KnnIndex index = new KnnIndex(3);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> index.add("x", new float[2]));
    assertEquals("vector 0 has dimension 2, the index has 3", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> index.search(new float[3], 0));
    assertEquals("k must be positive: 0", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> index.add("x", new float[] {1, Float.NaN, 0}));
    assertEquals("vector 0 has a non-finite component at 1: NaN", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new KnnIndex(0));
    assertEquals("dimension must be in 1..131072: 0", e.getMessage());
    // What an index holds, its file reads back (KnnIndexFile refuses larger dimensions).
    e = assertThrows(IllegalArgumentException.class, () -> KnnClassifier.builder(131073));
    assertEquals("dimension must be in 1..131072: 131073", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> index.search(new float[] {1, 2}, 1));
    assertEquals("query 0 has dimension 2, the index has 3", e.getMessage());
  }

  @Test
  void removeKeepsEnrollmentOrderForTies() {
    KnnIndex index = new KnnIndex(2);
    long[] ids = new long[200];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = index.add(i % 2 == 0 ? "even" : "odd", new float[] {1, 0});
    }
    assertTrue(index.remove(ids[3]));
    assertFalse(index.remove(ids[3]));
    assertEquals(100, index.removeLabel("even"));
    assertEquals(99, index.size());
    Neighbors nn = index.search(new float[] {1, 0}, 5);
    assertEquals(ids[1], nn.id(0));
    assertEquals(ids[5], nn.id(1));
    assertEquals(ids[7], nn.id(2));
    assertArrayEquals(new int[] {0, 99}, index.labelCounts());
    assertEquals(List.of("even", "odd"), index.labels());
    // ids keep increasing after removals
    long next = index.add("even", new float[] {0, 1});
    assertEquals(200, next);
  }

  @Test
  void removalCompactsAcrossBlocks() {
    SplittableRandom r = new SplittableRandom(3);
    KnnIndex index = new KnnIndex(5);
    List<float[]> kept = new ArrayList<>();
    List<Long> keptIds = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      float[] v = new float[5];
      for (int d = 0; d < 5; d++) {
        v[d] = (float) r.nextGaussian();
      }
      long id = index.add("l" + (i % 7), v);
      if (i % 3 == 0) {
        index.remove(id);
      } else {
        kept.add(index.vector(id).orElseThrow());
        keptIds.add(id);
      }
    }
    assertEquals(200, index.size());
    for (int i = 0; i < kept.size(); i++) {
      Neighbors nn = index.search(kept.get(i), 1);
      assertEquals((long) keptIds.get(i), nn.id(0));
      assertEquals(1f, nn.similarity(0), 1e-6f);
    }
  }

  @Test
  void batchedSearchEqualsSingleSearchesAndParallelChunks() throws Exception {
    SplittableRandom r = new SplittableRandom(5);
    KnnIndex index = new KnnIndex(16);
    for (int i = 0; i < 500; i++) {
      index.add("l" + (i % 3), gaussian(r, 16));
    }
    float[][] queries = new float[300][];
    for (int i = 0; i < queries.length; i++) {
      queries[i] = gaussian(r, 16);
    }
    Neighbors[] batch = index.search(queries, 7);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Neighbors[] parallel = index.search(queries, 7, pool);
      for (int i = 0; i < queries.length; i++) {
        Neighbors single = index.search(queries[i], 7);
        for (int j = 0; j < 7; j++) {
          assertEquals(single.id(j), batch[i].id(j));
          assertEquals(single.id(j), parallel[i].id(j));
          assertEquals(single.similarity(j), parallel[i].similarity(j));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void searchesRunWhileEnrolling() throws Exception {
    KnnIndex index = new KnnIndex(8);
    SplittableRandom seed = new SplittableRandom(9);
    for (int i = 0; i < 100; i++) {
      index.add("base", gaussian(seed, 8));
    }
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<Integer>> searchers = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      final long s = t;
      searchers.add(
          pool.submit(
              () -> {
                SplittableRandom r = new SplittableRandom(s);
                int n = 0;
                while (!stop.get()) {
                  Neighbors nn = index.search(gaussian(r, 8), 10);
                  assertEquals(10, nn.size());
                  for (int j = 1; j < nn.size(); j++) {
                    assertTrue(nn.similarity(j - 1) >= nn.similarity(j));
                  }
                  n++;
                }
                return n;
              }));
    }
    Future<?> writer =
        pool.submit(
            () -> {
              SplittableRandom r = new SplittableRandom(99);
              for (int i = 0; i < 2000; i++) {
                long id = index.add("new" + (i % 5), gaussian(r, 8));
                if (i % 4 == 0) {
                  index.remove(id);
                }
              }
              return null;
            });
    writer.get(60, TimeUnit.SECONDS);
    stop.set(true);
    int searches = 0;
    for (Future<Integer> f : searchers) {
      searches += f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdownNow();
    assertEquals(100 + 1500, index.size());
    assertTrue(searches > 0);
  }

  static float[] gaussian(SplittableRandom r, int dim) {
    float[] v = new float[dim];
    for (int d = 0; d < dim; d++) {
      v[d] = (float) r.nextGaussian();
    }
    return v;
  }
}
