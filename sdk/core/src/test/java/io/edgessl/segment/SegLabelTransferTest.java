package io.edgessl.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.encoder.PatchFeatures;
import io.edgessl.image.Frame;
import io.edgessl.image.PixelFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegLabelTransferTest {
  static final int D = 8;
  static final float[] CENTRES = Synthetic.centres(3, D, 1);
  static final LabelTransferSegmenter.Options OPTIONS = LabelTransferSegmenter.Options.defaults();

  /** Reference: left half (cells x < 2) looks like centre 0 and is labelled 0, right half 1 / 1. */
  static LabelTransferSegmenter leftRight() {
    PatchFeatures ref = Synthetic.grid(4, 4, CENTRES, D, (y, x) -> x < 2 ? 0 : 1, 0.05f, 2);
    Mask mask = Synthetic.mask(64, 64, (y, x) -> x < 32 ? 0 : 1);
    return LabelTransferSegmenter.fromFeatures(
        Synthetic.STRETCH_64, List.of(ref), List.of(mask), OPTIONS);
  }

  @Test
  void transfersLabelsToSimilarPatches() {
    LabelTransferSegmenter s = leftRight();
    assertArrayEquals(new int[] {0, 1}, s.labels());
    assertEquals(16, s.referencePatches());
    assertEquals(D, s.dimension());
    // Target: the top half looks like the right of the reference, the bottom like its left.
    PatchFeatures target = Synthetic.grid(4, 4, CENTRES, D, (y, x) -> y < 2 ? 1 : 0, 0.05f, 3);
    LabelScores scores = s.scores(target);
    assertEquals(Synthetic.mask(4, 4, (y, x) -> y < 2 ? 1 : 0), scores.argmax());
    float[] sc = scores.toArray();
    for (int i = 0; i < 16; i++) {
      assertEquals(1f, sc[2 * i] + sc[2 * i + 1], 1e-6f); // soft labels sum to 1
    }
    assertTrue(scores.score(0, 0, 1) > 0.99f);
    // Upsampled: the boundary lies halfway between the centres of grid rows 1 and 2 (input
    // rows 24 and 40): row 31 is at grid row (31.5 / 16 - 0.5) = 1.47, row 32 at 1.53.
    Mask m = s.segment(target, 64, 64);
    assertEquals(Synthetic.mask(64, 64, (y, x) -> y < 32 ? 1 : 0), m);
    // Another frame size maps onto the same grid: 32 x 128 (stretched to 64 x 64).
    assertEquals(Synthetic.mask(32, 128, (y, x) -> y < 16 ? 1 : 0), s.segment(target, 32, 128));
  }

  @Test
  void softLabelsFollowTheAreaOfEachLabel() {
    // Label 5 covers a quarter of cell (0, 0) (an 8 x 8 corner): that cell's soft label is
    // 0.75 label 0 + 0.25 label 5, and a target identical to the reference gets it back (k = 1).
    // Label 255, ignored, covers all of cell (3, 0), which does not vote, and half of cell
    // (3, 1), whose other half, label 0, is then all it counts.
    PatchFeatures ref =
        Synthetic.grid(4, 4, Synthetic.centres(16, 16, 4), 16, (y, x) -> y * 4 + x, 0, 0);
    Mask mask =
        Synthetic.mask(
            64, 64, (y, x) -> y < 8 && x < 8 ? 5 : y >= 48 && x < 24 ? 255 : x < 32 ? 0 : 1);
    LabelTransferSegmenter s =
        LabelTransferSegmenter.fromFeatures(
            Synthetic.STRETCH_64,
            List.of(ref),
            List.of(mask),
            new LabelTransferSegmenter.Options(1, 0.07f, 255));
    assertArrayEquals(new int[] {0, 1, 5}, s.labels());
    assertEquals(15, s.referencePatches());
    LabelScores scores = s.scores(ref);
    assertEquals(1f, scores.score(3, 1, 0), 1e-6f);
    assertEquals(0.75f, scores.score(0, 0, 0), 1e-6f);
    assertEquals(0.25f, scores.score(0, 0, 5), 1e-6f);
    assertEquals(1f, scores.score(3, 3, 1), 1e-6f);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> scores.score(0, 0, 3));
    assertEquals("label 3 is not among the labels scored: [0, 1, 5]", e.getMessage());
  }

  @Test
  void rejectsBadReferencesAndFeatures() {
    PatchFeatures ref = Synthetic.grid(4, 4, CENTRES, D, (y, x) -> 0, 0.05f, 2);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LabelTransferSegmenter.fromFeatures(
                    Synthetic.STRETCH_64, List.of(ref), List.of(Mask.filled(64, 64, 0)), OPTIONS));
    assertEquals(
        "reference mask 0 (64x64) has no labelled pixel: every pixel is background (0)",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LabelTransferSegmenter.fromFeatures(
                    Synthetic.STRETCH_64, List.of(ref), List.of(), OPTIONS));
    assertEquals("1 reference frames but 0 masks", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LabelTransferSegmenter.fromFeatures(
                    Synthetic.STRETCH_64,
                    List.of(ref),
                    List.of(Synthetic.mask(64, 64, (y, x) -> x < 16 ? 0 : 255)),
                    new LabelTransferSegmenter.Options(5, 0.07f, 255)));
    assertEquals(
        "reference mask 0 (64x64) has no labelled pixel: every pixel is background (0) or ignored"
            + " (255)",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new LabelTransferSegmenter.Options(0, 0.07f, ConfusionMatrix.NO_IGNORE));
    assertEquals("k must be at least 1: 0", e.getMessage());
    LabelTransferSegmenter s = leftRight();
    PatchFeatures other = Synthetic.grid(4, 4, Synthetic.centres(1, 4, 0), 4, (y, x) -> 0, 0, 0);
    e = assertThrows(IllegalArgumentException.class, () -> s.scores(other));
    assertEquals(
        "LabelTransferSegmenter reads features of dimension 8, got PatchFeatures[4x4x4] (another"
            + " encoder?)",
        e.getMessage());
    Frame frame = Frame.of(new byte[64 * 64 * 3], PixelFormat.RGB, 64, 64);
    IllegalStateException st = assertThrows(IllegalStateException.class, () -> s.segment(frame));
    assertTrue(st.getMessage().startsWith("LabelTransferSegmenter was made from features"));
  }
}
