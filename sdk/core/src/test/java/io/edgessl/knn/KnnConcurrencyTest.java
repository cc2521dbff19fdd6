package io.edgessl.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Enroll, remove and search from many threads at once on {@link KnnIndex} and {@link
 * KnnClassifier}, checked against a serial order: a global tick counter stamps the start and end of
 * every operation, and afterwards each search result may only name ids whose add started before the
 * search ended and whose removal had not finished before it started; each score equals the
 * similarity recomputed from the stored vector; every search of at least {@code k} permanent
 * vectors returns exactly {@code k} in descending order; and the final index equals a fresh index
 * built serially from the surviving vectors. Seeds are fixed; the interleaving is the scheduler's.
 */
class KnnConcurrencyTest {
  private static final int DIM = 24;
  private static final int K = 8;
  private static final int BASE = 40; // permanent vectors, never removed
  private static final int WRITERS = 4;
  private static final int SEARCHERS = 4;
  private static final int OPS = 1000; // per thread (an eighth for the batched searcher)

  /** One enrolled vector, with the ticks around its add and (if removed) its removal. */
  private record Enrolled(
      String label,
      float[] raw,
      float[] stored,
      long addStart,
      long addEnd,
      long removeStart,
      long removeEnd) {
    boolean alive() {
      return removeStart < 0;
    }
  }

  /** One search: its query (normalized), its ticks and what it returned. */
  private record Search(float[] query, long start, long end, Neighbors result) {}

  /** The structure under test, seen through three verbs. */
  private interface Target {
    long add(String label, float[] v);

    boolean remove(long id);

    Neighbors search(float[] q, ExecutorService pool);
  }

  private final AtomicLong clock = new AtomicLong();

  @ParameterizedTest(name = "{0} bank, rerank {1}, classifier {2}")
  @CsvSource({
    "FP32, 0, false",
    "INT8, 0, false",
    "INT8, 2, false",
    "FP32, 0, true",
    "INT8, 0, true"
  })
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void concurrentAddRemoveSearchIsSerializable(String precision, int rerank, boolean classifier)
      throws Exception {
    KnnIndex.Builder b =
        KnnIndex.builder(DIM).precision(BankPrecision.valueOf(precision)).kernels("java");
    if (rerank > 0) {
      b.rerank(rerank);
    }
    KnnIndex index = b.build();
    KnnClassifier cls =
        classifier ? KnnClassifier.builder(index).k(K).temperature(0.07).build() : null;
    Target target =
        cls == null
            ? new Target() {
              @Override
              public long add(String label, float[] v) {
                return index.add(label, v);
              }

              @Override
              public boolean remove(long id) {
                return index.remove(id);
              }

              @Override
              public Neighbors search(float[] q, ExecutorService pool) {
                return pool == null ? index.search(q, K) : index.search(batch(q), K, pool)[0];
              }
            }
            : new Target() {
              @Override
              public long add(String label, float[] v) {
                return cls.enroll(label, v);
              }

              @Override
              public boolean remove(long id) {
                return cls.forget(id);
              }

              @Override
              public Neighbors search(float[] q, ExecutorService pool) {
                Prediction p = pool == null ? cls.classify(q) : cls.classify(batch(q), pool)[0];
                assertTrue(p.size() >= 1 && p.labelIndex() >= 0, "a prediction names a label");
                return p.neighbors();
              }
            };

    Map<Long, Enrolled> enrolled = new ConcurrentHashMap<>();
    Random base = new Random(7);
    for (int i = 0; i < BASE; i++) {
      String label = "base" + (i % 5);
      float[] v = randomVector(base);
      long id = target.add(label, v);
      enrolled.put(id, new Enrolled(label, v, index.vector(id).orElseThrow(), -1, -1, -1, -1));
    }
    ConcurrentLinkedQueue<Search> searches = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CyclicBarrier start = new CyclicBarrier(WRITERS + SEARCHERS);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      long seed = 100 + w;
      threads.add(new Thread(() -> run(start, errors, () -> write(target, index, seed, enrolled))));
    }
    for (int s = 0; s < SEARCHERS; s++) {
      long seed = 200 + s;
      boolean batched = s == 0; // one searcher goes through the executor path
      threads.add(
          new Thread(
              () ->
                  run(start, errors, () -> search(target, seed, batched ? pool : null, searches))));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    pool.shutdown();
    if (!errors.isEmpty()) {
      Throwable first = errors.peek();
      fail(errors.size() + " thread(s) failed; first: " + first, first);
    }

    float tolerance =
        index.precision() == BankPrecision.INT8 && index.rerank() == 0 ? 0.02f : 1e-5f;
    assertEquals((SEARCHERS - 1) * OPS + OPS / 8, searches.size());
    for (Search s : searches) {
      checkSearch(s, enrolled, tolerance);
    }
    checkFinalState(index, enrolled);
  }

