package io.edgessl.train.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.train.data.ImageSet;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentTest {
  static final float[] ZERO = {0f};
  static final float[] ONE = {1f};

  /** A view spec that changes nothing but what the test turns on. */
  static ViewSpec plain(int size) {
    return new ViewSpec(size, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.1, 2, 0);
  }

  static byte[] ramp(int h, int w) {
    byte[] b = new byte[h * w];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) ((i * 37) % 256);
    }
    return b;
  }

  static float[] view(byte[] src, int h, int w, ViewSpec spec, long seed) {
    float[] out = new float[spec.size() * spec.size()];
    float[] scratch = new float[3 * spec.size() * spec.size()];
    Augment.view(src, 0, 1, h, w, spec, new SplittableRandom(seed), ZERO, ONE, out, 0, scratch);
    return out;
  }

  @Test
  void fullCropAtTheSameSizeIsTheImage() {
    byte[] src = ramp(28, 28);
    float[] v = view(src, 28, 28, plain(28), 1);
    for (int i = 0; i < v.length; i++) {
      assertEquals((src[i] & 0xff) / 255f, v[i], 1e-6f, "pixel " + i);
    }
  }

  @Test
  void flipMirrorsRows() {
    byte[] src = ramp(8, 8);
    ViewSpec flip = new ViewSpec(8, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0.1, 2, 0);
    float[] v = view(src, 8, 8, flip, 3);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        assertEquals((src[y * 8 + 7 - x] & 0xff) / 255f, v[y * 8 + x], 1e-6f);
      }
    }
  }

  @Test
  void solarizeInvertsBrightValues() {
    byte[] src = ramp(8, 8);
    ViewSpec sol = new ViewSpec(8, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.1, 2, 1);
    float[] v = view(src, 8, 8, sol, 3);
    for (int i = 0; i < v.length; i++) {
      float x = (src[i] & 0xff) / 255f;
      assertEquals(x >= 0.5f ? 1 - x : x, v[i], 1e-6f);
    }
  }

  @Test
  void blurKeepsAConstantImageAndSmoothsAnEdge() {
    float[] img = new float[16 * 16];
    Arrays.fill(img, 0.3f);
    Augment.blur(img, 1, 16, 1.5, new float[256], 0);
    for (float f : img) {
      assertEquals(0.3f, f, 1e-6f);
    }
    float[] edge = new float[16 * 16];
    for (int y = 0; y < 16; y++) {
      for (int x = 8; x < 16; x++) {
        edge[y * 16 + x] = 1;
      }
    }
    Augment.blur(edge, 1, 16, 1.0, new float[256], 0);
    assertTrue(
        edge[8 * 16 + 7] > 0.2 && edge[8 * 16 + 7] < 0.5, "left of the edge: " + edge[8 * 16 + 7]);
    assertTrue(
        edge[8 * 16 + 8] > 0.5 && edge[8 * 16 + 8] < 0.8, "right of the edge: " + edge[8 * 16 + 8]);
  }

  @Test
  void cropBoxesStayInsideAndRespectTheScale() {
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 2000; i++) {
      double[] b = Augment.cropBox(28, 20, 0.1, 0.5, r);
      assertTrue(
          b[0] >= 0 && b[1] >= 0 && b[0] + b[2] <= 28 && b[1] + b[3] <= 20, Arrays.toString(b));
      double frac = b[2] * b[3] / (28.0 * 20);
      // Rounding the sides moves the area a little off the drawn fraction.
      assertTrue(frac > 0.07 && frac < 0.6 || (b[2] == 28 && b[3] == 20), "area fraction " + frac);
    }
  }

  @Test
  void jitterOfGreyImagesOnlyChangesBrightnessAndContrast() {
    float[] img = {0.1f, 0.5f, 0.9f, 0.4f};
    ViewSpec onlySatHue = new ViewSpec(2, 1, 1, 0, 0, 1, 0, 0, 0.8, 0.4, 0, 0, 0.1, 2, 0);
    float[] copy = img.clone();
    Augment.jitter(copy, 1, 4, onlySatHue, new SplittableRandom(1));
    assertArrayEquals(img, copy);
    ViewSpec bright = new ViewSpec(2, 1, 1, 0, 0, 1, 0.5, 0, 0, 0, 0, 0, 0.1, 2, 0);
    Augment.jitter(copy, 1, 4, bright, new SplittableRandom(1));
    double ratio = copy[1] / img[1];
    for (int i = 0; i < 4; i++) {
      assertEquals(Math.min(1, img[i] * ratio), copy[i], 1e-6, "brightness scales every pixel");
    }
  }

  @Test
  void hueRoundTripsAndGrayscaleIsLuma() {
    float[] rgb = {0.2f, 0.7f, 0.4f};
    float[] copy = rgb.clone();
    Augment.hue(copy, 1, 0);
    assertArrayEquals(rgb, copy, 1e-6f);
    Augment.hue(copy, 1, 0.25);
    Augment.hue(copy, 1, -0.25);
    assertArrayEquals(rgb, copy, 1e-5f);
    Augment.grayscale(copy, 1);
    float g = 0.299f * 0.2f + 0.587f * 0.7f + 0.114f * 0.4f;
    assertArrayEquals(new float[] {g, g, g}, copy, 1e-5f);
  }

  @Test
  void viewsDependOnTheSeedOnly() {
    byte[] src = ramp(28, 28);
    ViewSpec s = new ViewSpec(16, 0.2, 1, 10, 0.5, 0.8, 0.4, 0.4, 0.2, 0.1, 0.2, 0.5, 0.1, 2, 0.2);
    assertArrayEquals(view(src, 28, 28, s, 9), view(src, 28, 28, s, 9));
    assertFalse(Arrays.equals(view(src, 28, 28, s, 9), view(src, 28, 28, s, 10)));
  }

  @Test
  void batchesAreTheSameWhateverTheThreadCount() {
    int n = 40;
    byte[] px = new byte[n * 28 * 28];
    new SplittableRandom(3).nextBytes(px);
    ImageSet set = new ImageSet("t", px, 1, 28, 28, new int[n], List.of());
    ViewSpec g = new ViewSpec(28, 0.4, 1, 0, 0.5, 0.8, 0.4, 0.4, 0.2, 0.1, 0.2, 1, 0.1, 2, 0);
    ViewSpec l = g.withSizeScale(12, 0.05, 0.4);
    List<ViewSpec> views = List.of(g, g, l, l);
    float[][] a;
    float[][] b;
    float[][] later;
    try (ViewLoader one =
            new ViewLoader(set, views, new float[] {0.3f}, new float[] {0.4f}, 8, 7, 1);
        ViewLoader three =
            new ViewLoader(set, views, new float[] {0.3f}, new float[] {0.4f}, 8, 7, 3)) {
      a = one.load(1, 2);
      b = three.load(1, 2);
      later = three.load(1, 3);
      assertEquals(5, one.stepsPerEpoch());
    }
    for (int v = 0; v < views.size(); v++) {
      assertArrayEquals(a[v], b[v], "view " + v);
    }
    assertFalse(Arrays.equals(a[0], later[0]));
  }
}
