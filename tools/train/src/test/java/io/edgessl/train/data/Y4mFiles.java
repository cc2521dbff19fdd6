package io.edgessl.train.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes small YUV4MPEG2 files for tests, byte by byte as the format specifies. */
public final class Y4mFiles {
  private Y4mFiles() {}

  /** {@code YUV4MPEG2 <params>\n}, then {@code FRAME\n} and the bytes of each frame. */
  public static Path write(Path file, String params, List<byte[]> frames) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(("YUV4MPEG2 " + params + "\n").getBytes(StandardCharsets.US_ASCII));
    for (byte[] f : frames) {
      b.writeBytes("FRAME\n".getBytes(StandardCharsets.US_ASCII));
      b.writeBytes(f);
    }
    return Files.write(file, b.toByteArray());
  }

  /** A 4:2:0 frame of planes {@code y} (w x h), {@code u} and {@code v} (ceil halves). */
  public static byte[] planes(int w, int h, Sample y, Sample u, Sample v) {
    int cw = (w + 1) / 2;
    int ch = (h + 1) / 2;
    byte[] out = new byte[w * h + 2 * cw * ch];
    int i = 0;
    for (int r = 0; r < h; r++) {
      for (int c = 0; c < w; c++) {
        out[i++] = (byte) y.at(c, r);
      }
    }
    for (Sample s : new Sample[] {u, v}) {
      for (int r = 0; r < ch; r++) {
        for (int c = 0; c < cw; c++) {
          out[i++] = (byte) s.at(c, r);
        }
      }
    }
    return out;
  }

  /** A sample value at column {@code x}, row {@code y} of a plane. */
  public interface Sample {
    int at(int x, int y);
  }
}
