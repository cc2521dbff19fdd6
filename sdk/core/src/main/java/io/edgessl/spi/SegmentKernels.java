package io.edgessl.spi;

/**
 * The segmentation kernels: the per-patch and per-pixel loops of {@code io.edgessl.segment}. One
 * implementation is pure Java (always present); others (the native module's C kernels, later) plug
 * in through {@link KernelsProvider#segment()}.
 *
 * <p>Score grids are row-major with classes last: the score of class {@code c} at grid cell {@code
 * (y, x)} of a {@code gridHeight x gridWidth} grid is at {@code (y * gridWidth + x) * classes + c}.
 * Output pixels are mapped onto the grid by two tables: pixel {@code (i, j)} lies at grid
 * coordinates {@code (rowCoords[i], colCoords[j])}, where grid cell {@code (y, x)} has its centre
 * at {@code (y, x)}; each coordinate is in {@code [0, gridHeight - 1]} (resp. {@code gridWidth -
 * 1}). The tables make every resize and crop that preprocessing applies (separable, axis-aligned) a
 * table lookup.
 *
 * <p>The argmax of every kernel keeps the lowest class index among equal scores.
 *
 * <p>Implementations are stateless and thread-safe. No kernel touches memory before its arguments
 * are checked with {@code io.edgessl.internal.kernels.SegmentChecks}, which throws {@link
 * IllegalArgumentException} naming the values.
 */
public interface SegmentKernels {

  /**
   * A short name for logs and benchmarks, e.g. {@code "java"} or {@code "native-avx512"}.
   *
   * @return the name
   */
  String name();

  /**
   * The weighted vote of each query's nearest reference patches (DINO's k-NN vote): for query
   * {@code q}, with neighbours {@code r} of similarity {@code s_r = topScores[q * k + r]} and slot
   * {@code topSlots[q * k + r]} (slots of {@code -1} are absent and skipped), {@code out[q *
   * classes + c] = sum_r w_r * referenceScores[slot_r * classes + c] / sum_r w_r} with {@code w_r =
   * exp((s_r - s_max) / temperature)}: the weights {@code exp(s / T)} of DINO, scaled by the
   * query's largest similarity so that no exponential overflows (the ratio is the same). A query
   * with no neighbour gets all zeros. Sums run over {@code r} in increasing order, in float.
   *
   * @param topScores {@code queryCount * k} similarities, each query's in descending order (as
   *     {@link KnnKernels#searchPacked} writes them)
   * @param topSlots {@code queryCount * k} reference slots, or {@code -1}
   * @param queryCount number of queries
   * @param k neighbours per query, {@code >= 1}
   * @param referenceScores the class scores of each reference slot, {@code classes} floats each
   * @param referenceCount number of reference slots; every slot read is below it
   * @param classes number of classes, {@code >= 1}
   * @param temperature the vote's temperature, positive
   * @param out {@code queryCount * classes} floats, written
   */
  void vote(
      float[] topScores,
      int[] topSlots,
      int queryCount,
      int k,
      float[] referenceScores,
      int referenceCount,
      int classes,
      float temperature,
      float[] out);

  /**
   * Bilinear upsampling of a score grid followed by the argmax per pixel: pixel {@code (i, j)} of
   * the {@code height x width} output gets the class of largest bilinear score at grid coordinates
   * {@code (rowCoords[i], colCoords[j])}, written to {@code out[i * width + j]}.
   *
   * @param scores {@code gridHeight * gridWidth * classes} floats
   * @param gridHeight grid rows, {@code >= 1}
   * @param gridWidth grid columns, {@code >= 1}
   * @param classes classes per cell, {@code >= 1}
   * @param rowCoords {@code height} grid row coordinates, in {@code [0, gridHeight - 1]}
   * @param colCoords {@code width} grid column coordinates, in {@code [0, gridWidth - 1]}
   * @param height output rows
   * @param width output columns
   * @param out {@code height * width} class indices, written
   */
  void upsampleArgmax(
      float[] scores,
      int gridHeight,
      int gridWidth,
      int classes,
      float[] rowCoords,
      float[] colCoords,
      int height,
      int width,
      int[] out);

  /**
   * Joint-bilateral upsampling (Kopf et al. 2007) of a score grid followed by the argmax per pixel.
   * Pixel {@code p = (i, j)} at grid coordinates {@code (u, v) = (rowCoords[i], colCoords[j])}
   * takes the scores of the grid cells {@code (y, x)} with {@code |y - round(u)| <= radius} and
   * {@code |x - round(v)| <= radius}, weighted by {@code exp(-((y - u)^2 + (x - v)^2) / (2
   * sigmaSpatial^2)) * exp(-|g_p - G_yx|^2 / (2 sigmaRange^2))}, where {@code g_p} is the guide's
   * colour at the pixel and {@code G_yx} the grid guide's colour of the cell (the guide averaged
   * over the cell); the class of largest weighted sum goes to {@code out[i * width + j]}. A pixel
   * whose weights all underflow to zero falls back to the nearest cell's argmax. Sums run over
   * {@code y}, then {@code x}, in increasing order, in float.
   *
   * @param scores {@code gridHeight * gridWidth * classes} floats
   * @param gridHeight grid rows, {@code >= 1}
   * @param gridWidth grid columns, {@code >= 1}
   * @param classes classes per cell, {@code >= 1}
   * @param gridGuide the guide per cell, planar: channel {@code ch} of cell {@code (y, x)} at
   *     {@code (ch * gridHeight + y) * gridWidth + x}
   * @param guide the guide per pixel, planar: channel {@code ch} of pixel {@code (i, j)} at {@code
   *     (ch * height + i) * width + j}
   * @param channels guide channels, {@code >= 1}
   * @param rowCoords {@code height} grid row coordinates, in {@code [0, gridHeight - 1]}
   * @param colCoords {@code width} grid column coordinates, in {@code [0, gridWidth - 1]}
   * @param height output rows
   * @param width output columns
   * @param radius cells on each side of the nearest cell, {@code >= 0}
   * @param sigmaSpatial spatial standard deviation in cells, positive
   * @param sigmaRange range standard deviation in guide units, positive
   * @param out {@code height * width} class indices, written
   */
  void jointBilateral(
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
      int[] out);
}
