package io.edgessl.train.scenes;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Inputs for scene tests that need neither the real Fashion-MNIST nor opencv-doc: a tiny
 * Fashion-MNIST of 28 x 28 light-on-black blobs and a folder of generated photos.
 */
public final class SceneTestData {
  private SceneTestData() {}

  /**
   * Writes a Fashion-MNIST-shaped dataset: {@code train} and {@code test} images, 28 x 28, each a
   * filled ellipse (grey 90..255, its centre always inside) of a shape that depends on its class,
   * on black; labels cycle through 0..9.
   */
  public static Path writeFashionMnist(Path dir, int train, int test) throws IOException {
    Files.createDirectories(dir);
    SplittableRandom rng = new SplittableRandom(7);
    for (String split : new String[] {"train", "t10k"}) {
      int n = split.equals("train") ? train : test;
      byte[] px = new byte[n * 28 * 28];
      byte[] labels = new byte[n];
      for (int i = 0; i < n; i++) {
        int c = i % 10;
        labels[i] = (byte) c;
        double rx = 5 + c + rng.nextDouble() * 2;
        double ry = 13 - c * 0.6;
        int level = 90 + rng.nextInt(166);
        for (int y = 0; y < 28; y++) {
          for (int x = 0; x < 28; x++) {
            double dx = (x + 0.5 - 14) / rx;
            double dy = (y + 0.5 - 14) / ry;
            double d = dx * dx + dy * dy;
            // A soft edge, so alpha takes every value across it.
            double v = d <= 0.8 ? level : d < 1.2 ? level * (1.2 - d) / 0.4 : 0;
            px[i * 784 + y * 28 + x] = (byte) Math.round(v);
          }
        }
      }
      Files.write(dir.resolve(split + "-images-idx3-ubyte"), idx(0x803, new int[] {n, 28, 28}, px));
      Files.write(dir.resolve(split + "-labels-idx1-ubyte"), idx(0x801, new int[] {n}, labels));
    }
    return dir;
  }

  private static byte[] idx(int magic, int[] shape, byte[] data) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeInt(magic);
    for (int s : shape) {
      out.writeInt(s);
    }
    out.write(data);
    return b.toByteArray();
  }

  /**
   * Writes {@code n} photo-like PNGs (gradients and stripes, 120 x 90) named {@code photo-K.png}.
   */
  public static Path writeBackgrounds(Path dir, int n) throws IOException {
    Files.createDirectories(dir);
    for (int k = 0; k < n; k++) {
      writePhoto(dir.resolve("photo-" + k + ".png"), k);
    }
    return dir;
  }

  /** Writes one photo-like PNG, 120 x 90, pattern {@code k}. */
  public static void writePhoto(Path file, int k) throws IOException {
    int w = 120;
    int h = 90;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = (x * 2 + k * 40) & 0xff;
        int g = (y * 2 + k * 25) & 0xff;
        int b = ((x / (4 + k)) % 2 == 0) ? 60 + 10 * k : 200 - 10 * k;
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    ImageIO.write(img, "png", file.toFile());
  }

  /** A photo of one colour. */
  public static Backgrounds.Photo constant(String name, int rgb) {
    int w = 64;
    int h = 64;
    byte[] px = new byte[w * h * 3];
    for (int i = 0; i < w * h; i++) {
      px[3 * i] = (byte) (rgb >> 16);
      px[3 * i + 1] = (byte) (rgb >> 8);
      px[3 * i + 2] = (byte) rgb;
    }
    return new Backgrounds.Photo(name, w, h, px);
  }
}
