package io.edgessl.train.eval;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.encoder.Embedding;
import io.edgessl.encoder.Encoder;
import io.edgessl.encoder.PatchFeatures;
import io.edgessl.image.Frame;
import io.edgessl.image.Interpolation;
import io.edgessl.image.PixelFormat;
import io.edgessl.image.Preprocessing;
import io.edgessl.image.Preprocessor;
import io.edgessl.segment.ClusterSegmenter;
import io.edgessl.segment.ConfusionMatrix;
import io.edgessl.segment.LabelScores;
import io.edgessl.segment.LabelTransferSegmenter;
import io.edgessl.segment.LinearHeadSegmenter;
import io.edgessl.segment.Mask;
import io.edgessl.segment.Refinement;
import io.edgessl.segment.Segmenter;
import io.edgessl.train.Progress;
import io.edgessl.train.scenes.DavisDataset;
import io.edgessl.train.scenes.Images;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Semantic segmentation on a DAVIS-layout scene set ({@code edgessl data scenes}): every segmenter
 * of {@code io.edgessl.segment} on an encoder's patch features, with and without edge-aware
 * refinement, against baselines that show what the encoder adds, scored by mIoU and pixel accuracy
 * over the test split's exact masks.
 *
 * <p>Methods: {@code background} (every pixel background), {@code color} (a pixel is an object when
 * its colour is nearer the mean object colour of the reference frames than the mean background
 * colour, and then takes the references' most frequent object class), {@code pixels-transfer}
 * (label transfer, as below, on raw-pixel patches instead of encoder features), {@code transfer}
 * (label transfer from the reference frames: DINO-weighted top-k vote of reference patches), {@code
 * linear} (a linear head trained on the reference frames' patches), {@code cluster} (spherical
 * k-means fitted on the reference frames' patches, clusters matched to classes by the Hungarian
 * algorithm over the test split, as STEGO's evaluation does). References are the first frames of
 * the train split.
 */
public final class SegEval {
  /** A method and its name on the command line. */
  public enum Method {
    /** Every pixel background. */
    BACKGROUND("background", false),
    /** Nearest mean colour, objects or background. */
    COLOR("color", false),
    /** Label transfer on raw-pixel patches. */
    PIXELS_TRANSFER("pixels-transfer", false),
    /** Label transfer on encoder patch features. */
    TRANSFER("transfer", true),
    /** A linear head on encoder patch features. */
    LINEAR("linear", true),
    /** Spherical k-means on encoder patch features, Hungarian-matched. */
    CLUSTER("cluster", true);

    private final String id;
    private final boolean needsEncoder;

    Method(String id, boolean needsEncoder) {
      this.id = id;
      this.needsEncoder = needsEncoder;
    }

    /** {@return the command-line name} */
    public String id() {
      return id;
    }

    /** {@return whether the method runs on an encoder's features} */
    public boolean needsEncoder() {
      return needsEncoder;
    }

    /**
     * The method named {@code id}.
     *
     * @param id a command-line name
     * @return the method
     * @throws IllegalArgumentException naming the value and the choices
     */
    public static Method parse(String id) {
      for (Method m : values()) {
        if (m.id.equals(id)) {
          return m;
        }
      }
      StringBuilder b = new StringBuilder();
      for (Method m : values()) {
        b.append(b.length() == 0 ? "" : ", ").append(m.id);
      }
      throw new IllegalArgumentException("--methods: '" + id + "' is not one of " + b);
    }
  }

  /**
   * What to evaluate.
   *
   * @param data the scene set's root (DAVIS layout)
   * @param split the split to score ({@code test} or {@code val})
   * @param references reference frames from the train split (label transfer, linear head, the
   *     cluster fit, the colour baseline)
   * @param limit at most this many frames of the split, 0 for all
   * @param methods the methods, in table order
   * @param refine also score each method with edge-aware refinement (joint-bilateral upsampling)
   * @param k label transfer's neighbours
   * @param temperature label transfer's vote temperature
   * @param clusters k-means clusters (0: the number of classes)
   * @param pixelPatch the raw-pixel baseline's patch size in pixels
   * @param seed k-means and linear-head seed
   * @param overlays where to write overlay PNGs (image, prediction, truth), or null
   * @param overlayCount how many test frames get overlays
   */
  public record Config(
      Path data,
      String split,
      int references,
      int limit,
      List<Method> methods,
      boolean refine,
      int k,
      float temperature,
      int clusters,
      int pixelPatch,
      long seed,
      Path overlays,
      int overlayCount) {
    /** Checks the values; the message names the option. */
    public Config {
      Objects.requireNonNull(data, "data");
      if (references < 1) {
        throw new IllegalArgumentException("--references must be at least 1: " + references);
      }
      if (limit < 0) {
        throw new IllegalArgumentException("--limit must not be negative: " + limit);
      }
      if (methods.isEmpty()) {
        throw new IllegalArgumentException("--methods: give at least one method");
      }
      if (k < 1) {
        throw new IllegalArgumentException("-k must be at least 1: " + k);
      }
      if (!(temperature > 0)) {
        throw new IllegalArgumentException("-T must be positive: " + temperature);
      }
      if (pixelPatch < 1) {
        throw new IllegalArgumentException("--pixel-patch must be positive: " + pixelPatch);
      }
      methods = List.copyOf(methods);
    }
  }

  /**
   * One row of the table.
   *
   * @param method the method's name
   * @param refined whether refinement upsampled its scores
   * @param meanIou mean IoU over the classes present in the split's truth (STEGO's and mmseg's
   *     convention), in [0, 1]
   * @param pixelAccuracy fraction of pixels labelled right
   * @param ious IoU per class (background first), NaN for a class absent from truth and prediction
   * @param msPerFrame the segmenter's own time per frame (encoder excluded), milliseconds
   */
  public record Row(
      String method,
      boolean refined,
      double meanIou,
      double pixelAccuracy,
      double[] ious,
      double msPerFrame) {}

  /**
   * The table.
   *
   * @param data the scene set
   * @param split the scored split
   * @param frames frames scored
   * @param references reference frames
   * @param classes classes (background included)
   * @param encoderMsPerFrame the encoder's time per frame ({@code Encoder.features}), 0 without one
   * @param rows one row per method and refinement
   */
  public record Result(
      String data,
      String split,
      int frames,
      int references,
      int classes,
      double encoderMsPerFrame,
      List<Row> rows) {}

  private SegEval() {}

  /** A frame of the scene set: its pixels as a Frame and its mask. */
  private record Sample(String name, Frame frame, byte[] rgb, Mask mask) {}

  /**
   * Runs the evaluation.
   *
   * @param c what to evaluate
   * @param encoder the encoder (not owned), or null for the baselines only
   * @param progress where progress goes
   * @return the table
   * @throws EdgeSslException when the data cannot be read or the encoder fails
   */
  public static Result run(Config c, Encoder encoder, Progress progress) throws EdgeSslException {
    for (Method m : c.methods()) {
      if (m.needsEncoder() && encoder == null) {
        throw new IllegalArgumentException(
            "method " + m.id() + " needs an encoder: give --model (or leave it out of --methods)");
      }
    }
    DavisDataset ds = DavisDataset.open(c.data());
    List<Sample> refs = samples(ds, "train", c.references());
    List<Sample> tests = samples(ds, c.split(), c.limit());
    int classes = 1;
    for (Sample s : refs) {
      classes = Math.max(classes, s.mask().maxLabel() + 1);
    }
    for (Sample s : tests) {
      classes = Math.max(classes, s.mask().maxLabel() + 1);
    }

    List<PatchFeatures> refFeatures = null;
    List<PatchFeatures> testFeatures = null;
    double encoderMs = 0;
    if (encoder != null && c.methods().stream().anyMatch(Method::needsEncoder)) {
      refFeatures = features(encoder, refs, progress, "reference features");
      long t0 = System.nanoTime();
      testFeatures = features(encoder, tests, progress, "test features");
      encoderMs = (System.nanoTime() - t0) / 1e6 / tests.size();
    }
    Refinement refinement = Refinement.defaults();
    List<Row> rows = new ArrayList<>();
    List<Mask> truths = new ArrayList<>();
    tests.forEach(s -> truths.add(s.mask()));
    Map<String, List<Mask>> overlaysOf = new LinkedHashMap<>();
    for (Method m : c.methods()) {
      for (boolean refined : c.refine() ? new boolean[] {false, true} : new boolean[] {false}) {
        if (!m.needsEncoder() && m != Method.PIXELS_TRANSFER && refined) {
          continue; // nothing to refine: the baselines decide per pixel
        }
        String what = m.id() + (refined ? " + refinement" : "");
        List<Mask> predictions = new ArrayList<>();
        long t0 = System.nanoTime();
        try (Progress.Task p = progress.start(what, tests.size())) {
          Predictor predictor = predictor(m, c, encoder, refs, refFeatures, classes);
          for (int i = 0; i < tests.size(); i++) {
            Sample s = tests.get(i);
            PatchFeatures f = testFeatures == null ? null : testFeatures.get(i);
            predictions.add(predictor.predict(s, f, refined ? refinement : null));
            p.step(1);
          }
        }
        double ms = (System.nanoTime() - t0) / 1e6 / tests.size();
        ConfusionMatrix cm =
            m == Method.CLUSTER
                ? ConfusionMatrix.clusters(
                    c.clusters() > 0 ? c.clusters() : classes, classes, ConfusionMatrix.NO_IGNORE)
                : new ConfusionMatrix(classes);
        for (int i = 0; i < tests.size(); i++) {
          cm.add(predictions.get(i), truths.get(i));
        }
        if (m == Method.CLUSTER) {
          int[] mapping = cm.matchClusters();
          cm = cm.matched();
          for (int i = 0; i < predictions.size(); i++) {
            predictions.set(i, remap(predictions.get(i), mapping));
          }
        }
        rows.add(
            new Row(
                m.id(), refined, cm.meanIouOverTruthClasses(), cm.pixelAccuracy(), cm.ious(), ms));
        overlaysOf.put(
            what, predictions.subList(0, Math.min(c.overlayCount(), predictions.size())));
      }
    }
    if (c.overlays() != null) {
      writeOverlays(c.overlays(), tests, overlaysOf, c.overlayCount());
    }
    return new Result(
        c.data().toString(), c.split(), tests.size(), refs.size(), classes, encoderMs, rows);
  }

  @FunctionalInterface
  private interface Predictor {
    Mask predict(Sample s, PatchFeatures f, Refinement refinement);
  }

  private static Predictor predictor(
      Method m,
      Config c,
      Encoder encoder,
      List<Sample> refs,
      List<PatchFeatures> refFeatures,
      int classes) {
    List<Mask> refMasks = new ArrayList<>();
    refs.forEach(s -> refMasks.add(s.mask()));
    LabelTransferSegmenter.Options transfer =
        new LabelTransferSegmenter.Options(c.k(), c.temperature(), ConfusionMatrix.NO_IGNORE);
    switch (m) {
      case BACKGROUND:
        return (s, f, r) -> Mask.filled(s.mask().height(), s.mask().width(), 0);
      case COLOR:
        return colour(refs);
      case PIXELS_TRANSFER:
        {
          Preprocessing pre = pixelPreprocessing(refs.get(0), c.pixelPatch());
          List<PatchFeatures> pf = new ArrayList<>();
          for (Sample s : refs) {
            pf.add(pixelFeatures(s.frame(), pre, c.pixelPatch()));
          }
          LabelTransferSegmenter seg =
              LabelTransferSegmenter.fromFeatures(pre, pf, refMasks, transfer);
          return (s, f, r) ->
              mask(seg, seg.scores(pixelFeatures(s.frame(), pre, c.pixelPatch())), s, r, pre);
        }
      case TRANSFER:
        {
          Segmenter seg =
              LabelTransferSegmenter.fromFeatures(
                  encoder.manifest().preprocessing(), refFeatures, refMasks, transfer);
          return (s, f, r) -> mask(seg, seg.scores(f), s, r, encoder.manifest().preprocessing());
        }
      case LINEAR:
        {
          LinearHeadSegmenter.Training t = LinearHeadSegmenter.Training.defaults();
          Segmenter seg =
              LinearHeadSegmenter.train(
                  encoder.manifest().preprocessing(),
                  refFeatures,
                  refMasks,
                  new LinearHeadSegmenter.Training(
                      t.epochs(), t.learningRate(), t.weightDecay(), c.seed(), t.ignoreLabel()));
          return (s, f, r) -> mask(seg, seg.scores(f), s, r, encoder.manifest().preprocessing());
        }
      case CLUSTER:
        {
          Segmenter seg =
              ClusterSegmenter.fit(
                  encoder.manifest().preprocessing(),
                  refFeatures,
                  c.clusters() > 0 ? c.clusters() : classes,
                  c.seed());
          return (s, f, r) -> mask(seg, seg.scores(f), s, r, encoder.manifest().preprocessing());
        }
      default:
        throw new IllegalStateException(m.toString());
    }
  }

  private static Mask mask(
      Segmenter seg, LabelScores scores, Sample s, Refinement r, Preprocessing pre) {
    return r == null
        ? scores.upsample(pre, s.mask().height(), s.mask().width())
        : r.refine(scores, s.frame(), pre);
  }

  /** The colour baseline: nearest of the references' mean object and mean background colours. */
  private static Predictor colour(List<Sample> refs) {
    double[] fg = new double[3];
    double[] bg = new double[3];
    long nf = 0;
    long nb = 0;
    long[] classCount = new long[Mask.MAX_LABEL + 1];
    for (Sample s : refs) {
      int[] l = s.mask().toArray();
      for (int i = 0; i < l.length; i++) {
        double[] acc = l[i] != 0 ? fg : bg;
        for (int ch = 0; ch < 3; ch++) {
          acc[ch] += s.rgb()[3 * i + ch] & 0xff;
        }
        if (l[i] != 0) {
          nf++;
          classCount[l[i]]++;
        } else {
          nb++;
        }
      }
    }
    int major = 1;
    for (int i = 1; i < classCount.length; i++) {
      if (classCount[i] > classCount[major]) {
        major = i;
      }
    }
    for (int ch = 0; ch < 3; ch++) {
      fg[ch] /= Math.max(1, nf);
      bg[ch] /= Math.max(1, nb);
    }
    int label = major;
    return (s, f, r) -> {
      int n = s.mask().height() * s.mask().width();
      int[] out = new int[n];
      for (int i = 0; i < n; i++) {
        double df = 0;
        double db = 0;
        for (int ch = 0; ch < 3; ch++) {
          double v = s.rgb()[3 * i + ch] & 0xff;
          df += (v - fg[ch]) * (v - fg[ch]);
          db += (v - bg[ch]) * (v - bg[ch]);
        }
        out[i] = df < db ? label : 0;
      }
      return Mask.of(s.mask().height(), s.mask().width(), out);
    };
  }

  /** Frames stretched to a multiple of the patch, colours as /255 centred on 0.5. */
  private static Preprocessing pixelPreprocessing(Sample s, int patch) {
    int h = Math.max(patch, s.mask().height() / patch * patch);
    int w = Math.max(patch, s.mask().width() / patch * patch);
    return Preprocessing.builder(h, w)
        .normalize(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f})
        .stretch(Interpolation.BILINEAR)
        .build();
  }

  /** Raw-pixel patch features: each patch's normalized pixels, channel-major within the patch. */
  static PatchFeatures pixelFeatures(Frame frame, Preprocessing pre, int patch) {
    Preprocessor p = new Preprocessor(pre, "java");
    float[] x = new float[p.outputSize()];
    p.run(frame, x, 0);
    int h = pre.height();
    int w = pre.width();
    int gh = h / patch;
    int gw = w / patch;
    int d = 3 * patch * patch;
    float[] data = new float[gh * gw * d];
    for (int gy = 0; gy < gh; gy++) {
      for (int gx = 0; gx < gw; gx++) {
        int o = (gy * gw + gx) * d;
        for (int ch = 0; ch < 3; ch++) {
          for (int y = 0; y < patch; y++) {
            for (int xx = 0; xx < patch; xx++) {
              data[o++] = x[(ch * h + gy * patch + y) * w + gx * patch + xx];
            }
          }
        }
      }
    }
    float[] mean = new float[d];
    for (int i = 0; i < data.length; i++) {
      mean[i % d] += data[i] / (gh * gw);
    }
    return new PatchFeatures(gh, gw, d, data, new Embedding(mean));
  }

  private static List<PatchFeatures> features(
      Encoder encoder, List<Sample> samples, Progress progress, String what)
      throws EdgeSslException {
    List<PatchFeatures> out = new ArrayList<>();
    try (Progress.Task p = progress.start(what, samples.size())) {
      for (int from = 0; from < samples.size(); from += 8) {
        List<Frame> batch = new ArrayList<>();
        for (int i = from; i < Math.min(samples.size(), from + 8); i++) {
          batch.add(samples.get(i).frame());
        }
        out.addAll(encoder.features(batch));
        p.step(batch.size());
      }
    }
    return out;
  }

  private static List<Sample> samples(DavisDataset ds, String split, int limit)
      throws EdgeSslException {
    List<Sample> out = new ArrayList<>();
    for (DavisDataset.Sequence seq : ds.split(split)) {
      for (int t = 0; t < seq.frames().size(); t++) {
        if (limit > 0 && out.size() >= limit) {
          return out;
        }
        DavisDataset.Sample s = ds.sample(seq, t);
        if (s.image().width() != s.mask().width() || s.image().height() != s.mask().height()) {
          throw new EdgeSslException(
              ErrorCode.CORRUPT_FILE,
              ds.annotationFile(seq, t)
                  + " is "
                  + s.mask().width()
                  + "x"
                  + s.mask().height()
                  + " but its image is "
                  + s.image().width()
                  + "x"
                  + s.image().height());
        }
        Mask m = Mask.ofBytes(s.mask().height(), s.mask().width(), s.mask().labels());
        Frame f = Frame.of(s.image().rgb(), PixelFormat.RGB, s.image().width(), s.image().height());
        out.add(new Sample(seq.name() + "/" + seq.frames().get(t), f, s.image().rgb(), m));
      }
    }
    if (out.isEmpty()) {
      throw new EdgeSslException(
          ErrorCode.FILE_NOT_FOUND, ds.root() + ": split '" + split + "' has no frames");
    }
    return out;
  }

  private static Mask remap(Mask m, int[] mapping) {
    int[] l = m.toArray();
    for (int i = 0; i < l.length; i++) {
      l[i] = l[i] < mapping.length && mapping[l[i]] >= 0 ? mapping[l[i]] : 0;
    }
    return Mask.of(m.height(), m.width(), l);
  }

  /** One PNG per frame: image | prediction of each method | truth, side by side. */
  private static void writeOverlays(
      Path dir, List<Sample> tests, Map<String, List<Mask>> predictions, int count)
      throws EdgeSslException {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot create " + dir + ": " + e, e);
    }
    for (Map.Entry<String, List<Mask>> e : predictions.entrySet()) {
      String method = e.getKey().replace(" + refinement", "-refined");
      for (int i = 0; i < Math.min(count, e.getValue().size()); i++) {
        Sample s = tests.get(i);
        int h = s.mask().height();
        int w = s.mask().width();
        byte[] canvas = new byte[3 * h * 3 * w];
        paste(canvas, 3 * w, s.rgb(), w, h, 0);
        paste(canvas, 3 * w, colour(e.getValue().get(i), s.rgb()), w, h, w);
        paste(canvas, 3 * w, colour(s.mask(), s.rgb()), w, h, 2 * w);
        String name =
            String.format(Locale.ROOT, "%02d-%s-%s.png", i, s.name().replace('/', '-'), method);
        try {
          Files.write(dir.resolve(name), rgbPng(canvas, 3 * w, h));
        } catch (IOException ex) {
          throw new EdgeSslException(
              ErrorCode.IO, "cannot write " + dir.resolve(name) + ": " + ex, ex);
        }
      }
    }
  }

  private static byte[] rgbPng(byte[] rgb, int w, int h) throws IOException {
    java.awt.image.BufferedImage img =
        new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = 3 * (y * w + x);
        img.setRGB(x, y, (rgb[i] & 0xff) << 16 | (rgb[i + 1] & 0xff) << 8 | (rgb[i + 2] & 0xff));
      }
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  private static void paste(byte[] canvas, int canvasWidth, byte[] rgb, int w, int h, int x0) {
    for (int y = 0; y < h; y++) {
      System.arraycopy(rgb, 3 * y * w, canvas, 3 * (y * canvasWidth + x0), 3 * w);
    }
  }

  /** Labels as the VOC palette blended half over the image; background shows the image. */
  private static byte[] colour(Mask m, byte[] rgb) {
    byte[] palette = Images.vocPalette();
    int[] l = m.toArray();
    byte[] out = new byte[rgb.length];
    for (int i = 0; i < l.length; i++) {
      for (int ch = 0; ch < 3; ch++) {
        int v = rgb[3 * i + ch] & 0xff;
        if (l[i] != 0) {
          int p = palette[3 * (l[i] & 0xff) + ch] & 0xff;
          v = (v + 3 * p) / 4;
        }
        out[3 * i + ch] = (byte) v;
      }
    }
    return out;
  }
}
