package io.edgessl.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.encoder.PatchFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntBinaryOperator;
import org.junit.jupiter.api.Test;

class SegClusterTest {
  static final int D = 16;
  static final float[] CENTRES = Synthetic.centres(3, D, 11);

  /** Frame {@code f}'s planted clusters: stripes whose order changes from frame to frame. */
  static IntBinaryOperator planted(int f) {
    return (y, x) -> (x / 2 + f) % 3;
  }

  @Test
  void recoversPlantedClusters() {
    List<PatchFeatures> frames = new ArrayList<>();
    for (int f = 0; f < 4; f++) {
      frames.add(Synthetic.grid(6, 6, CENTRES, D, planted(f), 0.15f, 100 + f));
    }
    ClusterSegmenter s = ClusterSegmenter.fit(Synthetic.STRETCH_64, frames, 3, 42);
    assertEquals(3, s.clusters());
    assertArrayEquals(new int[] {0, 1, 2}, s.labels());
    assertTrue(s.iterations() < ClusterSegmenter.MAX_ITERATIONS);
    // Unseen frames of the same clusters, evaluated as STEGO does: Hungarian, then accuracy.
    ConfusionMatrix cm = ConfusionMatrix.clusters(3, 3, ConfusionMatrix.NO_IGNORE);
    for (int f = 0; f < 3; f++) {
      PatchFeatures target = Synthetic.grid(6, 6, CENTRES, D, planted(f), 0.15f, 200 + f);
      cm.add(s.scores(target).argmax(), Synthetic.mask(6, 6, planted(f)));
    }
    assertEquals(1.0, cm.matched().pixelAccuracy());
    assertEquals(1.0, cm.matched().meanIou());
    // Centroids are unit vectors near the planted centres.
    float[] c = s.centroids();
    for (int j = 0; j < 3; j++) {
      double n = 0;
      double best = -1;
      for (int d = 0; d < D; d++) {
        n += c[j * D + d] * c[j * D + d];
      }
      for (int k = 0; k < 3; k++) {
        double dot = 0;
        for (int d = 0; d < D; d++) {
          dot += c[j * D + d] * CENTRES[k * D + d];
        }
        best = Math.max(best, dot);
      }
      assertEquals(1.0, n, 1e-5);
      assertTrue(best > 0.95, "centroid " + j + " is " + best + " from its centre");
    }
    // Deterministic: the same seed gives the same centroids.
    assertArrayEquals(c, ClusterSegmenter.fit(Synthetic.STRETCH_64, frames, 3, 42).centroids());
  }

  @Test
  void rejectsBadCounts() {
    PatchFeatures f = Synthetic.grid(2, 2, CENTRES, D, (y, x) -> 0, 0.1f, 0);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClusterSegmenter.fit(Synthetic.STRETCH_64, List.of(f), 5, 0));
    assertEquals("clusters must be from 1 to the number of patches (4): 5", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> ClusterSegmenter.fit(Synthetic.STRETCH_64, List.of(), 1, 0));
    // As many clusters as patches, some identical: still a fit.
    PatchFeatures same = Synthetic.grid(2, 2, CENTRES, D, (y, x) -> 0, 0, 0);
    assertEquals(4, ClusterSegmenter.fit(Synthetic.STRETCH_64, List.of(same), 4, 0).clusters());
  }
}
