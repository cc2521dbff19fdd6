package io.edgessl.kernels;

import io.edgessl.image.PixelFormat;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * The pure-Java preprocessing kernel: the reference for {@link io.edgessl.spi.Kernels#preprocess},
 * whose javadoc is the contract.
 *
 * <p>Like OpenCV's {@code resize}, it filters in two passes: each source row an output row needs is
 * converted and resampled horizontally once, into a ring of {@code taps} rows in {@code scratch}
 * (slot {@code row % taps}; the rows of one window are consecutive, so they never share a slot),
 * and each output row is then a weighted sum of ring rows. Conversion happens per sampled pixel,
 * before interpolation, so that clamped YUV conversions interpolate exactly as converting the frame
 * to RGB first would. One loop per family of formats keeps the per-pixel code free of format
 * switches.
 */
public final class JavaImageKernels {
  private static final float LUMA_R = 0.299f;
  private static final float LUMA_G = 0.587f;
  private static final float LUMA_B = 0.114f;

  private JavaImageKernels() {}

  /** See {@link io.edgessl.spi.Kernels#preprocess}; arguments are not checked. */
  public static void preprocess(
      ByteBuffer src,
      PixelFormat format,
      float[] yuv,
      int[] rowOffsets,
      int[] colOffsets,
      int taps,
      int outHeight,
      int[] rowTaps,
      float[] rowWeights,
      int outWidth,
      int[] colTaps,
      float[] colWeights,
      int[] channels,
      float[] scale,
      float[] bias,
      FloatBuffer dst,
      int dstOffset,
      float[] scratch) {
    final int nc = channels.length;
    final int rowFloats = outWidth * nc;
    final int plane = outHeight * outWidth;
    // The rows of the previous output row's window are in the ring already: windows are ranges of
    // consecutive rows that never move backwards, and the rows of one window have distinct slots.
    int prevFirst = -1;
    int prevLast = -2;
    for (int y = 0; y < outHeight; y++) {
      final int tb = y * taps;
      int last = -1;
      for (int t = 0; t < taps; t++) {
        final int row = rowTaps[tb + t];
        if (row == last || (row >= prevFirst && row <= prevLast)) {
          continue; // a clamped duplicate, or still in the ring
        }
        last = row;
        horizontal(
            src,
            format,
            yuv,
            rowOffsets[2 * row],
            rowOffsets[2 * row + 1],
            colOffsets,
            taps,
            outWidth,
            colTaps,
            colWeights,
            channels,
            scratch,
            (row % taps) * rowFloats);
      }
      prevFirst = rowTaps[tb];
      prevLast = rowTaps[tb + taps - 1];
      for (int c = 0; c < nc; c++) {
        vertical(
            scratch,
            rowFloats,
            nc,
            c,
            taps,
            rowTaps,
            rowWeights,
            tb,
            outWidth,
            scale[c],
            bias[c],
            dst,
            dstOffset + c * plane + y * outWidth);
      }
    }
  }

  /** One output row of one plane: the weighted sum of the ring rows of its window. */
  private static void vertical(
      float[] ring,
      int rowFloats,
      int nc,
      int c,
      int taps,
      int[] rowTaps,
      float[] rowWeights,
      int tb,
      int outWidth,
      float scale,
      float bias,
      FloatBuffer dst,
      int out) {
    if (taps == 2) {
      final int r0 = (rowTaps[tb] % 2) * rowFloats + c;
      final int r1 = (rowTaps[tb + 1] % 2) * rowFloats + c;
      final float w0 = rowWeights[tb];
      final float w1 = rowWeights[tb + 1];
      for (int x = 0, at = 0; x < outWidth; x++, at += nc) {
        float v = w0 * ring[r0 + at];
        v += w1 * ring[r1 + at];
        dst.put(out + x, v * scale + bias);
      }
    } else if (taps == 4) {
      final int r0 = (rowTaps[tb] % 4) * rowFloats + c;
      final int r1 = (rowTaps[tb + 1] % 4) * rowFloats + c;
      final int r2 = (rowTaps[tb + 2] % 4) * rowFloats + c;
      final int r3 = (rowTaps[tb + 3] % 4) * rowFloats + c;
      final float w0 = rowWeights[tb];
      final float w1 = rowWeights[tb + 1];
      final float w2 = rowWeights[tb + 2];
      final float w3 = rowWeights[tb + 3];
      for (int x = 0, at = 0; x < outWidth; x++, at += nc) {
        float v = w0 * ring[r0 + at];
        v += w1 * ring[r1 + at];
        v += w2 * ring[r2 + at];
        v += w3 * ring[r3 + at];
        dst.put(out + x, v * scale + bias);
      }
    } else {
      for (int x = 0, at = c; x < outWidth; x++, at += nc) {
        float v = 0f;
        for (int t = 0; t < taps; t++) {
          v += rowWeights[tb + t] * ring[(rowTaps[tb + t] % taps) * rowFloats + at];
        }
        dst.put(out + x, v * scale + bias);
      }
    }
  }

  /** Converts and resamples one upright row into {@code out[at..at + outWidth * nc)}. */
  private static void horizontal(
      ByteBuffer src,
      PixelFormat format,
      float[] yuv,
      int rowLuma,
      int rowChroma,
      int[] colOffsets,
      int taps,
      int outWidth,
      int[] colTaps,
      float[] colWeights,
      int[] channels,
      float[] out,
      int at) {
    switch (format) {
      case RGB:
      case RGBA:
        rowRgb(
            src, rowLuma, colOffsets, taps, outWidth, colTaps, colWeights, 0, 2, channels, out, at);
        break;
      case BGR:
      case BGRA:
        rowRgb(
            src, rowLuma, colOffsets, taps, outWidth, colTaps, colWeights, 2, 0, channels, out, at);
        break;
      case GRAY:
        rowGray(src, rowLuma, colOffsets, taps, outWidth, colTaps, colWeights, channels, out, at);
        break;
      case NV12:
        rowYuv(
            src,
            yuv,
            rowLuma,
            rowChroma,
            colOffsets,
            taps,
            outWidth,
            colTaps,
            colWeights,
            0,
            1,
            channels,
            out,
            at);
        break;
      case NV21:
        rowYuv(
            src,
            yuv,
            rowLuma,
            rowChroma,
            colOffsets,
            taps,
            outWidth,
            colTaps,
            colWeights,
            1,
            0,
            channels,
            out,
            at);
        break;
      case YUYV:
        rowYuv(
            src,
            yuv,
            rowLuma,
            rowChroma,
            colOffsets,
            taps,
            outWidth,
            colTaps,
            colWeights,
            0,
            2,
            channels,
            out,
            at);
        break;
      default:
        throw new IllegalArgumentException("unknown pixel format " + format);
    }
  }

  private static void rowRgb(
      ByteBuffer src,
      int rowLuma,
      int[] colOffsets,
      int taps,
      int outWidth,
      int[] colTaps,
      float[] colWeights,
      int ri,
      int bi,
      int[] channels,
      float[] out,
      int at) {
    final int nc = channels.length;
    for (int x = 0; x < outWidth; x++) {
      float r = 0f;
      float g = 0f;
      float b = 0f;
      final int xb = x * taps;
      for (int s = 0; s < taps; s++) {
        final int p = rowLuma + colOffsets[2 * colTaps[xb + s]];
        final float w = colWeights[xb + s];
        r += w * (src.get(p + ri) & 0xff);
        g += w * (src.get(p + 1) & 0xff);
        b += w * (src.get(p + bi) & 0xff);
      }
      store(r, g, b, channels, out, at + x * nc);
    }
  }

  private static void rowGray(
      ByteBuffer src,
      int rowLuma,
      int[] colOffsets,
      int taps,
      int outWidth,
      int[] colTaps,
      float[] colWeights,
      int[] channels,
      float[] out,
      int at) {
    final int nc = channels.length;
    for (int x = 0; x < outWidth; x++) {
      float v = 0f;
      final int xb = x * taps;
      for (int s = 0; s < taps; s++) {
        v += colWeights[xb + s] * (src.get(rowLuma + colOffsets[2 * colTaps[xb + s]]) & 0xff);
      }
      // Every component of a grey pixel, luma included, is its one sample.
      for (int c = 0; c < nc; c++) {
        out[at + x * nc + c] = v;
      }
    }
  }

  private static void rowYuv(
      ByteBuffer src,
      float[] yuv,
      int rowLuma,
      int rowChroma,
      int[] colOffsets,
      int taps,
      int outWidth,
      int[] colTaps,
      float[] colWeights,
      int ui,
      int vi,
      int[] channels,
      float[] out,
      int at) {
    final int nc = channels.length;
    final float yo = yuv[0];
    final float ys = yuv[1];
    final float vr = yuv[2];
    final float ug = yuv[3];
    final float vg = yuv[4];
    final float ub = yuv[5];
    for (int x = 0; x < outWidth; x++) {
      float r = 0f;
      float g = 0f;
      float b = 0f;
      final int xb = x * taps;
      for (int s = 0; s < taps; s++) {
        final int col = colTaps[xb + s];
        final int c = rowChroma + colOffsets[2 * col + 1];
        final float yy = ys * ((src.get(rowLuma + colOffsets[2 * col]) & 0xff) - yo);
        final float u = (src.get(c + ui) & 0xff) - 128f;
        final float v = (src.get(c + vi) & 0xff) - 128f;
        final float w = colWeights[xb + s];
        r += w * clamp(yy + vr * v);
        g += w * clamp(yy - ug * u - vg * v);
        b += w * clamp(yy + ub * u);
      }
      store(r, g, b, channels, out, at + x * nc);
    }
  }

  private static float clamp(float v) {
    return Math.min(255f, Math.max(0f, v));
  }

  /** Stores the components the output planes take (luma is linear, so it commutes with sums). */
  private static void store(float r, float g, float b, int[] channels, float[] out, int at) {
    for (int c = 0; c < channels.length; c++) {
      float v;
      switch (channels[c]) {
        case 0:
          v = r;
          break;
        case 1:
          v = g;
          break;
        case 2:
          v = b;
          break;
        default:
          v = LUMA_R * r + LUMA_G * g + LUMA_B * b;
      }
      out[at + c] = v;
    }
  }
}
