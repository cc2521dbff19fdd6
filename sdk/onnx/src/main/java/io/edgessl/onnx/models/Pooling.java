package io.edgessl.onnx.models;

import java.util.Locale;

/**
 * How an encoder's global embedding comes from its last features: {@code cls} (a ViT's [CLS] token
 * after the final norm), or, for a ResNet's final feature map {@code [B, D, h, w]}, {@code gap}
 * (global average, D values), {@code grid:N} (adaptive average pooling to N x N cells, flattened
 * channel-major: D N² values) or {@code map} (the whole map flattened channel-major, i.e. NCHW
 * order per image: D h w values).
 *
 * <p>Why not always gap: on Fashion-MNIST's aligned images where a shape sits in the frame carries
 * class information that the global average throws away; the default model (a MoCo v3 ResNet-tiny)
 * measures 83.73 % k-NN top-1 with gap, 86.43 % with grid:3 and 88.58 % with map
 * (models/README.md).
 *
 * <p>{@code grid:N}'s cells are {@code torch.nn.AdaptiveAvgPool2d}'s: cell i of an axis of length H
 * spans {@code [floor(i H / N), ceil((i + 1) H / N))}, so when N does not divide H neighbouring
 * cells differ in size and may share a row (7 to 2: rows 0-3 and 3-6).
 *
 * @param kind which pooling
 * @param cells N of {@code grid:N}; 0 for the others
 */
public record Pooling(Kind kind, int cells) {
  /** The kinds of pooling. */
  public enum Kind {
    /** A ViT's [CLS] token. */
    CLS,
    /** Global average of the feature map. */
    GAP,
    /** Adaptive average pooling to N x N cells, flattened channel-major. */
    GRID,
    /** The feature map flattened channel-major. */
    MAP
  }

  /** A ViT's [CLS] embedding. */
  public static final Pooling CLS = new Pooling(Kind.CLS, 0);

  /** A ResNet's global average (the embedding it trains with). */
  public static final Pooling GAP = new Pooling(Kind.GAP, 0);

  /** A ResNet's whole feature map, flattened channel-major. */
  public static final Pooling MAP = new Pooling(Kind.MAP, 0);

  /** Largest N of {@code grid:N} accepted. */
  public static final int MAX_CELLS = 64;

  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException when {@code cells} is not 0 for CLS, GAP and MAP, or not 1 to
   *     {@link #MAX_CELLS} for GRID
   */
  public Pooling {
    if ((kind == Kind.GRID) != (cells > 0) || cells < 0 || cells > MAX_CELLS) {
      throw new IllegalArgumentException("pooling " + kind + " with " + cells + " cells");
    }
  }

  /**
   * Adaptive average pooling to {@code n x n} cells.
   *
   * @param n cells a side, 1 to {@link #MAX_CELLS}
   * @return {@code grid:n}
   * @throws IllegalArgumentException when {@code n} is out of range
   */
  public static Pooling grid(int n) {
    if (n < 1 || n > MAX_CELLS) {
      throw new IllegalArgumentException(
          "grid:" + n + " needs 1 to " + MAX_CELLS + " cells a side");
    }
    return new Pooling(Kind.GRID, n);
  }

  /**
   * Parses {@code gap}, {@code cls}, {@code grid:N} or {@code map} (the {@code --embedding}
   * option's values).
   *
   * @param value the option's value, lower case
   * @return the pooling ({@link #GAP}, {@link #CLS} and {@link #MAP} are the constants)
   * @throws IllegalArgumentException naming {@code value} when it is none of these
   */
  public static Pooling parse(String value) {
    switch (value) {
      case "gap":
        return GAP;
      case "cls":
        return CLS;
      case "map":
        return MAP;
      default:
        break;
    }
    if (value.startsWith("grid:")) {
      String n = value.substring("grid:".length());
      if (n.matches("[0-9]{1,4}")) {
        int cells = Integer.parseInt(n);
        if (cells >= 1 && cells <= MAX_CELLS) {
          return new Pooling(Kind.GRID, cells);
        }
      }
    }
    throw new IllegalArgumentException(
        "--embedding '"
            + value
            + "' is not gap, grid:N (N from 1 to "
            + MAX_CELLS
            + "), map or cls");
  }

  /** {@return the option value: {@code cls}, {@code gap}, {@code grid:N} or {@code map}} */
  public String id() {
    return kind == Kind.GRID ? "grid:" + cells : kind.name().toLowerCase(Locale.ROOT);
  }

  /**
   * {@return a phrase for reports, e.g. {@code final feature map average-pooled to 3x3 cells,
   * flattened channel-major}}
   */
  public String describe() {
    return switch (kind) {
      case CLS -> "[CLS] token after the final norm";
      case GAP -> "global average of the final feature map";
      case GRID ->
          "final feature map average-pooled to "
              + cells
              + "x"
              + cells
              + " cells, flattened channel-major";
      case MAP -> "final feature map flattened channel-major";
    };
  }

  /**
   * Embedding size for a feature map of {@code d} channels, {@code h x w} cells.
   *
   * @param d channels of the feature map
   * @param h feature-map height, in cells
   * @param w feature-map width, in cells
   * @return the number of floats in one embedding: {@code d}, {@code d N²} or {@code d h w}
   */
  public int dimension(int d, int h, int w) {
    return switch (kind) {
      case CLS, GAP -> d;
      case GRID -> d * cells * cells;
      case MAP -> d * h * w;
    };
  }

  /**
   * First row (or column) of cell {@code i} of {@code n} along an axis of {@code size}.
   *
   * @param i the cell's index, from 0
   * @param size the axis length, in rows
   * @param n cells along the axis
   * @return {@code floor(i size / n)}
   */
  public static int binStart(int i, int size, int n) {
    return Math.floorDiv(i * size, n);
  }

  /**
   * One past the last row (or column) of cell {@code i} of {@code n} along {@code size}.
   *
   * @param i the cell's index, from 0
   * @param size the axis length, in rows
   * @param n cells along the axis
   * @return {@code ceil((i + 1) size / n)}
   */
  public static int binEnd(int i, int size, int n) {
    return Math.floorDiv((i + 1) * size + n - 1, n);
  }

  /**
   * {@code grid:N} as a matrix {@code [h w, N²]} (row-major) that averages a feature map flattened
   * over its cells: entry {@code (y w + x, i N + j)} is 1 / (cell (i, j)'s area) when pixel (y, x)
   * lies in cell (i, j), else 0. A MatMul by it is adaptive average pooling exactly (up to float
   * rounding), where ONNX AveragePool, with one kernel and stride, cannot express cells of unequal
   * size.
   *
   * @param h feature-map height, in cells
   * @param w feature-map width, in cells
   * @return a new row-major array of {@code h w N²} floats
   * @throws IllegalArgumentException when this is not {@code grid:N}
   */
  public float[] matrix(int h, int w) {
    if (kind != Kind.GRID) {
      throw new IllegalArgumentException(id() + " has no pooling matrix");
    }
    int n = cells;
    float[] p = new float[h * w * n * n];
    for (int i = 0; i < n; i++) {
      int y0 = binStart(i, h, n);
      int y1 = binEnd(i, h, n);
      for (int j = 0; j < n; j++) {
        int x0 = binStart(j, w, n);
        int x1 = binEnd(j, w, n);
        float v = 1f / ((y1 - y0) * (x1 - x0));
        for (int y = y0; y < y1; y++) {
          for (int x = x0; x < x1; x++) {
            p[(y * w + x) * n * n + i * n + j] = v;
          }
        }
      }
    }
    return p;
  }
}
