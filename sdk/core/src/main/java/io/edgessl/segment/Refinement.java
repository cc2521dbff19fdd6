package io.edgessl.segment;

import io.edgessl.image.Frame;
import io.edgessl.image.Preprocessing;
import io.edgessl.image.Preprocessor;
import io.edgessl.internal.kernels.KernelSupport;
import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * Edge-aware upsampling of patch-level label scores to the frame's resolution: joint-bilateral
 * upsampling (Kopf, Cohen, Lischinski, Uyttendaele, SIGGRAPH 2007), a cheap, deterministic stand-in
 * for the DenseCRF or pixel-adaptive refinement of STEGO. Mask boundaries move from halfway between
 * patch centres onto the colour edges of the frame.
 *
 * <p>Each pixel {@code p} sums the scores of the patches within {@link #radius()} cells of its own
 * (the cell nearest to where it lies on the grid, as {@link LabelScores#upsample} places it), each
 * weighted by a spatial Gaussian of the distance from the pixel to the patch centre, in cells
 * ({@link #sigmaSpatial()}), times a range Gaussian of the colour difference between the pixel and
 * the patch ({@link #sigmaRange()}, in RGB units of pixel / 255): the patch's colour is the mean
 * colour of the frame pixels its input pixels show. Its label is the one of largest sum. A pixel on
 * a colour no nearby patch has falls back to its nearest patch's label. Colours are the frame's,
 * converted to RGB by the image kernels (any {@link io.edgessl.image.PixelFormat}, upright); the
 * loop is the segmentation kernels' {@code jointBilateral}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Refinement {
  private static final Refinement DEFAULTS = new Refinement(2, 1.0f, 0.1f);

  private final int radius;
  private final float sigmaSpatial;
  private final float sigmaRange;

  private Refinement(int radius, float sigmaSpatial, float sigmaRange) {
    this.radius = radius;
    this.sigmaSpatial = sigmaSpatial;
    this.sigmaRange = sigmaRange;
  }

  /**
   * The defaults: radius 2 cells, spatial sigma 1 cell, range sigma 0.1 (about 25 grey levels). A
   * pixel then weighs the 5 x 5 patches around it, the two nearest on each side counting most, and
   * a patch of another colour (a difference of 0.3, say) counts {@code e^-4.5}, 90 times less, than
   * one of the pixel's own colour.
   *
   * @return the default refinement
   */
  public static Refinement defaults() {
    return DEFAULTS;
  }

  /**
   * A refinement with these parameters.
   *
   * @param radius cells on each side of a pixel's nearest cell that it weighs, from 0 to 16
   * @param sigmaSpatial the spatial Gaussian's standard deviation, in cells, positive
   * @param sigmaRange the range Gaussian's standard deviation, in RGB units of pixel / 255,
   *     positive
   * @return the refinement
   * @throws IllegalArgumentException naming a value out of range
   */
  public static Refinement of(int radius, float sigmaSpatial, float sigmaRange) {
    if (radius < 0 || radius > 16) {
      throw new IllegalArgumentException("radius must be from 0 to 16 cells: " + radius);
    }
    if (!(sigmaSpatial > 0) || Float.isInfinite(sigmaSpatial)) {
      throw new IllegalArgumentException("spatial sigma must be positive: " + sigmaSpatial);
    }
    if (!(sigmaRange > 0) || Float.isInfinite(sigmaRange)) {
      throw new IllegalArgumentException("range sigma must be positive: " + sigmaRange);
    }
    return new Refinement(radius, sigmaSpatial, sigmaRange);
  }

  /**
   * Cells on each side of a pixel's nearest cell that it weighs.
   *
   * @return the radius in cells
   */
  public int radius() {
    return radius;
  }

  /**
   * The spatial Gaussian's standard deviation.
   *
   * @return sigma in cells
   */
  public float sigmaSpatial() {
    return sigmaSpatial;
  }

  /**
   * The range Gaussian's standard deviation.
   *
   * @return sigma in RGB units of pixel / 255
   */
  public float sigmaRange() {
    return sigmaRange;
  }

  /**
   * The mask of a frame from its patch scores, at the frame's upright size, with edges that follow
   * its colours.
   *
   * @param scores the frame's patch scores ({@link Segmenter#scores})
   * @param frame the frame the scores were computed on; read, not kept
   * @param preprocessing the preprocessing the features were computed with
   * @return a mask of the frame's upright size
   * @throws IllegalArgumentException when the grid is finer than the preprocessing's input
   */
  public Mask refine(LabelScores scores, Frame frame, Preprocessing preprocessing) {
    Objects.requireNonNull(scores, "scores");
    Objects.requireNonNull(preprocessing, "preprocessing");
    int h = frame.uprightHeight();
    int w = frame.uprightWidth();
    int gh = scores.height();
    int gw = scores.width();
    FrameGeometry g = new FrameGeometry(preprocessing, gh, gw, h, w);
    // The frame's colours, upright, as planes of pixel / 255: a stretch to its own size is a copy.
    Preprocessor rgb = new Preprocessor(Preprocessing.builder(h, w).build());
    float[] guide = new float[3 * h * w];
    rgb.run(frame, FloatBuffer.wrap(guide), 0);
    float[] gridGuide = cellColours(guide, g);
    int[] out = new int[h * w];
    KernelSupport.segment()
        .jointBilateral(
            scores.data(),
            gh,
            gw,
            scores.classes(),
            gridGuide,
            guide,
            3,
            g.rowCoords(),
            g.colCoords(),
            h,
            w,
            radius,
            sigmaSpatial,
            sigmaRange,
            out);
    return scores.toLabels(out, h, w);
  }

  /** The mean colour of each cell: of the frame pixels its input pixels show. */
  private static float[] cellColours(float[] guide, FrameGeometry g) {
    int gh = g.gridHeight;
    int gw = g.gridWidth;
    int plane = g.frameHeight * g.frameWidth;
    int[] rows = g.inputRows();
    int[] cols = g.inputCols();
    double[] sum = new double[3 * gh * gw];
    int[] n = new int[gh * gw];
    for (int a = 0; a < g.inputHeight; a++) {
      int y = FrameGeometry.cell(a, g.inputHeight, gh);
      int row = rows[a] * g.frameWidth;
      for (int b = 0; b < g.inputWidth; b++) {
        int cell = y * gw + FrameGeometry.cell(b, g.inputWidth, gw);
        int px = row + cols[b];
        for (int ch = 0; ch < 3; ch++) {
          sum[ch * gh * gw + cell] += guide[ch * plane + px];
        }
        n[cell]++;
      }
    }
    float[] out = new float[3 * gh * gw];
    for (int ch = 0; ch < 3; ch++) {
      for (int cell = 0; cell < gh * gw; cell++) {
        out[ch * gh * gw + cell] = (float) (sum[ch * gh * gw + cell] / n[cell]);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "Refinement[radius "
        + radius
        + ", sigma spatial "
        + sigmaSpatial
        + " cells, range "
        + sigmaRange
        + "]";
  }
}
