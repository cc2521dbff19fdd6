package io.edgessl.image;

/**
 * How the bytes of a {@link Frame} encode its pixels. Every format is 8 bits per sample.
 *
 * <table>
 *   <caption>Layouts</caption>
 *   <tr><th>format</th><th>layout</th><th>minimum row stride</th></tr>
 *   <tr><td>{@link #RGB}, {@link #BGR}</td><td>3 bytes a pixel, in that order</td>
 *       <td>{@code 3 * width}</td></tr>
 *   <tr><td>{@link #RGBA}, {@link #BGRA}</td><td>4 bytes a pixel; alpha is ignored</td>
 *       <td>{@code 4 * width}</td></tr>
 *   <tr><td>{@link #GRAY}</td><td>1 byte a pixel (luma)</td><td>{@code width}</td></tr>
 *   <tr><td>{@link #NV12}, {@link #NV21}</td><td>YUV 4:2:0: a full-size Y plane, then a plane of
 *       interleaved chroma pairs ({@code U,V} for NV12, {@code V,U} for NV21) at half resolution in
 *       both directions, {@code ceil(width / 2) x ceil(height / 2)} pairs; pixel {@code (x, y)}
 *       uses pair {@code (x / 2, y / 2)}</td><td>{@code width} (Y plane), {@code 2 * ceil(width /
 *       2)} (chroma plane)</td></tr>
 *   <tr><td>{@link #YUYV}</td><td>YUV 4:2:2 packed ("YUY2"): each 4 bytes {@code Y0 U Y1 V} hold
 *       two horizontally adjacent pixels that share {@code U, V}; a row holds {@code ceil(width /
 *       2)} such groups</td><td>{@code 4 * ceil(width / 2)}</td></tr>
 * </table>
 *
 * <p>YUV samples are converted to RGB with the frame's {@link YuvRange} (BT.601).
 */
public enum PixelFormat {
  /** Red, green, blue: 3 bytes a pixel. */
  RGB(3, false),
  /** Blue, green, red (OpenCV's default order): 3 bytes a pixel. */
  BGR(3, false),
  /** Red, green, blue, alpha: 4 bytes a pixel; alpha is ignored. */
  RGBA(4, false),
  /** Blue, green, red, alpha (Android's and Windows' native order): 4 bytes; alpha is ignored. */
  BGRA(4, false),
  /** One luma byte a pixel. */
  GRAY(1, false),
  /** YUV 4:2:0, Y plane then interleaved U,V pairs (V4L2, most hardware decoders). */
  NV12(1, true),
  /** YUV 4:2:0, Y plane then interleaved V,U pairs (Android camera1 preview frames). */
  NV21(1, true),
  /** YUV 4:2:2 packed as Y0 U Y1 V (USB webcams). */
  YUYV(2, false);

  private final int lumaBytesPerPixel;
  private final boolean chromaPlane;

  PixelFormat(int lumaBytesPerPixel, boolean chromaPlane) {
    this.lumaBytesPerPixel = lumaBytesPerPixel;
    this.chromaPlane = chromaPlane;
  }

  /**
   * Whether the format stores a separate chroma plane (NV12, NV21).
   *
   * @return true for NV12 and NV21
   */
  public boolean hasChromaPlane() {
    return chromaPlane;
  }

  /**
   * Whether the pixels are YUV (converted to RGB with a {@link YuvRange}).
   *
   * @return true for YUV formats
   */
  public boolean isYuv() {
    return this == NV12 || this == NV21 || this == YUYV;
  }

  /**
   * The smallest row stride, in bytes, of the first (or only) plane of a frame this wide.
   *
   * @param width the frame's width in pixels
   * @return the stride in bytes
   */
  public long minRowStride(int width) {
    if (this == YUYV) {
      return 4L * ((width + 1L) / 2);
    }
    return (long) lumaBytesPerPixel * width;
  }

  /**
   * The smallest row stride of the chroma plane (NV12, NV21), in bytes; 0 for other formats.
   *
   * @param width the frame's width in pixels
   * @return the stride in bytes, or 0
   */
  public long minChromaRowStride(int width) {
    return chromaPlane ? 2L * ((width + 1L) / 2) : 0;
  }

  /**
   * Rows of the chroma plane of a frame this high (NV12, NV21); 0 for other formats.
   *
   * @param height the frame's height in pixels
   * @return the number of chroma rows, or 0
   */
  public int chromaRows(int height) {
    return chromaPlane ? (height + 1) / 2 : 0;
  }

  /**
   * Bytes of a tightly packed frame of this size (no row padding, chroma right after luma).
   *
   * @param width the frame's width in pixels
   * @param height the frame's height in pixels
   * @return the size in bytes
   */
  public long packedSize(int width, int height) {
    return minRowStride(width) * height + minChromaRowStride(width) * chromaRows(height);
  }
}
