package io.edgessl.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.internal.io.Json;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Preprocessing against OpenCV's numbers: {@code opencv-reference.json}, written by {@code
 * opencv_reference.py} beside it (cvtColor, flip, rotate, resize in float32, crop, normalize).
 *
 * <p>Tolerances, in pixel units (0..255, before normalization):
 *
 * <ul>
 *   <li>Frames whose conversion to the model's colours is exact (RGB, BGR, RGBA, BGRA and GRAY
 *       frames to RGB or BGR planes, GRAY frames to GRAY): 0.002. Only float rounding differs: both
 *       sides resample float pixels; OpenCV keeps its weights in float, we compute them in double.
 *   <li>Conversions OpenCV rounds to integers (YUV to RGB, RGB to grey): 0.75 for bilinear and 1.45
 *       for bicubic. OpenCV's {@code cvtColor} returns 8-bit pixels (up to 0.5 off) and its YUV
 *       coefficients are rounded to 1.164, 1.596, 0.391, 0.813, 2.018 (up to 0.2 more at the ends
 *       of the range); resampling adds at most the sum of the absolute filter weights times that: 1
 *       for bilinear, 1.89 for bicubic's 4 x 4 weights. The mean error must stay below 0.3, which a
 *       wrong convention (range, chroma order, coefficients) would exceed many times over.
 * </ul>
 */
class PreprocessorOpenCvTest {
  @Test
  void matchesOpenCv() throws Exception {
    Map<?, ?> root;
    try (InputStream in = getClass().getResourceAsStream("opencv-reference.json")) {
      root = (Map<?, ?>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    List<?> cases = (List<?>) root.get("cases");
    assertTrue(cases.size() >= 30, "cases: " + cases.size());
    for (Object o : cases) {
      Map<?, ?> c = (Map<?, ?>) o;
      PixelFormat format = PixelFormat.valueOf((String) c.get("format"));
      int w = num(c, "width");
      int h = num(c, "height");
      Frame frame =
          Frame.builder(format, w, h)
              .pixels(Base64.getDecoder().decode((String) c.get("frame")))
              .orientation(Orientation.of(num(c, "degrees"), (Boolean) c.get("mirrored")))
              .build();
      ColorMode color = ColorMode.valueOf((String) c.get("color"));
      Interpolation interp = Interpolation.valueOf((String) c.get("interpolation"));
      float[] mean = floats((List<?>) c.get("mean"));
      float[] std = floats((List<?>) c.get("std"));
      Preprocessing.Builder pb =
          Preprocessing.builder(num(c, "input_height"), num(c, "input_width"))
              .color(color)
              .normalize(mean, std);
      if ("STRETCH".equals(c.get("policy"))) {
        pb.stretch(interp);
      } else {
        pb.resizeShortSide(num(c, "short_side"), interp);
      }
      Preprocessing p = pb.build();
      float[] expected = new float[p.size()];
      ByteBuffer.wrap(Base64.getDecoder().decode((String) c.get("expected")))
          .order(ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer()
          .get(expected);
      float[] actual = new float[p.size()];
      new Preprocessor(p).run(frame, actual, 0);

      boolean exact = !format.isYuv() && (color != ColorMode.GRAY || format == PixelFormat.GRAY);
      double tolerance = exact ? 0.002 : (interp == Interpolation.BILINEAR ? 0.75 : 1.45);
      int plane = p.height() * p.width();
      double max = 0;
      double sum = 0;
      for (int i = 0; i < actual.length; i++) {
        double pixels = Math.abs(actual[i] - expected[i]) * 255 * std[i / plane];
        max = Math.max(max, pixels);
        sum += pixels;
      }
      double meanErr = sum / actual.length;
      String what =
          String.format(
              Locale.ROOT, "%s -> %s: max %.4f, mean %.4f pixel units", frame, p, max, meanErr);
      assertTrue(max <= tolerance, what + " exceeds " + tolerance);
      assertTrue(meanErr <= (exact ? tolerance : 0.3), what);
    }
  }

  private static int num(Map<?, ?> m, String key) {
    return ((Number) m.get(key)).intValue();
  }

  private static float[] floats(List<?> l) {
    float[] f = new float[l.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = ((Number) l.get(i)).floatValue();
    }
    return f;
  }

  @Test
  void theReferenceFileIsFromOpenCv() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("opencv-reference.json")) {
      Map<?, ?> root =
          (Map<?, ?>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      assertEquals("4.6.0", root.get("opencv"));
    }
  }
}
