package io.edgessl.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SegMetricsTest {
  @Test
  void iouAndAccuracyByHand() {
    // truth       prediction
    // 0 0 1 1     0 1 1 1
    // 0 0 1 1     0 0 1 2
    // 2 2 2 255   2 2 0 0      (255: ignored)
    Mask truth = Mask.of(3, 4, new int[] {0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 2, 255});
    Mask pred = Mask.of(3, 4, new int[] {0, 1, 1, 1, 0, 0, 1, 2, 2, 2, 0, 0});
    ConfusionMatrix cm = new ConfusionMatrix(3, 255);
    cm.add(pred, truth);
    // rows truth, columns prediction; 11 counted pixels.
    // truth 0: predicted 0, 1, 0, 0 -> [3, 1, 0]
    // truth 1: predicted 1, 1, 1, 2 -> [0, 3, 1]
    // truth 2: predicted 2, 2, 0    -> [1, 0, 2]
    assertArrayEquals(new long[] {3, 1, 0}, cm.matrix()[0]);
    assertArrayEquals(new long[] {0, 3, 1}, cm.matrix()[1]);
    assertArrayEquals(new long[] {1, 0, 2}, cm.matrix()[2]);
    assertEquals(11, cm.total());
    // IoU 0: TP 3, FP 1 (truth 2), FN 1 -> 3/5; IoU 1: 3 / (3 + 1 + 1) = 3/5;
    // IoU 2: TP 2, FP 1 (truth 1), FN 1 -> 2/4.
    assertEquals(0.6, cm.iou(0), 1e-12);
    assertEquals(0.6, cm.iou(1), 1e-12);
    assertEquals(0.5, cm.iou(2), 1e-12);
    assertEquals((0.6 + 0.6 + 0.5) / 3, cm.meanIou(), 1e-12);
    // accuracy: (3 + 3 + 2) / 11
    assertEquals(8.0 / 11, cm.pixelAccuracy(), 1e-12);
  }

  @Test
  void meanIouConventions() {
    // 4 classes; class 3 in neither truth nor prediction (NaN, excluded from both means);
    // class 2 predicted once but absent from the truth (IoU 0).
    // truth 0 0 1 1, prediction 0 2 1 1.
    ConfusionMatrix cm = new ConfusionMatrix(4);
    cm.add(Mask.of(1, 4, new int[] {0, 2, 1, 1}), Mask.of(1, 4, new int[] {0, 0, 1, 1}));
    // IoU 0 = 1 / 2, IoU 1 = 2 / 2, IoU 2 = 0 / 1, IoU 3 = NaN.
    assertEquals(0.5, cm.iou(0));
    assertEquals(1.0, cm.iou(1));
    assertEquals(0.0, cm.iou(2));
    assertTrue(Double.isNaN(cm.iou(3)));
    assertEquals(0.5, cm.meanIou(), 1e-12); // (0.5 + 1 + 0) / 3, STEGO / mmseg
    assertEquals(0.75, cm.meanIouOverTruthClasses(), 1e-12); // (0.5 + 1) / 2
    assertEquals(0.75, cm.pixelAccuracy());
    assertTrue(Double.isNaN(new ConfusionMatrix(2).meanIou()));
    assertTrue(Double.isNaN(new ConfusionMatrix(2).pixelAccuracy()));
  }

  @Test
  void rejectsMismatchedMasksNamingBothSizes() {
    ConfusionMatrix cm = new ConfusionMatrix(2, 255);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> cm.add(Mask.filled(2, 3, 0), Mask.filled(3, 2, 0)));
    assertEquals(
        "prediction is 2x3 but truth is 3x2 (height x width); resize one (Mask.resizeNearest)"
            + " first",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> cm.add(Mask.filled(1, 2, 0), Mask.of(1, 2, new int[] {0, 2})));
    assertEquals("truth label 2 at pixel (0, 1) outside 0..1 (ignore label 255)", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> cm.add(Mask.of(1, 2, new int[] {5, 0}), Mask.filled(1, 2, 1)));
    assertEquals("prediction label 5 at pixel (0, 0) outside 0..1", e.getMessage());
    assertEquals(0, cm.total()); // nothing counted by a rejected pair
    // A prediction out of range where the truth is ignored is fine.
    cm.add(Mask.of(1, 2, new int[] {5, 0}), Mask.of(1, 2, new int[] {255, 0}));
    assertEquals(1, cm.total());
    assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(3, 2));
  }

  @Test
  void clustersAreMatchedToClassesByHungarian() {
    // Clusters are a permutation of the classes: 0 -> 2, 1 -> 0, 2 -> 1, with one error.
    Mask truth = Mask.of(1, 7, new int[] {0, 0, 1, 1, 2, 2, 2});
    Mask clusters = Mask.of(1, 7, new int[] {1, 1, 2, 2, 0, 0, 1});
    ConfusionMatrix cm = ConfusionMatrix.clusters(3, 3, ConfusionMatrix.NO_IGNORE);
    cm.add(clusters, truth);
    assertArrayEquals(new int[] {2, 0, 1}, cm.matchClusters());
    ConfusionMatrix m = cm.matched();
    assertEquals(6.0 / 7, m.pixelAccuracy(), 1e-12);
    // IoU 0: TP 2, FP 1 (a truth-2 pixel in cluster 1) -> 2/3; IoU 1: 2/2; IoU 2: 2/3.
    assertEquals((2.0 / 3 + 1 + 2.0 / 3) / 3, m.meanIou(), 1e-12);
  }

  @Test
  void extraClustersCountAsWrong() {
    // 3 clusters, 2 classes: cluster 2 is left unmatched and its pixels count as errors.
    Mask truth = Mask.of(1, 5, new int[] {0, 0, 1, 1, 1});
    Mask clusters = Mask.of(1, 5, new int[] {1, 1, 0, 0, 2});
    ConfusionMatrix cm = ConfusionMatrix.clusters(3, 2, ConfusionMatrix.NO_IGNORE);
    cm.add(clusters, truth);
    assertArrayEquals(new int[] {1, 0, -1}, cm.matchClusters());
    ConfusionMatrix m = cm.matched();
    assertEquals(3, m.predictedLabels());
    assertEquals(0.8, m.pixelAccuracy(), 1e-12);
    assertEquals(1.0, m.iou(0));
    assertEquals(2.0 / 3, m.iou(1), 1e-12); // TP 2, FN 1 (the unmatched pixel)
  }

  @Test
  void hungarianOnAHandMadeMatrix() {
    // Greedy takes (0, 0) = 9 first and ends at 9 + 7 + 2 = 18; the optimum is
    // (0, 1) + (1, 0) + (2, 2) = 8 + 8 + 7 = 23.
    double[][] w = {{9, 8, 1}, {8, 2, 1}, {1, 1, 7}};
    assertArrayEquals(new int[] {1, 0, 2}, Hungarian.maximize(w));
    // Rectangular, more columns: row 0 takes column 2, row 1 column 0.
    assertArrayEquals(new int[] {2, 0}, Hungarian.maximize(new long[][] {{1, 2, 5}, {4, 3, 0}}));
    // More rows: row 1 is left out.
    assertArrayEquals(
        new int[] {0, -1, 1}, Hungarian.maximize(new long[][] {{5, 0}, {1, 1}, {0, 5}}));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Hungarian.maximize(new double[][] {{1, 2}, {3}}));
    assertEquals("row 1 has 1 columns, row 0 has 2", e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Hungarian.maximize(new double[][] {{Double.NaN}}));
  }

  @Test
  void hungarianMatchesBruteForce() {
    SplittableRandom random = new SplittableRandom(7);
    for (int trial = 0; trial < 200; trial++) {
      int rows = 2 + random.nextInt(4);
      int cols = trial < 100 ? rows : 2 + random.nextInt(4);
      long[][] w = new long[rows][cols];
      for (long[] row : w) {
        for (int j = 0; j < cols; j++) {
          row[j] = random.nextInt(trial % 2 == 0 ? 5 : 1000); // small values: many ties
        }
      }
      int[] m = Hungarian.maximize(w);
      long got = 0;
      boolean[] used = new boolean[cols];
      int matched = 0;
      for (int i = 0; i < rows; i++) {
        if (m[i] >= 0) {
          assertTrue(!used[m[i]], "column used twice");
          used[m[i]] = true;
          got += w[i][m[i]];
          matched++;
        }
      }
      assertEquals(Math.min(rows, cols), matched);
      assertEquals(best(w, 0, new boolean[cols]), got, "trial " + trial);
    }
  }

  /** The best total over all injective matchings of rows from {@code row} on (brute force). */
  private static long best(long[][] w, int row, boolean[] used) {
    int rows = w.length;
    int cols = w[0].length;
    if (row == rows) {
      return 0;
    }
    long best = Long.MIN_VALUE;
    int free = 0;
    for (boolean u : used) {
      free += u ? 0 : 1;
    }
    if (rows - row > free) { // more rows left than columns: this row may stay unmatched
      best = best(w, row + 1, used);
    }
    for (int j = 0; j < cols; j++) {
      if (!used[j]) {
        used[j] = true;
        best = Math.max(best, w[row][j] + best(w, row + 1, used));
        used[j] = false;
      }
    }
    return best;
  }
}
