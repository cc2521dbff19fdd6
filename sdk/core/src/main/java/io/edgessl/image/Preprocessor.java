package io.edgessl.image;

import io.edgessl.internal.kernels.KernelSupport;
import io.edgessl.spi.ImageKernels;
import io.edgessl.spi.PreprocessPlan;
import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * Applies a {@link Preprocessing} to frames: orientation, colour conversion, resize, crop and
 * normalization in one pass, written as planes of floats ({@code channels x height x width},
 * row-major, "NCHW" for one image) straight into the caller's buffer, typically a backend's direct
 * input buffer. No full-size intermediate image is made: the kernel ({@link
 * ImageKernels#preprocess}) converts only the source pixels the filter samples, and keeps a few
 * horizontally resampled rows.
 *
 * <p>The sampling tables (a {@link PreprocessPlan}) depend on the frame's geometry (format, size,
 * strides, plane offsets, orientation) and YUV range; they are computed for the first frame and
 * reused while these stay the same, so a stream of camera frames allocates nothing after its first
 * frame.
 *
 * <p>Not thread-safe: one preprocessor per thread (it is small).
 */
public final class Preprocessor {
  private static final float[] LIMITED = YuvRange.LIMITED.coefficients();
  private static final float[] FULL = YuvRange.FULL.coefficients();

  private final Preprocessing spec;
  private final ImageKernels kernels;
  private final int taps;
  private final int[] channels;
  private final float[] scale;
  private final float[] bias;
  private final int[] colTaps;
  private final float[] scratch;
  private PreprocessPlan plan;
  // The geometry the tables were computed for (not the frame: its pixels are not ours to keep).
  private PixelFormat format;
  private int width;
  private int height;
  private int offset;
  private int rowStride;
  private int chromaOffset;
  private int chromaRowStride;
  private Orientation orientation;
  private YuvRange yuvRange;

  /**
   * A preprocessor on the image kernels this JVM selected (native where they run, else Java).
   *
   * @param spec what to do to each frame
   */
  public Preprocessor(Preprocessing spec) {
    this(spec, KernelSupport.image());
  }

  /**
   * A preprocessor on the image kernels named {@code kernels}: {@code java}, a provider's name such
   * as {@code native}, or the selected kernels' full name such as {@code native-avx2}.
   *
   * @throws IllegalArgumentException when no kernels have that name or they cannot run here
   * @param spec what to do to each frame
   * @param kernels the kernels' name
   */
  public Preprocessor(Preprocessing spec, String kernels) {
    this(spec, KernelSupport.image(Objects.requireNonNull(kernels, "kernels")));
  }

  /**
   * A preprocessor on the given kernels (for kernel implementers and their tests).
   *
   * @param spec what to do to each frame
   * @param kernels the kernels; kept and used by this preprocessor
   */
  public Preprocessor(Preprocessing spec, ImageKernels kernels) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.kernels = Objects.requireNonNull(kernels, "kernels");
    this.taps = spec.interpolation().taps();
    int c = spec.channels();
    switch (spec.color()) {
      case RGB:
        channels = new int[] {0, 1, 2};
        break;
      case BGR:
        channels = new int[] {2, 1, 0};
        break;
      default:
        channels = new int[] {3};
    }
    float[] mean = spec.mean();
    float[] std = spec.std();
    scale = new float[c];
    bias = new float[c];
    for (int i = 0; i < c; i++) {
      // (v / 255 - mean) / std, folded into one multiply-add per value.
      scale[i] = (float) (1.0 / (255.0 * std[i]));
      bias[i] = (float) (-mean[i] / (double) std[i]);
    }
    colTaps = new int[spec.width() * taps];
    scratch = new float[taps * spec.width() * c + spec.width()];
  }

  /**
   * What this preprocessor does.
   *
   * @return the preprocessing
   */
  public Preprocessing spec() {
    return spec;
  }

  /**
   * Name of the kernels that run the per-pixel loop (e.g. {@code native-avx512} or {@code java}).
   *
   * @return the kernels' full name
   */
  public String kernelsName() {
    return kernels.name();
  }

  /**
   * The plan of the last frame's geometry, or {@code null} before the first frame (for kernel tests
   * and benchmarks).
   *
   * @return the cached plan, or null
   */
  public PreprocessPlan plan() {
    return plan;
  }

  /**
   * Floats written per frame: {@code channels * height * width}.
   *
   * @return the number of floats per frame
   */
  public int outputSize() {
    return spec.size();
  }

  /**
   * Preprocesses {@code frame} into {@code dst[offset, offset + outputSize())} (absolute indices;
   * the buffer's position and limit are not changed).
   *
   * @throws IllegalArgumentException when {@code dst} is too small, or read-only
   * @param frame the image; read, not kept
   * @param dst receives {@link #outputSize()} floats; not kept
   * @param offset index in {@code dst} of the first float written
   */
  public void run(Frame frame, FloatBuffer dst, int offset) {
    Objects.requireNonNull(frame, "frame");
    Objects.requireNonNull(dst, "dst");
    if (offset < 0 || (long) offset + outputSize() > dst.capacity()) {
      throw new IllegalArgumentException(
          "output of "
              + outputSize()
              + " floats at offset "
              + offset
              + " does not fit a buffer of "
              + dst.capacity());
    }
    if (dst.isReadOnly()) {
      throw new IllegalArgumentException("output buffer is read-only");
    }
    if (!sameGeometry(frame)) {
      plan = plan(frame);
    }
    kernels.preprocess(frame.buffer(), plan, dst, offset, scratch);
  }

  /**
   * The plan for frames of {@code frame}'s geometry and YUV range (for kernel tests and benchmarks:
   * {@link #run} computes and caches it itself).
   *
   * @param frame a frame of the geometry wanted; its pixels are not read
   * @return the plan, cached until a frame of another geometry comes
   */
  public PreprocessPlan planFor(Frame frame) {
    if (!sameGeometry(Objects.requireNonNull(frame, "frame"))) {
      plan = plan(frame);
    }
    return plan;
  }

  /**
   * Preprocesses into a float array (tests, tools); same values as {@link #run(Frame, FloatBuffer,
   * int)}.
   *
   * @param frame the image; read, not kept
   * @param dst receives {@link #outputSize()} floats; not kept
   * @param offset index in {@code dst} of the first float written
   * @throws IllegalArgumentException when {@code dst} is too small
   */
  public void run(Frame frame, float[] dst, int offset) {
    run(frame, FloatBuffer.wrap(dst), offset);
  }

  /** Computes the sampling tables for a frame's geometry and remembers that geometry. */
  private PreprocessPlan plan(Frame f) {
    int uh = f.uprightHeight();
    int uw = f.uprightWidth();
    int[] win = spec.window(uh, uw);
    int[] rowTaps = new int[spec.height() * taps];
    float[] rowWeights = new float[spec.height() * taps];
    float[] colWeights = new float[spec.width() * taps];
    int[] colOffsets = new int[2 * spec.width() * taps];
    filterTaps(uh, win[0], win[2], spec.height(), rowTaps, rowWeights);
    filterTaps(uw, win[1], win[3], spec.width(), colTaps, colWeights);
    int[] rowOffsets = new int[2 * uh];
    Orientation o = f.orientation();
    int h = f.height();
    int w = f.width();
    // Upright (r, c) -> mirrored (my, mx): 0: (r, c); 90: (h-1-c, r); 180: (h-1-r, w-1-c);
    // 270: (c, w-1-r). Then the stored column is w-1-mx when mirrored. Each upright axis thus runs
    // along one stored axis, forwards or backwards, and a pixel's byte offset is a row term plus a
    // column term.
    for (int r = 0; r < uh; r++) {
      switch (o.degrees()) {
        case 0:
          storedRow(f, r, rowOffsets, r);
          break;
        case 90:
          storedCol(f, o.mirrored() ? w - 1 - r : r, rowOffsets, r);
          break;
        case 180:
          storedRow(f, h - 1 - r, rowOffsets, r);
          break;
        default:
          storedCol(f, o.mirrored() ? r : w - 1 - r, rowOffsets, r);
      }
    }
    // Columns are addressed per tap (not per upright column): one lookup less per sample.
    for (int k = 0; k < colTaps.length; k++) {
      int c = colTaps[k];
      switch (o.degrees()) {
        case 0:
          storedCol(f, o.mirrored() ? w - 1 - c : c, colOffsets, k);
          break;
        case 90:
          storedRow(f, h - 1 - c, colOffsets, k);
          break;
        case 180:
          storedCol(f, o.mirrored() ? c : w - 1 - c, colOffsets, k);
          break;
        default:
          storedRow(f, c, colOffsets, k);
      }
    }
    format = f.format();
    width = w;
    height = h;
    offset = f.offset();
    rowStride = f.rowStride();
    chromaOffset = f.chromaOffset();
    chromaRowStride = f.chromaRowStride();
    orientation = o;
    yuvRange = f.yuvRange();
    return PreprocessPlan.builder(f.format(), taps, spec.height(), spec.width())
        .yuv(yuvRange == YuvRange.FULL ? FULL : LIMITED)
        .rowOffsets(rowOffsets)
        .rows(rowTaps, rowWeights)
        .columns(colOffsets, colWeights)
        .channels(channels, scale, bias)
        .build();
  }

  private boolean sameGeometry(Frame f) {
    return f.format() == format
        && f.width() == width
        && f.height() == height
        && f.offset() == offset
        && f.rowStride() == rowStride
        && f.chromaOffset() == chromaOffset
        && f.chromaRowStride() == chromaRowStride
        && f.orientation() == orientation
        && f.yuvRange() == yuvRange;
  }

  /** Byte offsets (luma, chroma) contributed by stored row {@code y}. */
  private static void storedRow(Frame f, int y, int[] out, int i) {
    int luma = f.offset() + y * f.rowStride();
    int chroma;
    switch (f.format()) {
      case NV12:
      case NV21:
        chroma = f.chromaOffset() + (y >> 1) * f.chromaRowStride();
        break;
      case YUYV:
        chroma = luma;
        break;
      default:
        chroma = 0;
    }
    out[2 * i] = luma;
    out[2 * i + 1] = chroma;
  }

  /** Byte offsets (luma, chroma) contributed by stored column {@code x}. */
  private static void storedCol(Frame f, int x, int[] out, int i) {
    int luma;
    int chroma = 0;
    switch (f.format()) {
      case RGB:
      case BGR:
        luma = 3 * x;
        break;
      case RGBA:
      case BGRA:
        luma = 4 * x;
        break;
      case NV12:
      case NV21:
        luma = x;
        chroma = 2 * (x >> 1);
        break;
      case YUYV:
        luma = 2 * x;
        chroma = 4 * (x >> 1) + 1;
        break;
      default:
        luma = x;
    }
    out[2 * i] = luma;
    out[2 * i + 1] = chroma;
  }

  /**
   * Taps and weights along one axis: output pixel {@code i} samples the resized image at {@code
   * start + i}, i.e. the source at {@code (start + i + 0.5) * source / resized - 0.5} (half-pixel
   * centres), with indices clamped to the source (OpenCV's border replication).
   */
  private void filterTaps(int source, int resized, int start, int out, int[] idx, float[] wts) {
    double ratio = (double) source / resized;
    for (int i = 0; i < out; i++) {
      double centre = (start + i + 0.5) * ratio - 0.5;
      int base = (int) Math.floor(centre);
      double t = centre - base;
      int at = i * taps;
      if (taps == 2) {
        wts[at] = (float) (1 - t);
        wts[at + 1] = (float) t;
        idx[at] = clamp(base, source);
        idx[at + 1] = clamp(base + 1, source);
      } else {
        // Keys' cubic convolution with a = -0.75 (OpenCV's interpolateCubic, PyTorch's
        // upsample_bicubic2d): weights of pixels base-1 .. base+2; the last makes the sum exactly
        // 1.
        final double a = -0.75;
        double x0 = t + 1;
        double w0 = ((a * x0 - 5 * a) * x0 + 8 * a) * x0 - 4 * a;
        double w1 = ((a + 2) * t - (a + 3)) * t * t + 1;
        double x2 = 1 - t;
        double w2 = ((a + 2) * x2 - (a + 3)) * x2 * x2 + 1;
        double w3 = 1 - w0 - w1 - w2;
        wts[at] = (float) w0;
        wts[at + 1] = (float) w1;
        wts[at + 2] = (float) w2;
        wts[at + 3] = (float) w3;
        for (int k = 0; k < 4; k++) {
          idx[at + k] = clamp(base - 1 + k, source);
        }
      }
    }
  }

  private static int clamp(int i, int n) {
    return i < 0 ? 0 : (i >= n ? n - 1 : i);
  }
}
