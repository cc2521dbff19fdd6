package io.edgessl.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SegMaskTest {
  @Test
  void holdsLabelsAndCountsThem() {
    Mask m = Mask.of(2, 3, new int[] {0, 0, 7, 3, 7, 7});
    assertEquals(2, m.height());
    assertEquals(3, m.width());
    assertEquals(7, m.get(0, 2));
    assertEquals(3, m.get(1, 0));
    assertEquals(List.of(0, 3, 7), List.copyOf(m.labels()));
    assertEquals(3, m.count(7));
    assertEquals(0, m.count(5));
    assertEquals(0, m.count(-1));
    assertEquals(7, m.maxLabel());
    assertArrayEquals(new int[] {0, 0, 7, 3, 7, 7}, m.toArray());
    assertThrows(IndexOutOfBoundsException.class, () -> m.get(2, 0));
  }

  @Test
  void bytesAreUnsigned() {
    Mask m = Mask.ofBytes(1, 3, new byte[] {0, (byte) 255, 1});
    assertEquals(255, m.get(0, 1));
    assertEquals(List.of(0, 1, 255), List.copyOf(m.labels()));
  }

  @Test
  void copiesItsInput() {
    int[] labels = {1, 2};
    Mask m = Mask.of(1, 2, labels);
    labels[0] = 9;
    assertEquals(1, m.get(0, 0));
    m.toArray()[1] = 9;
    assertEquals(2, m.get(0, 1));
  }

  @Test
  void rejectsBadInputNamingIt() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Mask.of(2, 3, new int[5]));
    assertEquals("a 2x3 mask (height x width) needs 6 labels, got 5", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Mask.of(1, 2, new int[] {0, -1}));
    assertEquals("label -1 at pixel (0, 1) outside 0..32767", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Mask.of(1, 1, new int[] {40000}));
    assertEquals("label 40000 at pixel (0, 0) outside 0..32767", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Mask.ofBytes(0, 2, new byte[0]));
    assertEquals("mask size must be positive: 0x2 (height x width)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Mask.filled(1, 1, Mask.MAX_LABEL + 1));
  }

  @Test
  void resizesByNearestNeighbour() {
    // 2 x 2 -> 4 x 4: each label becomes a 2 x 2 block.
    Mask m = Mask.of(2, 2, new int[] {1, 2, 3, 4});
    Mask up = m.resizeNearest(4, 4);
    assertArrayEquals(new int[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, up.toArray());
    // 4 x 4 -> 2 x 2: target pixel i's centre (i + 0.5) * 2 falls in source pixel 2i + 1.
    assertEquals(Mask.of(2, 2, new int[] {1, 2, 3, 4}), up.resizeNearest(2, 2));
    // 1 x 3 -> 1 x 2: centres at 0.75 and 2.25 source pixels: pixels 0 and 2.
    assertArrayEquals(
        new int[] {5, 7}, Mask.of(1, 3, new int[] {5, 6, 7}).resizeNearest(1, 2).toArray());
    assertSame(m, m.resizeNearest(2, 2));
  }

  @Test
  void equalsBySizeAndLabels() {
    Mask a = Mask.of(2, 2, new int[] {0, 1, 1, 0});
    assertEquals(a, Mask.ofBytes(2, 2, new byte[] {0, 1, 1, 0}));
    assertEquals(a.hashCode(), Mask.ofBytes(2, 2, new byte[] {0, 1, 1, 0}).hashCode());
    assertNotEquals(a, Mask.of(1, 4, new int[] {0, 1, 1, 0}));
    assertNotEquals(a, Mask.of(2, 2, new int[] {0, 1, 1, 1}));
    assertEquals(Mask.filled(2, 2, 3), Mask.of(2, 2, new int[] {3, 3, 3, 3}));
  }
}
