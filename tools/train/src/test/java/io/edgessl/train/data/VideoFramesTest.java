package io.edgessl.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.image.YuvRange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Y4mReader} and {@link VideoFrames} on small generated videos: planes, grey and BT.601 RGB
 * against hand computation, frame step and caps, directory order, and each bad input's message.
 */
class VideoFramesTest {
  @TempDir Path dir;

  static final int W = 13;
  static final int H = 9;

  // Known samples: Y ramps over x, y and the frame; chroma over its own (half-size) grid.
  static int y(int x, int r, int f) {
    return 16 + 3 * x + 7 * r + 20 * f;
  }

  static int u(int cx, int cy, int f) {
    return 90 + 5 * cx + cy + f;
  }

  static int v(int cx, int cy, int f) {
    return 160 - 4 * cx - 2 * cy + f;
  }

  static List<byte[]> ramp420(int frames) {
    List<byte[]> out = new ArrayList<>();
    for (int f = 0; f < frames; f++) {
      final int ff = f;
      out.add(
          Y4mFiles.planes(
              W, H, (x, r) -> y(x, r, ff), (x, r) -> u(x, r, ff), (x, r) -> v(x, r, ff)));
    }
    return out;
  }

  Path ramp(String name, int frames) throws IOException {
    return Y4mFiles.write(dir.resolve(name), "W13 H9 F25:1 Ip A1:1 C420jpeg", ramp420(frames));
  }

  @Test
  void reads420PlanesGreyAndBt601Rgb() throws Exception {
    Path f = ramp("ramp.y4m", 5);
    try (Y4mReader r = Y4mReader.open(f)) {
      assertEquals(W, r.width());
      assertEquals(H, r.height());
      assertEquals(Y4mFrame.Chroma.C420, r.chroma());
      assertEquals(YuvRange.LIMITED, r.range());
      assertEquals("25:1", r.frameRate());
      for (int fr = 0; fr < 5; fr++) {
        Y4mFrame frame = r.read();
        assertEquals(fr, frame.index());
        assertEquals(
            W * H + 2 * 7 * 5, frame.data().length, "4:2:0 chroma is ceil(13/2) x ceil(9/2)");
        for (int row = 0; row < H; row++) {
          for (int x = 0; x < W; x++) {
            int yy = y(x, row, fr);
            assertEquals(yy, frame.luma(x, row));
            // Limited range, BT.601 (the formula of YuvRange's documentation, in double).
            double l = 1.164383 * (yy - 16);
            double uu = u(x / 2, row / 2, fr) - 128;
            double vv = v(x / 2, row / 2, fr) - 128;
            assertEquals(clamp(l), frame.grey(x, row), 0, "grey at " + x + "," + row);
            int rgb = frame.rgb(x, row);
            assertEquals(clamp(l + 1.596027 * vv), rgb >> 16, 1);
            assertEquals(clamp(l - 0.391762 * uu - 0.812968 * vv), (rgb >> 8) & 0xff, 1);
            assertEquals(clamp(l + 2.017232 * uu), rgb & 0xff, 1);
          }
        }
        if (fr == 2) {
          // By hand: Y = 16 + 15 + 21 + 40 = 92, U = 90 + 10 + 1 + 2 = 103, V = 160 - 8 - 2 + 2
          // = 152; R = 1.164383 * 76 + 1.596027 * 24 = 126.80, G = 88.49 + 0.391762 * 25
          // - 0.812968 * 24 = 78.78, B = 88.49 - 2.017232 * 25 = 38.06.
          assertEquals(0x7f4f26, frame.rgb(5, 3));
          assertEquals(88, frame.grey(5, 3));
          // The last, odd column and row take the last chroma sample: Y = 16 + 36 + 56 + 40
          // = 148, U = 90 + 30 + 4 + 2 = 126, V = 160 - 24 - 8 + 2 = 130: R = 153.70 + 3.19,
          // G = 153.70 + 0.78 - 1.63, B = 153.70 - 4.03.
          assertEquals(157 << 16 | 153 << 8 | 150, frame.rgb(12, 8));
        }
      }
      assertNull(r.read(), "end of stream");
    }
  }

