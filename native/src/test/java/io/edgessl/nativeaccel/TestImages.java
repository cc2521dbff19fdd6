package io.edgessl.nativeaccel;

import io.edgessl.image.ColorMode;
import io.edgessl.image.Frame;
import io.edgessl.image.Interpolation;
import io.edgessl.image.Orientation;
import io.edgessl.image.PixelFormat;
import io.edgessl.image.Preprocessing;
import io.edgessl.image.Preprocessor;
import io.edgessl.image.YuvRange;
import io.edgessl.spi.ImageKernels;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/** Random frames and preprocessing specs for the native preprocessing tests. */
final class TestImages {
  private TestImages() {}

  /**
   * A random frame: {@code pad} extra bytes at the start, after every row and between the planes
   * (random too, so reading one shows), over a direct buffer when {@code direct}. The pixels end
   * exactly at the end of the array or buffer.
   */
  static Frame frame(
      PixelFormat format,
      int width,
      int height,
      long seed,
      int pad,
      boolean direct,
      Orientation orientation,
      YuvRange range) {
    int stride = (int) format.minRowStride(width) + pad;
    int chromaStride = (int) format.minChromaRowStride(width) + pad;
    long lumaEnd = pad + (long) stride * (height - 1) + format.minRowStride(width);
    int chromaOffset = (int) lumaEnd + pad;
    long size =
        format.hasChromaPlane()
            ? chromaOffset
                + (long) chromaStride * (format.chromaRows(height) - 1)
                + format.minChromaRowStride(width)
            : lumaEnd;
    byte[] bytes = new byte[(int) size];
    new SplittableRandom(seed).nextBytes(bytes);
    Frame.Builder b =
        Frame.builder(format, width, height)
            .offset(pad)
            .rowStride(stride)
            .orientation(orientation)
            .yuvRange(range);
    if (format.hasChromaPlane()) {
      b.chromaOffset(chromaOffset).chromaRowStride(chromaStride);
    }
    if (direct) {
      ByteBuffer buf = ByteBuffer.allocateDirect(bytes.length);
      buf.put(bytes).flip();
      b.pixels(buf);
    } else {
      b.pixels(bytes);
    }
    return b.build();
  }

  /** A spec of the given size, colour and filter, stretched or resized by its short side. */
  static Preprocessing spec(
      int height, int width, ColorMode color, Interpolation interp, int shortSide) {
    boolean gray = color == ColorMode.GRAY;
    Preprocessing.Builder b =
        Preprocessing.builder(height, width)
            .color(color)
            .normalize(
                gray ? new float[] {0.5f} : new float[] {0.485f, 0.456f, 0.406f},
                gray ? new float[] {0.25f} : new float[] {0.229f, 0.224f, 0.225f});
    return shortSide > 0 ? b.resizeShortSide(shortSide, interp).build() : b.stretch(interp).build();
  }

  /** Preprocesses {@code f} with {@code k} into a new array. */
  static float[] run(Preprocessing p, ImageKernels k, Frame f) {
    float[] out = new float[p.size()];
    new Preprocessor(p, k).run(f, FloatBuffer.wrap(out), 0);
    return out;
  }

  /**
   * Index of the first value that differs ({@code ==}, so {@code -0f} equals {@code 0f}), or -1.
   */
  static int firstDifference(float[] want, float[] got) {
    for (int i = 0; i < want.length; i++) {
      if (!(want[i] == got[i])) {
        return i;
      }
    }
    return want.length == got.length ? -1 : Math.min(want.length, got.length);
  }
}
