package io.edgessl.image;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An image over pixels the caller owns: a byte array or a {@link ByteBuffer} (heap or direct), its
 * {@link PixelFormat}, size, row strides, plane offsets, {@link Orientation} and, for YUV formats,
 * {@link YuvRange}. A frame copies nothing: the pixels are read when the frame is preprocessed, and
 * must not change during that call. It keeps no reference to them afterwards beyond the frame
 * object itself, so a camera buffer can be refilled once the call has returned.
 *
 * {@snippet :
 * Frame rgb = Frame.of(pixels, PixelFormat.RGB, 640, 480);           // tightly packed
 * Frame nv21 = Frame.builder(PixelFormat.NV21, 640, 480)             // Android camera1 preview
 *     .pixels(previewBytes)
 *     .orientation(Orientation.ROTATE_90)
 *     .yuvRange(YuvRange.FULL)
 *     .build();
 * }
 *
 * <p>Byte positions are absolute indices into the array or buffer (a buffer's position and limit
 * are ignored; its capacity bounds the frame). Plane 0 starts at {@link #offset()} and its rows are
 * {@link #rowStride()} bytes apart; for NV12 and NV21 the chroma plane starts at {@link
 * #chromaOffset()} with rows {@link #chromaRowStride()} bytes apart. The builder checks that every
 * byte the frame describes lies inside the pixels, so a frame of the wrong size or format is
 * rejected with an {@link IllegalArgumentException} naming the bytes needed, before anything reads
 * it.
 *
 * <p>Frames are immutable and thread-safe (the pixels are the caller's business).
 */
public final class Frame {
  private final ByteBuffer pixels;
  private final PixelFormat format;
  private final int width;
  private final int height;
  private final int offset;
  private final int rowStride;
  private final int chromaOffset;
  private final int chromaRowStride;
  private final Orientation orientation;
  private final YuvRange yuvRange;

  private Frame(Builder b, int rowStride, int chromaOffset, int chromaRowStride) {
    this.pixels = b.array != null ? ByteBuffer.wrap(b.array) : b.buffer;
    this.format = b.format;
    this.width = b.width;
    this.height = b.height;
    this.offset = b.offset;
    this.rowStride = rowStride;
    this.chromaOffset = chromaOffset;
    this.chromaRowStride = chromaRowStride;
    this.orientation = b.orientation;
    this.yuvRange = b.yuvRange;
  }

  /**
   * A tightly packed, upright frame over {@code pixels} (rows {@link PixelFormat#minRowStride}
   * bytes apart; for NV12/NV21 the chroma plane follows the Y plane), BT.601 limited range for YUV.
   *
   * @throws IllegalArgumentException when {@code pixels} is too short for that
   * @param pixels the pixels; kept (not copied) by the frame, the caller's to refill after use
   * @param format the pixel format
   * @param width width in pixels, positive
   * @param height height in pixels, positive
   * @return the frame
   */
  public static Frame of(byte[] pixels, PixelFormat format, int width, int height) {
    return builder(format, width, height).pixels(pixels).build();
  }

  /**
   * A builder for a frame of this format and size (of the pixels as stored, before rotation).
   *
   * @param format the pixel format
   * @param width width of the stored pixels, in pixels, positive
   * @param height height of the stored pixels, in pixels, positive
   * @return a new builder; pixels are required, the rest defaults to a tightly packed upright frame
   */
  public static Builder builder(PixelFormat format, int width, int height) {
    return new Builder(format, width, height);
  }

  /**
   * The pixels, as a buffer whose index 0 is the array's element 0 when built from an array.
   *
   * @return a new view (duplicate) of the pixels, sharing their content; its position and limit are
   *     the caller's
   */
  public ByteBuffer pixels() {
    return pixels.duplicate();
  }

  /** The buffer the preprocessing kernels read (not a copy: never modify it). */
  ByteBuffer buffer() {
    return pixels;
  }

  /** {@return the pixel format} */
  public PixelFormat format() {
    return format;
  }

  /**
   * Width of the stored pixels, before any rotation.
   *
   * @return the stored width, in pixels
   */
  public int width() {
    return width;
  }

  /**
   * Height of the stored pixels, before any rotation.
   *
   * @return the stored height, in pixels
   */
  public int height() {
    return height;
  }

  /**
   * Width once turned upright by the {@link #orientation()}.
   *
   * @return the upright width, in pixels
   */
  public int uprightWidth() {
    return orientation.swapsAxes() ? height : width;
  }

  /**
   * Height once turned upright by the {@link #orientation()}.
   *
   * @return the upright height, in pixels
   */
  public int uprightHeight() {
    return orientation.swapsAxes() ? width : height;
  }

  /**
   * Index of the first byte of plane 0 (the only plane, or the Y plane).
   *
   * @return the byte index of plane 0
   */
  public int offset() {
    return offset;
  }

  /**
   * Bytes between the starts of consecutive rows of plane 0.
   *
   * @return the row stride of plane 0, in bytes
   */
  public int rowStride() {
    return rowStride;
  }

  /**
   * Index of the first byte of the chroma plane (NV12, NV21); 0 for other formats.
   *
   * @return the byte index of the chroma plane, or 0
   */
  public int chromaOffset() {
    return chromaOffset;
  }

  /**
   * Bytes between chroma rows (NV12, NV21); 0 for other formats.
   *
   * @return the chroma row stride, in bytes, or 0
   */
  public int chromaRowStride() {
    return chromaRowStride;
  }

  /** {@return how the stored pixels turn upright} */
  public Orientation orientation() {
    return orientation;
  }

  /**
   * The YUV to RGB conversion of a YUV frame (ignored for other formats).
   *
   * @return the YUV range
   */
  public YuvRange yuvRange() {
    return yuvRange;
  }

  @Override
  public String toString() {
    return format
        + " frame "
        + width
        + "x"
        + height
        + (orientation == Orientation.UPRIGHT ? "" : " " + orientation);
  }

  /** Describes a frame; {@link #build()} checks it against the pixels. */
  public static final class Builder {
    private final PixelFormat format;
    private final int width;
    private final int height;
    private byte[] array;
    private ByteBuffer buffer;
    private int offset;
    private int rowStride = -1; // -1: not set, use the default
    private int chromaOffset = -1;
    private int chromaRowStride = -1;
    private Orientation orientation = Orientation.UPRIGHT;
    private YuvRange yuvRange = YuvRange.LIMITED;

    private Builder(PixelFormat format, int width, int height) {
      this.format = Objects.requireNonNull(format, "format");
      if (width <= 0 || height <= 0) {
        throw new IllegalArgumentException("frame size must be positive: " + width + "x" + height);
      }
      this.width = width;
      this.height = height;
    }

    /**
     * The pixels, in a byte array (not copied).
     *
     * @param pixels the pixels; kept by the frame
     * @return this builder
     */
    public Builder pixels(byte[] pixels) {
      this.array = Objects.requireNonNull(pixels, "pixels");
      this.buffer = null;
      return this;
    }

    /**
     * The pixels, in a heap or direct buffer (not copied; position and limit are ignored).
     *
     * @param pixels the pixels; kept by the frame, which reads it by absolute index
     * @return this builder
     */
    public Builder pixels(ByteBuffer pixels) {
      this.buffer = Objects.requireNonNull(pixels, "pixels");
      this.array = null;
      return this;
    }

    /**
     * Index of the first byte of plane 0 (default 0).
     *
     * @param offset a byte index, not negative
     * @return this builder
     */
    public Builder offset(int offset) {
      this.offset = nonNegative(offset, "offset");
      return this;
    }

    /**
     * Bytes between rows of plane 0 (default: {@link PixelFormat#minRowStride}).
     *
     * @param rowStride the row stride in bytes, at least one row of pixels
     * @return this builder
     */
    public Builder rowStride(int rowStride) {
      this.rowStride = nonNegative(rowStride, "row stride");
      return this;
    }

    /**
     * Where the chroma plane of an NV12 or NV21 frame starts (default: right after the Y plane, at
     * {@code offset + rowStride * height}).
     *
     * @param chromaOffset a byte index, not negative
     * @return this builder
     */
    public Builder chromaOffset(int chromaOffset) {
      this.chromaOffset = nonNegative(chromaOffset, "chroma offset");
      return this;
    }

    /**
     * Bytes between rows of the chroma plane (default: the Y plane's row stride, or a chroma row
     * when that is longer, as for odd widths).
     *
     * @param chromaRowStride the chroma row stride in bytes, at least one chroma row
     * @return this builder
     */
    public Builder chromaRowStride(int chromaRowStride) {
      this.chromaRowStride = nonNegative(chromaRowStride, "chroma row stride");
      return this;
    }

    /**
     * How to turn the stored pixels upright (default {@link Orientation#UPRIGHT}).
     *
     * @param orientation the orientation
     * @return this builder
     */
    public Builder orientation(Orientation orientation) {
      this.orientation = Objects.requireNonNull(orientation, "orientation");
      return this;
    }

    /**
     * The YUV to RGB conversion (default {@link YuvRange#LIMITED}); YUV formats only.
     *
     * @param yuvRange the YUV range
     * @return this builder
     */
    public Builder yuvRange(YuvRange yuvRange) {
      this.yuvRange = Objects.requireNonNull(yuvRange, "yuvRange");
      return this;
    }

    /**
     * Checks the description against the pixels and makes the frame.
     *
     * @throws IllegalArgumentException naming the bytes needed and the bytes present when the
     *     pixels are too short, a stride is smaller than a row, or an option does not apply to the
     *     format
     * @return a new frame over the builder's pixels
     */
    public Frame build() {
      if (array == null && buffer == null) {
        throw new IllegalArgumentException("no pixels given for the " + describe());
      }
      long capacity = array != null ? array.length : buffer.capacity();
      long minStride = format.minRowStride(width);
      int stride = rowStride >= 0 ? rowStride : (int) Math.min(Integer.MAX_VALUE, minStride);
      if (stride < minStride) {
        throw new IllegalArgumentException(
            describe()
                + ": row stride "
                + stride
                + " is less than a row of "
                + minStride
                + " bytes");
      }
      long planeEnd = offset + (long) stride * (height - 1) + minStride;
      if (!format.hasChromaPlane()) {
        if (chromaOffset >= 0 || chromaRowStride >= 0) {
          throw new IllegalArgumentException(
              describe() + ": chroma offset and stride apply to NV12 and NV21 only");
        }
        requireBytes(planeEnd, capacity, "", stride);
        return new Frame(this, stride, 0, 0);
      }
      requireBytes(planeEnd, capacity, " for the Y plane", stride);
      long minChroma = format.minChromaRowStride(width);
      int cStride = chromaRowStride >= 0 ? chromaRowStride : (int) Math.max(stride, minChroma);
      if (cStride < minChroma) {
        throw new IllegalArgumentException(
            describe()
                + ": chroma row stride "
                + cStride
                + " is less than a row of "
                + minChroma
                + " bytes");
      }
      long c = chromaOffset >= 0 ? chromaOffset : offset + (long) stride * height;
      if (c > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(describe() + ": Y plane exceeds 2 GB");
      }
      long chromaEnd = c + (long) cStride * (format.chromaRows(height) - 1) + minChroma;
      requireBytes(chromaEnd, capacity, " for the chroma plane from byte " + c, stride);
      return new Frame(this, stride, (int) c, cStride);
    }

    private static int nonNegative(int v, String what) {
      if (v < 0) {
        throw new IllegalArgumentException(what + " must not be negative: " + v);
      }
      return v;
    }

    private void requireBytes(long end, long capacity, String what, int stride) {
      if (end > capacity) {
        throw new IllegalArgumentException(
            describe()
                + " needs "
                + end
                + " bytes"
                + what
                + " (offset "
                + offset
                + ", row stride "
                + stride
                + ") but the pixels hold "
                + capacity);
      }
    }

    private String describe() {
      return format + " frame " + width + "x" + height;
    }
  }
}
