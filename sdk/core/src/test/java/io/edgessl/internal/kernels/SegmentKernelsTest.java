package io.edgessl.internal.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgessl.spi.KernelsProvider;
import io.edgessl.spi.SegmentKernels;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Java segmentation kernels against hand-computed values, and their argument checks. */
class SegmentKernelsTest {
  final SegmentKernels k = JavaSegmentKernels.instance();

  @Test
  void votesWithDinoWeights() {
    // One query, k = 3: neighbours of similarity 0.9 (slot 1), 0.83 (slot 0), absent (-1).
    // Weights exp(0 / 0.07) = 1 and exp(-0.07 / 0.07) = 1/e; slot 1 is label 1, slot 0 half/half.
    float[] ref = {0.5f, 0.5f, 0f, 1f};
    float[] out = new float[2];
    k.vote(new float[] {0.9f, 0.83f, 0f}, new int[] {1, 0, -1}, 1, 3, ref, 2, 2, 0.07f, out);
    double w = Math.exp(-1);
    assertEquals(0.5 * w / (1 + w), out[0], 1e-6);
    assertEquals((1 + 0.5 * w) / (1 + w), out[1], 1e-6);
    // A query with no neighbour gets zeros.
    k.vote(new float[] {0f}, new int[] {-1}, 1, 1, ref, 2, 2, 0.07f, out);
    assertArrayEquals(new float[] {0, 0}, out);
  }

  @Test
  void upsamplesBilinearlyThenTakesTheArgmax() {
    // A 1 x 2 grid, 2 classes: cell 0 says class 0 (score 1), cell 1 class 1 (score 1).
    // At coordinate 0.4 class 0 scores 0.6; at 0.5 a tie, kept by the lower class; at 0.6 class 1.
    float[] scores = {1, 0, 0, 1};
    int[] out = new int[3];
    k.upsampleArgmax(scores, 1, 2, 2, new float[] {0}, new float[] {0.4f, 0.5f, 0.6f}, 1, 3, out);
    assertArrayEquals(new int[] {0, 0, 1}, out);
  }

  @Test
  void checksArgumentsBeforeTouchingMemory() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                k.vote(
                    new float[] {1}, new int[] {2}, 1, 1, new float[4], 2, 2, 0.07f, new float[2]));
    assertEquals("vote: slot 2 at 0 outside -1..1", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                k.upsampleArgmax(
                    new float[4], 1, 2, 2, new float[] {0}, new float[] {1.5f}, 1, 1, new int[1]));
    assertEquals("column coordinate 1.5 at 0 outside the grid [0, 1]", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                k.jointBilateral(
                    new float[4],
                    1,
                    2,
                    2,
                    new float[2],
                    new float[1],
                    1,
                    new float[] {0},
                    new float[] {0, 1},
                    1,
                    2,
                    1,
                    1f,
                    0.1f,
                    new int[2]));
    assertEquals("guide hold 1 values, 2 needed", e.getMessage());
  }

  @Test
  void aProviderOffersSegmentKernelsSeparately() {
    // A provider of k-NN kernels only leaves segmentation to the Java kernels; one that offers
    // segmentation kernels is chosen for them.
    KernelsProvider knnOnly = new KernelSupportTest.KnnOnly();
    assertSame(
        JavaSegmentKernels.instance(),
        KernelSupport.select(
            "", List.of(knnOnly), KernelsProvider::segment, JavaSegmentKernels.instance()));
    SegmentKernels stub = new Stub();
    KernelsProvider p =
        new KernelsProvider() {
          @Override
          public int rank() {
            return 10;
          }

          @Override
          public String name() {
            return "seg";
          }

          @Override
          public Optional<SegmentKernels> segment() {
            return Optional.of(stub);
          }
        };
    assertSame(
        stub,
        KernelSupport.select(
            "", List.of(p), KernelsProvider::segment, JavaSegmentKernels.instance()));
    assertSame(
        JavaSegmentKernels.instance(),
        KernelSupport.select(
            "java", List.of(p), KernelsProvider::segment, JavaSegmentKernels.instance()));
  }

  /** Segmentation kernels that do nothing, for selection tests. */
  static final class Stub implements SegmentKernels {
    @Override
    public String name() {
      return "stub";
    }

    @Override
    public void vote(
        float[] topScores,
        int[] topSlots,
        int queryCount,
        int k,
        float[] referenceScores,
        int referenceCount,
        int classes,
        float temperature,
        float[] out) {}

    @Override
    public void upsampleArgmax(
        float[] scores,
        int gridHeight,
        int gridWidth,
        int classes,
        float[] rowCoords,
        float[] colCoords,
        int height,
        int width,
        int[] out) {}

    @Override
    public void jointBilateral(
        float[] scores,
        int gridHeight,
        int gridWidth,
        int classes,
        float[] gridGuide,
        float[] guide,
        int channels,
        float[] rowCoords,
        float[] colCoords,
        int height,
        int width,
        int radius,
        float sigmaSpatial,
        float sigmaRange,
        int[] out) {}
  }

  @Test
  void theJavaKernelsAreTheDefault() {
    assertSame(JavaSegmentKernels.instance(), KernelSupport.javaSegment());
    assertSame(JavaSegmentKernels.instance(), KernelSupport.segment("java"));
    assertEquals("java", KernelSupport.segment().name()); // no native module in the core's tests
  }
}
