package io.edgessl.segment;

import java.util.Arrays;

/**
 * Maximum-weight matching of rows to columns (the Hungarian method of Kuhn and Munkres, in the
 * O(n^3) form with potentials and shortest augmenting paths of Jonker and Volgenant). Unsupervised
 * segmentation evaluates this way: cluster ids are matched one-to-one to classes so that the most
 * pixels agree (STEGO's and PiCIE's evaluation, with {@code scipy.optimize.linear_sum_assignment}),
 * see {@link ConfusionMatrix#matchClusters()}.
 *
 * <p>Rectangular matrices are allowed: with more rows than columns some rows stay unmatched, with
 * more columns than rows some columns do. Ties between optimal matchings are broken
 * deterministically (the same input always gives the same matching).
 */
public final class Hungarian {
  private Hungarian() {}

  /**
   * The matching of rows to columns of largest total weight.
   *
   * @param weights a rectangular matrix ({@code rows x columns}, every row of the same length, at
   *     least one row and one column) of finite weights
   * @return for each row, the column it is matched to, or {@code -1} when it is unmatched (only
   *     when there are more rows than columns); each column is used at most once, and {@code
   *     min(rows, columns)} rows are matched
   * @throws IllegalArgumentException if the matrix is empty, ragged or holds a weight that is not
   *     finite
   */
  public static int[] maximize(double[][] weights) {
    int rows = weights.length;
    if (rows == 0 || weights[0].length == 0) {
      throw new IllegalArgumentException("the weight matrix is empty");
    }
    int cols = weights[0].length;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < rows; i++) {
      if (weights[i].length != cols) {
        throw new IllegalArgumentException(
            "row " + i + " has " + weights[i].length + " columns, row 0 has " + cols);
      }
      for (int j = 0; j < cols; j++) {
        if (!Double.isFinite(weights[i][j])) {
          throw new IllegalArgumentException(
              "weight (" + i + ", " + j + ") is not finite: " + weights[i][j]);
        }
        max = Math.max(max, weights[i][j]);
      }
    }
    // Minimize cost = max - weight over a square matrix padded with cost 0 ... the padding's
    // cost is the same for every choice, so it does not change which real pairs are optimal.
    int n = Math.max(rows, cols);
    double[][] cost = new double[n][n];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        cost[i][j] = max - weights[i][j];
      }
    }
    int[] assignment = minimize(cost);
    int[] out = new int[rows];
    for (int i = 0; i < rows; i++) {
      out[i] = assignment[i] < cols ? assignment[i] : -1;
    }
    return out;
  }

  /**
   * The matching of rows to columns of largest total weight, for integer weights such as pixel
   * counts.
   *
   * @param weights a rectangular matrix of weights, as {@link #maximize(double[][])}
   * @return for each row, its column or {@code -1}, as {@link #maximize(double[][])}
   * @throws IllegalArgumentException if the matrix is empty or ragged
   */
  public static int[] maximize(long[][] weights) {
    double[][] w = new double[weights.length][];
    for (int i = 0; i < weights.length; i++) {
      w[i] = new double[weights[i].length];
      for (int j = 0; j < w[i].length; j++) {
        w[i][j] = weights[i][j];
      }
    }
    return maximize(w);
  }

  /** Minimum-cost perfect matching of a square matrix; returns the column of each row. */
  private static int[] minimize(double[][] a) {
    int n = a.length;
    // 1-based arrays with a virtual column 0, as in the classic formulation.
    double[] u = new double[n + 1];
    double[] v = new double[n + 1];
    int[] p = new int[n + 1]; // p[j]: the row matched to column j
    int[] way = new int[n + 1];
    double[] minv = new double[n + 1];
    boolean[] used = new boolean[n + 1];
    for (int i = 1; i <= n; i++) {
      p[0] = i;
      int j0 = 0;
      Arrays.fill(minv, Double.POSITIVE_INFINITY);
      Arrays.fill(used, false);
      do {
        used[j0] = true;
        int i0 = p[j0];
        double delta = Double.POSITIVE_INFINITY;
        int j1 = 0;
        for (int j = 1; j <= n; j++) {
          if (!used[j]) {
            double cur = a[i0 - 1][j - 1] - u[i0] - v[j];
            if (cur < minv[j]) {
              minv[j] = cur;
              way[j] = j0;
            }
            if (minv[j] < delta) {
              delta = minv[j];
              j1 = j;
            }
          }
        }
        for (int j = 0; j <= n; j++) {
          if (used[j]) {
            u[p[j]] += delta;
            v[j] -= delta;
          } else {
            minv[j] -= delta;
          }
        }
        j0 = j1;
      } while (p[j0] != 0);
      do {
        int j1 = way[j0];
        p[j0] = p[j1];
        j0 = j1;
      } while (j0 != 0);
    }
    int[] rowToCol = new int[n];
    for (int j = 1; j <= n; j++) {
      rowToCol[p[j] - 1] = j - 1;
    }
    return rowToCol;
  }
}
