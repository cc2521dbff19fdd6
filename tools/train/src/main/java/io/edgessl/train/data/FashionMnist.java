package io.edgessl.train.data;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (zalandoresearch/fashion-mnist): 60 000 training and 10 000 test images, 28 x 28
 * grey, 10 classes. Debian's {@code dataset-fashion-mnist} installs it under {@link #DEBIAN_DIR};
 * any directory with the four IDX files (gzipped or not) works.
 */
public final class FashionMnist {
  /** Where Debian's package puts the files. */
  public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** Class names, indexed by label (from the dataset's README). */
  public static final List<String> CLASSES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  private FashionMnist() {}

  /** Which part of the dataset. */
  public enum Split {
    TRAIN("train"),
    TEST("t10k");

    final String prefix;

    Split(String prefix) {
      this.prefix = prefix;
    }
  }

  /**
   * Reads one split from {@code dir}.
   *
   * @throws EdgeSslException if a file is missing or damaged, or images and labels disagree
   */
  public static LabelledImages load(Path dir, Split split) throws EdgeSslException {
    if (!Files.isDirectory(dir)) {
      throw new EdgeSslException(
          ErrorCode.FILE_NOT_FOUND,
          "Fashion-MNIST directory not found: "
              + dir
              + (dir.equals(DEBIAN_DIR)
                  ? " (install it with: sudo apt-get install dataset-fashion-mnist)"
                  : ""));
    }
    Path images = find(dir, split.prefix + "-images-idx3-ubyte");
    Path labels = find(dir, split.prefix + "-labels-idx1-ubyte");
    Idx.Array img = Idx.read(images, 3);
    Idx.Array lab = Idx.read(labels, 1);
    int n = img.size(0);
    if (lab.size(0) != n) {
      throw new EdgeSslException(
          ErrorCode.SHAPE_MISMATCH,
          images + " holds " + n + " images but " + labels + " holds " + lab.size(0) + " labels");
    }
    int[] l = new int[n];
    for (int i = 0; i < n; i++) {
      l[i] = lab.data()[i] & 0xff;
      if (l[i] >= CLASSES.size()) {
        throw new EdgeSslException(
            ErrorCode.CORRUPT_FILE,
            labels + ": label " + l[i] + " of example " + i + " is not in 0..9");
      }
    }
    return new LabelledImages(
        "fashion-mnist/" + split.name().toLowerCase(java.util.Locale.ROOT),
        img.data(),
        l,
        img.size(1),
        img.size(2),
        CLASSES);
  }

  private static Path find(Path dir, String base) throws EdgeSslException {
    for (String name : new String[] {base, base + ".gz"}) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new EdgeSslException(
        ErrorCode.FILE_NOT_FOUND, "missing " + dir.resolve(base) + " (or " + base + ".gz)");
  }
}
