package io.edgessl.segment;

import io.edgessl.image.Preprocessing;
import io.edgessl.internal.kernels.KernelSupport;
import java.util.Arrays;

/**
 * Scores of each label at each cell of a patch grid: what a {@link Segmenter} computes before it
 * chooses labels. Cell {@code (y, x)}'s score for channel {@code c} is at {@code (y * width + x) *
 * classes + c}; channel {@code c} stands for label {@link #label(int) label(c)} (the labels are
 * increasing, and need not be contiguous: a label-transfer segmenter has the labels of its
 * references). Higher is more likely; what a score means (a probability, a cosine similarity, a
 * logit) is the segmenter's.
 *
 * <p>Immutable and thread-safe.
 */
public final class LabelScores {
  private final int height;
  private final int width;
  private final int[] labels;
  private final float[] scores;

  /**
   * Scores from a grid of floats (copied).
   *
   * @param height grid rows, positive
   * @param width grid columns, positive
   * @param labels the label of each channel, increasing, each from 0 to {@link Mask#MAX_LABEL};
   *     copied
   * @param scores {@code height * width * labels.length} scores, classes last; copied
   * @throws IllegalArgumentException if a size is not positive, the labels are not increasing or
   *     out of range, or {@code scores} has another length
   */
  public LabelScores(int height, int width, int[] labels, float[] scores) {
    this(labels.clone(), scores.clone(), height, width);
  }

  /** Wraps the segmenters' own arrays (not copied: they never touch them again). */
  static LabelScores wrap(int height, int width, int[] labels, float[] scores) {
    return new LabelScores(labels, scores, height, width);
  }

  private LabelScores(int[] labels, float[] scores, int height, int width) {
    if (height <= 0 || width <= 0 || labels.length == 0) {
      throw new IllegalArgumentException(
          "score grid " + height + "x" + width + "x" + labels.length + " must be positive");
    }
    for (int c = 0; c < labels.length; c++) {
      if (labels[c] < 0 || labels[c] > Mask.MAX_LABEL || (c > 0 && labels[c] <= labels[c - 1])) {
        throw new IllegalArgumentException(
            "labels must be increasing, from 0 to "
                + Mask.MAX_LABEL
                + ": "
                + Arrays.toString(labels));
      }
    }
    if ((long) height * width * labels.length != scores.length) {
      throw new IllegalArgumentException(
          "score grid "
              + height
              + "x"
              + width
              + "x"
              + labels.length
              + " needs "
              + (long) height * width * labels.length
              + " floats, got "
              + scores.length);
    }
    this.height = height;
    this.width = width;
    this.labels = labels;
    this.scores = scores;
  }

  /**
   * Grid rows.
   *
   * @return the number of rows
   */
  public int height() {
    return height;
  }

  /**
   * Grid columns.
   *
   * @return the number of columns
   */
  public int width() {
    return width;
  }

  /**
   * Channels (labels) per cell.
   *
   * @return the number of labels
   */
  public int classes() {
    return labels.length;
  }

  /**
   * The labels of the channels, increasing.
   *
   * @return a new array of {@link #classes()} labels, owned by the caller
   */
  public int[] labels() {
    return labels.clone();
  }

  /**
   * The label of channel {@code c}.
   *
   * @param c the channel, from 0 to {@code classes() - 1}
   * @return its label
   */
  public int label(int c) {
    return labels[c];
  }

  /**
   * The channel of {@code label}.
   *
   * @param label a label these scores have
   * @return its channel
   * @throws IllegalArgumentException if these scores have no such label (the message lists those
   *     they have)
   */
  public int channel(int label) {
    int c = Arrays.binarySearch(labels, label);
    if (c < 0) {
      throw new IllegalArgumentException(
          "label " + label + " is not among the labels scored: " + Arrays.toString(labels));
    }
    return c;
  }

  /**
   * The score of {@code label} at cell {@code (y, x)}.
   *
   * @param y the row
   * @param x the column
   * @param label a label these scores have
   * @return the score
   * @throws IllegalArgumentException if these scores have no such label
   * @throws IndexOutOfBoundsException outside the grid
   */
  public float score(int y, int x, int label) {
    if (y < 0 || y >= height || x < 0 || x >= width) {
      throw new IndexOutOfBoundsException(
          "(" + y + ", " + x + ") outside a " + height + "x" + width + " grid");
    }
    return scores[(y * width + x) * labels.length + channel(label)];
  }

  /**
   * The scores, classes last.
   *
   * @return a new array of {@code height() * width() * classes()} floats, owned by the caller
   */
  public float[] toArray() {
    return scores.clone();
  }

  /** The scores themselves, for the kernels (never modified). */
  float[] data() {
    return scores;
  }

  /**
   * The label of largest score at each cell (the lowest label among equal scores): the segmentation
   * at patch resolution, for patch-level evaluation.
   *
   * @return a {@code height() x width()} mask
   */
  public Mask argmax() {
    int[] out = new int[height * width];
    int k = labels.length;
    for (int i = 0; i < out.length; i++) {
      int best = 0;
      for (int c = 1; c < k; c++) {
        if (scores[i * k + c] > scores[i * k + best]) {
          best = c;
        }
      }
      out[i] = labels[best];
    }
    return Mask.of(height, width, out);
  }

  /**
   * The segmentation of the frame these scores were computed on, at the frame's resolution: the
   * scores upsampled bilinearly to the preprocessed input, mapped back through the preprocessing's
   * resize and crop window ({@link Preprocessing#window}; a pixel outside the centre crop takes the
   * label of the nearest pixel inside it), then the label of largest score per pixel. The
   * composition is evaluated in one step per pixel by the segmentation kernels.
   *
   * @param preprocessing the preprocessing the features were computed with (the encoder's
   *     manifest's)
   * @param frameHeight the upright frame's height ({@code Frame.uprightHeight()}), positive
   * @param frameWidth the upright frame's width, positive
   * @return a {@code frameHeight x frameWidth} mask
   * @throws IllegalArgumentException if a size is not positive or the grid is finer than the input
   */
  public Mask upsample(Preprocessing preprocessing, int frameHeight, int frameWidth) {
    FrameGeometry g = new FrameGeometry(preprocessing, height, width, frameHeight, frameWidth);
    int[] out = new int[frameHeight * frameWidth];
    KernelSupport.segment()
        .upsampleArgmax(
            scores,
            height,
            width,
            labels.length,
            g.rowCoords(),
            g.colCoords(),
            frameHeight,
            frameWidth,
            out);
    return toLabels(out, frameHeight, frameWidth);
  }

  /** A mask of the labels of channel indices {@code out} (overwritten). */
  Mask toLabels(int[] out, int h, int w) {
    for (int i = 0; i < out.length; i++) {
      out[i] = labels[out[i]];
    }
    return Mask.of(h, w, out);
  }

  @Override
  public String toString() {
    return "LabelScores[" + height + "x" + width + ", labels " + Arrays.toString(labels) + "]";
  }
}
