package io.edgessl.internal.kernels;

import io.edgessl.image.PixelFormat;
import io.edgessl.spi.ImageKernels;
import io.edgessl.spi.PreprocessPlan;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * The pure-Java preprocessing kernel: the reference for {@link ImageKernels#preprocess}, whose
 * contract is {@link PreprocessPlan}'s javadoc.
 *
 * <p>Like OpenCV's {@code resize}, it filters in two passes: each source row an output row needs is
 * converted and resampled horizontally once, into a ring of {@code taps} rows in {@code scratch}
 * (slot {@code row % taps}; the rows of one window are consecutive, so they never share a slot),
 * and each output row is then a weighted sum of ring rows, written to the output a row at a time.
 * Conversion happens per sampled pixel, before interpolation, so that clamped YUV conversions
 * interpolate exactly as converting the frame to RGB first would. The output planes are mixes of R,
 * G and B ({@link #COMPONENTS}: one-hot rows select a channel exactly, the luma row weighs them),
 * which keeps the per-pixel loops free of branches. Frames over arrays are read from the array;
 * frames over direct buffers through absolute gets: the two loops are otherwise the same.
 */
public final class JavaImageKernels implements ImageKernels {
  /** Component k as a mix of (R, G, B): R, G, B, and BT.601 luma. */
  private static final float[][] COMPONENTS = {
    {1f, 0f, 0f}, {0f, 1f, 0f}, {0f, 0f, 1f}, {0.299f, 0.587f, 0.114f}
  };

  private static final JavaImageKernels INSTANCE = new JavaImageKernels();

  private JavaImageKernels() {}

  /** The single instance. */
  public static JavaImageKernels instance() {
    return INSTANCE;
  }

  @Override
  public String name() {
    return "java";
  }

  /** See {@link ImageKernels#preprocess}: checks the arguments, then runs the Java loop. */
  @Override
  public void preprocess(
      ByteBuffer src, PreprocessPlan plan, FloatBuffer dst, int dstOffset, float[] scratch) {
    KernelChecks.preprocess(src, plan, dst, dstOffset, scratch);
    PlanTables t = PlanAccess.tables(plan);
    run(
        src,
        plan.format(),
        t.yuv(),
        t.rowOffsets(),
        plan.taps(),
        plan.outHeight(),
        t.rowTaps(),
        t.rowWeights(),
        plan.outWidth(),
        t.colOffsets(),
        t.colWeights(),
        t.channels(),
        t.scale(),
        t.bias(),
        dst,
        dstOffset,
        scratch);
  }

  /** The loop over checked arguments (the plan's tables, unpacked once). */
  private static void run(
      ByteBuffer src,
      PixelFormat format,
      float[] yuv,
      int[] rowOffsets,
      int taps,
      int outHeight,
      int[] rowTaps,
      float[] rowWeights,
      int outWidth,
      int[] colOffsets,
      float[] colWeights,
      int[] channels,
      float[] scale,
      float[] bias,
      FloatBuffer dst,
      int dstOffset,
      float[] scratch) {
    // Indices are absolute up to the capacity; absolute gets and puts stop at the limit.
    if (!src.hasArray() && src.limit() != src.capacity()) {
      src = src.duplicate().clear();
    }
    if (dst.limit() != dst.capacity()) {
      dst = dst.duplicate().clear();
    }
    final int nc = channels.length;
    final int rowFloats = outWidth * nc;
    final int line = taps * rowFloats; // scratch[line, line + outWidth): one output row
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
            taps,
            outWidth,
            colOffsets,
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
            line);
        dst.put(dstOffset + c * plane + y * outWidth, scratch, line, outWidth);
      }
    }
  }

  /** One output row of one plane, from the ring rows of its window, into {@code out[at..)}. */
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
      int at) {
    if (taps == 2) {
      final int r0 = (rowTaps[tb] % 2) * rowFloats + c;
      final int r1 = (rowTaps[tb + 1] % 2) * rowFloats + c;
      final float w0 = rowWeights[tb];
      final float w1 = rowWeights[tb + 1];
      for (int x = 0, i = 0; x < outWidth; x++, i += nc) {
        float v = w0 * ring[r0 + i];
        v += w1 * ring[r1 + i];
        ring[at + x] = v * scale + bias;
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
      for (int x = 0, i = 0; x < outWidth; x++, i += nc) {
        float v = w0 * ring[r0 + i];
        v += w1 * ring[r1 + i];
        v += w2 * ring[r2 + i];
        v += w3 * ring[r3 + i];
        ring[at + x] = v * scale + bias;
      }
    } else {
      for (int x = 0, i = c; x < outWidth; x++, i += nc) {
        float v = 0f;
        for (int t = 0; t < taps; t++) {
          v += rowWeights[tb + t] * ring[(rowTaps[tb + t] % taps) * rowFloats + i];
        }
        ring[at + x] = v * scale + bias;
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
      int taps,
      int outWidth,
      int[] cols,
      float[] colWeights,
      int[] channels,
      float[] out,
      int at) {
    final boolean array = src.hasArray();
    final byte[] a = array ? src.array() : null;
    final int base = array ? src.arrayOffset() : 0;
    switch (format) {
      case GRAY:
        if (array) {
          grayArray(a, base + rowLuma, taps, outWidth, cols, colWeights, channels.length, out, at);
        } else {
          grayBuffer(src, rowLuma, taps, outWidth, cols, colWeights, channels.length, out, at);
        }
        return;
      case RGB:
      case RGBA:
      case BGR:
      case BGRA:
        {
          int ri = format == PixelFormat.RGB || format == PixelFormat.RGBA ? 0 : 2;
          if (array) {
            rgbArray(
                a, base + rowLuma, ri, 2 - ri, taps, outWidth, cols, colWeights, channels, out, at);
          } else {
            rgbBuffer(
                src, rowLuma, ri, 2 - ri, taps, outWidth, cols, colWeights, channels, out, at);
          }
          return;
        }
      default:
        {
          // U and V after the chroma position: NV12 (0, 1), NV21 (1, 0), YUYV (0, 2).
          int ui = format == PixelFormat.NV21 ? 1 : 0;
          int vi = format == PixelFormat.NV12 ? 1 : (format == PixelFormat.NV21 ? 0 : 2);
          if (array) {
            yuvArray(
                a,
                base + rowLuma,
                base + rowChroma,
                ui,
                vi,
                yuv,
                taps,
                outWidth,
                cols,
                colWeights,
                channels,
                out,
                at);
          } else {
            yuvBuffer(
                src,
                rowLuma,
                rowChroma,
                ui,
                vi,
                yuv,
                taps,
                outWidth,
                cols,
                colWeights,
                channels,
                out,
                at);
          }
        }
    }
  }

  private static void grayArray(
      byte[] a,
      int row,
      int taps,
      int outWidth,
      int[] cols,
      float[] w,
      int nc,
      float[] out,
      int at) {
    for (int x = 0, k = 0; x < outWidth; x++) {
      float v = 0f;
      for (int s = 0; s < taps; s++, k++) {
        v += w[k] * (a[row + cols[2 * k]] & 0xff);
      }
      // Every component of a grey pixel, luma included, is its one sample.
      for (int c = 0; c < nc; c++) {
        out[at + x * nc + c] = v;
      }
    }
  }

  private static void grayBuffer(
      ByteBuffer a,
      int row,
      int taps,
      int outWidth,
      int[] cols,
      float[] w,
      int nc,
      float[] out,
      int at) {
    for (int x = 0, k = 0; x < outWidth; x++) {
      float v = 0f;
      for (int s = 0; s < taps; s++, k++) {
        v += w[k] * (a.get(row + cols[2 * k]) & 0xff);
      }
      for (int c = 0; c < nc; c++) {
        out[at + x * nc + c] = v;
      }
    }
  }

  private static void rgbArray(
      byte[] a,
      int row,
      int ri,
      int bi,
      int taps,
      int outWidth,
      int[] cols,
      float[] w,
      int[] channels,
      float[] out,
      int at) {
    final int nc = channels.length;
    for (int x = 0, k = 0; x < outWidth; x++) {
      float r = 0f;
      float g = 0f;
      float b = 0f;
      for (int s = 0; s < taps; s++, k++) {
        final int p = row + cols[2 * k];
        final float wk = w[k];
        r += wk * (a[p + ri] & 0xff);
        g += wk * (a[p + 1] & 0xff);
        b += wk * (a[p + bi] & 0xff);
      }
      store(r, g, b, channels, nc, out, at + x * nc);
    }
  }

  private static void rgbBuffer(
      ByteBuffer a,
      int row,
      int ri,
      int bi,
      int taps,
      int outWidth,
      int[] cols,
      float[] w,
      int[] channels,
      float[] out,
      int at) {
    final int nc = channels.length;
    for (int x = 0, k = 0; x < outWidth; x++) {
      float r = 0f;
      float g = 0f;
      float b = 0f;
      for (int s = 0; s < taps; s++, k++) {
        final int p = row + cols[2 * k];
        final float wk = w[k];
        r += wk * (a.get(p + ri) & 0xff);
        g += wk * (a.get(p + 1) & 0xff);
        b += wk * (a.get(p + bi) & 0xff);
      }
      store(r, g, b, channels, nc, out, at + x * nc);
    }
  }

  private static void yuvArray(
      byte[] a,
      int rowLuma,
      int rowChroma,
      int ui,
      int vi,
      float[] yuv,
      int taps,
      int outWidth,
      int[] cols,
      float[] w,
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
    for (int x = 0, k = 0; x < outWidth; x++) {
      float r = 0f;
      float g = 0f;
      float b = 0f;
      for (int s = 0; s < taps; s++, k++) {
        final int c = rowChroma + cols[2 * k + 1];
        final float yy = ys * ((a[rowLuma + cols[2 * k]] & 0xff) - yo);
        final float u = (a[c + ui] & 0xff) - 128f;
        final float v = (a[c + vi] & 0xff) - 128f;
        final float wk = w[k];
        r += wk * clamp(yy + vr * v);
        g += wk * clamp(yy - ug * u - vg * v);
        b += wk * clamp(yy + ub * u);
      }
      store(r, g, b, channels, nc, out, at + x * nc);
    }
  }

  private static void yuvBuffer(
      ByteBuffer a,
      int rowLuma,
      int rowChroma,
      int ui,
      int vi,
      float[] yuv,
      int taps,
      int outWidth,
      int[] cols,
      float[] w,
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
    for (int x = 0, k = 0; x < outWidth; x++) {
      float r = 0f;
      float g = 0f;
      float b = 0f;
      for (int s = 0; s < taps; s++, k++) {
        final int c = rowChroma + cols[2 * k + 1];
        final float yy = ys * ((a.get(rowLuma + cols[2 * k]) & 0xff) - yo);
        final float u = (a.get(c + ui) & 0xff) - 128f;
        final float v = (a.get(c + vi) & 0xff) - 128f;
        final float wk = w[k];
        r += wk * clamp(yy + vr * v);
        g += wk * clamp(yy - ug * u - vg * v);
        b += wk * clamp(yy + ub * u);
      }
      store(r, g, b, channels, nc, out, at + x * nc);
    }
  }

  private static float clamp(float v) {
    return Math.min(255f, Math.max(0f, v));
  }

  /** Stores the output planes' components: mixes of R, G, B (luma is linear, so it commutes). */
  private static void store(
      float r, float g, float b, int[] channels, int nc, float[] out, int at) {
    for (int c = 0; c < nc; c++) {
      final float[] m = COMPONENTS[channels[c]];
      out[at + c] = m[0] * r + m[1] * g + m[2] * b;
    }
  }
}
