package io.edgessl.nativeaccel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.edgessl.image.ColorMode;
import io.edgessl.image.Frame;
import io.edgessl.image.Interpolation;
import io.edgessl.image.Orientation;
import io.edgessl.image.PixelFormat;
import io.edgessl.image.Preprocessing;
import io.edgessl.image.YuvRange;
import io.edgessl.internal.kernels.JavaImageKernels;
import io.edgessl.spi.PreprocessPlan;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Random shapes and tables, valid and not, through the native preprocessing kernel's Java API.
 * Every call the checks refuse throws {@link IllegalArgumentException} (or {@link
 * NullPointerException}) before reaching C; every call they accept equals the Java twin. Many
 * tables name the frame's very last byte, where a SIMD gather of 4 bytes would read past the end. A
 * crash of the JVM fails the build (surefire reports the dead fork).
 */
class NativePreprocessFuzzTest {
  private static NativeKernels kernels;
  private static List<NativeKernels> variants;

  @BeforeAll
  static void library() {
    NativeTestSupport.assumeLibrary();
    kernels = NativeKernels.best();
    // Every variant this CPU runs, in turn: each one is an entry point of its own in C.
    variants = NativeKernels.supportedVariants().stream().map(NativeKernels::of).toList();
  }

  /** Tables in the contract (as the C unit test makes them), then possibly broken one way. */
  @Test
  void randomTablesThrowOrMatchTheJavaTwin() {
    SplittableRandom r = new SplittableRandom(20261129);
    int valid = 0;
    int refused = 0;
    for (int iter = 0; iter < 3000; iter++) {
      PixelFormat format = PixelFormat.values()[r.nextInt(PixelFormat.values().length)];
      int taps = r.nextInt(1, 6);
      int rows = r.nextInt(1, 30);
      int outH = r.nextInt(1, 20);
      int outW = r.nextInt(1, 90);
      int size = r.nextInt(64, 3000);
      int extra =
          format == PixelFormat.GRAY ? 0 : (format.isYuv() && format != PixelFormat.YUYV ? 1 : 2);
      int span = r.nextInt(1, size / 2);
      int shift = r.nextInt(0, 20);
      int[] colOffsets = new int[2 * outW * taps];
      for (int i = 0; i < colOffsets.length; i++) {
        colOffsets[i] = shift + r.nextInt(span);
      }
      int[] rowOffsets = new int[2 * rows];
      for (int i = 0; i < rowOffsets.length; i++) {
        // Often the largest offset: samples then reach the frame's last byte.
        rowOffsets[i] =
            r.nextInt(4) == 0
                ? size - span - shift - extra
                : r.nextInt(-shift, size - span - shift - extra + 1);
      }
      int[] rowTaps = new int[outH * taps];
      float[] rowWeights = new float[outH * taps];
      int base = r.nextInt(-taps, rows);
      for (int y = 0; y < outH; y++) {
        for (int t = 0; t < taps; t++) {
          rowTaps[y * taps + t] = Math.max(0, Math.min(rows - 1, base + t));
          rowWeights[y * taps + t] = (float) r.nextDouble(-1, 1);
        }
        base += r.nextInt(3);
      }
      float[] colWeights = new float[outW * taps];
      for (int i = 0; i < colWeights.length; i++) {
        colWeights[i] = (float) r.nextDouble(-1, 1);
      }
      int nc = r.nextInt(1, 5);
      int[] channels = new int[nc];
      float[] scale = new float[nc];
      float[] bias = new float[nc];
      for (int c = 0; c < nc; c++) {
        channels[c] = r.nextInt(4);
        scale[c] = (float) r.nextDouble(-2, 2);
        bias[c] = (float) r.nextDouble(-2, 2);
      }
      float[] yuv = YuvRange.values()[r.nextInt(2)].coefficients();
      byte[] pixels = new byte[size];
      r.nextBytes(pixels);
      int dstOffset = r.nextInt(3);
      int dstSize = dstOffset + nc * outH * outW;
      float[] scratch = new float[taps * outW * nc + outW];

      // One thing broken, or nothing.
      switch (r.nextInt(16)) {
        case 0 -> rowTaps[r.nextInt(rowTaps.length)] = r.nextInt(-2, rows + 2);
        case 1 -> colOffsets[r.nextInt(colOffsets.length)] += r.nextInt(-40, 40);
        case 2 -> rowOffsets[r.nextInt(rowOffsets.length)] += r.nextInt(-40, 40);
        case 3 -> pixels = Arrays.copyOf(pixels, size - r.nextInt(1, 5));
        case 4 -> dstSize -= r.nextInt(1, 3);
        case 5 -> dstOffset = r.nextBoolean() ? -1 : Integer.MAX_VALUE - r.nextInt(3);
        case 6 -> channels[r.nextInt(nc)] = r.nextBoolean() ? -1 : 4;
        case 7 -> taps = r.nextBoolean() ? 0 : -taps;
        case 8 -> outH = r.nextBoolean() ? -1 : outH + 1;
        case 9 -> outW = r.nextBoolean() ? Integer.MIN_VALUE : outW + 1;
        case 10 -> scratch = new float[Math.max(0, scratch.length - 1)];
        case 11 -> yuv = format.isYuv() && r.nextBoolean() ? null : new float[5];
        case 12 -> channels = new int[0];
        case 13 -> rowTaps = Arrays.copyOf(rowTaps, rowTaps.length - 1);
        default -> {}
      }
      ByteBuffer src = r.nextBoolean() ? ByteBuffer.wrap(pixels) : direct(pixels);
      float[] javaOut = new float[Math.max(0, dstSize)];
      float[] nativeOut = new float[Math.max(0, dstSize)];
      PreprocessPlan plan;
      try {
        // Bad tables are refused when the plan is built; bad frames and outputs by the kernel.
        plan =
            PreprocessPlan.builder(format, taps, outH, outW)
                .yuv(yuv)
                .rowOffsets(rowOffsets)
                .rows(rowTaps, rowWeights)
                .columns(colOffsets, colWeights)
                .channels(channels, scale, bias)
                .build();
        variants
            .get(iter % variants.size())
            .preprocess(src, plan, FloatBuffer.wrap(nativeOut), dstOffset, scratch);
      } catch (IllegalArgumentException | NullPointerException e) {
        assertNotNull(e.getMessage());
        refused++;
        continue;
      }
      JavaImageKernels.instance()
          .preprocess(src, plan, FloatBuffer.wrap(javaOut), dstOffset, scratch);
      int i = TestImages.firstDifference(javaOut, nativeOut);
      if (i >= 0) {
        fail(
            "iteration "
                + iter
                + ", "
                + format
                + ", "
                + taps
                + " taps: value "
                + i
                + " is "
                + nativeOut[i]
                + ", the Java twin's "
                + javaOut[i]);
      }
      valid++;
    }
    assertTrue(valid > 800 && refused > 800, "valid " + valid + ", refused " + refused);
  }