  @Test
  void readsFull444AndMono() throws Exception {
    // 4:4:4, full range (ffmpeg's XCOLORRANGE=FULL): R = Y + 1.402 (V - 128), G = Y - 0.344136
    // (U - 128) - 0.714136 (V - 128), B = Y + 1.772 (U - 128).
    byte[] px = new byte[3 * 2 * 1];
    px[0] = (byte) 100; // Y (0, 0)
    px[1] = (byte) 250; // Y (1, 0)
    px[2] = (byte) 60; // U (0, 0)
    px[3] = (byte) 128; // U (1, 0)
    px[4] = (byte) 200; // V (0, 0)
    px[5] = (byte) 200; // V (1, 0)
    Path f = Y4mFiles.write(dir.resolve("full.y4m"), "W2 H1 C444 XCOLORRANGE=FULL", List.of(px));
    try (Y4mReader r = Y4mReader.open(f)) {
      assertEquals(YuvRange.FULL, r.range());
      Y4mFrame frame = r.read();
      // (0, 0): R = 100 + 100.94 = 200.94, G = 100 + 23.40 - 51.42 = 71.98, B = 100 - 120.50.
      assertEquals(201 << 16 | 72 << 8, frame.rgb(0, 0));
      // (1, 0): R = 250 + 100.94 clamps to 255, G = 250 - 51.42 = 198.58, B = 250.
      assertEquals(255 << 16 | 199 << 8 | 250, frame.rgb(1, 0));
      assertEquals(250, frame.grey(1, 0), "full range: grey is Y");
    }

    // Mono, limited range: grey = (Y - 16) * 255 / 219, clamped.
    List<byte[]> frames = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      frames.add(new byte[] {16, (byte) 235, (byte) 100, 5, (byte) 250, (byte) (10 * k)});
    }
    Path m = Y4mFiles.write(dir.resolve("mono.y4m"), "W3 H2 F30000:1001 Cmono", frames);
    try (Y4mReader r = Y4mReader.open(m)) {
      assertEquals(Y4mFrame.Chroma.MONO, r.chroma());
      for (int k = 0; k < 5; k++) {
        Y4mFrame frame = r.read();
        assertEquals(6, frame.data().length);
        assertEquals(0, frame.grey(0, 0));
        assertEquals(255, frame.grey(1, 0));
        assertEquals(98, frame.grey(2, 0)); // 84 * 1.164383 = 97.81
        assertEquals(0, frame.grey(0, 1));
        assertEquals(255, frame.grey(1, 1));
        assertEquals(Math.max(0, Math.round((10 * k - 16) * 255f / 219f)), frame.grey(2, 1));
        assertEquals(98 << 16 | 98 << 8 | 98, frame.rgb(2, 0), "mono RGB is grey");
      }
      assertNull(r.read());
    }
  }

  @Test
  void toleratesInterlacingAspectExtensionsAndFrameParameters() throws Exception {
    byte[] data = Files.readAllBytes(ramp("x.y4m", 2));
    String text = new String(data, StandardCharsets.ISO_8859_1);
    text = text.replace("Ip A1:1 C420jpeg", "It A128:117 C420mpeg2 XYSCSS=420MPEG2 Zfuture");
    text = text.replaceFirst("FRAME\n", "FRAME Ixyz Xtag=1\n");
    Path f = Files.write(dir.resolve("t.y4m"), text.getBytes(StandardCharsets.ISO_8859_1));
    try (Y4mReader r = Y4mReader.open(f)) {
      assertEquals(y(4, 2, 0), r.read().luma(4, 2));
      assertEquals(y(4, 2, 1), r.read().luma(4, 2));
      assertNull(r.read());
    }
  }

  /** A video of uniform mono frames (full range, so grey is the sample). */
  Path uniform(Path file, int... values) throws IOException {
    List<byte[]> frames = new ArrayList<>();
    for (int v : values) {
      byte[] f = new byte[6 * 4];
      Arrays.fill(f, (byte) v);
      frames.add(f);
    }
    return Y4mFiles.write(file, "W6 H4 Cmono XCOLORRANGE=FULL", frames);
  }

  @Test
  void loadsADirectoryInNameOrderWithStepAndCaps() throws Exception {
    Path videos = Files.createDirectories(dir.resolve("videos"));
    uniform(videos.resolve("b.y4m"), 100, 110, 120);
    uniform(videos.resolve("a.Y4M"), 10, 20, 30, 40, 50);
    Files.writeString(videos.resolve("notes.txt"), "not a video");

    ImageSet s = VideoFrames.load(videos, 4, 1, 2, null, null);
    assertEquals(videos + ": a.Y4M frames 0-4, b.y4m frames 0-2 (every 2)", s.name());
    assertEquals(List.of(), s.classes());
    assertArrayEquals(new int[] {-1, -1, -1, -1, -1}, s.labels());
    assertArrayEquals(new int[] {10, 30, 50, 100, 120}, firstPixels(s));
    assertArrayEquals(new int[] {0, 0, 0, 1, 1}, s.frames().video());
    assertArrayEquals(new int[] {0, 2, 4, 0, 2}, s.frames().frame());
    assertEquals(
        List.of(videos.resolve("a.Y4M").toString(), videos.resolve("b.y4m").toString()),
        s.frames().files());
    for (int i = 0; i < s.count(); i++) {
      for (int p = 0; p < 16; p++) {
        assertEquals(firstPixels(s)[i], s.pixels()[s.offset(i) + p] & 0xff, "uniform after resize");
      }
    }

    ImageSet perVideo = VideoFrames.load(videos, 4, 1, 1, 2, null);
    assertArrayEquals(new int[] {10, 20, 100, 110}, firstPixels(perVideo));
    assertEquals(videos + ": a.Y4M frames 0-1, b.y4m frames 0-1", perVideo.name());
    ImageSet limited = VideoFrames.load(videos, 4, 1, 1, null, 6);
    assertArrayEquals(new int[] {10, 20, 30, 40, 50, 100}, firstPixels(limited));
    assertArrayEquals(new int[] {3, 4}, limited.slice(3, 2).frames().frame());

    ImageSet one = VideoFrames.load(videos.resolve("b.y4m"), 4, 1, 5, null, null);
    assertEquals("b.y4m frames 0-0 (every 5)", one.name());
    assertEquals(1, one.count());
  }

  @Test
  void loadsRgbPlanarAndResizesToTheTrainingSize() throws Exception {
    // A uniform colour: Y 92, U 103, V 152 is RGB (127, 79, 38) in limited range (by hand above).
    byte[] f = Y4mFiles.planes(W, H, (x, r) -> 92, (x, r) -> 103, (x, r) -> 152);
    Path file = Y4mFiles.write(dir.resolve("c.y4m"), "W13 H9", List.of(f, f));
    ImageSet s = VideoFrames.load(file, 5, 3, 1, null, null);
    assertEquals(2, s.count());
    assertEquals(3 * 5 * 5, s.imageBytes());
    for (int i = 0; i < 2; i++) {
      for (int p = 0; p < 25; p++) {
        assertEquals(127, s.pixels()[s.offset(i) + p] & 0xff);
        assertEquals(79, s.pixels()[s.offset(i) + 25 + p] & 0xff);
        assertEquals(38, s.pixels()[s.offset(i) + 50 + p] & 0xff);
      }
    }
    ImageSet grey = VideoFrames.load(file, 5, 1, 1, null, null);
    assertEquals(88, grey.pixels()[7] & 0xff, "grey = (92 - 16) * 255 / 219 = 88.49");
  }

  static int[] firstPixels(ImageSet s) {
    int[] out = new int[s.count()];
    for (int i = 0; i < s.count(); i++) {
      out[i] = s.pixels()[s.offset(i)] & 0xff;
    }
    return out;
  }

  static int clamp(double v) {
    return (int) Math.round(Math.min(255, Math.max(0, v)));
  }

  void fails(Path path, ErrorCode code, String message) {
    EdgeSslException e =
        assertThrows(EdgeSslException.class, () -> VideoFrames.load(path, 8, 1, 1, null, null));
    assertEquals(code, e.code());
    assertEquals(message, e.getMessage());
  }

  Path header(String name, String header) throws IOException {
    return Files.writeString(dir.resolve(name), header + "\nFRAME\n", StandardCharsets.US_ASCII);
  }

  @Test
  void badInputFailsWithAMessage() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.y4m"), "RIFF\0\0\0\0AVI LIST");
    fails(
        junk, ErrorCode.CORRUPT_FILE, junk + ": not a Y4M file (it does not start with YUV4MPEG2)");
    Path other = Files.writeString(dir.resolve("other.y4m"), "YUV4MPEG2X W2 H2\n");
    fails(
        other,
        ErrorCode.CORRUPT_FILE,
        other + ": not a Y4M file (it does not start with YUV4MPEG2)");
    Path noW = header("now.y4m", "YUV4MPEG2 H9 F25:1 C420jpeg");
    fails(noW, ErrorCode.CORRUPT_FILE, noW + ": Y4M header has no width (W)");
    Path noH = header("noh.y4m", "YUV4MPEG2 W13");
    fails(noH, ErrorCode.CORRUPT_FILE, noH + ": Y4M header has no height (H)");
    Path zeroW = header("w0.y4m", "YUV4MPEG2 W0 H9");
    fails(zeroW, ErrorCode.CORRUPT_FILE, zeroW + ": bad width 'W0' in the Y4M header");
    Path badH = header("hx.y4m", "YUV4MPEG2 W13 Hnine");
    fails(badH, ErrorCode.CORRUPT_FILE, badH + ": bad height 'Hnine' in the Y4M header");
    Path badF = header("f.y4m", "YUV4MPEG2 W13 H9 F25");
    fails(badF, ErrorCode.CORRUPT_FILE, badF + ": bad frame rate 'F25' in the Y4M header");
    Path c422 = header("c422.y4m", "YUV4MPEG2 W13 H9 C422");
    fails(
        c422,
        ErrorCode.CORRUPT_FILE,
        c422
            + ": unsupported Y4M colour space C422 (supported: 420jpeg, 420paldv, 420mpeg2, 420,"
            + " 444, mono)");
    Path p10 = header("p10.y4m", "YUV4MPEG2 W13 H9 C420p10 XYSCSS=420P10");
    fails(
        p10,
        ErrorCode.CORRUPT_FILE,
        p10
            + ": unsupported Y4M colour space C420p10 (supported: 420jpeg, 420paldv, 420mpeg2, 420,"
            + " 444, mono)");

    // The last frame 10 bytes short: named by file and frame number (from 0), before training.
    byte[] whole = Files.readAllBytes(ramp("whole.y4m", 5));
    Path cut = Files.write(dir.resolve("cut.y4m"), Arrays.copyOf(whole, whole.length - 10));
    fails(cut, ErrorCode.CORRUPT_FILE, cut + ": frame 4 is truncated (177 of 187 bytes)");
    // Also when the step would skip that frame: skipped frames are read, not trusted.
    EdgeSslException e =
        assertThrows(EdgeSslException.class, () -> VideoFrames.load(cut, 8, 1, 3, null, null));
    assertEquals(cut + ": frame 4 is truncated (177 of 187 bytes)", e.getMessage());
    Path cutHeader = Files.write(dir.resolve("cuth.y4m"), Arrays.copyOf(whole, whole.length - 190));
    fails(
        cutHeader,
        ErrorCode.CORRUPT_FILE,
        cutHeader + ": frame 4 is truncated (its FRAME header does not end)");
    byte[] bad = whole.clone();
    bad[whole.length - 187 - 6] = 'f';
    Path notFrame = Files.write(dir.resolve("nf.y4m"), bad);
    fails(
        notFrame,
        ErrorCode.CORRUPT_FILE,
        notFrame + ": frame 4 does not start with FRAME (a damaged or misread stream)");

    Path empty = Files.createDirectories(dir.resolve("empty"));
    Files.writeString(empty.resolve("readme.txt"), "no videos");
    fails(empty, ErrorCode.FILE_NOT_FOUND, "no .y4m files in " + empty);
    fails(
        dir.resolve("missing.y4m"),
        ErrorCode.FILE_NOT_FOUND,
        "video not found: " + dir.resolve("missing.y4m"));
    Path noFrames = Files.writeString(dir.resolve("none.y4m"), "YUV4MPEG2 W13 H9\n");
    fails(noFrames, ErrorCode.CORRUPT_FILE, noFrames + ": the video has no frames");
    assertTrue(Files.size(noFrames) > 0);
  }
}
