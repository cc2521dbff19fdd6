package io.edgessl.nativeaccel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.edgessl.knn.BankPrecision;
import io.edgessl.knn.KnnIndex;
import io.edgessl.knn.Neighbors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Adds, removes and searches from several threads at once on an index searched by the native
 * kernels (sdk/core's KnnConcurrencyTest checks serializability in detail with the Java kernels):
 * no exception, full results (enough vectors are permanent) naming only ids handed out by adds, and
 * the final index answers like one built serially with the Java kernels.
 */
class NativeKnnConcurrencyTest {
  private static final int DIM = 40;
  private static final int K = 5;

  @ParameterizedTest
  @EnumSource(BankPrecision.class)
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void concurrentChangesAndSearchesOnNativeKernels(BankPrecision precision) throws Exception {
    NativeTestSupport.assumeLibrary();
    KnnIndex index = KnnIndex.builder(DIM).precision(precision).kernels("native").build();
    assertTrue(index.kernelsName().startsWith("native"), index.kernelsName());
    Map<Long, float[]> raw = new ConcurrentHashMap<>();
    Map<Long, String> labels = new ConcurrentHashMap<>();
    Random base = new Random(1);
    for (int i = 0; i < 2 * K; i++) {
      float[] v = gaussian(base);
      long id = index.add("base", v);
      raw.put(id, v);
      labels.put(id, "base");
    }
    Map<Long, Boolean> removed = new ConcurrentHashMap<>();
    java.util.Set<Long> seen = ConcurrentHashMap.newKeySet();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      long seed = 10 + t;
      boolean writer = t < 2;
      threads.add(
          new Thread(
              () -> {
                try {
                  Random r = new Random(seed);
                  List<Long> mine = new ArrayList<>();
                  for (int op = 0; op < 1500; op++) {
                    if (!writer) {
                      Neighbors nn = index.search(gaussian(r), K);
                      assertEquals(K, nn.size());
                      for (int i = 0; i < K; i++) {
                        seen.add(nn.id(i));
                      }
                    } else if (mine.isEmpty() || r.nextBoolean()) {
                      float[] v = gaussian(r);
                      String label = "w" + seed + "-" + r.nextInt(8);
                      long id = index.add(label, v);
                      raw.put(id, v);
                      labels.put(id, label);
                      mine.add(id);
                    } else {
                      long id = mine.remove(r.nextInt(mine.size()));
                      assertTrue(index.remove(id));
                      removed.put(id, true);
                    }
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    if (!errors.isEmpty()) {
      fail(errors.size() + " thread(s) failed; first: " + errors.peek(), errors.peek());
    }
    assertTrue(raw.keySet().containsAll(seen), "searches named only ids handed out by adds");
    KnnIndex serial =
        KnnIndex.builder(DIM).labels(index.labels()).precision(precision).kernels("java").build();
    TreeMap<Long, float[]> alive = new TreeMap<>(raw);
    alive.keySet().removeAll(removed.keySet());
    List<Long> order = new ArrayList<>(alive.keySet());
    for (long id : order) {
      serial.add(labels.get(id), alive.get(id));
    }
    assertEquals(order.size(), index.size());
    Random q = new Random(3);
    for (int i = 0; i < 50; i++) {
      float[] query = gaussian(q);
      Neighbors a = index.search(query, K);
      Neighbors b = serial.search(query, K);
      for (int j = 0; j < K; j++) {
        assertEquals(order.get((int) b.id(j)), a.id(j), "neighbour " + j + " of query " + i);
        assertEquals(b.label(j), a.label(j));
        assertEquals(b.similarity(j), a.similarity(j), 1e-4f);
      }
    }
  }

  private static float[] gaussian(Random r) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }
}
