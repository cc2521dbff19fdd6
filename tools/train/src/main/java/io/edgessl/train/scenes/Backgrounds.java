package io.edgessl.train.scenes;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The photos that scene backgrounds are cut from: the JPEG and PNG files directly in one folder,
 * decoded once (shrunk by whole factors when much larger than the scenes need) and split between
 * train, val and test by a hash of their names, series kept together (see {@link #split}), so test
 * scenes have backgrounds no training scene has.
 */
public final class Backgrounds {
  /** Where Debian's {@code opencv-doc} package puts the example images of OpenCV's samples. */
  public static final Path DEBIAN_DIR = Path.of("/usr/share/doc/opencv-doc/examples/data");

  /** Photos with a shorter side than this are skipped. */
  public static final int MIN_SIDE = 48;

  /** One decoded photo: RGB bytes, row-major. */
  public record Photo(String name, int width, int height, byte[] rgb) {}

  private final Path dir;
  private final Map<SceneSplit, List<Photo>> splits;
  private final List<String> skipped;

  private Backgrounds(Path dir, Map<SceneSplit, List<Photo>> splits, List<String> skipped) {
    this.dir = dir;
    this.splits = splits;
    this.skipped = skipped;
  }

  /** The folder read. */
  public Path dir() {
    return dir;
  }

  /** The photos of one split, in a fixed order. */
  public List<Photo> photos(SceneSplit split) {
    return splits.get(split);
  }

  /** The files skipped, each with why ({@code "name: reason"}). */
  public List<String> skipped() {
    return skipped;
  }

  /** In-memory photos (tests, callers with their own images); each split needs one at least. */
  public static Backgrounds of(List<Photo> train, List<Photo> val, List<Photo> test) {
    Map<SceneSplit, List<Photo>> m = new EnumMap<>(SceneSplit.class);
    m.put(SceneSplit.TRAIN, List.copyOf(train));
    m.put(SceneSplit.VAL, List.copyOf(val));
    m.put(SceneSplit.TEST, List.copyOf(test));
    return new Backgrounds(Path.of("(memory)"), m, List.of());
  }

  /**
   * Reads the {@code .jpg}, {@code .jpeg} and {@code .png} files directly in {@code dir}.
   *
   * @param maxSide photos whose shorter side is at least twice this are shrunk by a whole factor
   *     (box filter) towards it: crops of them are resized to scenes of this size anyway
   * @param warn told about each file skipped (unreadable, damaged, too small)
   * @throws EdgeSslException naming the folder when it is missing or has fewer than three usable
   *     photos (train, val and test each need their own)
   */
  public static Backgrounds load(Path dir, int maxSide, Consumer<String> warn)
      throws EdgeSslException {
    if (!Files.isDirectory(dir)) {
      throw new EdgeSslException(
          ErrorCode.FILE_NOT_FOUND,
          "backgrounds folder not found: "
              + dir
              + (dir.equals(DEBIAN_DIR)
                  ? " (install it with: sudo apt-get install opencv-doc, or pass --backgrounds DIR)"
                  : ""));
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(Backgrounds::isPhotoName)
              .sorted(Comparator.comparing(p -> p.getFileName().toString()))
              .toList();
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot list " + dir + ": " + e.getMessage(), e);
    }
    List<Photo> usable = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (Path f : files) {
      String name = f.getFileName().toString();
      String why = null;
      Photo p = null;
      try {
        BufferedImage img = Images.read(f);
        if (Math.min(img.getWidth(), img.getHeight()) < MIN_SIDE) {
          why =
              "too small ("
                  + img.getWidth()
                  + "x"
                  + img.getHeight()
                  + "; photos need "
                  + MIN_SIDE
                  + " pixels a side)";
        } else {
          p = shrink(new Photo(name, img.getWidth(), img.getHeight(), Images.rgb(img)), maxSide);
        }
      } catch (EdgeSslException e) {
        why = e.getMessage();
      }
      if (p != null) {
        usable.add(p);
      } else {
        skipped.add(name + ": " + why);
        warn.accept("skipping background " + f + ": " + why);
      }
    }
    if (usable.size() < 3) {
      throw new EdgeSslException(
          ErrorCode.FILE_NOT_FOUND,
          (usable.isEmpty() ? "no usable photos" : "only " + usable.size() + " usable photo(s)")
              + " (.jpg, .jpeg, .png) in "
              + dir
              + ": scenes need at least 3, so that train, val and test backgrounds differ");
    }
    Map<SceneSplit, List<Photo>> m = split(usable);
    return new Backgrounds(dir, m, List.copyOf(skipped));
  }

  /**
   * Splits photos three ways, about 20% test, 15% val, the rest train, by a hash of their
   * {@linkplain #family family} so that stereo pairs and series (aloeL / aloeR, left01 / right01,
   * basketball1 / basketball2) stay in one split; by a hash of each name when there are fewer than
   * three families.
   */
  static Map<SceneSplit, List<Photo>> split(List<Photo> usable) {
    Map<String, List<Photo>> families = new java.util.TreeMap<>();
    for (Photo p : usable) {
      families.computeIfAbsent(family(p.name()), k -> new ArrayList<>()).add(p);
    }
    if (families.size() < 3) {
      families.clear();
      for (Photo p : usable) {
        families.put(p.name(), new ArrayList<>(List.of(p)));
      }
    }
    List<String> keys = new ArrayList<>(families.keySet());
    keys.sort(
        Comparator.<String, String>comparing(Backgrounds::sha256)
            .thenComparing(Comparator.naturalOrder()));
    int n = usable.size();
    int wantTest = Math.max(1, Math.round(n * 0.2f));
    int wantVal = Math.max(1, Math.round(n * 0.15f));
    List<Photo> test = new ArrayList<>();
    List<Photo> val = new ArrayList<>();
    List<Photo> train = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      List<Photo> f = families.get(keys.get(i));
      int left = keys.size() - i; // families not yet placed, this one included
      if (test.size() < wantTest && left >= 3) {
        test.addAll(f);
      } else if (val.size() < wantVal && left >= 2) {
        val.addAll(f);
      } else {
        train.addAll(f);
      }
    }
    Map<SceneSplit, List<Photo>> m = new EnumMap<>(SceneSplit.class);
    m.put(SceneSplit.TRAIN, sortedByName(train));
    m.put(SceneSplit.VAL, sortedByName(val));
    m.put(SceneSplit.TEST, sortedByName(test));
    return m;
  }

  /**
   * The series a photo belongs to, from its name: final capitals after a small letter dropped
   * ({@code aloeL}, {@code aloeGT}), only what comes before the first {@code _} or {@code -} kept
   * ({@code ela_original} and {@code ela_modified}, {@code box} and {@code box_in_scene}), lower
   * case, digits dropped, a leading or trailing {@code left} / {@code right} dropped ({@code
   * left01}, {@code right07}).
   */
  static String family(String fileName) {
    int dot = fileName.lastIndexOf('.');
    String k = dot > 0 ? fileName.substring(0, dot) : fileName;
    k = k.replaceAll("(?<=\\p{Ll})\\p{Lu}+$", "");
    int cut = k.replaceAll("[-]", "_").indexOf('_');
    if (cut > 0) {
      k = k.substring(0, cut);
    }
    k = k.toLowerCase(Locale.ROOT).replaceAll("[0-9]+", "");
    return k.replaceAll("^(left|right)|(left|right)$", "").strip();
  }

  private static List<Photo> sortedByName(List<Photo> photos) {
    return photos.stream().sorted(Comparator.comparing(Photo::name)).toList();
  }

  private static boolean isPhotoName(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Averages {@code k x k} blocks, {@code k} the largest whole factor keeping the short side >= 2
   * maxSide.
   */
  static Photo shrink(Photo p, int maxSide) {
    int k = Math.min(p.width(), p.height()) / (2 * maxSide);
    if (k < 2) {
      return p;
    }
    int w = p.width() / k;
    int h = p.height() / k;
    byte[] out = new byte[w * h * 3];
    int area = k * k;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          int sum = 0;
          for (int dy = 0; dy < k; dy++) {
            int row = ((y * k + dy) * p.width() + x * k) * 3 + c;
            for (int dx = 0; dx < k; dx++) {
              sum += p.rgb()[row + 3 * dx] & 0xff;
            }
          }
          out[(y * w + x) * 3 + c] = (byte) ((sum + area / 2) / area);
        }
      }
    }
    return new Photo(p.name(), w, h, out);
  }
}
