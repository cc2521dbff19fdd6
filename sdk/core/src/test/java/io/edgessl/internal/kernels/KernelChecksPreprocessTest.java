package io.edgessl.internal.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgessl.image.PixelFormat;
import io.edgessl.image.YuvRange;
import io.edgessl.spi.PreprocessPlan;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PreprocessPlan}'s checks (once, when built) and {@link KernelChecks#preprocess} (per
 * frame): what the native kernels rely on. One small valid call (an NV12 frame of 4 upright rows, 3
 * x 5 output, bilinear), then one thing wrong at a time, each refused with a message naming the
 * values; the byte bounds are exact, to the last byte a sample reads.
 */
class KernelChecksPreprocessTest {
  private static final int H = 3;
  private static final int W = 5;
  private static final int T = 2;
  private int[] rowOffsets;
  private int[] rowTaps;
  private float[] rowWeights;
  private int[] colOffsets;
  private float[] colWeights;
  private int[] channels;
  private int srcSize;
  private FloatBuffer dst;
  private float[] scratch;
  private PixelFormat format;

  @BeforeEach
  void valid() {
    rowOffsets = new int[] {0, 32, 8, 32, 16, 34, 24, 34};
    rowTaps = new int[] {0, 1, 1, 2, 2, 3};
    rowWeights = new float[H * T];
    colOffsets = new int[2 * W * T];
    colWeights = new float[W * T];
    for (int i = 0; i < W * T; i++) {
      colOffsets[2 * i] = i / 2; // luma 0..4
      colOffsets[2 * i + 1] = i / 4 * 2; // chroma 0, 2, 4
    }
    channels = new int[] {0, 1, 2};
    srcSize = 40; // chroma 34 + 4, two bytes: 40
    dst = FloatBuffer.allocate(3 * H * W);
    scratch = new float[T * W * 3 + W];
    format = PixelFormat.NV12;
  }

  private void check() {
    PreprocessPlan plan =
        PreprocessPlan.builder(format, T, H, W)
            .yuv(YuvRange.FULL.coefficients())
            .rowOffsets(rowOffsets)
            .rows(rowTaps, rowWeights)
            .columns(colOffsets, colWeights)
            .channels(channels, new float[3], new float[3])
            .build();
    KernelChecks.preprocess(ByteBuffer.allocate(srcSize), plan, dst, 0, scratch);
  }

  private void refused(String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, this::check);
    assertEquals(message, e.getMessage());
  }

  @Test
  void theValidCallPassesAndTheFrameBoundIsExact() {
    check();
    srcSize = 39;
    refused("the chroma samples read bytes 32..39 of a frame of 39 bytes");
    format = PixelFormat.RGB;
    srcSize = 31; // luma 24 + 4, three bytes
    check();
    srcSize = 30;
    refused("the luma samples read bytes 0..30 of a frame of 30 bytes");
  }

  @Test
  void rowTapsMustStayInsideAndInOrder() {
    rowTaps[5] = 4;
    refused("row tap 1 of output row 2 is 4, outside the 4 upright rows of rowOffsets");
    rowTaps[5] = 3;
    rowTaps[4] = 0;
    refused("row taps of output row 2 are not consecutive rows: 0 then 3");
    rowTaps[4] = 1;
    rowTaps[5] = 2;
    check(); // the same window as row 1's: allowed
    rowTaps[4] = 0;
    rowTaps[5] = 1;
    refused("row taps of output row 2 move up from those of row 1");
  }

  @Test
  void sizesLengthsAndTheOutputAreChecked() {
    channels = new int[] {0, 4};
    refused("channel 1 names component 4; components are 0..3");
    channels = new int[] {0, 1, 2};
    colOffsets = new int[2 * W * T - 1];
    refused("colOffsets holds 19 values, 20 needed");
    colOffsets = new int[2 * W * T];
    scratch = new float[T * W * 3 + W - 1];
    refused("scratch holds 34 values, 35 needed");
    scratch = new float[T * W * 3 + W];
    dst = FloatBuffer.allocate(3 * H * W - 1);
    refused("output of 45 floats at offset 0 does not fit a buffer of 44");
    dst = FloatBuffer.allocate(3 * H * W).asReadOnlyBuffer();
    refused("output buffer is read-only");
    dst = FloatBuffer.allocate(3 * H * W);
    rowOffsets[0] = -1;
    refused("the luma samples read bytes -1..24, before the frame"); // colOffsets all 0 now
  }

  @Test
  void thePlanIsACopyAndSaysWhatAFrameNeeds() {
    PreprocessPlan plan =
        PreprocessPlan.builder(format, T, H, W)
            .yuv(YuvRange.FULL.coefficients())
            .rowOffsets(rowOffsets)
            .rows(rowTaps, rowWeights)
            .columns(colOffsets, colWeights)
            .channels(channels, new float[3], new float[3])
            .build();
    rowTaps[0] = 99; // the caller's array, not the plan's
    assertEquals(0, plan.rowTaps()[0]);
    plan.rowTaps()[0] = 99; // a copy again
    assertEquals(0, plan.rowTaps()[0]);
    assertEquals(40, plan.sourceBytes());
    assertEquals(45, plan.outputSize());
    assertEquals(35, plan.scratchSize());
    assertEquals(4, plan.rows());
    assertEquals(3, plan.channelCount());
    NullPointerException e =
        assertThrows(
            NullPointerException.class,
            () -> PreprocessPlan.builder(format, T, H, W).rowOffsets(rowOffsets).build());
    assertEquals("yuv", e.getMessage());
  }

  @Test
  void theJavaKernelChecksToo() {
    PreprocessPlan plan =
        PreprocessPlan.builder(format, T, H, W)
            .yuv(YuvRange.FULL.coefficients())
            .rowOffsets(rowOffsets)
            .rows(rowTaps, rowWeights)
            .columns(colOffsets, colWeights)
            .channels(channels, new float[3], new float[3])
            .build();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JavaImageKernels.instance()
                    .preprocess(ByteBuffer.allocate(39), plan, dst, 0, scratch));
    assertEquals("the chroma samples read bytes 32..39 of a frame of 39 bytes", e.getMessage());
  }
}
