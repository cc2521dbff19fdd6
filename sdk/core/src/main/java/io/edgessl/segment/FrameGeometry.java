package io.edgessl.segment;

import io.edgessl.image.Preprocessing;

/**
 * Where frame pixels, preprocessed input pixels and patch-grid cells lie relative to one another,
 * for one preprocessing, grid and upright frame size. Every map is separable (the preprocessing
 * resizes and crops along each axis independently), so each is two tables.
 *
 * <p>Frame to grid (for upsampling): frame pixel {@code i} is at {@code r = (i + 0.5) * resized /
 * frame - 0.5} in the resized frame (half-pixel centres, as bilinear resizing with {@code
 * align_corners=False}), at {@code a = r - offset} in the input, clamped to {@code [0, input - 1]}
 * (a pixel outside the centre crop takes the scores of the nearest pixel inside it), and at {@code
 * g = (a + 0.5) * grid / input - 0.5} on the grid, clamped to {@code [0, grid - 1]} (grid cell
 * {@code y} has its centre at {@code g = y}). Bilinear interpolation at {@code g} is thus the
 * bilinear upsampling of the grid to the input followed by the inverse of the preprocessing's
 * resize and crop, evaluated in one step.
 *
 * <p>Input to frame (for reference masks): input pixel {@code a} shows frame pixel {@code floor((a
 * + offset + 0.5) * frame / resized)} (nearest), and lies in grid cell {@code floor(a * grid /
 * input)}.
 */
final class FrameGeometry {
  final int frameHeight;
  final int frameWidth;
  final int gridHeight;
  final int gridWidth;
  final int inputHeight;
  final int inputWidth;
  private final int[] window;

  FrameGeometry(
      Preprocessing preprocessing, int gridHeight, int gridWidth, int frameHeight, int frameWidth) {
    if (frameHeight <= 0 || frameWidth <= 0) {
      throw new IllegalArgumentException(
          "frame size must be positive: " + frameHeight + "x" + frameWidth + " (height x width)");
    }
    this.frameHeight = frameHeight;
    this.frameWidth = frameWidth;
    this.gridHeight = gridHeight;
    this.gridWidth = gridWidth;
    this.inputHeight = preprocessing.height();
    this.inputWidth = preprocessing.width();
    if (gridHeight > inputHeight || gridWidth > inputWidth) {
      throw new IllegalArgumentException(
          "grid "
              + gridHeight
              + "x"
              + gridWidth
              + " is finer than the input "
              + inputHeight
              + "x"
              + inputWidth
              + " of the preprocessing");
    }
    this.window = preprocessing.window(frameHeight, frameWidth);
  }

  /** Grid row coordinate of each frame row. */
  float[] rowCoords() {
    return gridCoords(frameHeight, window[0], window[2], inputHeight, gridHeight);
  }

  /** Grid column coordinate of each frame column. */
  float[] colCoords() {
    return gridCoords(frameWidth, window[1], window[3], inputWidth, gridWidth);
  }

  /** Frame row shown by each input row. */
  int[] inputRows() {
    return framePixels(frameHeight, window[0], window[2], inputHeight);
  }

  /** Frame column shown by each input column. */
  int[] inputCols() {
    return framePixels(frameWidth, window[1], window[3], inputWidth);
  }

  private static float[] gridCoords(int frame, int resized, int offset, int input, int grid) {
    float[] out = new float[frame];
    for (int i = 0; i < frame; i++) {
      double r = (i + 0.5) * resized / frame - 0.5;
      double a = Math.min(Math.max(r - offset, 0), input - 1);
      double g = (a + 0.5) * grid / input - 0.5;
      out[i] = (float) Math.min(Math.max(g, 0), grid - 1);
    }
    return out;
  }

  private static int[] framePixels(int frame, int resized, int offset, int input) {
    int[] out = new int[input];
    for (int a = 0; a < input; a++) {
      long f = (long) Math.floor((a + offset + 0.5) * frame / resized);
      out[a] = (int) Math.min(Math.max(f, 0), frame - 1);
    }
    return out;
  }

  /** Grid cell (along one axis) of input pixel {@code a}. */
  static int cell(int a, int input, int grid) {
    return (int) ((long) a * grid / input);
  }
}
