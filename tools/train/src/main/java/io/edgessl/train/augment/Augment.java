package io.edgessl.train.augment;

import java.util.SplittableRandom;

/**
 * Makes views of images in plain Java: the torchvision transforms DINO, SimCLR, MoCo and MAE use
 * (random resized crop, flip, colour jitter, grayscale, Gaussian blur, solarization), on planar
 * float images with values in [0, 1]. Every random choice comes from the generator passed in, so a
 * view depends only on its image and that generator's seed.
 *
 * <p>The crop, resize, flip and rotation are one inverse affine map sampled bilinearly; when the
 * crop is larger than the output, each output pixel averages a grid of samples (a box prefilter,
 * like the antialiasing of PIL's and torchvision's bilinear downscaling). Points outside the image
 * read as 0.
 */
public final class Augment {
  private static final double LOG_RATIO_MIN = Math.log(3.0 / 4.0);
  private static final double LOG_RATIO_MAX = Math.log(4.0 / 3.0);

  private Augment() {}

  /**
   * Writes one view of {@code src} (planar bytes, {@code c x h x w}) into {@code dst[off..]}
   * (planar floats, {@code c x size x size}), normalized as {@code (v - mean[ch]) / std[ch]}.
   * {@code scratch} must hold at least {@code 2 * c * size * size} floats.
   */
  public static void view(
      byte[] src,
      int srcOff,
      int c,
      int h,
      int w,
      ViewSpec spec,
      SplittableRandom rnd,
      float[] mean,
      float[] std,
      float[] dst,
      int off,
      float[] scratch) {
    int s = spec.size();
    int plane = s * s;
    // 1. Geometry: crop box, flip, rotation.
    double[] box = cropBox(h, w, spec.scaleMin(), spec.scaleMax(), rnd);
    boolean flip = rnd.nextDouble() < spec.flipP();
    double angle =
        spec.rotateDegrees() > 0
            ? Math.toRadians((rnd.nextDouble() * 2 - 1) * spec.rotateDegrees())
            : 0;
    float[] img = scratch;
    sample(src, srcOff, c, h, w, box, flip, angle, s, img);
    // 2. Colour.
    if (rnd.nextDouble() < spec.jitterP()) {
      jitter(img, c, plane, spec, rnd);
    }
    if (c == 3 && rnd.nextDouble() < spec.grayscaleP()) {
      grayscale(img, plane);
    }
    if (rnd.nextDouble() < spec.blurP()) {
      double sigma =
          spec.blurSigmaMin() + rnd.nextDouble() * (spec.blurSigmaMax() - spec.blurSigmaMin());
      blur(img, c, s, sigma, scratch, c * plane);
    }
    if (rnd.nextDouble() < spec.solarizeP()) {
      for (int i = 0; i < c * plane; i++) {
        if (img[i] >= 0.5f) {
          img[i] = 1f - img[i];
        }
      }
    }
    // 3. Normalize into the batch.
    for (int ch = 0; ch < c; ch++) {
      float m = mean[ch];
      float inv = 1f / std[ch];
      int b = ch * plane;
      for (int i = 0; i < plane; i++) {
        dst[off + b + i] = (img[b + i] - m) * inv;
      }
    }
  }

