package io.edgessl.train.data;

import io.edgessl.image.YuvRange;
import java.awt.image.BufferedImage;

/**
 * One frame of a {@link Y4mReader} stream: its planes as stored (Y, then U and V unless mono) and
 * the conversions training needs. RGB uses the core's BT.601 coefficients ({@link
 * YuvRange#coefficients()}) in the stream's range, clamped to [0, 255] and rounded; grey is the Y
 * plane on the same scale ({@code yScale (Y - yOffset)}, clamped and rounded: Y itself in full
 * range, {@code (Y - 16) * 255 / 219} in limited range), which before clamping is the BT.601 luma
 * of that RGB, so a grey video and an RGB video agree with {@link ImageFolder}'s grey ({@code 0.299
 * R + 0.587 G + 0.114 B}).
 *
 * @param index frame number in its stream, from 0
 * @param data the planes, {@link Chroma#frameBytes} bytes
 */
public record Y4mFrame(
    int index, int width, int height, Chroma chroma, YuvRange range, byte[] data) {

  /** Chroma layouts read. */
  public enum Chroma {
    /** 4:2:0: U and V planes of {@code ceil(W / 2) x ceil(H / 2)}. */
    C420,
    /** 4:4:4: U and V planes of {@code W x H}. */
    C444,
    /** Y plane only. */
    MONO;

    /** Bytes of one frame's planes. */
    public long frameBytes(int width, int height) {
      long y = (long) width * height;
      return switch (this) {
        case C420 -> y + 2L * ((width + 1) / 2) * ((height + 1) / 2);
        case C444 -> 3 * y;
        case MONO -> y;
      };
    }
  }

  private static final float[] LIMITED = YuvRange.LIMITED.coefficients();
  private static final float[] FULL = YuvRange.FULL.coefficients();

  public Y4mFrame {
    if (data.length != chroma.frameBytes(width, height)) {
      throw new IllegalArgumentException(
          data.length + " bytes for a " + width + "x" + height + " " + chroma + " frame");
    }
  }

  /** The stored Y sample of pixel {@code (x, y)}, 0 to 255. */
  public int luma(int x, int y) {
    return data[y * width + x] & 0xff;
  }

  /** Grey of pixel {@code (x, y)}: the Y sample scaled to full range. */
  public int grey(int x, int y) {
    float[] k = coefficients();
    return clampRound(k[1] * (luma(x, y) - k[0]));
  }

  /** RGB of pixel {@code (x, y)} as {@code 0xRRGGBB}; a mono frame is grey. */
  public int rgb(int x, int y) {
    return rgb(x, y, coefficients());
  }

  private float[] coefficients() {
    return range == YuvRange.FULL ? FULL : LIMITED;
  }

  private int rgb(int x, int y, float[] k) {
    float l = k[1] * (luma(x, y) - k[0]);
    if (chroma == Chroma.MONO) {
      int g = clampRound(l);
      return g << 16 | g << 8 | g;
    }
    int cw = chroma == Chroma.C420 ? (width + 1) / 2 : width;
    int ch = chroma == Chroma.C420 ? (height + 1) / 2 : height;
    int c = chroma == Chroma.C420 ? (y / 2) * cw + x / 2 : y * width + x;
    int uOff = width * height;
    float u = (data[uOff + c] & 0xff) - 128f;
    float v = (data[uOff + cw * ch + c] & 0xff) - 128f;
    int r = clampRound(l + k[2] * v);
    int g = clampRound(l - k[3] * u - k[4] * v);
    int b = clampRound(l + k[5] * u);
    return r << 16 | g << 8 | b;
  }

  /**
   * The frame as an image: RGB, or with {@code grey} every pixel's {@link #grey} in all three
   * channels (so an RGB-to-luma step gives the grey back).
   */
  public BufferedImage toImage(boolean grey) {
    int[] px = new int[width * height];
    float[] k = coefficients();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int p;
        if (grey) {
          int g = clampRound(k[1] * (luma(x, y) - k[0]));
          p = g << 16 | g << 8 | g;
        } else {
          p = rgb(x, y, k);
        }
        px[y * width + x] = p;
      }
    }
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, width, height, px, 0, width);
    return img;
  }

  private static int clampRound(float v) {
    return Math.round(Math.min(255f, Math.max(0f, v)));
  }
}
