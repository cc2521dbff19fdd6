package io.edgessl.train.scenes;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.image.Frame;
import io.edgessl.image.PixelFormat;
import io.edgessl.internal.io.Json;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A dataset in the DAVIS 2017 layout, real DAVIS or made by {@link SceneGenerator}: {@code
 * JPEGImages/480p/SEQ/00000.jpg}, {@code Annotations/480p/SEQ/00000.png} (indexed PNGs: a label a
 * pixel) and {@code ImageSets/2017/SPLIT.txt} (a sequence name a line). Generated still scenes are
 * sequences of one frame, so both kinds read the same way.
 */
public final class DavisDataset {
  /** An RGB image, 3 bytes a pixel, row-major. */
  public record RgbImage(int width, int height, byte[] rgb) {
    /** The image as an RGB {@link Frame} over {@link #rgb()} (no copy). */
    public Frame frame() {
      return Frame.of(rgb, PixelFormat.RGB, width, height);
    }
  }

  /** An annotation: one label (palette index, 0..255) a pixel, row-major. */
  public record Mask(int width, int height, byte[] labels) {
    public int label(int x, int y) {
      return labels[y * width + x] & 0xff;
    }
  }

  /** A sequence: its name and frame names (file names without extension, in order). */
  public record Sequence(String name, List<String> frames) {
    public int length() {
      return frames.size();
    }
  }

  private final Path root;
  private final String resolution;

  private DavisDataset(Path root, String resolution) {
    this.root = root;
    this.resolution = resolution;
  }

  /**
   * Opens the dataset at {@code root} ({@code 480p} frames).
   *
   * @throws EdgeSslException naming the folder when it has no {@code JPEGImages/480p}
   */
  public static DavisDataset open(Path root) throws EdgeSslException {
    return open(root, SceneGenerator.RESOLUTION);
  }

  /** Opens the dataset at {@code root} with frames of {@code resolution} ({@code 480p}, ...). */
  public static DavisDataset open(Path root, String resolution) throws EdgeSslException {
    Path images = root.resolve("JPEGImages").resolve(resolution);
    if (!Files.isDirectory(images)) {
      throw new EdgeSslException(
          ErrorCode.FILE_NOT_FOUND, "not a DAVIS-layout dataset: " + images + " is missing");
    }
    return new DavisDataset(root, resolution);
  }

  public Path root() {
    return root;
  }

  /**
   * The sequence names of {@code split} ({@code train}, {@code val}, {@code test}, ...), from
   * {@code ImageSets/2017/SPLIT.txt}; blank lines skipped.
   */
  public List<String> sequences(String split) throws EdgeSslException {
    Path f = root.resolve("ImageSets").resolve("2017").resolve(split + ".txt");
    List<String> lines;
    try {
      lines = Files.readAllLines(f, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new EdgeSslException(ErrorCode.FILE_NOT_FOUND, "file not found: " + f, e);
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot read " + f + ": " + e.getMessage(), e);
    }
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      String s = l.strip();
      if (s.isEmpty()) {
        continue;
      }
      if (s.contains("/") || s.contains("\\") || s.equals("..") || s.equals(".")) {
        throw new EdgeSslException(
            ErrorCode.CORRUPT_FILE, f + ": invalid sequence name '" + s + "'");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  /**
   * The frames of sequence {@code name}: the {@code .jpg} files of its image folder, sorted.
   *
   * @throws EdgeSslException naming the folder when it is missing or holds no frames
   */
  public Sequence sequence(String name) throws EdgeSslException {
    Path dir = imageDir(name);
    List<String> frames;
    try (Stream<Path> s = Files.list(dir)) {
      frames =
          s.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".jpg"))
              .map(n -> n.substring(0, n.length() - 4))
              .sorted()
              .toList();
    } catch (NoSuchFileException e) {
      throw new EdgeSslException(
          ErrorCode.FILE_NOT_FOUND, "sequence " + name + ": folder not found: " + dir, e);
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot list " + dir + ": " + e.getMessage(), e);
    }
    if (frames.isEmpty()) {
      throw new EdgeSslException(
          ErrorCode.FILE_NOT_FOUND, "sequence " + name + ": no .jpg frames in " + dir);
    }
    return new Sequence(name, frames);
  }

  /** All sequences of {@code split}, with their frames. */
  public List<Sequence> split(String split) throws EdgeSslException {
    List<Sequence> out = new ArrayList<>();
    for (String s : sequences(split)) {
      out.add(sequence(s));
    }
    return List.copyOf(out);
  }

  private Path imageDir(String seq) {
    return root.resolve("JPEGImages").resolve(resolution).resolve(seq);
  }

  /** The image file of frame {@code t} of {@code seq}. */
  public Path imageFile(Sequence seq, int t) {
    return imageDir(seq.name()).resolve(seq.frames().get(t) + ".jpg");
  }

  /** The annotation file of frame {@code t} of {@code seq} (it may not exist: DAVIS test sets). */
  public Path annotationFile(Sequence seq, int t) {
    return root.resolve("Annotations")
        .resolve(resolution)
        .resolve(seq.name())
        .resolve(seq.frames().get(t) + ".png");
  }

  /** Frame {@code t} of {@code seq} as RGB. */
  public RgbImage image(Sequence seq, int t) throws EdgeSslException {
    Path f = imageFile(seq, t);
    BufferedImage img = Images.read(f);
    return new RgbImage(img.getWidth(), img.getHeight(), Images.rgb(img));
  }

  /**
   * The annotation of frame {@code t} of {@code seq}.
   *
   * @throws EdgeSslException naming the file when it is missing, damaged or not indexed
   */
  public Mask annotation(Sequence seq, int t) throws EdgeSslException {
    Path f = annotationFile(seq, t);
    BufferedImage img = Images.read(f);
    return new Mask(img.getWidth(), img.getHeight(), Images.indices(img, f));
  }

  /** Frame {@code t} and its annotation, checked to be the same size. */
  public record Sample(RgbImage image, Mask mask) {}

  /**
   * @throws EdgeSslException naming both files when image and annotation differ in size
   */
  public Sample sample(Sequence seq, int t) throws EdgeSslException {
    RgbImage img = image(seq, t);
    Mask m = annotation(seq, t);
    if (img.width() != m.width() || img.height() != m.height()) {
      throw new EdgeSslException(
          ErrorCode.SHAPE_MISMATCH,
          annotationFile(seq, t)
              + " is "
              + m.width()
              + "x"
              + m.height()
              + " but "
              + imageFile(seq, t)
              + " is "
              + img.width()
              + "x"
              + img.height());
    }
    return new Sample(img, m);
  }

  /**
   * For generated videos: instance id to class label (Fashion-MNIST class + 1), from {@code
   * Instances/SEQ.json}; empty when there is no such file (still scenes, real DAVIS).
   */
  public Map<Integer, Integer> instanceClasses(String seq) throws EdgeSslException {
    Path f = root.resolve("Instances").resolve(seq + ".json");
    if (!Files.isRegularFile(f)) {
      return Map.of();
    }
    try {
      Map<?, ?> m = (Map<?, ?>) Json.parse(Files.readString(f));
      Map<Integer, Integer> out = new LinkedHashMap<>();
      for (Object o : (List<?>) m.get("instances")) {
        Map<?, ?> in = (Map<?, ?>) o;
        out.put(((Number) in.get("id")).intValue(), ((Number) in.get("class")).intValue());
      }
      return out;
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot read " + f + ": " + e.getMessage(), e);
    } catch (Json.ParseException | ClassCastException | NullPointerException e) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE, f + ": not an instances file (" + e.getMessage() + ")", e);
    }
  }
}
