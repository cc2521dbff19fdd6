package io.edgessl.testing;

import io.edgessl.image.Frame;
import io.edgessl.image.Interpolation;
import io.edgessl.image.PixelFormat;
import io.edgessl.image.Preprocessing;
import io.edgessl.image.ResizePolicy;
import io.edgessl.image.YuvRange;
import java.nio.ByteBuffer;

/**
 * An independent, deliberately plain implementation of preprocessing, for tests: every upright
 * pixel is decoded straight from the format's definition, the orientation is undone one quarter
 * turn at a time, YUV is converted with coefficients derived from BT.601's Kr and Kb, and each
 * output pixel is a direct two-dimensional sum of the interpolation kernel evaluated at distances,
 * in double. It shares no code with {@code Preprocessor} or the kernels.
 */
public final class ReferencePreprocessing {
  private static final double KR = 0.299;
  private static final double KB = 0.114;
  private static final double KG = 1 - KR - KB;

  private ReferencePreprocessing() {}

  /** The preprocessed frame, channels first, as {@code Preprocessor.run} writes it. */
  public static float[] run(Preprocessing spec, Frame f) {
    int uh = f.uprightHeight();
    int uw = f.uprightWidth();
    int rh;
    int rw;
    int top;
    int left;
    if (spec.resizePolicy() == ResizePolicy.STRETCH) {
      rh = spec.height();
      rw = spec.width();
      top = 0;
      left = 0;
    } else {
      int s = spec.shortSide();
      if (uh <= uw) {
        rh = s;
        rw = (int) Math.floor((double) s * uw / uh + 1e-9);
      } else {
        rw = s;
        rh = (int) Math.floor((double) s * uh / uw + 1e-9);
      }
      top = (int) Math.rint((rh - spec.height()) / 2.0);
      left = (int) Math.rint((rw - spec.width()) / 2.0);
    }
    double[][][] rgb = new double[uh][uw][];
    for (int y = 0; y < uh; y++) {
      for (int x = 0; x < uw; x++) {
        rgb[y][x] = upright(f, x, y);
      }
    }
    int c = spec.channels();
    float[] mean = spec.mean();
    float[] std = spec.std();
    float[] out = new float[c * spec.height() * spec.width()];
    boolean cubic = spec.interpolation() == Interpolation.BICUBIC;
    for (int oy = 0; oy < spec.height(); oy++) {
      double sy = (top + oy + 0.5) * uh / rh - 0.5;
      for (int ox = 0; ox < spec.width(); ox++) {
        double sx = (left + ox + 0.5) * uw / rw - 0.5;
        double[] acc = new double[3];
        for (int j = (int) Math.floor(sy) - 2; j <= (int) Math.floor(sy) + 3; j++) {
          double wy = kernel(sy - j, cubic);
          if (wy == 0) {
            continue;
          }
          for (int i = (int) Math.floor(sx) - 2; i <= (int) Math.floor(sx) + 3; i++) {
            double w = wy * kernel(sx - i, cubic);
            if (w == 0) {
              continue;
            }
            double[] p = rgb[Math.min(uh - 1, Math.max(0, j))][Math.min(uw - 1, Math.max(0, i))];
            for (int k = 0; k < 3; k++) {
              acc[k] += w * p[k];
            }
          }
        }
        for (int ch = 0; ch < c; ch++) {
          double v;
          switch (spec.color()) {
            case RGB:
              v = acc[ch];
              break;
            case BGR:
              v = acc[2 - ch];
              break;
            default:
              v = f.format() == PixelFormat.GRAY ? acc[0] : KR * acc[0] + KG * acc[1] + KB * acc[2];
          }
          out[(ch * spec.height() + oy) * spec.width() + ox] =
              (float) ((v / 255.0 - mean[ch]) / std[ch]);
        }
      }
    }
    return out;
  }

