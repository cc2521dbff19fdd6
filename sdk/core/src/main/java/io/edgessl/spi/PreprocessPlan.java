package io.edgessl.spi;

import io.edgessl.image.PixelFormat;
import io.edgessl.internal.kernels.KernelChecks;
import io.edgessl.internal.kernels.PlanAccess;
import io.edgessl.internal.kernels.PlanTables;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the per-pixel loop of preprocessing does for one frame geometry: how to read the frame's
 * bytes, which rows and columns to sample with which weights, and how to normalize the output
 * planes. {@code io.edgessl.image.Preprocessor} computes it from a {@code Preprocessing} and a
 * frame's geometry; {@link ImageKernels#preprocess} only follows it, so a C or CUDA kernel mirrors
 * it table for table ({@code const int32_t *rowOffsets}, ...).
 *
 * <p>Immutable and validated: {@link Builder#build()} copies every table and checks every length,
 * every row tap and every channel, so a kernel only has to check the frame, the output and the
 * scratch against it ({@link #sourceBytes()}, {@link #outputSize()}, {@link #scratchSize()}).
 *
 * <p><b>Addressing.</b> The upright image (the frame turned by its orientation) has {@code H_u =
 * rowOffsets.length / 2} rows. With {@code T = taps}, tap {@code s} of output column {@code x} and
 * upright row {@code r} name the bytes at the <i>luma position</i> {@code L = rowOffsets[2 r] +
 * colOffsets[2 (x T + s)]} and the <i>chroma position</i> {@code C = rowOffsets[2 r + 1] +
 * colOffsets[2 (x T + s) + 1]}, absolute indices into the frame's bytes (a buffer's position and
 * limit are ignored). Per format the samples are: RGB {@code R, G, B = src[L], src[L + 1], src[L +
 * 2]}; BGR the reverse; RGBA as RGB; BGRA as BGR; GRAY {@code Y = src[L]}; NV12 {@code Y = src[L],
 * U = src[C], V = src[C + 1]}; NV21 {@code Y = src[L], V = src[C], U = src[C + 1]}; YUYV {@code Y =
 * src[L], U = src[C], V = src[C + 2]}. Bytes are unsigned.
 *
 * <p><b>Conversion.</b> YUV: {@code R = yuv[1] (Y - yuv[0]) + yuv[2] (V - 128)}, {@code G = yuv[1]
 * (Y - yuv[0]) - yuv[3] (U - 128) - yuv[4] (V - 128)}, {@code B = yuv[1] (Y - yuv[0]) + yuv[5] (U -
 * 128)}, each clamped to [0, 255] (see {@code io.edgessl.image.YuvRange#coefficients()}); GRAY:
 * {@code R = G = B = Y}. Components are numbered 0 = R, 1 = G, 2 = B, 3 = luma {@code 0.299 R +
 * 0.587 G + 0.114 B} (for GRAY frames, exactly {@code Y}). Nothing is rounded to integers.
 *
 * <p><b>Resampling.</b> Output pixel {@code (y, x)} of component {@code k} is {@code sum_t
 * rowWeights[y T + t] * (sum_s colWeights[x T + s] * comp_k(row rowTaps[y T + t], tap s of column
 * x))}: the inner (horizontal) sums first, then the vertical one, in float. For each output row the
 * row taps are {@code T} consecutive upright rows clamped to {@code [0, H_u)}, non-decreasing from
 * one output row to the next (implementations cache horizontally resampled rows on that basis; the
 * builder enforces it).
 *
 * <p><b>Output.</b> For each output channel {@code c < channels.length}, {@code dst[dstOffset + (c
 * outHeight + y) outWidth + x] = value_{channels[c]}(y, x) * scale[c] + bias[c]}. {@code channels}
 * holds component numbers, e.g. {@code {0, 1, 2}} for RGB planes, {@code {2, 1, 0}} for BGR, {@code
 * {3}} for grey.
 */
public final class PreprocessPlan {
  static {
    PlanAccess.register(p -> p.tables);
  }

  private final PixelFormat format;
  private final int taps;
  private final int outHeight;
  private final int outWidth;
  private final PlanTables tables;
  private final long lumaFirst;
  private final long lumaEnd;
  private final long chromaFirst;
  private final long chromaEnd;

  private PreprocessPlan(Builder b) {
    this.format = b.format;
    this.taps = b.taps;
    this.outHeight = b.outHeight;
    this.outWidth = b.outWidth;
    this.tables =
        new PlanTables(
            b.format.isYuv() ? copy(b.yuv, "yuv") : null,
            copy(b.rowOffsets, "rowOffsets"),
            copy(b.rowTaps, "rowTaps"),
            copy(b.rowWeights, "rowWeights"),
            copy(b.colOffsets, "colOffsets"),
            copy(b.colWeights, "colWeights"),
            copy(b.channels, "channels"),
            copy(b.scale, "scale"),
            copy(b.bias, "bias"));
    long[] reads = KernelChecks.plan(format, taps, outHeight, outWidth, tables);
    this.lumaFirst = reads[0];
    this.lumaEnd = reads[1];
    this.chromaFirst = reads[2];
    this.chromaEnd = reads[3];
  }

  /**
   * A builder for a plan of {@code outHeight x outWidth} output pixels read from frames in {@code
   * format}, resampled with {@code taps} filter taps per direction (2 bilinear, 4 bicubic).
   *
   * @param format the frames' pixel format
   * @param taps filter taps per direction, positive
   * @param outHeight output rows, positive
   * @param outWidth output columns, positive
   * @return a new builder; every table must be given
   */
  public static Builder builder(PixelFormat format, int taps, int outHeight, int outWidth) {
    return new Builder(format, taps, outHeight, outWidth);
  }

  /**
   * How the frame's bytes encode pixels.
   *
   * @return the pixel format
   */
  public PixelFormat format() {
    return format;
  }

  /**
   * Filter taps per direction, {@code T}.
   *
   * @return the taps per direction
   */
  public int taps() {
    return taps;
  }

  /**
   * Output rows.
   *
   * @return the number of output rows
   */
  public int outHeight() {
    return outHeight;
  }

  /**
   * Output columns.
   *
   * @return the number of output columns
   */
  public int outWidth() {
    return outWidth;
  }

  /**
   * Output planes ({@code channels.length}).
   *
   * @return the number of output planes
   */
  public int channelCount() {
    return tables.channels().length;
  }

  /**
   * Upright rows the row offsets describe, {@code H_u}.
   *
   * @return the number of upright rows
   */
  public int rows() {
    return tables.rowOffsets().length / 2;
  }

  /**
   * Floats one frame writes: {@code channelCount() * outHeight() * outWidth()}.
   *
   * @return the number of floats
   */
  public long outputSize() {
    return (long) channelCount() * outHeight * outWidth;
  }

  /**
   * Floats of working memory a Java kernel needs: {@code taps * outWidth * channelCount +
   * outWidth}.
   *
   * @return the number of floats
   */
  public long scratchSize() {
    return (long) taps * outWidth * channelCount() + outWidth;
  }

  /**
   * Bytes a frame must hold (its capacity) for every sample to lie inside it; 0 if none is read.
   *
   * @return the size in bytes
   */
  public long sourceBytes() {
    return Math.max(lumaEnd, chromaEnd);
  }

  /**
   * Smallest and one-past-largest byte index of the luma samples ({@code {0, 0}} when none).
   *
   * @return a new array of two byte indices
   */
  public long[] lumaRange() {
    return new long[] {lumaFirst, lumaEnd};
  }

  /**
   * Smallest and one-past-largest byte index of the chroma samples ({@code {0, 0}} when none).
   *
   * @return a new array of two byte indices
   */
  public long[] chromaRange() {
    return new long[] {chromaFirst, chromaEnd};
  }

  /**
   * A copy of the six YUV to RGB coefficients, or {@code null} for RGB and grey formats.
   *
   * @return a new array of six floats, or null
   */
  public float[] yuv() {
    return tables.yuv() == null ? null : tables.yuv().clone();
  }

  /**
   * A copy of the row offsets: {@code 2 * rows()} bytes offsets, luma then chroma per row.
   *
   * @return a new array, owned by the caller
   */
  public int[] rowOffsets() {
    return tables.rowOffsets().clone();
  }

  /**
   * A copy of the row taps: {@code outHeight * taps} upright row indices.
   *
   * @return a new array, owned by the caller
   */
  public int[] rowTaps() {
    return tables.rowTaps().clone();
  }

  /**
   * A copy of the row weights: {@code outHeight * taps}.
   *
   * @return a new array, owned by the caller
   */
  public float[] rowWeights() {
    return tables.rowWeights().clone();
  }

  /**
   * A copy of the column offsets: {@code 2 * outWidth * taps} byte offsets, luma then chroma.
   *
   * @return a new array, owned by the caller
   */
  public int[] colOffsets() {
    return tables.colOffsets().clone();
  }

  /**
   * A copy of the column weights: {@code outWidth * taps}.
   *
   * @return a new array, owned by the caller
   */
  public float[] colWeights() {
    return tables.colWeights().clone();
  }

  /**
   * A copy of the component number of each output plane.
   *
   * @return a new array, owned by the caller
   */
  public int[] channels() {
    return tables.channels().clone();
  }

  /**
   * A copy of the scale of each output plane.
   *
   * @return a new array, owned by the caller
   */
  public float[] scale() {
    return tables.scale().clone();
  }

  /**
   * A copy of the bias of each output plane.
   *
   * @return a new array, owned by the caller
   */
  public float[] bias() {
    return tables.bias().clone();
  }

  @Override
  public String toString() {
    return "PreprocessPlan["
        + format
        + ", "
        + rows()
        + " rows -> "
        + channelCount()
        + "x"
        + outHeight
        + "x"
        + outWidth
        + ", "
        + taps
        + " taps]";
  }

  private static int[] copy(int[] a, String name) {
    return Objects.requireNonNull(a, name).clone();
  }

  private static float[] copy(float[] a, String name) {
    return Objects.requireNonNull(a, name).clone();
  }

  /**
   * Collects the tables of a plan; {@link #build()} copies and checks them. Every table is
   * required, {@link #yuv} only for YUV formats.
   */
  public static final class Builder {
    private final PixelFormat format;
    private final int taps;
    private final int outHeight;
    private final int outWidth;
    private float[] yuv;
    private int[] rowOffsets;
    private int[] rowTaps;
    private float[] rowWeights;
    private int[] colOffsets;
    private float[] colWeights;
    private int[] channels;
    private float[] scale;
    private float[] bias;

    private Builder(PixelFormat format, int taps, int outHeight, int outWidth) {
      this.format = Objects.requireNonNull(format, "format");
      this.taps = taps;
      this.outHeight = outHeight;
      this.outWidth = outWidth;
    }

    /**
     * The six YUV to RGB coefficients (see {@code YuvRange#coefficients()}).
     *
     * @param coefficients six floats; kept until {@link #build()} copies them
     * @return this builder
     */
    public Builder yuv(float[] coefficients) {
      this.yuv = coefficients;
      return this;
    }

    /**
     * {@code 2 * H_u} byte offsets: the luma and chroma part of each upright row.
     *
     * @param offsets the offsets in bytes; kept until {@link #build()} copies them
     * @return this builder
     */
    public Builder rowOffsets(int[] offsets) {
      this.rowOffsets = offsets;
      return this;
    }

    /**
     * The vertical filter: {@code outHeight * taps} upright row indices and their weights.
     *
     * @param taps the row indices; kept until {@link #build()} copies them
     * @param weights the weights; kept until {@link #build()} copies them
     * @return this builder
     */
    public Builder rows(int[] taps, float[] weights) {
      this.rowTaps = taps;
      this.rowWeights = weights;
      return this;
    }

    /**
     * The horizontal filter: {@code 2 * outWidth * taps} byte offsets (luma and chroma part of each
     * column tap) and {@code outWidth * taps} weights.
     *
     * @param offsets the offsets in bytes; kept until {@link #build()} copies them
     * @param weights the weights; kept until {@link #build()} copies them
     * @return this builder
     */
    public Builder columns(int[] offsets, float[] weights) {
      this.colOffsets = offsets;
      this.colWeights = weights;
      return this;
    }

    /**
     * The output planes: component number of each, its scale and its bias.
     *
     * @param components the component (0..3) of each plane; kept until {@link #build()} copies it
     * @param scale the scale of each plane; kept until {@link #build()} copies it
     * @param bias the bias of each plane; kept until {@link #build()} copies it
     * @return this builder
     */
    public Builder channels(int[] components, float[] scale, float[] bias) {
      this.channels = components;
      this.scale = scale;
      this.bias = bias;
      return this;
    }

    /**
     * Copies and checks the tables.
     *
     * @throws NullPointerException for a missing table (named)
     * @throws IllegalArgumentException for a non-positive tap or channel count, a negative size, a
     *     table too short, a channel outside 0..3, a row tap outside the rows or out of the order
     *     the contract states, or a sample before the frame's first byte; the message names the
     *     values
     * @return a new, immutable plan holding copies of the tables
     */
    public PreprocessPlan build() {
      return new PreprocessPlan(this);
    }

    @Override
    public String toString() {
      return "PreprocessPlan.Builder["
          + format
          + ", "
          + taps
          + " taps, "
          + outHeight
          + "x"
          + outWidth
          + ", channels "
          + Arrays.toString(channels)
          + "]";
    }
  }
}
