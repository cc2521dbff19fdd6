package io.edgessl.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgessl.image.Frame;
import io.edgessl.image.PixelFormat;
import org.junit.jupiter.api.Test;

class SegRefinementTest {
  /** A 64 x 64 RGB frame, black left of column {@code edge}, white from it on. */
  static Frame twoTone(int edge) {
    byte[] px = new byte[64 * 64 * 3];
    for (int y = 0; y < 64; y++) {
      for (int x = edge; x < 64; x++) {
        for (int c = 0; c < 3; c++) {
          px[(y * 64 + x) * 3 + c] = (byte) 255;
        }
      }
    }
    return Frame.of(px, PixelFormat.RGB, 64, 64);
  }

  /** 4 x 4 patch scores: columns 0 and 1 say label 0, columns 2 and 3 label 1. */
  static LabelScores coarse() {
    float[] s = new float[4 * 4 * 2];
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        s[(y * 4 + x) * 2 + (x < 2 ? 0 : 1)] = 1;
      }
    }
    return new LabelScores(4, 4, new int[] {0, 1}, s);
  }

  @Test
  void movesTheBoundaryOntoTheColourEdge() {
    // Bilinear upsampling puts the boundary halfway between the centres of columns 1 and 2
    // (pixels 24 and 40), at 32; the frame's edge is at 40, inside patch column 2, whose mean
    // colour is mid-grey. Black pixels 32..39 are far (0.5 per channel, 37.5 sigma^2 units) from
    // that grey and from white column 3, near black columns 0 and 1: they join label 0.
    LabelScores scores = coarse();
    assertEquals(
        Synthetic.mask(64, 64, (y, x) -> x < 32 ? 0 : 1),
        scores.upsample(Synthetic.STRETCH_64, 64, 64));
    Mask refined = Refinement.defaults().refine(scores, twoTone(40), Synthetic.STRETCH_64);
    assertEquals(Synthetic.mask(64, 64, (y, x) -> x < 40 ? 0 : 1), refined);
    // An edge at 24, inside column 1: white pixels 24..31 join label 1.
    assertEquals(
        Synthetic.mask(64, 64, (y, x) -> x < 24 ? 0 : 1),
        Refinement.defaults().refine(scores, twoTone(24), Synthetic.STRETCH_64));
  }

  @Test
  void aUniformFrameKeepsTheSpatialBoundary() {
    // No colour edge: the range weights are all 1 and the spatial Gaussian alone decides; its
    // weights are symmetric about the midpoint of the two columns' centres.
    Mask refined = Refinement.defaults().refine(coarse(), twoTone(64), Synthetic.STRETCH_64);
    assertEquals(Synthetic.mask(64, 64, (y, x) -> x < 32 ? 0 : 1), refined);
  }

  @Test
  void checksItsParameters() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Refinement.of(2, 0f, 0.1f));
    assertEquals("spatial sigma must be positive: 0.0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Refinement.of(-1, 1f, 0.1f));
    assertThrows(IllegalArgumentException.class, () -> Refinement.of(1, 1f, Float.NaN));
    assertEquals(3, Refinement.of(3, 1.5f, 0.2f).radius());
  }
}
