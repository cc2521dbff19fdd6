package io.edgessl.train.data;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Reads a folder of images (PNG, JPEG, BMP, GIF through {@code javax.imageio}) into an {@link
 * ImageSet}. Images directly in the folder are unlabelled; images in its subfolders are labelled by
 * the subfolder's name (torchvision's {@code ImageFolder} layout), classes sorted by name. Each
 * image is scaled (area averaging) so its shorter side is {@code size}, then centre-cropped to
 * {@code size x size}: training crops are taken from that square.
 */
public final class ImageFolder {
  /** File name extensions read, lower case. */
  public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

  private ImageFolder() {}

  /**
   * Loads every image under {@code dir} (one level of subfolders).
   *
   * @param channels 1 (grey, ITU-R 601 luma) or 3 (RGB)
   * @throws EdgeSslException when the folder is missing, holds no image, or an image cannot be read
   */
  public static ImageSet load(Path dir, int size, int channels, int threads)
      throws EdgeSslException {
    if (size <= 0) {
      throw new IllegalArgumentException("image size must be positive: " + size);
    }
    if (!Files.isDirectory(dir)) {
      throw new EdgeSslException(ErrorCode.FILE_NOT_FOUND, "image folder not found: " + dir);
    }
    TreeMap<String, List<Path>> byClass = new TreeMap<>();
    List<Path> unlabelled = new ArrayList<>();
    try (Stream<Path> top = Files.list(dir)) {
      for (Path p : top.sorted().toList()) {
        if (Files.isDirectory(p)) {
          try (Stream<Path> sub = Files.list(p)) {
            List<Path> imgs = sub.filter(ImageFolder::isImage).sorted().toList();
            if (!imgs.isEmpty()) {
              byClass.put(p.getFileName().toString(), imgs);
            }
          }
        } else if (isImage(p)) {
          unlabelled.add(p);
        }
      }
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot list " + dir + ": " + e.getMessage(), e);
    }
    List<Path> files = new ArrayList<>(unlabelled);
    List<Integer> labels = new ArrayList<>();
    unlabelled.forEach(p -> labels.add(-1));
    List<String> classes = new ArrayList<>(byClass.keySet());
    for (int c = 0; c < classes.size(); c++) {
      for (Path p : byClass.get(classes.get(c))) {
        files.add(p);
        labels.add(unlabelled.isEmpty() ? c : -1);
      }
    }
    if (!unlabelled.isEmpty()) {
      classes = List.of(); // a mix of labelled and loose images: treat all as unlabelled
    }
    if (files.isEmpty()) {
      throw new EdgeSslException(
          ErrorCode.FILE_NOT_FOUND,
          "no images ("
              + String.join(", ", new java.util.TreeSet<>(EXTENSIONS))
              + ") in "
              + dir
              + " or its subfolders");
    }
    int bytes = channels * size * size;
    byte[] pixels = new byte[Math.multiplyExact(files.size(), bytes)];
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      List<Future<Void>> futures = new ArrayList<>();
      for (int i = 0; i < files.size(); i++) {
        final int idx = i;
        futures.add(
            pool.submit(
                () -> {
                  read(files.get(idx), size, channels, pixels, idx * bytes);
                  return null;
                }));
      }
      for (Future<Void> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EdgeSslException(ErrorCode.IO, "interrupted while reading " + dir, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof EdgeSslException x) {
        throw x;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    int[] l = labels.stream().mapToInt(Integer::intValue).toArray();
    return new ImageSet(dir.toString(), pixels, channels, size, size, l, classes);
  }

  static boolean isImage(Path p) {
    String n = p.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0
        && Files.isRegularFile(p)
        && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private static void read(Path file, int size, int channels, byte[] out, int off)
      throws EdgeSslException {
    BufferedImage img;
    try {
      img = ImageIO.read(file.toFile());
    } catch (IOException e) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE, "cannot decode image " + file + ": " + e.getMessage(), e);
    }
    if (img == null) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE, "cannot decode image " + file + ": not a readable image");
    }
    scaleInto(img, size, channels, out, off);
  }

  /**
   * Scales {@code img} (area averaging) so its shorter side is {@code size}, centre-crops it to
   * {@code size x size} and writes it planar at {@code out[off]}: 1 channel (ITU-R 601 luma) or 3
   * (RGB). Video frames are resized the same way ({@link VideoFrames}).
   */
  static void scaleInto(BufferedImage img, int size, int channels, byte[] out, int off) {
    int w = img.getWidth();
    int h = img.getHeight();
    double scale = (double) size / Math.min(w, h);
    int sw = Math.max(size, (int) Math.round(w * scale));
    int sh = Math.max(size, (int) Math.round(h * scale));
    BufferedImage scaled = new BufferedImage(sw, sh, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scaled.createGraphics();
    try {
      g.drawImage(img.getScaledInstance(sw, sh, Image.SCALE_AREA_AVERAGING), 0, 0, null);
    } finally {
      g.dispose();
    }
    int x0 = (sw - size) / 2;
    int y0 = (sh - size) / 2;
    int plane = size * size;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int rgb = scaled.getRGB(x0 + x, y0 + y);
        int r = (rgb >> 16) & 0xff;
        int gg = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        int i = y * size + x;
        if (channels == 1) {
          out[off + i] = (byte) Math.round(0.299 * r + 0.587 * gg + 0.114 * b);
        } else {
          out[off + i] = (byte) r;
          out[off + plane + i] = (byte) gg;
          out[off + 2 * plane + i] = (byte) b;
        }
      }
    }
  }
}
