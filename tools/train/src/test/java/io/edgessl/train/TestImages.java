package io.edgessl.train;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** Small image folders for training tests. */
public final class TestImages {
  private TestImages() {}

  /**
   * Writes 40 synthetic 16x16 RGB images, circles and bars of random colours, as {@code
   * dir/images/{circles,bars}/N.png} (an image folder with two classes).
   *
   * @return the image folder
   */
  public static Path circlesAndBars(Path dir) throws Exception {
    Path data = dir.resolve("images");
    SplittableRandom rnd = new SplittableRandom(1);
    for (String cls : List.of("circles", "bars")) {
      Files.createDirectories(data.resolve(cls));
      for (int i = 0; i < 20; i++) {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(new Color(rnd.nextInt(1 << 24)));
        if (cls.equals("circles")) {
          g.fillOval(2 + rnd.nextInt(4), 2, 9, 9);
        } else {
          g.fillRect(2 + rnd.nextInt(10), 0, 4, 16);
        }
        g.dispose();
        ImageIO.write(img, "png", data.resolve(cls).resolve(i + ".png").toFile());
      }
    }
    return data;
  }
}
