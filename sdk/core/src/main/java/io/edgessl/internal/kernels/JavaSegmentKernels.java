package io.edgessl.internal.kernels;

import io.edgessl.spi.SegmentKernels;

/**
 * The pure-Java segmentation kernels: always available, and the reference that native kernels are
 * tested against. Plain loops in the order the {@link SegmentKernels} contract states, in float.
 */
public final class JavaSegmentKernels implements SegmentKernels {
  private static final JavaSegmentKernels INSTANCE = new JavaSegmentKernels();

  private JavaSegmentKernels() {}

  /**
   * The single instance.
   *
   * @return the pure-Java segmentation kernels
   */
  public static JavaSegmentKernels instance() {
    return INSTANCE;
  }

  @Override
  public String name() {
    return "java";
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
      float[] out) {
    SegmentChecks.vote(
        topScores,
        topSlots,
        queryCount,
        k,
        referenceScores,
        referenceCount,
        classes,
        temperature,
        out);
    for (int q = 0; q < queryCount; q++) {
      final int o = q * classes;
      for (int c = 0; c < classes; c++) {
        out[o + c] = 0f;
      }
      float max = Float.NEGATIVE_INFINITY;
      for (int r = 0; r < k; r++) {
        if (topSlots[q * k + r] >= 0 && topScores[q * k + r] > max) {
          max = topScores[q * k + r];
        }
      }
      float total = 0f;
      for (int r = 0; r < k; r++) {
        final int slot = topSlots[q * k + r];
        if (slot < 0) {
          continue;
        }
        final float w = (float) Math.exp((topScores[q * k + r] - max) / temperature);
        total += w;
        final int ro = slot * classes;
        for (int c = 0; c < classes; c++) {
          out[o + c] += w * referenceScores[ro + c];
        }
      }
      if (total > 0f) {
        for (int c = 0; c < classes; c++) {
          out[o + c] /= total;
        }
      }
    }
  }

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
      int[] out) {
    SegmentChecks.upsampleArgmax(
        scores, gridHeight, gridWidth, classes, rowCoords, colCoords, height, width, out);
    final int[] x0 = new int[width];
    final int[] x1 = new int[width];
    final float[] fx = new float[width];
    for (int j = 0; j < width; j++) {
      x0[j] = Math.min((int) colCoords[j], gridWidth - 1);
      x1[j] = Math.min(x0[j] + 1, gridWidth - 1);
      fx[j] = colCoords[j] - x0[j];
    }
    for (int i = 0; i < height; i++) {
      final int y0 = Math.min((int) rowCoords[i], gridHeight - 1);
      final int y1 = Math.min(y0 + 1, gridHeight - 1);
      final float fy = rowCoords[i] - y0;
      final int r0 = y0 * gridWidth;
      final int r1 = y1 * gridWidth;
      for (int j = 0; j < width; j++) {
        final int a = (r0 + x0[j]) * classes;
        final int b = (r0 + x1[j]) * classes;
        final int c0 = (r1 + x0[j]) * classes;
        final int d = (r1 + x1[j]) * classes;
        final float wx = fx[j];
        int best = 0;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
          final float top = scores[a + c] + wx * (scores[b + c] - scores[a + c]);
          final float bottom = scores[c0 + c] + wx * (scores[d + c] - scores[c0 + c]);
          final float s = top + fy * (bottom - top);
          if (s > bestScore) {
            bestScore = s;
            best = c;
          }
        }
        out[i * width + j] = best;
      }
    }
  }

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
      int[] out) {
    SegmentChecks.jointBilateral(
        scores,
        gridHeight,
        gridWidth,
        classes,
        gridGuide,
        guide,
        channels,
        rowCoords,
        colCoords,
        height,
        width,
        radius,
        sigmaSpatial,
        sigmaRange,
        out);
    final float spatial = 1f / (2f * sigmaSpatial * sigmaSpatial);
    final float range = 1f / (2f * sigmaRange * sigmaRange);
    final int gridPlane = gridHeight * gridWidth;
    final int plane = height * width;
    final float[] acc = new float[classes];
    final float[] pixel = new float[channels];
    for (int i = 0; i < height; i++) {
      final float u = rowCoords[i];
      final int cy = (int) (u + 0.5f);
      final int yFrom = Math.max(0, cy - radius);
      final int yTo = Math.min(gridHeight - 1, cy + radius);
      for (int j = 0; j < width; j++) {
        final float v = colCoords[j];
        final int cx = (int) (v + 0.5f);
        final int xFrom = Math.max(0, cx - radius);
        final int xTo = Math.min(gridWidth - 1, cx + radius);
        for (int ch = 0; ch < channels; ch++) {
          pixel[ch] = guide[ch * plane + i * width + j];
        }
        for (int c = 0; c < classes; c++) {
          acc[c] = 0f;
        }
        float total = 0f;
        for (int y = yFrom; y <= yTo; y++) {
          final float dy = y - u;
          for (int x = xFrom; x <= xTo; x++) {
            final float dx = x - v;
            final int cell = y * gridWidth + x;
            float dr = 0f;
            for (int ch = 0; ch < channels; ch++) {
              final float g = pixel[ch] - gridGuide[ch * gridPlane + cell];
              dr += g * g;
            }
            final float w = (float) Math.exp(-((dy * dy + dx * dx) * spatial + dr * range));
            if (w == 0f) {
              continue;
            }
            total += w;
            final int so = cell * classes;
            for (int c = 0; c < classes; c++) {
              acc[c] += w * scores[so + c];
            }
          }
        }
        if (!(total > 0f)) {
          final int so = (cy * gridWidth + cx) * classes;
          for (int c = 0; c < classes; c++) {
            acc[c] = scores[so + c];
          }
        }
        int best = 0;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
          if (acc[c] > bestScore) {
            bestScore = acc[c];
            best = c;
          }
        }
        out[i * width + j] = best;
      }
    }
  }
}
