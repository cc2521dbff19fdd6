package io.edgessl.train.scenes;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.internal.io.Json;
import io.edgessl.train.Progress;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.scenes.Backgrounds.Photo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Scenes with exact per-pixel masks made from real images, in the DAVIS 2017 layout: Fashion-MNIST
 * garments, scaled, rotated, tinted and alpha-composited over crops of photos.
 *
 * <p>A still scene is a one-frame sequence whose annotation holds, at each pixel, the Fashion-MNIST
 * class + 1 of the garment on top there (0: background). A video moves its garments along smooth
 * random paths (velocity, a small random acceleration, turning), over a slow pan and zoom across
 * one photo; they occlude each other, leave the frame and come back. Its annotations hold instance
 * ids, 1..K in order of first appearance, as DAVIS's semi-supervised task does, and {@code
 * Instances/SEQ.json} maps each id to its class.
 *
 * <p>Alpha is {@code clamp(v / 40)} of the garment's grey value {@code v} (Fashion-MNIST garments
 * are light on black), the mask is {@code alpha >= 0.5}, and the colour is the grey garment tinted
 * by a random colour. Masks are exact; images are JPEGs of quality {@link Images#JPEG_QUALITY}, so
 * lossy. Every random choice derives from the seed, one independent stream a sequence, so the
 * output is the same whatever the number of threads.
 */
public final class SceneGenerator {
  /** Version of the generator; it changes whenever the same seed would give other scenes. */
  public static final int VERSION = 1;

  /** The DAVIS resolution folder, used whatever the real size (DAVIS tools expect it). */
  public static final String RESOLUTION = "480p";

  /** Object side (its 28-pixel box, scaled) as a fraction of the scene's shorter side. */
  static final double MIN_SIZE = 0.15;

  static final double MAX_SIZE = 0.5;

  /** Largest rotation of a still scene's garment, degrees either way. */
  static final double MAX_TILT_DEGREES = 60;

  /** {@code alpha = clamp(v / ALPHA_SCALE)}. */
  static final double ALPHA_SCALE = 40;

  /** A pixel belongs to the object where its alpha reaches this. */
  static final double MASK_ALPHA = 0.5;

  /** Share of Fashion-MNIST's training split that val objects come from (its end). */
  static final int VAL_SHARE_DIVISOR = 6;

  /** Where an object lies in a frame, and how it looks. */
  public record Placement(
      int index,
      int fmClass,
      double cx,
      double cy,
      double scale,
      double angle,
      boolean flip,
      int tint) {}

  /** One rendered frame: RGB (3 bytes a pixel) and its annotation (one label a pixel). */
  public record Rendered(
      int width, int height, byte[] rgb, byte[] labels, List<Placement> objects) {}

  /** One object of a video: its annotation id, Fashion-MNIST example and class. */
  public record Instance(int id, int index, int fmClass, int firstFrame) {}

  /** A rendered video: frames whose labels are instance ids. */
  public record Video(List<Rendered> frames, List<Instance> instances) {}

  /** What {@link #write} made. */
  public record Summary(Path out, int stills, int videos, int frames, double seconds) {}

  private final SceneConfig config;
  private final LabelledImages trainObjects;
  private final LabelledImages testObjects;
  private final Backgrounds backgrounds;
  private final int[][] ranges = new int[3][];
  private final long[][] stillSeeds = new long[3][];
  private final long[][] videoSeeds = new long[3][];
  private String fashionMnist;

  /**
   * @param trainObjects Fashion-MNIST's training split: train objects from its start, val objects
   *     from its last sixth
   * @param testObjects Fashion-MNIST's test split: test objects
   * @throws IllegalArgumentException when a split that has scenes has no objects
   */
  public SceneGenerator(
      SceneConfig config,
      LabelledImages trainObjects,
      LabelledImages testObjects,
      Backgrounds backgrounds) {
    this.config = config;
    this.trainObjects = trainObjects;
    this.testObjects = testObjects;
    this.backgrounds = backgrounds;
    this.fashionMnist = trainObjects.name() + ", " + testObjects.name();
    int n = trainObjects.count();
    int valStart = n - Math.max(1, n / VAL_SHARE_DIVISOR);
    ranges[SceneSplit.TRAIN.ordinal()] = new int[] {0, valStart};
    ranges[SceneSplit.VAL.ordinal()] = new int[] {valStart, n};
    ranges[SceneSplit.TEST.ordinal()] = new int[] {0, testObjects.count()};
    SplittableRandom root = new SplittableRandom(config.seed());
    for (SceneSplit s : SceneSplit.values()) {
      int[] r = ranges[s.ordinal()];
      if ((config.stills(s) > 0 || config.videos() > 0) && r[1] <= r[0]) {
        throw new IllegalArgumentException(
            s.id()
                + " scenes need objects but Fashion-MNIST's "
                + (s == SceneSplit.TEST ? "test" : "training")
                + " split has too few images ("
                + (s == SceneSplit.TEST ? testObjects.count() : n)
                + ")");
      }
      if ((config.stills(s) > 0 || config.videos() > 0) && backgrounds.photos(s).isEmpty()) {
        throw new IllegalArgumentException(s.id() + " scenes need background photos; none given");
      }
      // One split generator a sequence, taken in a fixed order: a sequence's stream does not
      // depend on which thread renders it, nor on the counts of the other splits' videos.
      stillSeeds[s.ordinal()] = new long[config.stills(s)];
      for (int i = 0; i < stillSeeds[s.ordinal()].length; i++) {
        stillSeeds[s.ordinal()][i] = root.split().nextLong();
      }
    }
    for (SceneSplit s : SceneSplit.values()) {
      videoSeeds[s.ordinal()] = new long[config.videos()];
      for (int i = 0; i < config.videos(); i++) {
        videoSeeds[s.ordinal()][i] = root.split().nextLong();
      }
    }
  }

  /**
   * Where the Fashion-MNIST files came from, for {@code scenes.json} (default: the datasets'
   * names).
   */
  public SceneGenerator fashionMnistSource(String where) {
    this.fashionMnist = where;
    return this;
  }

  public SceneConfig config() {
    return config;
  }

  /** The {@code [start, end)} indices of the Fashion-MNIST split that {@code split} draws from. */
  public int[] objectRange(SceneSplit split) {
    return ranges[split.ordinal()].clone();
  }

  /** Name of still scene {@code i} of {@code split}: {@code scene-train-0000}. */
  public static String stillName(SceneSplit split, int i) {
    return String.format(Locale.ROOT, "scene-%s-%04d", split.id(), i);
  }

  /** Name of video {@code i} of {@code split}: {@code video-train-0000}. */
  public static String videoName(SceneSplit split, int i) {
    return String.format(Locale.ROOT, "video-%s-%04d", split.id(), i);
  }

  private LabelledImages source(SceneSplit split) {
    return split == SceneSplit.TEST ? testObjects : trainObjects;
  }

  // ---------------------------------------------------------------- still scenes

  /** Still scene {@code i} of {@code split}; labels are Fashion-MNIST class + 1. */
  public Rendered still(SceneSplit split, int i) {
    SplittableRandom rng = new SplittableRandom(stillSeeds[split.ordinal()][i]);
    int w = config.width();
    int h = config.height();
    List<Photo> photos = backgrounds.photos(split);
    Photo photo = photos.get(rng.nextInt(photos.size()));
    double[] crop = randomCrop(rng, photo, uniform(rng, 0.45, 1.0));
    boolean mirror = rng.nextBoolean();
    double[] canvas = background(photo, crop, mirror, w, h);
    byte[] labels = new byte[w * h];
    int k = config.minObjects() + rng.nextInt(config.maxObjects() - config.minObjects() + 1);
    List<Placement> objects = new ArrayList<>();
    LabelledImages src = source(split);
    for (int j = 0; j < k; j++) {
      int index = randomIndex(rng, split);
      double side = objectSide(rng);
      Placement p =
          new Placement(
              index,
              src.labels()[index],
              uniform(rng, 0, w),
              uniform(rng, 0, h),
              side / Math.max(src.width(), src.height()),
              Math.toRadians(uniform(rng, -MAX_TILT_DEGREES, MAX_TILT_DEGREES)),
              rng.nextBoolean(),
              randomTint(rng));
      objects.add(p);
      paint(src, p, canvas, labels, w, h, (byte) (p.fmClass() + 1));
    }
    return new Rendered(w, h, toBytes(canvas), labels, List.copyOf(objects));
  }

  // ---------------------------------------------------------------- videos

  /** A moving object's state. */
  private static final class Mover {
    int index;
    int fmClass;
    double x;
    double y;
    double vx;
    double vy;
    double angle;
    double omega;
    double scale;
    double side;
    boolean flip;
    int tint;

    Placement placement() {
      return new Placement(index, fmClass, x, y, scale, angle, flip, tint);
    }
  }

  /** Receives each frame's RGB pixels as a video is rendered. */
  @FunctionalInterface
  interface FrameSink {
    void frame(int t, byte[] rgb) throws IOException;
  }

  /** Video {@code i} of {@code split}, all frames in memory; labels are instance ids. */
  public Video video(SceneSplit split, int i) {
    List<byte[]> rgb = new ArrayList<>();
    List<List<Placement>> poses = new ArrayList<>();
    VideoLabels v;
    try {
      v = renderVideo(split, i, (t, px) -> rgb.add(px), poses);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Rendered> frames = new ArrayList<>();
    for (int t = 0; t < rgb.size(); t++) {
      frames.add(
          new Rendered(config.width(), config.height(), rgb.get(t), v.labels.get(t), poses.get(t)));
    }
    return new Video(List.copyOf(frames), v.instances);
  }

  private record VideoLabels(List<byte[]> labels, List<Instance> instances) {}

  private VideoLabels renderVideo(
      SceneSplit split, int i, FrameSink sink, List<List<Placement>> poses) throws IOException {
    SplittableRandom rng = new SplittableRandom(videoSeeds[split.ordinal()][i]);
    int w = config.width();
    int h = config.height();
    double s = Math.min(w, h);
    List<Photo> photos = backgrounds.photos(split);
    Photo photo = photos.get(rng.nextInt(photos.size()));
    // A slow pan and zoom: from one crop to a nearby one of a similar size.
    double f0 = uniform(rng, 0.5, 0.85);
    double[] c0 = randomCrop(rng, photo, f0);
    double f1 = Math.min(1.0, f0 * uniform(rng, 0.85, 1.15));
    double[] c1 =
        fitCrop(
            photo,
            c0[0] + c0[2] / 2 + uniform(rng, -0.25, 0.25) * c0[2],
            c0[1] + c0[3] / 2 + uniform(rng, -0.25, 0.25) * c0[3],
            c0[2] * f1 / f0,
            c0[3] * f1 / f0);
    boolean mirror = rng.nextBoolean();

    int k = config.minObjects() + rng.nextInt(config.maxObjects() - config.minObjects() + 1);
    LabelledImages src = source(split);
    Mover[] movers = new Mover[k];
    for (int j = 0; j < k; j++) {
      Mover m = new Mover();
      m.index = randomIndex(rng, split);
      m.fmClass = src.labels()[m.index];
      m.side = objectSide(rng);
      m.scale = m.side / Math.max(src.width(), src.height());
      m.x = uniform(rng, 0.15 * w, 0.85 * w);
      m.y = uniform(rng, 0.15 * h, 0.85 * h);
      double speed = uniform(rng, 0.015, 0.04) * s;
      double dir = uniform(rng, 0, 2 * Math.PI);
      m.vx = speed * StrictMath.cos(dir);
      m.vy = speed * StrictMath.sin(dir);
      m.angle = Math.toRadians(uniform(rng, -30, 30));
      m.omega = uniform(rng, -0.03, 0.03);
      m.flip = rng.nextBoolean();
      m.tint = randomTint(rng);
      movers[j] = m;
    }

    int frames = config.frames();
    List<byte[]> slotLabels = new ArrayList<>();
    for (int t = 0; t < frames; t++) {
      double a = frames == 1 ? 0 : t / (double) (frames - 1);
      a = a * a * (3 - 2 * a); // smoothstep: the camera starts and stops gently
      double[] crop = new double[4];
      for (int c = 0; c < 4; c++) {
        crop[c] = c0[c] + a * (c1[c] - c0[c]);
      }
      double[] canvas = background(photo, crop, mirror, w, h);
      byte[] labels = new byte[w * h];
      List<Placement> pose = new ArrayList<>();
      for (int j = 0; j < k; j++) {
        Placement p = movers[j].placement();
        pose.add(p);
        paint(src, p, canvas, labels, w, h, (byte) (j + 1));
      }
      if (poses != null) {
        poses.add(List.copyOf(pose));
      }
      sink.frame(t, toBytes(canvas));
      slotLabels.add(labels);
      for (Mover m : movers) {
        step(rng, m, w, h, s);
      }
    }

    // Instance ids in order of first appearance (ties: painting order).
    int[] first = new int[k + 1];
    Arrays.fill(first, -1);
    for (int t = 0; t < frames; t++) {
      for (byte b : slotLabels.get(t)) {
        if (b != 0 && first[b] < 0) {
          first[b] = t;
        }
      }
    }
    Integer[] slots =
        java.util.stream.IntStream.rangeClosed(1, k)
            .filter(j -> first[j] >= 0)
            .boxed()
            .sorted(Comparator.<Integer>comparingInt(j -> first[j]).thenComparingInt(j -> j))
            .toArray(Integer[]::new);
    byte[] remap = new byte[k + 1];
    List<Instance> instances = new ArrayList<>();
    for (int id = 1; id <= slots.length; id++) {
      int slot = slots[id - 1];
      remap[slot] = (byte) id;
      Mover m = movers[slot - 1];
      instances.add(new Instance(id, m.index, m.fmClass, first[slot]));
    }
    for (byte[] labels : slotLabels) {
      for (int p = 0; p < labels.length; p++) {
        labels[p] = remap[labels[p]];
      }
    }
    return new VideoLabels(slotLabels, List.copyOf(instances));
  }

  /**
   * One frame of motion: a small random acceleration, and a pull back towards the frame once the
   * centre has left it (small or fast objects leave entirely before they turn; large ones stay
   * partly in view).
   */
  private static void step(SplittableRandom rng, Mover m, int w, int h, double s) {
    double ax = uniform(rng, -1, 1) * 0.0015 * s;
    double ay = uniform(rng, -1, 1) * 0.0015 * s;
    double pull = 0.004 * s;
    if (m.x < 0) {
      ax += pull;
    } else if (m.x > w) {
      ax -= pull;
    }
    if (m.y < 0) {
      ay += pull;
    } else if (m.y > h) {
      ay -= pull;
    }
    m.vx += ax;
    m.vy += ay;
    double speed = Math.sqrt(m.vx * m.vx + m.vy * m.vy);
    double max = 0.05 * s;
    if (speed > max) {
      m.vx *= max / speed;
      m.vy *= max / speed;
    }
    m.x += m.vx;
    m.y += m.vy;
    m.omega = Math.clamp(m.omega + uniform(rng, -0.004, 0.004), -0.06, 0.06);
    m.angle += m.omega;
  }

  // ---------------------------------------------------------------- drawing

  private static double uniform(SplittableRandom rng, double lo, double hi) {
    return lo + (hi - lo) * rng.nextDouble();
  }

  private int randomIndex(SplittableRandom rng, SceneSplit split) {
    int[] r = ranges[split.ordinal()];
    return r[0] + rng.nextInt(r[1] - r[0]);
  }

  /** Side of an object in pixels: log-uniform, so small and large objects are equally common. */
  private double objectSide(SplittableRandom rng) {
    double s = Math.min(config.width(), config.height());
    return s * StrictMath.exp(uniform(rng, StrictMath.log(MIN_SIZE), StrictMath.log(MAX_SIZE)));
  }

  /** A saturated, bright colour (HSV: any hue, saturation 0.35..1, value 0.75..1), 0xRRGGBB. */
  static int randomTint(SplittableRandom rng) {
    double hue = uniform(rng, 0, 6);
    double sat = uniform(rng, 0.35, 1);
    double val = uniform(rng, 0.75, 1);
    int sector = (int) hue;
    double f = hue - sector;
    double p = val * (1 - sat);
    double q = val * (1 - sat * f);
    double t = val * (1 - sat * (1 - f));
    double[] rgb =
        switch (sector) {
          case 0 -> new double[] {val, t, p};
          case 1 -> new double[] {q, val, p};
          case 2 -> new double[] {p, val, t};
          case 3 -> new double[] {p, q, val};
          case 4 -> new double[] {t, p, val};
          default -> new double[] {val, p, q};
        };
    int c = 0;
    for (double v : rgb) {
      c = (c << 8) | (int) Math.round(v * 255);
    }
    return c;
  }

  /** A crop {x, y, w, h} of the scene's aspect, {@code f} of the largest that fits, anywhere. */
  private double[] randomCrop(SplittableRandom rng, Photo photo, double f) {
    double aspect = config.width() / (double) config.height();
    double cw = Math.min(photo.width(), photo.height() * aspect) * f;
    double ch = cw / aspect;
    return new double[] {
      uniform(rng, 0, photo.width() - cw), uniform(rng, 0, photo.height() - ch), cw, ch
    };
  }

  /**
   * A crop of size {@code cw x ch} (shrunk to fit) centred as near (cx, cy) as the photo allows.
   */
  private static double[] fitCrop(Photo photo, double cx, double cy, double cw, double ch) {
    double shrink = Math.min(1.0, Math.min(photo.width() / cw, photo.height() / ch));
    cw *= shrink;
    ch *= shrink;
    double x = Math.clamp(cx - cw / 2, 0, photo.width() - cw);
    double y = Math.clamp(cy - ch / 2, 0, photo.height() - ch);
    return new double[] {x, y, cw, ch};
  }

  /** The crop {x, y, w, h} of the photo resized (bilinear) to w x h, RGB doubles. */
  static double[] background(Photo photo, double[] crop, boolean mirror, int w, int h) {
    double[] out = new double[w * h * 3];
    int pw = photo.width();
    int ph = photo.height();
    byte[] px = photo.rgb();
    for (int y = 0; y < h; y++) {
      double sy = Math.clamp(crop[1] + (y + 0.5) * crop[3] / h - 0.5, 0, ph - 1);
      int y0 = (int) sy;
      int y1 = Math.min(y0 + 1, ph - 1);
      double fy = sy - y0;
      for (int x = 0; x < w; x++) {
        int xs = mirror ? w - 1 - x : x;
        double sx = Math.clamp(crop[0] + (xs + 0.5) * crop[2] / w - 0.5, 0, pw - 1);
        int x0 = (int) sx;
        int x1 = Math.min(x0 + 1, pw - 1);
        double fx = sx - x0;
        for (int c = 0; c < 3; c++) {
          double a = (px[(y0 * pw + x0) * 3 + c] & 0xff);
          double b = (px[(y0 * pw + x1) * 3 + c] & 0xff);
          double d = (px[(y1 * pw + x0) * 3 + c] & 0xff);
          double e = (px[(y1 * pw + x1) * 3 + c] & 0xff);
          double top = a + fx * (b - a);
          double bottom = d + fx * (e - d);
          out[(y * w + x) * 3 + c] = top + fy * (bottom - top);
        }
      }
    }
    return out;
  }

  /**
   * Composites garment {@code p} over {@code canvas} and writes {@code label} where its alpha
   * reaches {@link #MASK_ALPHA}.
   */
  static void paint(
      LabelledImages src, Placement p, double[] canvas, byte[] labels, int w, int h, byte label) {
    int gw = src.width();
    int gh = src.height();
    byte[] px = src.pixels();
    int off = src.offset(p.index());
    double cos = StrictMath.cos(p.angle());
    double sin = StrictMath.sin(p.angle());
    double inv = 1.0 / p.scale();
    double r = p.scale() * Math.sqrt((double) gw * gw + (double) gh * gh) / 2 + 2;
    int xa = (int) Math.max(0, Math.floor(p.cx() - r));
    int xb = (int) Math.min(w - 1, Math.ceil(p.cx() + r));
    int ya = (int) Math.max(0, Math.floor(p.cy() - r));
    int yb = (int) Math.min(h - 1, Math.ceil(p.cy() + r));
    double tr = (p.tint() >> 16) & 0xff;
    double tg = (p.tint() >> 8) & 0xff;
    double tb = p.tint() & 0xff;
    for (int y = ya; y <= yb; y++) {
      double dy = y + 0.5 - p.cy();
      for (int x = xa; x <= xb; x++) {
        double dx = x + 0.5 - p.cx();
        double u = (cos * dx + sin * dy) * inv;
        double v = (-sin * dx + cos * dy) * inv;
        if (p.flip()) {
          u = -u;
        }
        double g = sample(px, off, gw, gh, u + gw / 2.0 - 0.5, v + gh / 2.0 - 0.5);
        if (g <= 0) {
          continue;
        }
        double alpha = Math.min(1.0, g / ALPHA_SCALE);
        double shade = 0.3 + 0.7 * g / 255;
        int i = y * w + x;
        canvas[3 * i] = alpha * tr * shade + (1 - alpha) * canvas[3 * i];
        canvas[3 * i + 1] = alpha * tg * shade + (1 - alpha) * canvas[3 * i + 1];
        canvas[3 * i + 2] = alpha * tb * shade + (1 - alpha) * canvas[3 * i + 2];
        if (alpha >= MASK_ALPHA) {
          labels[i] = label;
        }
      }
    }
  }

  /** Bilinear sample of a grey image, 0 outside it. */
  private static double sample(byte[] px, int off, int gw, int gh, double sx, double sy) {
    double fx0 = Math.floor(sx);
    double fy0 = Math.floor(sy);
    if (fx0 < -1 || fy0 < -1 || fx0 >= gw || fy0 >= gh) {
      return 0;
    }
    int x0 = (int) fx0;
    int y0 = (int) fy0;
    double fx = sx - fx0;
    double fy = sy - fy0;
    double a = grey(px, off, gw, gh, x0, y0);
    double b = grey(px, off, gw, gh, x0 + 1, y0);
    double c = grey(px, off, gw, gh, x0, y0 + 1);
    double d = grey(px, off, gw, gh, x0 + 1, y0 + 1);
    double top = a + fx * (b - a);
    double bottom = c + fx * (d - c);
    return top + fy * (bottom - top);
  }

  private static double grey(byte[] px, int off, int gw, int gh, int x, int y) {
    return x < 0 || y < 0 || x >= gw || y >= gh ? 0 : px[off + y * gw + x] & 0xff;
  }

  private static byte[] toBytes(double[] canvas) {
    byte[] out = new byte[canvas.length];
    for (int i = 0; i < canvas.length; i++) {
      out[i] = (byte) Math.clamp(Math.round(canvas[i]), 0, 255);
    }
    return out;
  }

  // ---------------------------------------------------------------- files

  /**
   * Writes every scene into {@code out} in the DAVIS 2017 layout, with {@code scenes.json}: first
   * into a sibling {@code OUT.tmp-*} folder, renamed to {@code out} once complete.
   *
   * @param threads sequences rendered at once (the output does not depend on it)
   * @throws IllegalArgumentException when {@code out} exists and is not an empty folder
   * @throws EdgeSslException when a file cannot be written
   */
  public Summary write(Path out, int threads, Progress progress) throws EdgeSslException {
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be positive: " + threads);
    }
    checkOut(out);
    Path abs = out.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new EdgeSslException(
          ErrorCode.FILE_NOT_FOUND,
          "cannot write " + out + ": directory " + parent + " does not exist");
    }
    long t0 = System.nanoTime();
    Path tmp = createTemp(parent, abs.getFileName().toString());
    try {
      writeInto(tmp, threads, progress);
      if (Files.isDirectory(out)) {
        checkOut(out);
        Files.delete(out);
      }
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteTree(tmp);
      throw new EdgeSslException(ErrorCode.IO, "cannot write " + out + ": " + e.getMessage(), e);
    } catch (RuntimeException | EdgeSslException e) {
      deleteTree(tmp);
      throw e;
    }
    int stills = 0;
    for (SceneSplit s : SceneSplit.values()) {
      stills += config.stills(s);
    }
    return new Summary(
        out, stills, 3 * config.videos(), config.frames(), (System.nanoTime() - t0) / 1e9);
  }

  /**
   * @throws IllegalArgumentException when {@code out} exists and is not an empty folder
   */
  public static void checkOut(Path out) {
    if (!Files.exists(out)) {
      return;
    }
    if (!Files.isDirectory(out)) {
      throw new IllegalArgumentException(out + " exists and is not a folder");
    }
    try (Stream<Path> s = Files.list(out)) {
      if (s.findAny().isPresent()) {
        throw new IllegalArgumentException(
            out + " exists and is not empty; choose a new folder or remove it");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + out, e);
    }
  }

  private static Path createTemp(Path parent, String name) throws EdgeSslException {
    SplittableRandom r = new SplittableRandom();
    for (int attempt = 0; ; attempt++) {
      Path p = parent.resolve(name + ".tmp-" + Long.toHexString(r.nextLong() & 0xffffffffL));
      try {
        return Files.createDirectory(p);
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) {
          throw new EdgeSslException(ErrorCode.IO, "cannot create a folder next to " + parent, e);
        }
      } catch (IOException e) {
        throw new EdgeSslException(ErrorCode.IO, "cannot create " + p + ": " + e.getMessage(), e);
      }
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // Best effort: the caller reports the original failure.
    }
  }

  private void writeInto(Path dir, int threads, Progress progress)
      throws IOException, EdgeSslException {
    Path jpeg = dir.resolve("JPEGImages").resolve(RESOLUTION);
    Path ann = dir.resolve("Annotations").resolve(RESOLUTION);
    Path sets = dir.resolve("ImageSets").resolve("2017");
    Path inst = dir.resolve("Instances");
    Files.createDirectories(jpeg);
    Files.createDirectories(ann);
    Files.createDirectories(sets);
    if (config.videos() > 0) {
      Files.createDirectories(inst);
    }
    List<Runnable> tasks = new ArrayList<>();
    Map<SceneSplit, List<String>> names = new LinkedHashMap<>();
    for (SceneSplit s : SceneSplit.values()) {
      List<String> list = new ArrayList<>();
      for (int i = 0; i < config.stills(s); i++) {
        String name = stillName(s, i);
        list.add(name);
        int idx = i;
        tasks.add(
            () -> {
              Rendered r = still(s, idx);
              writeFrame(jpeg.resolve(name), ann.resolve(name), 0, r.rgb(), r.labels());
            });
      }
      for (int i = 0; i < config.videos(); i++) {
        String name = videoName(s, i);
        list.add(name);
        int idx = i;
        tasks.add(() -> writeVideo(s, idx, name, jpeg, ann, inst));
      }
      names.put(s, list);
    }
    try (Progress.Task task = progress.start("scenes", tasks.size());
        ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> futures = new ArrayList<>();
      for (Runnable t : tasks) {
        futures.add(
            pool.submit(
                () -> {
                  t.run();
                  task.step(1);
                }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          pool.shutdownNow();
          if (e.getCause() instanceof UncheckedIOException u) {
            throw u.getCause();
          }
          if (e.getCause() instanceof RuntimeException re) {
            throw re;
          }
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          pool.shutdownNow();
          Thread.currentThread().interrupt();
          throw new EdgeSslException(ErrorCode.IO, "interrupted while writing " + dir, e);
        }
      }
    }
    for (Map.Entry<SceneSplit, List<String>> e : names.entrySet()) {
      StringBuilder b = new StringBuilder();
      for (String n : e.getValue()) {
        b.append(n).append('\n');
      }
      Files.writeString(sets.resolve(e.getKey().id() + ".txt"), b.toString());
    }
    Files.writeString(dir.resolve("scenes.json"), Json.writePretty(description()) + "\n");
  }

  private static String frameName(int t) {
    return String.format(Locale.ROOT, "%05d", t);
  }

  private void writeFrame(Path jpegDir, Path annDir, int t, byte[] rgb, byte[] labels) {
    try {
      Files.createDirectories(jpegDir);
      Files.createDirectories(annDir);
      if (rgb != null) {
        Files.write(
            jpegDir.resolve(frameName(t) + ".jpg"),
            Images.jpeg(rgb, config.width(), config.height()));
      }
      if (labels != null) {
        Files.write(
            annDir.resolve(frameName(t) + ".png"),
            Images.indexedPng(labels, config.width(), config.height()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void writeVideo(SceneSplit s, int i, String name, Path jpeg, Path ann, Path inst) {
    Path jd = jpeg.resolve(name);
    Path ad = ann.resolve(name);
    try {
      // JPEGs as frames come; annotations once the instance ids (first appearance) are known.
      VideoLabels v = renderVideo(s, i, (t, rgb) -> writeFrame(jd, ad, t, rgb, null), null);
      for (int t = 0; t < v.labels().size(); t++) {
        writeFrame(jd, ad, t, null, v.labels().get(t));
      }
      List<Object> list = new ArrayList<>();
      for (Instance in : v.instances()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", in.id());
        m.put("class", in.fmClass() + 1);
        m.put("class_name", source(s).classes().get(in.fmClass()));
        m.put("fashion_mnist_index", in.index());
        m.put("first_frame", in.firstFrame());
        list.add(m);
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("sequence", name);
      m.put("frames", config.frames());
      m.put("instances", list);
      Files.writeString(inst.resolve(name + ".json"), Json.writePretty(m) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The class names of the still scenes' labels: index 0 background, then Fashion-MNIST's. */
  public List<String> labelNames() {
    List<String> l = new ArrayList<>();
    l.add("background");
    l.addAll(trainObjects.classes());
    return List.copyOf(l);
  }

  private Map<String, Object> description() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("generator", "edgessl data scenes");
    m.put("version", VERSION);
    m.put("seed", config.seed());
    Map<String, Object> size = new LinkedHashMap<>();
    size.put("height", config.height());
    size.put("width", config.width());
    m.put("size", size);
    m.put(
        "layout",
        "DAVIS 2017: JPEGImages/"
            + RESOLUTION
            + "/SEQ/00000.jpg, Annotations/"
            + RESOLUTION
            + "/SEQ/00000.png, ImageSets/2017/{train,val,test}.txt; the folder is named "
            + RESOLUTION
            + " whatever the size");
    m.put("images", "RGB JPEG of quality " + Images.JPEG_QUALITY + " (lossy); the masks are exact");
    m.put(
        "annotations",
        "8-bit indexed PNG, DAVIS (PASCAL VOC) palette; still scenes (scene-*, 1 frame): class"
            + " label (Fashion-MNIST class + 1, 0 background); videos (video-*): instance id 1..K"
            + " in order of first appearance, classes in Instances/SEQ.json");
    m.put("classes", labelNames());
    Map<String, Object> splits = new LinkedHashMap<>();
    for (SceneSplit s : SceneSplit.values()) {
      Map<String, Object> sm = new LinkedHashMap<>();
      sm.put("stills", config.stills(s));
      sm.put("videos", config.videos());
      sm.put("frames_per_video", config.videos() > 0 ? config.frames() : 0);
      sm.put("objects_from", "fashion-mnist " + (s == SceneSplit.TEST ? "test" : "train"));
      int[] r = ranges[s.ordinal()];
      sm.put("object_range", List.of(r[0], r[1]));
      sm.put("backgrounds", backgrounds.photos(s).stream().map(Photo::name).toList());
      splits.put(s.id(), sm);
    }
    m.put("splits", splits);
    m.put("fashion_mnist", fashionMnist);
    m.put("backgrounds_dir", backgrounds.dir().toString());
    m.put("backgrounds_skipped", backgrounds.skipped());
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("objects", List.of(config.minObjects(), config.maxObjects()));
    o.put("object_size", List.of(MIN_SIZE, MAX_SIZE));
    o.put("object_size_of", "the shorter scene side (the 28-pixel box, log-uniform)");
    o.put("still_rotation_degrees", MAX_TILT_DEGREES);
    o.put("alpha", "clamp(v / " + (int) ALPHA_SCALE + ")");
    o.put("mask", "alpha >= " + MASK_ALPHA);
    o.put("colour", "tint * (0.3 + 0.7 v / 255)");
    o.put("jpeg_quality", Images.JPEG_QUALITY);
    m.put("options", o);
    return m;
  }
}
