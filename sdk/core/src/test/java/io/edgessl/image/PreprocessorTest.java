package io.edgessl.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.edgessl.testing.ReferencePreprocessing;
import io.edgessl.testing.TestFrames;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PreprocessorTest {
  /** Output equal to the pixel value: (v / 255 - 0) / (1 / 255). */
  private static Preprocessing.Builder raw(int h, int w, ColorMode color) {
    float[] mean = new float[color.channels()];
    float[] std = new float[color.channels()];
    java.util.Arrays.fill(std, 1f / 255f);
    return Preprocessing.builder(h, w).color(color).normalize(mean, std);
  }

  private static float[] run(Preprocessing p, Frame f) {
    float[] out = new float[p.size()];
    new Preprocessor(p).run(f, out, 0);
    return out;
  }

  @Test
  void sameSizeRgbIsThePixelsNormalized() {
    byte[] px = {10, 20, 30, 40, 50, 60, 70, 80, 90, (byte) 255, 0, (byte) 128};
    Preprocessing p =
        Preprocessing.builder(2, 2)
            .normalize(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f})
            .build();
    float[] out = run(p, Frame.of(px, PixelFormat.RGB, 2, 2));
    // Planes R, G, B; (v / 255 - 0.5) / 0.25.
    int[] r = {10, 40, 70, 255};
    int[] g = {20, 50, 80, 0};
    int[] b = {30, 60, 90, 128};
    for (int i = 0; i < 4; i++) {
      assertEquals((r[i] / 255f - 0.5f) / 0.25f, out[i], 1e-6);
      assertEquals((g[i] / 255f - 0.5f) / 0.25f, out[4 + i], 1e-6);
      assertEquals((b[i] / 255f - 0.5f) / 0.25f, out[8 + i], 1e-6);
    }
    assertEquals(2f, out[3], 1e-6); // 255 -> (1 - 0.5) / 0.25
  }

  @Test
  void bilinearHalvesAndDoubles() {
    // 4 -> 2: centres at 0.5 and 2.5, the mean of each pair.
    Frame f = Frame.of(new byte[] {0, 100, (byte) 200, 40}, PixelFormat.GRAY, 4, 1);
    assertArrayEquals(new float[] {50, 120}, run(raw(1, 2, ColorMode.GRAY).build(), f), 1e-4f);
    // 2 -> 4: centres at -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
    f = Frame.of(new byte[] {0, (byte) 200}, PixelFormat.GRAY, 2, 1);
    assertArrayEquals(
        new float[] {0, 50, 150, 200}, run(raw(1, 4, ColorMode.GRAY).build(), f), 1e-4f);
  }

  @Test
  void bicubicUsesKeysKernelWithAMinus075() {
    // 4 -> 8, output 3 samples the source at 1.25: pixels 0..3 with weights (t = 0.25)
    // -0.10546875, 0.87890625, 0.26171875, -0.03515625.
    Frame f = Frame.of(new byte[] {0, 0, (byte) 255, (byte) 255}, PixelFormat.GRAY, 4, 1);
    float[] out = run(raw(1, 8, ColorMode.GRAY).stretch(Interpolation.BICUBIC).build(), f);
    assertEquals(255 * (0.26171875 - 0.03515625), out[3], 1e-4);
    // Output 0 samples -0.25: base -1, t 0.75, pixels -2..1 clamped to 0, 0, 0, 1.
    assertEquals(0, out[0], 1e-4);
    // Overshoot is kept, not clamped: output 4 samples 1.75 (t 0.75), weights -0.03515625,
    // 0.26171875, 0.87890625, -0.10546875 on pixels 0, 1, 2, 3.
    assertEquals(255 * (0.87890625 - 0.10546875), out[4], 1e-4);
  }

  @Test
  void nv12ConvertsWithBt601LimitedOrFullRange() {
    // 2 x 2 pixels sharing one chroma pair U = 90, V = 200.
    byte[] px = {16, (byte) 235, (byte) 128, 81, 90, (byte) 200};
    Preprocessing p = raw(2, 2, ColorMode.RGB).build();
    float[] out = run(p, Frame.of(px, PixelFormat.NV12, 2, 2));
    // Limited: R = 1.164383 (Y - 16) + 1.596027 (V - 128); G = 1.164383 (Y - 16) - 0.391762 (U -
    // 128) - 0.812968 (V - 128); B = 1.164383 (Y - 16) + 2.017232 (U - 128); clamped to [0, 255].
    double[] y = {16, 235, 128, 81};
    for (int i = 0; i < 4; i++) {
      double l = 1.164383 * (y[i] - 16);
      assertEquals(clamp(l + 1.596027 * 72), out[i], 2e-3, "R of pixel " + i);
      assertEquals(clamp(l + 0.391762 * 38 - 0.812968 * 72), out[4 + i], 2e-3, "G of pixel " + i);
      assertEquals(clamp(l - 2.017232 * 38), out[8 + i], 2e-3, "B of pixel " + i);
    }
    // Y 128 limited: R = 130.41 + 114.91 = 245.33, G = 130.41 + 14.89 - 58.53 = 86.76,
    // B = 130.41 - 76.65 = 53.75.
    assertEquals(245.325, out[2], 2e-2);
    assertEquals(86.762, out[6], 2e-2);
    assertEquals(53.754, out[10], 2e-2);

    Frame full = Frame.builder(PixelFormat.NV12, 2, 2).pixels(px).yuvRange(YuvRange.FULL).build();
    out = run(p, full);
    for (int i = 0; i < 4; i++) {
      assertEquals(clamp(y[i] + 1.402 * 72), out[i], 2e-3);
      assertEquals(clamp(y[i] + 0.344136 * 38 - 0.714136 * 72), out[4 + i], 2e-3);
      assertEquals(clamp(y[i] - 1.772 * 38), out[8 + i], 2e-3);
    }
  }

  @Test
  void nv21SwapsChromaAndYuyvSharesItPerPair() {
    Preprocessing p = raw(2, 2, ColorMode.RGB).build();
    byte[] nv12 = {50, 60, 70, 80, 90, (byte) 200};
    byte[] nv21 = {50, 60, 70, 80, (byte) 200, 90};
    assertArrayEquals(
        run(p, Frame.of(nv12, PixelFormat.NV12, 2, 2)),
        run(p, Frame.of(nv21, PixelFormat.NV21, 2, 2)));
    // YUYV: Y0 U Y1 V per two pixels of a row.
    byte[] yuyv = {50, 90, 60, (byte) 200, 70, 90, 80, (byte) 200};
    assertArrayEquals(
        run(p, Frame.of(nv12, PixelFormat.NV12, 2, 2)),
        run(p, Frame.of(yuyv, PixelFormat.YUYV, 2, 2)),
        1e-6f);
  }

  @Test
  void oddWidthYuvUsesTheLastPairsChroma() {
    // 3 x 1 YUYV: the third pixel is the first of an incomplete pair.
    byte[] yuyv = {100, 90, 110, (byte) 200, 120, 20, 0, (byte) 240};
    float[] out = run(raw(1, 3, ColorMode.RGB).build(), Frame.of(yuyv, PixelFormat.YUYV, 3, 1));
    double l = 1.164383 * (120 - 16);
    assertEquals(clamp(l + 1.596027 * (240 - 128)), out[2], 2e-3);
    assertEquals(clamp(l - 2.017232 * 108), out[8], 2e-3);
  }

  @Test
  void greyIsBt601Luma() {
    byte[] px = {(byte) 255, 0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255};
    float[] out = run(raw(1, 3, ColorMode.GRAY).build(), Frame.of(px, PixelFormat.RGB, 3, 1));
    assertArrayEquals(new float[] {0.299f * 255, 0.587f * 255, 0.114f * 255}, out, 1e-3f);
    // BGR frames and BGR models: planes in B, G, R order.
    out = run(raw(1, 3, ColorMode.BGR).build(), Frame.of(px, PixelFormat.BGR, 3, 1));
    assertArrayEquals(new float[] {255, 0, 0, 0, 255, 0, 0, 0, 255}, out, 1e-4f);
  }

  @Test
  void orientationTurnsTheImageUpright() {
    // Stored 3 wide, 2 high: 1 2 3 / 4 5 6.
    byte[] px = {1, 2, 3, 4, 5, 6};
    check(px, Orientation.UPRIGHT, 2, 3, 1, 2, 3, 4, 5, 6);
    check(px, Orientation.ROTATE_90, 3, 2, 4, 1, 5, 2, 6, 3);
    check(px, Orientation.ROTATE_180, 2, 3, 6, 5, 4, 3, 2, 1);
    check(px, Orientation.ROTATE_270, 3, 2, 3, 6, 2, 5, 1, 4);
    check(px, Orientation.MIRROR, 2, 3, 3, 2, 1, 6, 5, 4);
    check(px, Orientation.MIRROR_ROTATE_90, 3, 2, 6, 3, 5, 2, 4, 1);
    check(px, Orientation.MIRROR_ROTATE_180, 2, 3, 4, 5, 6, 1, 2, 3);
    check(px, Orientation.MIRROR_ROTATE_270, 3, 2, 1, 4, 2, 5, 3, 6); // the transpose
  }

  private static void check(byte[] px, Orientation o, int h, int w, float... expected) {
    Frame f = Frame.builder(PixelFormat.GRAY, 3, 2).pixels(px).orientation(o).build();
    assertEquals(h, f.uprightHeight());
    assertEquals(w, f.uprightWidth());
    assertArrayEquals(expected, run(raw(h, w, ColorMode.GRAY).build(), f), 1e-4f, o.toString());
  }

  @Test
  void windowFollowsTorchvisionResizeAndCenterCrop() {
    Preprocessing p =
        Preprocessing.builder(224, 224).resizeShortSide(256, Interpolation.BICUBIC).build();
    // 640 x 480 landscape: 256 x 341 (341.33 truncated), top (256-224)/2 = 16, left 58.5 -> 58.
    assertArrayEquals(new int[] {256, 341, 16, 58}, p.window(480, 640));
    assertArrayEquals(new int[] {341, 256, 58, 16}, p.window(640, 480));
    assertArrayEquals(new int[] {256, 256, 16, 16}, p.window(100, 100));
    Preprocessing s = Preprocessing.builder(224, 224).build();
    assertArrayEquals(new int[] {224, 224, 0, 0}, s.window(480, 640));
  }

  @Test
  void matchesTheIndependentReferenceForEveryFormatOrientationAndOddSizes() {
    SplittableRandom rnd = new SplittableRandom(7);
    int[][] sizes = {{1, 1}, {2, 3}, {7, 5}, {13, 9}, {31, 17}, {5, 29}};
    int cases = 0;
    for (PixelFormat format : PixelFormat.values()) {
      for (Orientation o : Orientation.values()) {
        for (Interpolation interp : Interpolation.values()) {
          int[] wh = sizes[rnd.nextInt(sizes.length)];
          ColorMode color = ColorMode.values()[rnd.nextInt(3)];
          Frame f =
              TestFrames.random(
                  format,
                  wh[0],
                  wh[1],
                  rnd.nextLong(),
                  rnd.nextInt(4),
                  rnd.nextBoolean(),
                  o,
                  rnd.nextBoolean() ? YuvRange.LIMITED : YuvRange.FULL);
          int h = 1 + rnd.nextInt(12);
          int w = 1 + rnd.nextInt(12);
          Preprocessing.Builder pb =
              Preprocessing.builder(h, w)
                  .color(color)
                  .normalize(
                      color == ColorMode.GRAY
                          ? new float[] {0.5f}
                          : new float[] {0.485f, 0.456f, 0.406f},
                      color == ColorMode.GRAY
                          ? new float[] {0.25f}
                          : new float[] {0.229f, 0.224f, 0.225f});
          if (rnd.nextBoolean()) {
            pb.resizeShortSide(Math.max(h, w) + rnd.nextInt(5), interp);
          } else {
            pb.stretch(interp);
          }
          Preprocessing p = pb.build();
          float[] expected = ReferencePreprocessing.run(p, f);
          float[] actual = run(p, f);
          assertArrayEquals(expected, actual, 2e-5f, f + " -> " + p);
          cases++;
        }
      }
    }
    assertEquals(8 * 8 * 2, cases);
  }

  @Test
  void writesAtAnOffsetIntoADirectBufferAndReusesItsTables() {
    Preprocessing p = Preprocessing.builder(6, 5).stretch(Interpolation.BICUBIC).build();
    FloatBuffer buf =
        ByteBuffer.allocateDirect(4 * (3 * p.size() + 1))
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    Preprocessor pre = new Preprocessor(p);
    Frame a = TestFrames.random(PixelFormat.NV21, 9, 7, 1);
    Frame b = TestFrames.random(PixelFormat.NV21, 9, 7, 2);
    Frame c = TestFrames.random(PixelFormat.RGBA, 4, 11, 3);
    pre.run(a, buf, 1);
    pre.run(b, buf, 1 + p.size());
    pre.run(c, buf, 1 + 2 * p.size());
    Frame[] frames = {a, b, c};
    for (int i = 0; i < 3; i++) {
      float[] got = new float[p.size()];
      buf.get(1 + i * p.size(), got);
      assertArrayEquals(ReferencePreprocessing.run(p, frames[i]), got, 2e-5f);
    }
    assertEquals(0f, buf.get(0)); // nothing before the offset
    assertEquals(0, buf.position());
  }

  /** Positions and limits of the frame's and the output's buffers do not matter (absolute). */
  @Test
  void ignoresThePositionAndLimitOfBothBuffers() {
    Preprocessing p = Preprocessing.builder(5, 6).stretch(Interpolation.BICUBIC).build();
    Frame a = TestFrames.random(PixelFormat.YUYV, 7, 9, 4);
    ByteBuffer direct = ByteBuffer.allocateDirect(a.pixels().capacity());
    direct.put(a.pixels()).position(3).limit(5);
    Frame b = Frame.builder(PixelFormat.YUYV, 7, 9).pixels(direct).rowStride(a.rowStride()).build();
    FloatBuffer out = FloatBuffer.allocate(p.size() + 2);
    out.position(1).limit(2);
    new Preprocessor(p).run(b, out, 2);
    float[] got = new float[p.size()];
    out.duplicate().clear().get(2, got);
    assertArrayEquals(ReferencePreprocessing.run(p, a), got, 2e-5f);
    assertEquals(1, out.position());
    assertEquals(2, out.limit());
    assertEquals(3, direct.position());
  }

  /** Bytes this thread has allocated (HotSpot's counter, read reflectively: core reads no JMX). */
  static long allocatedBytes() {
    try {
      Object mx =
          Class.forName("java.lang.management.ManagementFactory")
              .getMethod("getThreadMXBean")
              .invoke(null);
      Method m =
          Class.forName("com.sun.management.ThreadMXBean")
              .getMethod("getThreadAllocatedBytes", long.class);
      return (long) m.invoke(mx, Thread.currentThread().getId());
    } catch (ReflectiveOperationException | RuntimeException e) {
      return -1;
    }
  }

  @Test
  void allocatesNothingPerFrameAfterTheFirst() {
    assumeTrue(allocatedBytes() >= 0, "no per-thread allocation counter in this JVM");
    Preprocessing p =
        Preprocessing.builder(32, 32).resizeShortSide(36, Interpolation.BICUBIC).build();
    Preprocessor pre = new Preprocessor(p);
    FloatBuffer buf =
        ByteBuffer.allocateDirect(4 * p.size()).order(ByteOrder.nativeOrder()).asFloatBuffer();
    Frame[] frames = new Frame[4];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = TestFrames.random(PixelFormat.NV12, 64, 48, i);
    }
    pre.run(frames[0], buf, 0); // plans the tables
    // What reading the counter costs (reflection boxes its result).
    long overhead = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      long a = allocatedBytes();
      overhead = Math.min(overhead, allocatedBytes() - a);
    }
    long before = allocatedBytes();
    for (int i = 0; i < 30; i++) {
      pre.run(frames[1 + i % 3], buf, 0);
    }
    long allocated = allocatedBytes() - before - overhead;
    assertEquals(0, allocated, "bytes allocated by 30 frames of the same geometry");
  }

  @Test
  void rejectsAnOutputThatDoesNotFit() {
    Preprocessing p = Preprocessing.builder(4, 4).build();
    Preprocessor pre = new Preprocessor(p);
    Frame f = TestFrames.random(PixelFormat.RGB, 4, 4, 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> pre.run(f, new float[47], 0));
    assertEquals("output of 48 floats at offset 0 does not fit a buffer of 47", e.getMessage());
  }

  private static double clamp(double v) {
    return Math.min(255, Math.max(0, v));
  }
}
