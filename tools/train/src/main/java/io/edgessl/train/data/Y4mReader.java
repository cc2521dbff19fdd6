package io.edgessl.train.data;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.image.YuvRange;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a YUV4MPEG2 ({@code .y4m}) video frame by frame: the uncompressed format every video tool
 * writes ({@code ffmpeg -i in.mp4 -pix_fmt yuv420p out.y4m}), so no codec library is needed. Only
 * one frame is held in memory at a time.
 *
 * <p>The stream header is {@code YUV4MPEG2} and space-separated parameters ending in a newline:
 * {@code W} and {@code H} (required), {@code F} (frame rate {@code num:den}, default 25:1), {@code
 * C} (colour space, default {@code 420jpeg}), {@code I} (interlacing), {@code A} (pixel aspect) and
 * {@code X} (extensions). Colour spaces read: {@code 420jpeg}, {@code 420paldv}, {@code 420mpeg2}
 * and {@code 420} (all 4:2:0: they differ only in where chroma samples sit, which is ignored: pixel
 * {@code (x, y)} takes chroma sample {@code (x / 2, y / 2)} as the core's NV12 conversion does),
 * {@code 444} and {@code mono}; others (4:2:2, 4:1:1, alpha, more than 8 bits) are refused by name.
 * Interlaced streams ({@code It}, {@code Ib}, {@code Im}) are read as progressive frames (both
 * fields woven together, as stored). {@code A} and unknown parameters are ignored. The range is
 * BT.601 limited unless ffmpeg's {@code XCOLORRANGE=FULL} says full. Each frame is {@code FRAME},
 * optional parameters (ignored), a newline, then the Y, U and V planes (Y only for mono), 4:2:0
 * chroma planes being {@code ceil(W / 2) x ceil(H / 2)}.
 */
public final class Y4mReader implements AutoCloseable {
  /** Colour spaces read, as named after {@code C} in the header. */
  public static final String SUPPORTED = "420jpeg, 420paldv, 420mpeg2, 420, 444, mono";

  private static final byte[] MAGIC = "YUV4MPEG2".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FRAME = "FRAME".getBytes(StandardCharsets.US_ASCII);
  // Headers are a few dozen bytes; a cap keeps a binary file from being scanned for a newline.
  private static final int MAX_HEADER = 4096;

  private final Path file;
  private final InputStream in;
  private final int width;
  private final int height;
  private final Y4mFrame.Chroma chroma;
  private final YuvRange range;
  private final String frameRate;
  private final int frameBytes;
  private int next;
  private byte[] scratch;

  private Y4mReader(
      Path file,
      InputStream in,
      int width,
      int height,
      Y4mFrame.Chroma chroma,
      YuvRange range,
      String frameRate) {
    this.file = file;
    this.in = in;
    this.width = width;
    this.height = height;
    this.chroma = chroma;
    this.range = range;
    this.frameRate = frameRate;
    this.frameBytes = Math.toIntExact(chroma.frameBytes(width, height));
  }

  /**
   * Opens {@code file} and reads its stream header.
   *
   * @throws EdgeSslException when the file is missing, is not a Y4M file, or its header lacks or
   *     has a bad {@code W}, {@code H} or {@code F}, or names a colour space not read
   */
  public static Y4mReader open(Path file) throws EdgeSslException {
    InputStream in;
    try {
      in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    } catch (NoSuchFileException e) {
      throw new EdgeSslException(ErrorCode.FILE_NOT_FOUND, "video not found: " + file, e);
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot open " + file + ": " + e.getMessage(), e);
    }
    try {
      return parseHeader(file, in);
    } catch (EdgeSslException | RuntimeException e) {
      closeQuietly(in, e);
      throw e;
    }
  }

  private static Y4mReader parseHeader(Path file, InputStream in) throws EdgeSslException {
    String line = readLine(file, in, MAX_HEADER);
    byte[] start = line == null ? new byte[0] : line.getBytes(StandardCharsets.ISO_8859_1);
    if (line == null
        || !startsWith(start, MAGIC)
        || (line.length() > 9 && line.charAt(9) != ' ' && line.charAt(9) != '\n')) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE, file + ": not a Y4M file (it does not start with YUV4MPEG2)");
    }
    if (!line.endsWith("\n")) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE,
          file
              + ": the Y4M header does not end (no newline in its first "
              + MAX_HEADER
              + " bytes)");
    }
    Integer w = null;
    Integer h = null;
    String c = "420jpeg";
    String rate = "25:1";
    YuvRange range = YuvRange.LIMITED;
    for (String t : line.substring(9, line.length() - 1).split(" ")) {
      if (t.isEmpty()) {
        continue;
      }
      String v = t.substring(1);
      switch (t.charAt(0)) {
        case 'W' -> w = dimension(file, "width", t);
        case 'H' -> h = dimension(file, "height", t);
        case 'C' -> c = v;
        case 'F' -> {
          if (!v.matches("[0-9]{1,10}:[0-9]{1,10}")) { // 0:0 is "unknown" (mjpegtools)
            throw new EdgeSslException(
                ErrorCode.CORRUPT_FILE, file + ": bad frame rate '" + t + "' in the Y4M header");
          }
          rate = v;
        }
        case 'X' -> {
          if (v.equals("COLORRANGE=FULL")) {
            range = YuvRange.FULL;
          } else if (v.equals("COLORRANGE=LIMITED")) {
            range = YuvRange.LIMITED;
          }
        }
        default -> {} // I (read as progressive), A (pixels taken as square), unknown: ignored
      }
    }
    if (w == null) {
      throw new EdgeSslException(ErrorCode.CORRUPT_FILE, file + ": Y4M header has no width (W)");
    }
    if (h == null) {
      throw new EdgeSslException(ErrorCode.CORRUPT_FILE, file + ": Y4M header has no height (H)");
    }
    Y4mFrame.Chroma chroma =
        switch (c) {
          case "420jpeg", "420paldv", "420mpeg2", "420" -> Y4mFrame.Chroma.C420;
          case "444" -> Y4mFrame.Chroma.C444;
          case "mono" -> Y4mFrame.Chroma.MONO;
          default ->
              throw new EdgeSslException(
                  ErrorCode.CORRUPT_FILE,
                  file
                      + ": unsupported Y4M colour space C"
                      + c
                      + " (supported: "
                      + SUPPORTED
                      + ")");
        };
    if (chroma.frameBytes(w, h) > Integer.MAX_VALUE - 8) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE, file + ": " + w + "x" + h + " frames are too large to read");
    }
    return new Y4mReader(file, in, w, h, chroma, range, rate);
  }

  private static int dimension(Path file, String what, String token) throws EdgeSslException {
    String v = token.substring(1);
    // Nine digits at most: a frame must still fit in one array.
    if (!v.matches("[1-9][0-9]{0,8}") || Integer.parseInt(v) > 65536) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE, file + ": bad " + what + " '" + token + "' in the Y4M header");
    }
    return Integer.parseInt(v);
  }

  /** Frame width in pixels. */
  public int width() {
    return width;
  }

  /** Frame height in pixels. */
  public int height() {
    return height;
  }

  /** Chroma layout of the stream. */
  public Y4mFrame.Chroma chroma() {
    return chroma;
  }

  /** BT.601 range of the samples. */
  public YuvRange range() {
    return range;
  }

  /** Frame rate as written, {@code num:den}. */
  public String frameRate() {
    return frameRate;
  }

  /**
   * Reads the next frame.
   *
   * @return the frame, or null at the end of the stream
   * @throws EdgeSslException when the frame header is not {@code FRAME} or the frame is truncated
   */
  public Y4mFrame read() throws EdgeSslException {
    byte[] data = new byte[frameBytes];
    return readInto(data) ? new Y4mFrame(next - 1, width, height, chroma, range, data) : null;
  }

  /**
   * Reads past the next frame without keeping it; still checks that it is whole.
   *
   * @return false at the end of the stream
   */
  public boolean skip() throws EdgeSslException {
    if (scratch == null) {
      scratch = new byte[frameBytes];
    }
    // Read rather than InputStream.skip: a file channel's skip may run past the end unnoticed.
    return readInto(scratch);
  }

  private boolean readInto(byte[] data) throws EdgeSslException {
    if (headerOrEnd() == null) {
      return false;
    }
    int n;
    try {
      n = in.readNBytes(data, 0, data.length);
    } catch (IOException e) {
      throw ioFailure(e);
    }
    if (n < data.length) {
      throw truncated(n);
    }
    next++;
    return true;
  }

  /** Reads a frame header; null at a clean end of stream. */
  private byte[] headerOrEnd() throws EdgeSslException {
    String line = readLine(file, in, MAX_HEADER);
    if (line == null) {
      return null;
    }
    byte[] b = line.getBytes(StandardCharsets.ISO_8859_1);
    boolean ends = line.endsWith("\n");
    boolean framePrefix = b.length < FRAME.length && startsWith(FRAME, b);
    if (!ends && (framePrefix || startsWith(b, FRAME))) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE,
          file + ": frame " + next + " is truncated (its FRAME header does not end)");
    }
    if (!startsWith(b, FRAME) || (b[5] != ' ' && b[5] != '\n')) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE,
          file + ": frame " + next + " does not start with FRAME (a damaged or misread stream)");
    }
    return b;
  }

  private EdgeSslException truncated(long got) {
    return new EdgeSslException(
        ErrorCode.CORRUPT_FILE,
        file + ": frame " + next + " is truncated (" + got + " of " + frameBytes + " bytes)");
  }

  private EdgeSslException ioFailure(IOException e) {
    return new EdgeSslException(
        ErrorCode.IO, "cannot read " + file + " at frame " + next + ": " + e.getMessage(), e);
  }

  /**
   * Bytes up to and including the next newline (ISO-8859-1), at most {@code max}; without the
   * newline when the stream ends or the cap is reached first; null at the end of the stream.
   */
  private static String readLine(Path file, InputStream in, int max) throws EdgeSslException {
    StringBuilder b = new StringBuilder();
    try {
      while (b.length() < max) {
        int c = in.read();
        if (c < 0) {
          return b.isEmpty() ? null : b.toString();
        }
        b.append((char) c);
        if (c == '\n') {
          break;
        }
      }
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot read " + file + ": " + e.getMessage(), e);
    }
    return b.toString();
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static void closeQuietly(InputStream in, Exception primary) {
    try {
      in.close();
    } catch (IOException e) {
      primary.addSuppressed(e);
    }
  }

  /** Closes the file. */
  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      // Only read from, and every byte used was already read and checked: nothing is lost.
    }
  }
}
