package io.edgessl.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationReportTest {
  @Test
  void countsByHand() {
    ClassificationReport r = new ClassificationReport(List.of("a", "b", "c", "d", "e", "f"));
    r.add(0, new int[] {0, 1, 2, 3, 4, 5}); // right
    r.add(0, new int[] {1, 0, 2, 3, 4, 5}); // top-5 only
    r.add(1, new int[] {1, 0, 2, 3, 4, 5}); // right
    r.add(2, new int[] {0, 1, 3, 4, 5, 2}); // wrong even at top-5
    assertEquals(4, r.total());
    assertEquals(0.5, r.top1());
    assertEquals(0.75, r.top5());
    assertEquals(0.5, r.classAccuracy(0));
    assertEquals(1.0, r.classAccuracy(1));
    assertEquals(0.0, r.classAccuracy(2));
    assertTrue(Double.isNaN(r.classAccuracy(3)));
    assertEquals((0.5 + 1 + 0) / 3, r.meanClassAccuracy(), 1e-12);
    long[][] m = r.confusion();
    assertArrayEquals(new long[] {1, 1, 0, 0, 0, 0}, m[0]);
    assertArrayEquals(new long[] {0, 1, 0, 0, 0, 0}, m[1]);
    assertArrayEquals(new long[] {1, 0, 0, 0, 0, 0}, m[2]);
  }

  @Test
  void rejectsOutOfRange() {
    ClassificationReport r = new ClassificationReport(List.of("a"));
    assertEquals(
        "true class 3 outside [0, 1)",
        assertThrows(IllegalArgumentException.class, () -> r.add(3, new int[] {0})).getMessage());
    assertTrue(Double.isNaN(r.top1()));
  }
}