  /**
   * torchvision's {@code RandomResizedCrop.get_params}: ten tries at an area fraction and a
   * log-uniform aspect ratio that fit, else the whole image cropped to the nearest allowed ratio.
   * Returns {top, left, height, width} in pixels.
   */
  static double[] cropBox(int h, int w, double scaleMin, double scaleMax, SplittableRandom rnd) {
    double area = (double) h * w;
    for (int attempt = 0; attempt < 10; attempt++) {
      double target = area * (scaleMin + rnd.nextDouble() * (scaleMax - scaleMin));
      double ratio = Math.exp(LOG_RATIO_MIN + rnd.nextDouble() * (LOG_RATIO_MAX - LOG_RATIO_MIN));
      int cw = (int) Math.round(Math.sqrt(target * ratio));
      int ch = (int) Math.round(Math.sqrt(target / ratio));
      if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
        int top = rnd.nextInt(h - ch + 1);
        int left = rnd.nextInt(w - cw + 1);
        return new double[] {top, left, ch, cw};
      }
    }
    double inRatio = (double) w / h;
    int cw;
    int ch;
    if (inRatio < 3.0 / 4.0) {
      cw = w;
      ch = (int) Math.round(w / (3.0 / 4.0));
    } else if (inRatio > 4.0 / 3.0) {
      ch = h;
      cw = (int) Math.round(h * (4.0 / 3.0));
    } else {
      cw = w;
      ch = h;
    }
    return new double[] {(h - ch) / 2, (w - cw) / 2, ch, cw};
  }

  /** Samples the crop box into an s x s planar float image (values / 255). */
  static void sample(
      byte[] src,
      int srcOff,
      int c,
      int h,
      int w,
      double[] box,
      boolean flip,
      double angle,
      int s,
      float[] out) {
    double top = box[0];
    double left = box[1];
    double bh = box[2];
    double bw = box[3];
    double cy = top + bh / 2;
    double cx = left + bw / 2;
    double cos = Math.cos(angle);
    double sin = Math.sin(angle);
    // Supersampling factor: enough samples that each covers at most one source pixel.
    int ny = Math.max(1, (int) Math.ceil(bh / s));
    int nx = Math.max(1, (int) Math.ceil(bw / s));
    double norm = 1.0 / (255.0 * nx * ny);
    int plane = s * s;
    double[] acc = new double[c];
    for (int y = 0; y < s; y++) {
      for (int x = 0; x < s; x++) {
        java.util.Arrays.fill(acc, 0);
        for (int sy = 0; sy < ny; sy++) {
          double v = (y + (sy + 0.5) / ny) / s; // in [0, 1) across the output
          for (int sx = 0; sx < nx; sx++) {
            double u = (x + (sx + 0.5) / nx) / s;
            if (flip) {
              u = 1 - u;
            }
            double dx = (u - 0.5) * bw;
            double dy = (v - 0.5) * bh;
            double px = cx + cos * dx - sin * dy - 0.5; // pixel centres at integer + 0.5
            double py = cy + sin * dx + cos * dy - 0.5;
            bilinear(src, srcOff, c, h, w, px, py, acc);
          }
        }
        for (int ch = 0; ch < c; ch++) {
          out[ch * plane + y * s + x] = (float) (acc[ch] * norm);
        }
      }
    }
  }

  private static void bilinear(
      byte[] src, int off, int c, int h, int w, double px, double py, double[] acc) {
    int x0 = (int) Math.floor(px);
    int y0 = (int) Math.floor(py);
    double fx = px - x0;
    double fy = py - y0;
    int plane = h * w;
    for (int ch = 0; ch < c; ch++) {
      int base = off + ch * plane;
      double v00 = pixel(src, base, h, w, y0, x0);
      double v01 = pixel(src, base, h, w, y0, x0 + 1);
      double v10 = pixel(src, base, h, w, y0 + 1, x0);
      double v11 = pixel(src, base, h, w, y0 + 1, x0 + 1);
      acc[ch] += (v00 * (1 - fx) + v01 * fx) * (1 - fy) + (v10 * (1 - fx) + v11 * fx) * fy;
    }
  }

  private static double pixel(byte[] src, int base, int h, int w, int y, int x) {
    if (y < 0 || y >= h || x < 0 || x >= w) {
      // Half a pixel outside reads the edge (no dark seam at crop borders); beyond that, 0.
      if (y < -1 || y > h || x < -1 || x > w) {
        return 0;
      }
      y = Math.min(Math.max(y, 0), h - 1);
      x = Math.min(Math.max(x, 0), w - 1);
    }
    return src[base + y * w + x] & 0xff;
  }

  /** torchvision's ColorJitter: the four adjustments in a random order, each with its factor. */
  static void jitter(float[] img, int c, int plane, ViewSpec spec, SplittableRandom rnd) {
    int[] order = {0, 1, 2, 3};
    for (int i = 3; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (int op : order) {
      switch (op) {
        case 0 -> {
          if (spec.brightness() > 0) {
            float f = (float) factor(spec.brightness(), rnd);
            for (int i = 0; i < c * plane; i++) {
              img[i] = clamp(img[i] * f);
            }
          }
        }
        case 1 -> {
          if (spec.contrast() > 0) {
            float f = (float) factor(spec.contrast(), rnd);
            float m = meanGrey(img, c, plane);
            for (int i = 0; i < c * plane; i++) {
              img[i] = clamp(f * img[i] + (1 - f) * m);
            }
          }
        }
        case 2 -> {
          if (spec.saturation() > 0) {
            float f = (float) factor(spec.saturation(), rnd);
            if (c == 3) {
              for (int i = 0; i < plane; i++) {
                float g = grey(img[i], img[plane + i], img[2 * plane + i]);
                for (int ch = 0; ch < 3; ch++) {
                  int k = ch * plane + i;
                  img[k] = clamp(f * img[k] + (1 - f) * g);
                }
              }
            }
          }
        }
        default -> {
          if (spec.hue() > 0) {
            double shift = (rnd.nextDouble() * 2 - 1) * spec.hue();
            if (c == 3) {
              hue(img, plane, shift);
            }
          }
        }
      }
    }
  }

  private static double factor(double strength, SplittableRandom rnd) {
    double lo = Math.max(0, 1 - strength);
    double hi = 1 + strength;
    return lo + rnd.nextDouble() * (hi - lo);
  }

  private static float clamp(float v) {
    return v < 0 ? 0 : (v > 1 ? 1 : v);
  }

  /** ITU-R 601-2 luma, as PIL's and torchvision's grayscale. */
  private static float grey(float r, float g, float b) {
    return 0.299f * r + 0.587f * g + 0.114f * b;
  }

  private static float meanGrey(float[] img, int c, int plane) {
    double sum = 0;
    for (int i = 0; i < plane; i++) {
      sum += c == 3 ? grey(img[i], img[plane + i], img[2 * plane + i]) : img[i];
    }
    return (float) (sum / plane);
  }

  static void grayscale(float[] img, int plane) {
    for (int i = 0; i < plane; i++) {
      float g = grey(img[i], img[plane + i], img[2 * plane + i]);
      img[i] = g;
      img[plane + i] = g;
      img[2 * plane + i] = g;
    }
  }

  /** Rotates hue by {@code shift} turns through HSV, as torchvision's adjust_hue. */
  static void hue(float[] img, int plane, double shift) {
    for (int i = 0; i < plane; i++) {
      float r = img[i];
      float g = img[plane + i];
      float b = img[2 * plane + i];
      float max = Math.max(r, Math.max(g, b));
      float min = Math.min(r, Math.min(g, b));
      float d = max - min;
      double hh;
      if (d == 0) {
        hh = 0;
      } else if (max == r) {
        hh = ((g - b) / d) / 6.0;
      } else if (max == g) {
        hh = ((b - r) / d + 2) / 6.0;
      } else {
        hh = ((r - g) / d + 4) / 6.0;
      }
      hh = hh + shift;
      hh -= Math.floor(hh);
      double sat = max == 0 ? 0 : d / max;
      double v = max;
      double h6 = hh * 6;
      int sector = (int) Math.floor(h6) % 6;
      double f = h6 - Math.floor(h6);
      double p = v * (1 - sat);
      double q = v * (1 - sat * f);
      double t = v * (1 - sat * (1 - f));
      double rr;
      double gg;
      double bb;
      switch (sector) {
        case 0 -> {
          rr = v;
          gg = t;
          bb = p;
        }
        case 1 -> {
          rr = q;
          gg = v;
          bb = p;
        }
        case 2 -> {
          rr = p;
          gg = v;
          bb = t;
        }
        case 3 -> {
          rr = p;
          gg = q;
          bb = v;
        }
        case 4 -> {
          rr = t;
          gg = p;
          bb = v;
        }
        default -> {
          rr = v;
          gg = p;
          bb = q;
        }
      }
      img[i] = (float) rr;
      img[plane + i] = (float) gg;
      img[2 * plane + i] = (float) bb;
    }
  }

  /**
   * Separable Gaussian blur of standard deviation {@code sigma} pixels, kernel radius {@code ceil(3
   * sigma)}, edges reflected; {@code tmp[tmpOff..]} holds one plane.
   */
  static void blur(float[] img, int c, int s, double sigma, float[] tmp, int tmpOff) {
    int r = Math.max(1, (int) Math.ceil(3 * sigma));
    float[] k = new float[2 * r + 1];
    double sum = 0;
    for (int i = -r; i <= r; i++) {
      double v = Math.exp(-0.5 * i * i / (sigma * sigma));
      k[i + r] = (float) v;
      sum += v;
    }
    for (int i = 0; i < k.length; i++) {
      k[i] /= (float) sum;
    }
    int plane = s * s;
    for (int ch = 0; ch < c; ch++) {
      int base = ch * plane;
      for (int y = 0; y < s; y++) {
        for (int x = 0; x < s; x++) {
          float acc = 0;
          for (int i = -r; i <= r; i++) {
            acc += k[i + r] * img[base + y * s + reflect(x + i, s)];
          }
          tmp[tmpOff + y * s + x] = acc;
        }
      }
      for (int y = 0; y < s; y++) {
        for (int x = 0; x < s; x++) {
          float acc = 0;
          for (int i = -r; i <= r; i++) {
            acc += k[i + r] * tmp[tmpOff + reflect(y + i, s) * s + x];
          }
          img[base + y * s + x] = acc;
        }
      }
    }
  }

  private static int reflect(int i, int n) {
    if (n == 1) {
      return 0;
    }
    while (i < 0 || i >= n) {
      i = i < 0 ? -i : 2 * (n - 1) - i;
    }
    return i;
  }
}