  /** Adds and removes vectors; each writer removes only ids it added, in a random order. */
  private void write(Target target, KnnIndex index, long seed, Map<Long, Enrolled> enrolled) {
    Random r = new Random(seed);
    List<Long> mine = new ArrayList<>();
    for (int op = 0; op < OPS; op++) {
      if (mine.isEmpty() || r.nextInt(100) < 55) {
        // Labels spread over a growing table: new labels appear while others search.
        String label = "w" + seed + "-" + r.nextInt(1 + op / 20);
        float[] v = randomVector(r);
        long t0 = clock.incrementAndGet();
        long id = target.add(label, v);
        long t1 = clock.incrementAndGet();
        // Only this thread removes it, so it is still there to read back.
        float[] stored = index.vector(id).orElseThrow();
        assertArrayEquals(Vectors.normalizedCopy(v, DIM, "v"), storedOrExact(index, v, stored));
        if (enrolled.putIfAbsent(id, new Enrolled(label, v, stored, t0, t1, -1, -1)) != null) {
          throw new AssertionError("id " + id + " handed out twice");
        }
        mine.add(id);
      } else {
        long id = mine.remove(r.nextInt(mine.size()));
        long t0 = clock.incrementAndGet();
        boolean removed = target.remove(id);
        long t1 = clock.incrementAndGet();
        assertTrue(removed, "id " + id + " was present");
        assertFalse(target.remove(id), "a second removal of " + id + " finds nothing");
        Enrolled e = enrolled.get(id);
        enrolled.put(
            id, new Enrolled(e.label(), e.raw(), e.stored(), e.addStart(), e.addEnd(), t0, t1));
      }
    }
  }

  /** For an INT8 bank without FP32 copies the stored vector is the dequantized one. */
  private static float[] storedOrExact(KnnIndex index, float[] v, float[] stored) {
    if (index.precision() == BankPrecision.INT8 && index.rerank() == 0) {
      return Vectors.normalizedCopy(v, DIM, "v"); // not comparable bit for bit; checked by score
    }
    return stored;
  }

  private void search(
      Target target, long seed, ExecutorService pool, ConcurrentLinkedQueue<Search> out) {
    Random r = new Random(seed);
    int ops = pool == null ? OPS : OPS / 8;
    for (int op = 0; op < ops; op++) {
      float[] q = randomVector(r);
      long t0 = clock.incrementAndGet();
      Neighbors nn = target.search(q, pool);
      long t1 = clock.incrementAndGet();
      out.add(new Search(Vectors.normalizedCopy(q, DIM, "q"), t0, t1, nn));
    }
  }

  private static void checkSearch(Search s, Map<Long, Enrolled> enrolled, float tolerance) {
    Neighbors nn = s.result();
    assertEquals(K, nn.size(), "at least " + K + " permanent vectors: a full result");
    for (int i = 0; i < nn.size(); i++) {
      long id = nn.id(i);
      Enrolled e = enrolled.get(id);
      if (e == null) {
        fail("search returned id " + id + ", never handed out by an add");
      }
      if (e.addStart() > s.end()) {
        fail("id " + id + " added at " + e.addStart() + " after the search ended at " + s.end());
      }
      if (e.removeEnd() >= 0 && e.removeEnd() < s.start()) {
        fail("id " + id + " removed at " + e.removeEnd() + " before the search began " + s.start());
      }
      assertEquals(e.label(), nn.label(i), "label of id " + id);
      float expected = dot(s.query(), e.stored());
      assertEquals(expected, nn.similarity(i), tolerance, "similarity to id " + id);
      if (i > 0) {
        assertTrue(nn.similarity(i - 1) >= nn.similarity(i), "descending similarities");
      }
    }
  }

  /**
   * The final index equals the serial application of every operation: a fresh index built from the
   * surviving vectors in id order answers every query identically.
   */
  private static void checkFinalState(KnnIndex index, Map<Long, Enrolled> enrolled) {
    List<Long> alive = new ArrayList<>();
    for (Map.Entry<Long, Enrolled> e : enrolled.entrySet()) {
      if (e.getValue().alive()) {
        alive.add(e.getKey());
      }
    }
    Collections.sort(alive);
    assertEquals(alive.size(), index.size());
    KnnIndex.Builder b =
        KnnIndex.builder(DIM).labels(index.labels()).precision(index.precision()).kernels("java");
    if (index.rerank() > 0) {
      b.rerank(index.rerank());
    }
    KnnIndex serial = b.build();
    int[] counts = new int[index.labels().size()];
    for (long id : alive) {
      Enrolled e = enrolled.get(id);
      assertTrue(index.vector(id).isPresent(), "id " + id + " survives");
      serial.add(e.label(), e.raw());
      counts[index.labels().indexOf(e.label())]++;
    }
    assertArrayEquals(counts, index.labelCounts());
    for (Map.Entry<Long, Enrolled> e : enrolled.entrySet()) {
      if (!e.getValue().alive()) {
        assertTrue(index.vector(e.getKey()).isEmpty(), "id " + e.getKey() + " is gone");
      }
    }
    Random r = new Random(99);
    for (int q = 0; q < 50; q++) {
      float[] query = randomVector(r);
      Neighbors a = index.search(query, K);
      Neighbors c = serial.search(query, K);
      assertEquals(c.size(), a.size());
      for (int i = 0; i < a.size(); i++) {
        assertEquals(c.label(i), a.label(i));
        assertEquals(c.similarity(i), a.similarity(i), 1e-6f);
        assertEquals(alive.get((int) c.id(i)), a.id(i), "the same vector, in id order");
      }
    }
  }

  private static void run(
      CyclicBarrier start, ConcurrentLinkedQueue<Throwable> errors, Runnable r) {
    try {
      start.await();
      r.run();
    } catch (Throwable t) {
      errors.add(t);
    }
  }

  private static float[][] batch(float[] q) {
    // The executor path splits batches of at least 128 queries; the first answer is checked.
    float[][] b = new float[128][];
    Arrays.fill(b, q);
    return b;
  }

  private static float[] randomVector(Random r) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  private static float dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return (float) s;
  }
}