  /**
   * Random frame descriptions and specs through the public API: the builders refuse what does not
   * describe a frame; every frame they accept preprocesses as the Java twin does.
   */
  @Test
  void randomFramesThroughTheApiThrowOrMatchTheJavaTwin() {
    SplittableRandom r = new SplittableRandom(11);
    int valid = 0;
    for (int iter = 0; iter < 400; iter++) {
      PixelFormat format = PixelFormat.values()[r.nextInt(PixelFormat.values().length)];
      int w = r.nextInt(-2, 60);
      int h = r.nextInt(-2, 60);
      int size = r.nextInt(0, 4 * 62 * 62);
      byte[] pixels = new byte[size];
      r.nextBytes(pixels);
      Frame f;
      try {
        Frame.Builder b =
            Frame.builder(format, w, h)
                .pixels(r.nextBoolean() ? ByteBuffer.wrap(pixels) : direct(pixels))
                .orientation(Orientation.values()[r.nextInt(8)])
                .yuvRange(YuvRange.values()[r.nextInt(2)]);
        if (r.nextInt(3) == 0) {
          b.offset(r.nextInt(-1, 50));
        }
        if (r.nextInt(3) == 0) {
          b.rowStride(r.nextInt(-1, 300));
        }
        if (format.hasChromaPlane() && r.nextInt(3) == 0) {
          b.chromaOffset(r.nextInt(-1, size + 2)).chromaRowStride(r.nextInt(-1, 300));
        }
        f = b.build();
      } catch (IllegalArgumentException e) {
        continue;
      }
      Preprocessing p =
          TestImages.spec(
              r.nextInt(1, 40),
              r.nextInt(1, 40),
              ColorMode.values()[r.nextInt(3)],
              Interpolation.values()[r.nextInt(2)],
              r.nextBoolean() ? 0 : r.nextInt(40, 80));
      float[] want = TestImages.run(p, JavaImageKernels.instance(), f);
      float[] got = TestImages.run(p, variants.get(iter % variants.size()), f);
      assertEquals(-1, TestImages.firstDifference(want, got), f + " -> " + p);
      valid++;
    }
    assertTrue(valid > 50, "valid frames: " + valid);
  }

  private static ByteBuffer direct(byte[] b) {
    return ByteBuffer.allocateDirect(b.length).put(b).clear();
  }
}