  /** The interpolation kernel at distance {@code d}: a triangle, or Keys' cubic with a = -0.75. */
  static double kernel(double d, boolean cubic) {
    double x = Math.abs(d);
    if (!cubic) {
      return Math.max(0, 1 - x);
    }
    double a = -0.75;
    if (x <= 1) {
      return (a + 2) * x * x * x - (a + 3) * x * x + 1;
    }
    if (x < 2) {
      return a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a;
    }
    return 0;
  }

  /** R, G, B in [0, 255] of pixel (x, y) of the upright image. */
  public static double[] upright(Frame f, int x, int y) {
    // Undo the clockwise quarter turns one at a time. A turn makes an image of hp rows and wp
    // columns into one of wp rows and hp columns whose pixel (r, c) is the old (hp - 1 - c, r).
    int r = y;
    int c = x;
    int h = f.uprightHeight();
    int w = f.uprightWidth();
    for (int turn = 0; turn < f.orientation().degrees() / 90; turn++) {
      int prevRows = w; // the image before this turn had as many rows as this one has columns
      int pr = prevRows - 1 - c;
      int pc = r;
      r = pr;
      c = pc;
      int t = h;
      h = w;
      w = t;
    }
    if (f.orientation().mirrored()) {
      c = f.width() - 1 - c;
    }
    return stored(f, c, r);
  }

  /** R, G, B in [0, 255] of stored pixel (x, y), from the format's definition. */
  public static double[] stored(Frame f, int x, int y) {
    ByteBuffer b = f.pixels();
    int row = f.offset() + y * f.rowStride();
    switch (f.format()) {
      case RGB:
        return new double[] {u(b, row + 3 * x), u(b, row + 3 * x + 1), u(b, row + 3 * x + 2)};
      case BGR:
        return new double[] {u(b, row + 3 * x + 2), u(b, row + 3 * x + 1), u(b, row + 3 * x)};
      case RGBA:
        return new double[] {u(b, row + 4 * x), u(b, row + 4 * x + 1), u(b, row + 4 * x + 2)};
      case BGRA:
        return new double[] {u(b, row + 4 * x + 2), u(b, row + 4 * x + 1), u(b, row + 4 * x)};
      case GRAY:
        double g = u(b, row + x);
        return new double[] {g, g, g};
      case NV12:
      case NV21:
        {
          int pair = f.chromaOffset() + (y / 2) * f.chromaRowStride() + (x / 2) * 2;
          double first = u(b, pair);
          double second = u(b, pair + 1);
          boolean nv12 = f.format() == PixelFormat.NV12;
          return yuv(f.yuvRange(), u(b, row + x), nv12 ? first : second, nv12 ? second : first);
        }
      default:
        {
          int group = row + (x / 2) * 4;
          return yuv(f.yuvRange(), u(b, group + (x % 2) * 2), u(b, group + 1), u(b, group + 3));
        }
    }
  }

  /** BT.601 from its definition: E'y = Kr R + Kg G + Kb B, Pb, Pr the scaled colour differences. */
  static double[] yuv(YuvRange range, double y, double cb, double cr) {
    double ey;
    double pb;
    double pr;
    if (range == YuvRange.LIMITED) {
      ey = (y - 16) / 219.0;
      pb = (cb - 128) / 224.0;
      pr = (cr - 128) / 224.0;
    } else {
      ey = y / 255.0;
      pb = (cb - 128) / 255.0;
      pr = (cr - 128) / 255.0;
    }
    double r = ey + 2 * (1 - KR) * pr;
    double b = ey + 2 * (1 - KB) * pb;
    double g = (ey - KR * r - KB * b) / KG;
    return new double[] {clamp(255 * r), clamp(255 * g), clamp(255 * b)};
  }

  private static double clamp(double v) {
    return Math.min(255, Math.max(0, v));
  }

  private static double u(ByteBuffer b, int i) {
    return b.get(i) & 0xff;
  }
}
