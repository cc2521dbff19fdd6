package io.edgessl.testing;

import io.edgessl.image.Frame;
import io.edgessl.image.Orientation;
import io.edgessl.image.PixelFormat;
import io.edgessl.image.YuvRange;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/** Random frames of every format, with optional padding, offsets and direct buffers, for tests. */
public final class TestFrames {
  private TestFrames() {}

  /** A tightly packed random frame over a byte array. */
  public static Frame random(PixelFormat format, int width, int height, long seed) {
    return random(format, width, height, seed, 0, false, Orientation.UPRIGHT, YuvRange.LIMITED);
  }

  /**
   * A random frame: {@code pad} extra bytes at the start, after every row and between the planes,
   * over a direct buffer when {@code direct}. Padding bytes are random too, so reading one shows.
   */
  public static Frame random(
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
    int chromaOffset = pad + stride * height + pad;
    int size =
        format.hasChromaPlane()
            ? chromaOffset + chromaStride * format.chromaRows(height)
            : pad + stride * height;
    byte[] bytes = new byte[size];
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
      ByteBuffer buf = ByteBuffer.allocateDirect(size);
      buf.put(bytes).flip();
      b.pixels(buf);
    } else {
      b.pixels(bytes);
    }
    return b.build();
  }
}
