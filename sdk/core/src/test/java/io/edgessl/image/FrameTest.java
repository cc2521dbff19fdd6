package io.edgessl.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FrameTest {
  @Test
  void packedSizesPerFormat() {
    assertEquals(3 * 5 * 3, PixelFormat.RGB.packedSize(5, 3));
    assertEquals(4 * 5 * 3, PixelFormat.BGRA.packedSize(5, 3));
    assertEquals(5 * 3, PixelFormat.GRAY.packedSize(5, 3));
    // NV12 5 x 3: Y 15 bytes, chroma 3 pairs x 2 rows.
    assertEquals(15 + 12, PixelFormat.NV12.packedSize(5, 3));
    // YUYV 5 x 3: 3 groups of 4 bytes a row.
    assertEquals(36, PixelFormat.YUYV.packedSize(5, 3));
  }

  @Test
  void defaultsForAPackedFrame() {
    Frame f = Frame.of(new byte[27], PixelFormat.NV21, 5, 3);
    assertEquals(5, f.rowStride());
    assertEquals(15, f.chromaOffset());
    assertEquals(6, f.chromaRowStride()); // 3 pairs: longer than the Y plane.s odd row
    assertEquals(Orientation.UPRIGHT, f.orientation());
    assertEquals(YuvRange.LIMITED, f.yuvRange());
    Frame g =
        Frame.builder(PixelFormat.RGB, 4, 2)
            .pixels(ByteBuffer.allocateDirect(40))
            .rowStride(16)
            .orientation(Orientation.ROTATE_270)
            .build();
    assertEquals(2, g.uprightWidth());
    assertEquals(4, g.uprightHeight());
  }

  @Test
  void wrongSizeOrFormatIsRejectedNamingTheBytes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Frame.of(new byte[100], PixelFormat.RGB, 8, 5));
    assertEquals(
        "RGB frame 8x5 needs 120 bytes (offset 0, row stride 24) but the pixels hold 100",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> Frame.of(new byte[60], PixelFormat.NV12, 8, 6));
    assertEquals(
        "NV12 frame 8x6 needs 72 bytes for the chroma plane from byte 48 (offset 0, row stride 8)"
            + " but the pixels hold 60",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Frame.builder(PixelFormat.YUYV, 5, 2).pixels(new byte[100]).rowStride(10).build());
    assertEquals("YUYV frame 5x2: row stride 10 is less than a row of 12 bytes", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Frame.builder(PixelFormat.RGB, 2, 2).pixels(new byte[12]).chromaOffset(4).build());
    assertEquals(
        "RGB frame 2x2: chroma offset and stride apply to NV12 and NV21 only", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> Frame.of(new byte[0], PixelFormat.GRAY, 0, 4));
    assertEquals("frame size must be positive: 0x4", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> Frame.builder(PixelFormat.GRAY, 2, 2).offset(-1));
    assertEquals("offset must not be negative: -1", e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Frame.builder(PixelFormat.GRAY, 2, 2).build());
  }

  @Test
  void exifOrientations() {
    assertEquals(Orientation.UPRIGHT, Orientation.fromExif(1));
    assertEquals(Orientation.ROTATE_90, Orientation.fromExif(6));
    assertEquals(Orientation.MIRROR_ROTATE_270, Orientation.fromExif(5));
    assertEquals(Orientation.ROTATE_270, Orientation.of(270, false));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Orientation.of(45, false));
    assertEquals("rotation must be 0, 90, 180 or 270 degrees clockwise: 45", e.getMessage());
  }
}
