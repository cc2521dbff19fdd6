package io.edgessl.internal.kernels;

import io.edgessl.spi.SegmentKernels;
import java.util.Objects;

/**
 * Argument checks of the {@link SegmentKernels} methods, shared by every implementation: a
 * non-positive size, a too-small array, a slot out of range or a coordinate outside the grid throws
 * {@link IllegalArgumentException} naming the values before any kernel reads or writes memory.
 * Sizes are computed in {@code long}, so no product can overflow past a check.
 */
public final class SegmentChecks {
  private SegmentChecks() {}

  /** Checks the arguments of {@link SegmentKernels#vote}, including every slot. */
  public static void vote(
      float[] topScores,
      int[] topSlots,
      int queryCount,
      int k,
      float[] referenceScores,
      int referenceCount,
      int classes,
      float temperature,
      float[] out) {
    if (queryCount < 0 || k < 1 || referenceCount < 0 || classes < 1) {
      throw new IllegalArgumentException(
          "vote: bad sizes: queries "
              + queryCount
              + ", k "
              + k
              + ", references "
              + referenceCount
              + ", classes "
              + classes);
    }
    if (!(temperature > 0) || Float.isInfinite(temperature)) {
      throw new IllegalArgumentException("vote: temperature must be positive: " + temperature);
    }
    need("top scores", topScores, (long) queryCount * k);
    need("top slots", Objects.requireNonNull(topSlots, "top slots").length, (long) queryCount * k);
    need("reference scores", referenceScores, (long) referenceCount * classes);
    need("output", out, (long) queryCount * classes);
    for (int i = 0, n = queryCount * k; i < n; i++) {
      int s = topSlots[i];
      if (s < -1 || s >= referenceCount) {
        throw new IllegalArgumentException(
            "vote: slot " + s + " at " + i + " outside -1.." + (referenceCount - 1));
      }
    }
  }

  /** Checks the arguments of {@link SegmentKernels#upsampleArgmax}. */
  public static void upsampleArgmax(
      float[] scores,
      int gridHeight,
      int gridWidth,
      int classes,
      float[] rowCoords,
      float[] colCoords,
      int height,
      int width,
      int[] out) {
    grid(scores, gridHeight, gridWidth, classes);
    coords(rowCoords, colCoords, gridHeight, gridWidth, height, width);
    need("output", Objects.requireNonNull(out, "output").length, (long) height * width);
  }

  /** Checks the arguments of {@link SegmentKernels#jointBilateral}. */
  public static void jointBilateral(
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
      int[] out) {
    grid(scores, gridHeight, gridWidth, classes);
    coords(rowCoords, colCoords, gridHeight, gridWidth, height, width);
    if (channels < 1 || radius < 0) {
      throw new IllegalArgumentException(
          "joint bilateral: channels " + channels + " and radius " + radius + " out of range");
    }
    if (!(sigmaSpatial > 0)
        || !(sigmaRange > 0)
        || Float.isInfinite(sigmaSpatial)
        || Float.isInfinite(sigmaRange)) {
      throw new IllegalArgumentException(
          "joint bilateral: sigmas must be positive and finite: spatial "
              + sigmaSpatial
              + ", range "
              + sigmaRange);
    }
    need("grid guide", gridGuide, (long) channels * gridHeight * gridWidth);
    need("guide", guide, (long) channels * height * width);
    need("output", Objects.requireNonNull(out, "output").length, (long) height * width);
  }

  private static void grid(float[] scores, int gridHeight, int gridWidth, int classes) {
    if (gridHeight < 1 || gridWidth < 1 || classes < 1) {
      throw new IllegalArgumentException(
          "score grid " + gridHeight + "x" + gridWidth + "x" + classes + " must be positive");
    }
    need("scores", scores, (long) gridHeight * gridWidth * classes);
  }

  private static void coords(
      float[] rowCoords, float[] colCoords, int gridHeight, int gridWidth, int height, int width) {
    if (height < 0 || width < 0) {
      throw new IllegalArgumentException("output " + height + "x" + width + " is negative");
    }
    need("row coordinates", rowCoords, height);
    need("column coordinates", colCoords, width);
    inside("row", rowCoords, height, gridHeight);
    inside("column", colCoords, width, gridWidth);
  }

  private static void inside(String what, float[] coords, int n, int cells) {
    for (int i = 0; i < n; i++) {
      float c = coords[i];
      if (!(c >= 0 && c <= cells - 1)) {
        throw new IllegalArgumentException(
            what + " coordinate " + c + " at " + i + " outside the grid [0, " + (cells - 1) + "]");
      }
    }
  }

  private static void need(String what, float[] a, long n) {
    need(what, Objects.requireNonNull(a, what).length, n);
  }

  private static void need(String what, int length, long n) {
    if (length < n) {
      throw new IllegalArgumentException(what + " hold " + length + " values, " + n + " needed");
    }
  }
}
