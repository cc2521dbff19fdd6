package io.edgessl.train.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgessl.onnx.models.Pooling;
import io.edgessl.train.nn.Ops;
import io.edgessl.train.nn.Torch;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embeddings of a feature map against values worked out by hand: gap, grid:2 and grid:3 on a 7
 * x 7 map (adaptive pooling's unequal, overlapping cells), map's channel-major order, and the
 * pooling matrix the ONNX export multiplies by.
 */
class PoolingTest {
  @BeforeAll
  static void threads() {
    Torch.threads(1);
  }

  /** One image, two channels, 7 x 7: channel 0 holds 7 y + x, channel 1 holds 100 + 7 y + x. */
  static float[] ramp() {
    float[] v = new float[2 * 49];
    for (int c = 0; c < 2; c++) {
      for (int i = 0; i < 49; i++) {
        v[c * 49 + i] = 100 * c + i;
      }
    }
    return v;
  }

  static float[] pool(Pooling p, float[] map, long... shape) {
    try (PointerScope s = new PointerScope()) {
      return Ops.toFloats(PoolingOps.apply(p, Ops.fromFloats(map, shape)));
    }
  }

  @Test
  void binsAreAdaptivePoolings() {
    // 7 to 2: [floor(0), ceil(3.5)) = [0, 4) and [floor(3.5), ceil(7)) = [3, 7): row 3 in both.
    assertEquals(List.of(0, 4, 3, 7), bins(7, 2));
    // 7 to 3: [0, ceil(7/3) = 3), [floor(7/3) = 2, ceil(14/3) = 5), [floor(14/3) = 4, 7).
    assertEquals(List.of(0, 3, 2, 5, 4, 7), bins(7, 3));
    assertEquals(List.of(0, 7), bins(7, 1));
  }

  static List<Integer> bins(int size, int n) {
    java.util.ArrayList<Integer> l = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(Pooling.binStart(i, size, n));
      l.add(Pooling.binEnd(i, size, n));
    }
    return l;
  }

  @Test
  void gapAveragesEachChannel() {
    // mean(7 y + x) over 0..6 x 0..6 = 7 * 3 + 3 = 24.
    assertArrayEquals(new float[] {24, 124}, pool(Pooling.GAP, ramp(), 1, 2, 7, 7), 1e-5f);
    assertEquals(2, Pooling.GAP.dimension(2, 7, 7));
  }

  @Test
  void gridTwoOnSevenByHand() {
    // Cells rows/cols [0, 4) and [3, 7); mean(7 y + x) = 7 mean(y) + mean(x), mean over [0, 4) is
    // 1.5 and over [3, 7) 4.5: (0,0) 12, (0,1) 15, (1,0) 33, (1,1) 36. Channel-major: all cells of
    // channel 0, then channel 1.
    float[] want = {12, 15, 33, 36, 112, 115, 133, 136};
    assertArrayEquals(want, pool(Pooling.grid(2), ramp(), 1, 2, 7, 7), 1e-4f);
    assertEquals(8, Pooling.grid(2).dimension(2, 7, 7));
  }

  @Test
  void gridThreeOnSevenByHand() {
    // Cells [0, 3), [2, 5), [4, 7): means 1, 3, 5 along each axis; cell (i, j) = 7 m_i + m_j.
    float[] m = {1, 3, 5};
    float[] want = new float[18];
    for (int c = 0; c < 2; c++) {
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          want[c * 9 + i * 3 + j] = 100 * c + 7 * m[i] + m[j];
        }
      }
    }
    assertArrayEquals(want, pool(Pooling.grid(3), ramp(), 1, 2, 7, 7), 1e-4f);
  }

  @Test
  void mapIsNchwOrderWhateverTheMemoryFormat() {
    float[] v = new float[2 * 2 * 3 * 3];
    for (int i = 0; i < v.length; i++) {
      v[i] = i;
    }
    // Two images [2, 3, 3]: each image's 18 values in channel, row, column order.
    assertArrayEquals(v, pool(Pooling.MAP, v, 2, 2, 3, 3));
    try (PointerScope s = new PointerScope()) {
      Tensor cl = Ops.fromFloats(v, 2, 2, 3, 3).contiguous(torch.MemoryFormat.ChannelsLast);
      assertArrayEquals(v, Ops.toFloats(PoolingOps.apply(Pooling.MAP, cl)));
    }
    assertEquals(18, Pooling.MAP.dimension(2, 3, 3));
  }

  @Test
  void matrixPoolsLikeLibtorch() {
    for (int n : new int[] {1, 2, 3, 7}) {
      Pooling p = Pooling.grid(n);
      float[] mat = p.matrix(7, 7);
      float[] map = ramp();
      float[] got = new float[2 * n * n];
      for (int c = 0; c < 2; c++) {
        for (int k = 0; k < n * n; k++) {
          double sum = 0;
          for (int q = 0; q < 49; q++) {
            sum += map[c * 49 + q] * mat[q * n * n + k];
          }
          got[c * n * n + k] = (float) sum;
        }
      }
      assertArrayEquals(pool(p, map, 1, 2, 7, 7), got, 1e-4f, "grid:" + n);
    }
    // grid:2's cell (0, 0) averages 16 cells, (1, 1) too; pixel (3, 3) belongs to all four.
    float[] m2 = Pooling.grid(2).matrix(7, 7);
    assertArrayEquals(
        new float[] {1 / 16f, 1 / 16f, 1 / 16f, 1 / 16f},
        java.util.Arrays.copyOfRange(m2, (3 * 7 + 3) * 4, (3 * 7 + 3) * 4 + 4));
  }

  @Test
  void parseNamesTheBadValue() {
    assertEquals(Pooling.GAP, Pooling.parse("gap"));
    assertEquals(Pooling.MAP, Pooling.parse("map"));
    assertEquals(Pooling.CLS, Pooling.parse("cls"));
    assertEquals(Pooling.grid(3), Pooling.parse("grid:3"));
    assertEquals("grid:3", Pooling.grid(3).id());
    for (String bad : new String[] {"grid:0", "grid:x", "foo", "grid:", "grid:-1", "grid:65"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Pooling.parse(bad));
      assertEquals(
          "--embedding '" + bad + "' is not gap, grid:N (N from 1 to 64), map or cls",
          e.getMessage());
    }
  }
}
