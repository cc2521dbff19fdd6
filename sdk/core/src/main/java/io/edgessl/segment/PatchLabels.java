package io.edgessl.segment;

import io.edgessl.encoder.PatchFeatures;
import io.edgessl.image.Frame;
import io.edgessl.image.Preprocessing;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/** Shared steps of the segmenters that learn from annotated frames. */
final class PatchLabels {
  private PatchLabels() {}

  /** Checks that there are as many masks as features, at least one. */
  static void checkPairs(List<?> features, List<Mask> masks, String what) {
    if (features.isEmpty()) {
      throw new IllegalArgumentException("no " + what + ": at least one annotated frame needed");
    }
    if (features.size() != masks.size()) {
      throw new IllegalArgumentException(
          features.size() + " " + what + " frames but " + masks.size() + " masks");
    }
  }

  /**
   * Checks that each mask has its frame's upright size; {@code what} names the frames in the
   * message ("reference", "training").
   */
  static void checkFrameSizes(List<Frame> frames, List<Mask> masks, String what) {
    for (int i = 0; i < frames.size(); i++) {
      Frame f = frames.get(i);
      Mask m = masks.get(i);
      if (f.uprightHeight() != m.height() || f.uprightWidth() != m.width()) {
        throw new IllegalArgumentException(
            what
                + " mask "
                + i
                + " is "
                + size(m.height(), m.width())
                + " but its frame is "
                + size(f.uprightHeight(), f.uprightWidth())
                + " upright (height x width)");
      }
    }
  }

  /**
   * Gathers the patches that show a counted pixel, in order: their L2-normalized features into
   * {@code vectors} ({@code d} floats each) and their soft labels into {@code scores} ({@code
   * labels.length} floats each). Returns how many.
   */
  static int gather(
      List<PatchFeatures> features,
      List<Mask> masks,
      Preprocessing preprocessing,
      int[] labels,
      int ignore,
      float[] vectors,
      float[] scores) {
    int k = labels.length;
    int n = 0;
    for (int i = 0; i < features.size(); i++) {
      PatchFeatures f = features.get(i);
      int d = f.dimension();
      int cells = f.height() * f.width();
      boolean[] counted = new boolean[cells];
      float[] soft = areaFractions(masks.get(i), f, preprocessing, labels, ignore, counted);
      float[] normalized = normalized(f);
      for (int c = 0; c < cells; c++) {
        if (counted[c]) {
          System.arraycopy(normalized, c * d, vectors, n * d, d);
          System.arraycopy(soft, c * k, scores, n * k, k);
          n++;
        }
      }
    }
    return n;
  }

  /** The sorted labels present in any mask, but {@code ignore}. */
  static int[] labels(List<Mask> masks, int ignore) {
    SortedSet<Integer> all = new TreeSet<>();
    for (Mask m : masks) {
      all.addAll(m.labels());
    }
    all.remove(ignore);
    return all.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The area fraction of each label (channel of {@code labels}) in each grid cell of {@code
   * features}' grid: the mask, at the frame's upright size, seen through the preprocessing (each
   * input pixel shows its nearest frame pixel), counted per cell, pixels of the {@code ignore}
   * label left out. Each cell's fractions sum to 1, or are all 0 when every pixel of the cell is
   * ignored (then {@code counted[cell]} is false).
   */
  static float[] areaFractions(
      Mask mask,
      PatchFeatures features,
      Preprocessing preprocessing,
      int[] labels,
      int ignore,
      boolean[] counted) {
    int gh = features.height();
    int gw = features.width();
    FrameGeometry g = new FrameGeometry(preprocessing, gh, gw, mask.height(), mask.width());
    int[] rows = g.inputRows();
    int[] cols = g.inputCols();
    int k = labels.length;
    float[] counts = new float[gh * gw * k];
    int[] pixels = new int[gh * gw];
    for (int a = 0; a < g.inputHeight; a++) {
      int y = FrameGeometry.cell(a, g.inputHeight, gh);
      int row = rows[a] * mask.width();
      for (int b = 0; b < g.inputWidth; b++) {
        int label = mask.at(row + cols[b]);
        if (label == ignore) {
          continue;
        }
        int cell = y * gw + FrameGeometry.cell(b, g.inputWidth, gw);
        counts[cell * k + Arrays.binarySearch(labels, label)]++;
        pixels[cell]++;
      }
    }
    for (int cell = 0; cell < gh * gw; cell++) {
      counted[cell] = pixels[cell] > 0;
      for (int c = 0; c < k && counted[cell]; c++) {
        counts[cell * k + c] /= pixels[cell];
      }
    }
    return counts;
  }

  /** Checks an ignore label: {@link ConfusionMatrix#NO_IGNORE} or a label. */
  static void checkIgnore(int ignore) {
    if (ignore != ConfusionMatrix.NO_IGNORE && (ignore < 0 || ignore > Mask.MAX_LABEL)) {
      throw new IllegalArgumentException(
          "ignore label must be "
              + ConfusionMatrix.NO_IGNORE
              + " (none) or from 0 to "
              + Mask.MAX_LABEL
              + ": "
              + ignore);
    }
  }

  /** L2-normalizes {@code count} rows of {@code dim} floats of {@code src} into {@code dst}. */
  static void normalize(
      float[] src, int srcOffset, float[] dst, int dstOffset, int count, int dim) {
    for (int i = 0; i < count; i++) {
      double s = 0;
      for (int d = 0; d < dim; d++) {
        float v = src[srcOffset + i * dim + d];
        s += (double) v * v;
      }
      float inv = s > 0 ? (float) (1 / Math.sqrt(s)) : 0f;
      for (int d = 0; d < dim; d++) {
        dst[dstOffset + i * dim + d] = src[srcOffset + i * dim + d] * inv;
      }
    }
  }

  /** All patch features of one frame, L2-normalized, in a new array. */
  static float[] normalized(PatchFeatures f) {
    int n = f.height() * f.width();
    float[] out = new float[n * f.dimension()];
    normalize(f.data(), 0, out, 0, n, f.dimension());
    return out;
  }

  /** The size of a frame, as masks print theirs. */
  static String size(int height, int width) {
    return height + "x" + width;
  }
}
