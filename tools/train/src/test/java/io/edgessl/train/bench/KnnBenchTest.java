package io.edgessl.train.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.train.Progress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The k-NN benchmark as a library call: its methods, their recall, its checks. */
class KnnBenchTest {
  @Test
  void javaKernelsFindTheExactNeighboursAndInt8NearlyAll() {
    KnnBenchConfig c =
        new KnnBenchConfig(50, 20, 10, 1, 0, List.of("fp32", "int8"), 2, List.of("java"), false);
    KnnBenchData data = KnnBenchData.synthetic(300, 24, 50);
    KnnBenchResult r = KnnBench.run(c, data, Progress.NONE);
    assertTrue(r.blockedIsNaive());
    assertEquals(
        List.of("naive per-query loop", "java fp32", "java int8", "java int8+rerank2 (index)"),
        r.rows().stream().map(KnnBenchResult.Row::method).toList());
    assertEquals(20, r.rows().get(0).queries());
    assertEquals(1.0, r.rows().get(1).recall());
    assertTrue(r.rows().get(2).recall() > 0.8, "int8 recall " + r.rows().get(2).recall());
    assertTrue(r.rows().get(3).recall() >= r.rows().get(2).recall());
    assertEquals(50 * 10, r.exact().length);
    assertEquals(List.of(1.0), List.of(r.rows().get(1).seconds().length * 1.0));
    assertEquals("synthetic gaussian", r.toJson().get("bank"));
  }

  @Test
  void recallCountsTheExactNeighboursFound() {
    int[] exact = {0, 1, 2, 3};
    assertEquals(1.0, KnnBench.recall(new int[] {1, 0, 3, 2}, exact, 2));
    assertEquals(0.5, KnnBench.recall(new int[] {0, 9, 9, 3}, exact, 2));
  }

  @Test
  void badSettingsAreRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new KnnBenchConfig(1, 1, 1, 1, 0, List.of("fp16"), 0, List.of("java"), false));
    assertEquals("unknown bank precision 'fp16'; expected fp32 or int8", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> KnnBenchData.synthetic(0, 4, 1));
  }
}
