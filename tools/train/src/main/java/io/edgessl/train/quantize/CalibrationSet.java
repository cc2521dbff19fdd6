package io.edgessl.train.quantize;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.image.Frame;
import io.edgessl.image.PixelFormat;
import io.edgessl.image.Preprocessing;
import io.edgessl.train.data.FashionMnist;
import io.edgessl.train.data.Idx;
import io.edgessl.train.eval.Samples;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The images that activation ranges are calibrated on, from what {@code --calib} names:
 *
 * <ul>
 *   <li>{@code fashion-mnist}, or a directory holding {@code train-images-idx3-ubyte[.gz]}: the
 *       training images of an MNIST-style dataset;
 *   <li>an IDX file of images ({@code [N, H, W]} unsigned bytes, gzipped or not);
 *   <li>a directory of image files (PNG, JPEG, BMP, GIF; searched three levels deep, so an
 *       ImageNet-style class-per-folder layout works);
 *   <li>a {@code .npy} file of float32 {@code [N, C, H, W]}: inputs already preprocessed, whose
 *       shape must be the model's.
 * </ul>
 *
 * Images go through the bundle's own preprocessing, exactly as at inference. A set larger than the
 * limit is sampled without replacement by a seeded shuffle.
 */
final class CalibrationSet {
  static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

  private CalibrationSet() {}

  /**
   * Loads the set.
   *
   * @param spec what {@code --calib} says
   * @param pp the bundle's preprocessing (what the model's input is)
   * @param limit the most samples used
   * @param seed the sampling seed
   * @throws EdgeSslException {@code FILE_NOT_FOUND} when the set is missing or empty, {@code
   *     SHAPE_MISMATCH} when its shape is not one the model can take, {@code CORRUPT_FILE} for a
   *     damaged file
   */
  static Samples load(String spec, Preprocessing pp, int limit, long seed) throws EdgeSslException {
    if (limit <= 0) {
      throw new IllegalArgumentException("--calib-count must be positive: " + limit);
    }
    Path p = spec.equals("fashion-mnist") ? FashionMnist.DEBIAN_DIR : Path.of(spec);
    if (Files.isDirectory(p)) {
      for (String f : new String[] {"train-images-idx3-ubyte", "train-images-idx3-ubyte.gz"}) {
        if (Files.isRegularFile(p.resolve(f))) {
          return idx(p.resolve(f), limit, seed);
        }
      }
      return folder(p, limit, seed);
    }
    if (!Files.isRegularFile(p)) {
      throw new EdgeSslException(
          ErrorCode.FILE_NOT_FOUND,
          "calibration set not found: "
              + p
              + (spec.equals("fashion-mnist")
                  ? " (install it with: sudo apt-get install dataset-fashion-mnist)"
                  : ""));
    }
    if (p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
      return npy(p, pp, limit, seed);
    }
    return idx(p, limit, seed);
  }

  /** {@code limit} of {@code n} indices, sorted, chosen by a seeded partial shuffle. */
  static int[] sample(int n, int limit, long seed) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    if (limit >= n) {
      return idx;
    }
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < limit; i++) {
      int j = i + r.nextInt(n - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    int[] out = Arrays.copyOf(idx, limit);
    Arrays.sort(out);
    return out;
  }

  private static EdgeSslException empty(Path p, String what) {
    return new EdgeSslException(
        ErrorCode.FILE_NOT_FOUND, "calibration set " + p + " is empty: " + what);
  }

  private static Samples idx(Path file, int limit, long seed) throws EdgeSslException {
    Idx.Array a;
    try {
      a = Idx.read(file, 3);
    } catch (EdgeSslException e) {
      if (e.code() == ErrorCode.CORRUPT_FILE && e.getMessage().contains("wrong magic number")) {
        throw new EdgeSslException(
            ErrorCode.SHAPE_MISMATCH,
            "calibration set "
                + file
                + " is not a set of images ([N, height, width] unsigned bytes): "
                + e.getMessage(),
            e);
      }
      throw e;
    }
    int h = a.size(1);
    int w = a.size(2);
    int[] pick = sample(a.size(0), limit, seed);
    byte[] px = a.data();
    String name =
        pick.length + " of " + a.size(0) + " " + w + "x" + h + " grey images from " + file;
    return Samples.of(
        name,
        pick.length,
        (i, pre, dst, offset) ->
            pre.run(
                Frame.builder(PixelFormat.GRAY, w, h).pixels(px).offset(pick[i] * h * w).build(),
                dst,
                offset));
  }

  private static Samples folder(Path dir, int limit, long seed) throws EdgeSslException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir, 3)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(
                  f -> {
                    String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
                    return !n.startsWith(".") && IMAGE_EXTENSIONS.stream().anyMatch(n::endsWith);
                  })
              .sorted()
              .collect(Collectors.toList());
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot list " + dir + ": " + e, e);
    }
    if (files.isEmpty()) {
      throw empty(
          dir,
          "no train-images-idx3-ubyte[.gz] and no image files ("
              + String.join(", ", IMAGE_EXTENSIONS)
              + ")");
    }
    int[] pick = sample(files.size(), limit, seed);
    List<Path> chosen = new ArrayList<>();
    for (int i : pick) {
      chosen.add(files.get(i));
    }
    String name = chosen.size() + " of " + files.size() + " image files from " + dir;
    return Samples.of(
        name,
        chosen.size(),
        (i, pre, dst, offset) -> pre.run(readImage(chosen.get(i)), dst, offset));
  }

  /** An image file as an RGB frame. */
  static Frame readImage(Path file) throws EdgeSslException {
    BufferedImage img;
    try {
      img = ImageIO.read(file.toFile());
    } catch (IOException e) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE, "cannot decode image " + file + ": " + e.getMessage(), e);
    }
    if (img == null) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE, "cannot decode image " + file + ": not a known image format");
    }
    int w = img.getWidth();
    int h = img.getHeight();
    int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
    byte[] rgb = new byte[3 * w * h];
    for (int i = 0; i < argb.length; i++) {
      rgb[3 * i] = (byte) (argb[i] >> 16);
      rgb[3 * i + 1] = (byte) (argb[i] >> 8);
      rgb[3 * i + 2] = (byte) argb[i];
    }
    return Frame.of(rgb, PixelFormat.RGB, w, h);
  }

  private static Samples npy(Path file, Preprocessing pp, int limit, long seed)
      throws EdgeSslException {
    Npy.Array a = Npy.readFloats(file);
    long[] want = {pp.channels(), pp.height(), pp.width()};
    long[] s = a.shape();
    boolean ok = s.length == 4;
    for (int i = 0; ok && i < 3; i++) {
      ok = s[i + 1] == want[i];
    }
    if (!ok) {
      throw new EdgeSslException(
          ErrorCode.SHAPE_MISMATCH,
          "calibration tensors "
              + file
              + " have shape "
              + Arrays.toString(s)
              + " but the model takes [N, "
              + want[0]
              + ", "
              + want[1]
              + ", "
              + want[2]
              + "] (preprocessed float32 inputs)");
    }
    if (s[0] == 0) {
      throw empty(file, "it holds 0 tensors");
    }
    int per = pp.size();
    int[] pick = sample((int) s[0], limit, seed);
    float[] data = a.data();
    String name = pick.length + " of " + s[0] + " preprocessed inputs from " + file;
    return Samples.of(
        name, pick.length, (i, pre, dst, offset) -> dst.put(offset, data, pick[i] * per, per));
  }
}
