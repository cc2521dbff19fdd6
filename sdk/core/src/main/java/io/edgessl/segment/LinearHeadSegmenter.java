package io.edgessl.segment;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.encoder.Encoder;
import io.edgessl.encoder.PatchFeatures;
import io.edgessl.image.Frame;
import io.edgessl.image.Preprocessing;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * Segmentation by a linear classifier on patch features (the linear probe of STEGO and DINOv2's
 * segmentation evaluation, without their batch norm): softmax regression, weights {@code D x C} and
 * a bias per class, trained on a few annotated frames, in plain Java.
 *
 * {@snippet :
 * LinearHeadSegmenter head =
 *     LinearHeadSegmenter.train(encoder, frames, masks, LinearHeadSegmenter.Training.defaults());
 * Files.write(path, head.toBytes());
 * LinearHeadSegmenter again = LinearHeadSegmenter.fromBytes(Files.readAllBytes(path), encoder);
 * }
 *
 * <p>Training: patch features are L2-normalized; each patch's target is the area fraction of each
 * label in it (the masks seen through the preprocessing, as {@link LabelTransferSegmenter} does),
 * so patches on a boundary teach both sides; the loss is the mean cross-entropy against these soft
 * targets plus {@code weightDecay / 2 * |W|^2}; full-batch Adam ({@code beta1 0.9, beta2 0.999, eps
 * 1e-8}) for a fixed number of epochs from weights drawn from a seeded Gaussian of standard
 * deviation 0.01 and zero biases. Every sum runs in a fixed order and the exponentials and
 * logarithms are {@link StrictMath}'s, so the same data, options and seed give the same head bit
 * for bit on every JVM (Java's float arithmetic is strict and never fused).
 *
 * <p>Scores are the softmax probabilities.
 *
 * <p>Byte format (version 1), big-endian: the magic {@code "ESLH"}; int version (1); int {@code D};
 * int {@code C}; {@code C} ints, the labels, increasing; {@code D * C} floats, the weights, row
 * {@code d} holding the {@code C} weights of component {@code d}; {@code C} floats, the biases;
 * int, the CRC-32 of every byte before it. {@link #fromBytes} checks every field.
 */
public final class LinearHeadSegmenter extends Segmenter {
  /** The version of the byte format that {@link #toBytes()} writes. */
  public static final int FORMAT_VERSION = 1;

  private static final int MAGIC = 0x45534c48; // "ESLH"
  private static final int MAX_DIM = 1 << 16;

  private final int dim;
  private final int[] labels;
  private final float[] weights; // dim x classes
  private final float[] bias;

  private LinearHeadSegmenter(
      Encoder encoder, Preprocessing preprocessing, int dim, int[] labels, float[] w, float[] b) {
    super(encoder, preprocessing);
    this.dim = dim;
    this.labels = labels;
    this.weights = w;
    this.bias = b;
  }

  /**
   * Options of training.
   *
   * @param epochs full-batch Adam steps, at least 1
   * @param learningRate Adam's step size, positive
   * @param weightDecay L2 penalty on the weights (not the biases), 0 or more
   * @param seed the seed of the initial weights
   * @param ignoreLabel a label of the training masks that marks pixels of unknown label (e.g. 255
   *     on the object boundaries of PASCAL VOC): they teach no label, and a patch made only of them
   *     is left out; or {@link ConfusionMatrix#NO_IGNORE}
   */
  public record Training(
      int epochs, float learningRate, float weightDecay, long seed, int ignoreLabel) {
    /**
     * Checks the options.
     *
     * @param epochs full-batch Adam steps, at least 1
     * @param learningRate Adam's step size, positive
     * @param weightDecay L2 penalty on the weights (not the biases), 0 or more
     * @param seed the seed of the initial weights
     * @param ignoreLabel a label of unknown pixels, or {@link ConfusionMatrix#NO_IGNORE}
     * @throws IllegalArgumentException naming a value out of range
     */
    public Training {
      if (epochs < 1) {
        throw new IllegalArgumentException("epochs must be at least 1: " + epochs);
      }
      if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
        throw new IllegalArgumentException("learning rate must be positive: " + learningRate);
      }
      if (!(weightDecay >= 0) || Float.isInfinite(weightDecay)) {
        throw new IllegalArgumentException("weight decay must not be negative: " + weightDecay);
      }
      PatchLabels.checkIgnore(ignoreLabel);
    }

    /**
     * The defaults: 300 epochs, learning rate 0.05, weight decay 1e-4, seed 0, no ignore label. On
     * normalized features Adam's steps of 0.05 let the logits grow to separate the classes within a
     * few hundred full-batch steps. A fit costs about {@code 600 N D C} multiply-adds ({@code N}
     * patches, {@code D} dimensions, {@code C} labels): 1.2 billion for a thousand 384-dimensional
     * patches and 5 labels, of the order of a second in Java (an estimate, not a measurement).
     *
     * @return the default options
     */
    public static Training defaults() {
      return new Training(300, 0.05f, 1e-4f, 0, ConfusionMatrix.NO_IGNORE);
    }
  }

  /**
   * Trains a head on annotated frames.
   *
   * @param encoder the encoder; not owned, used for the frames now and every frame later
   * @param frames the annotated frames; read, not kept
   * @param masks one mask per frame, of its upright size
   * @param training the options
   * @return the trained head
   * @throws EdgeSslException when the encoder fails
   * @throws IllegalArgumentException when there are no frames, the frames and masks differ in
   *     number, a mask's size is not its frame's (the message names both), or the masks hold fewer
   *     than two labels
   */
  public static LinearHeadSegmenter train(
      Encoder encoder, List<Frame> frames, List<Mask> masks, Training training)
      throws EdgeSslException {
    Objects.requireNonNull(encoder, "encoder");
    PatchLabels.checkPairs(frames, masks, "training");
    PatchLabels.checkFrameSizes(frames, masks, "training");
    return train(
        encoder, encoder.manifest().preprocessing(), encoder.features(frames), masks, training);
  }

  /**
   * Trains a head on the features of annotated frames, without an encoder: the head segments
   * features only, until read back with {@link #fromBytes(byte[], Encoder)}.
   *
   * @param preprocessing the preprocessing the features were computed with
   * @param features the annotated frames' patch features; read, not kept
   * @param masks one mask per frame, of its upright size
   * @param training the options
   * @return the trained head
   * @throws IllegalArgumentException as {@link #train(Encoder, List, List, Training)}, or when the
   *     features differ in dimension
   */
  public static LinearHeadSegmenter train(
      Preprocessing preprocessing,
      List<PatchFeatures> features,
      List<Mask> masks,
      Training training) {
    return train(
        null, Objects.requireNonNull(preprocessing, "preprocessing"), features, masks, training);
  }

  private static LinearHeadSegmenter train(
      Encoder encoder,
      Preprocessing preprocessing,
      List<PatchFeatures> features,
      List<Mask> masks,
      Training training) {
    Objects.requireNonNull(training, "training");
    PatchLabels.checkPairs(features, masks, "training");
    int ignore = training.ignoreLabel();
    int[] labels = PatchLabels.labels(masks, ignore);
    if (labels.length < 2) {
      throw new IllegalArgumentException(
          "the training masks hold "
              + (labels.length == 0 ? "no label" : "only label " + labels[0])
              + (ignore == ConfusionMatrix.NO_IGNORE ? "" : " besides the ignored " + ignore)
              + ": a classifier needs at least two labels");
    }
    int dim = features.get(0).dimension();
    long total = 0;
    for (PatchFeatures f : features) {
      if (f.dimension() != dim) {
        throw new IllegalArgumentException(
            "features differ in dimension: " + f.dimension() + " and " + dim);
      }
      total += (long) f.height() * f.width();
    }
    int k = labels.length;
    if (dim > MAX_DIM || total * Math.max(dim, k) > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(total + " patches of dimension " + dim + " are too many");
    }
    float[] x = new float[(int) total * dim];
    float[] y = new float[(int) total * k];
    // patches with a counted pixel, in order
    int n = PatchLabels.gather(features, masks, preprocessing, labels, ignore, x, y);
    if (n == 0) {
      throw new IllegalArgumentException(
          "no training patch shows a pixel that is not ignored (" + ignore + ")");
    }
    float[] w = new float[dim * k];
    float[] b = new float[k];
    SplittableRandom random = new SplittableRandom(training.seed());
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (0.01 * gaussian(random));
    }
    adam(x, y, n, dim, k, w, b, training);
    return new LinearHeadSegmenter(encoder, preprocessing, dim, labels, w, b);
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller: Random.nextGaussian's algorithm differs between JDK versions.
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return StrictMath.sqrt(-2 * StrictMath.log(u)) * StrictMath.cos(2 * Math.PI * v);
  }

  private static void adam(
      float[] x, float[] y, int n, int dim, int k, float[] w, float[] b, Training t) {
    float[] gw = new float[w.length];
    float[] gb = new float[k];
    float[] mw = new float[w.length];
    float[] vw = new float[w.length];
    float[] mb = new float[k];
    float[] vb = new float[k];
    float[] p = new float[k];
    final float beta1 = 0.9f;
    final float beta2 = 0.999f;
    final float eps = 1e-8f;
    for (int epoch = 1; epoch <= t.epochs(); epoch++) {
      Arrays.fill(gw, 0f);
      Arrays.fill(gb, 0f);
      for (int i = 0; i < n; i++) {
        logits(x, i * dim, dim, k, w, b, p);
        softmax(p);
        for (int c = 0; c < k; c++) {
          p[c] = (p[c] - y[i * k + c]) / n; // d(mean loss) / d(logit)
          gb[c] += p[c];
        }
        for (int d = 0; d < dim; d++) {
          float xd = x[i * dim + d];
          if (xd != 0f) {
            for (int c = 0; c < k; c++) {
              gw[d * k + c] += xd * p[c];
            }
          }
        }
      }
      float c1 = (float) (1 - StrictMath.pow(beta1, epoch));
      float c2 = (float) (1 - StrictMath.pow(beta2, epoch));
      for (int j = 0; j < w.length; j++) {
        float g = gw[j] + t.weightDecay() * w[j];
        mw[j] = beta1 * mw[j] + (1 - beta1) * g;
        vw[j] = beta2 * vw[j] + (1 - beta2) * g * g;
        w[j] -= t.learningRate() * (mw[j] / c1) / ((float) Math.sqrt(vw[j] / c2) + eps);
      }
      for (int c = 0; c < k; c++) {
        float g = gb[c];
        mb[c] = beta1 * mb[c] + (1 - beta1) * g;
        vb[c] = beta2 * vb[c] + (1 - beta2) * g * g;
        b[c] -= t.learningRate() * (mb[c] / c1) / ((float) Math.sqrt(vb[c] / c2) + eps);
      }
    }
  }

  private static void logits(float[] x, int xo, int dim, int k, float[] w, float[] b, float[] out) {
    System.arraycopy(b, 0, out, 0, k);
    for (int d = 0; d < dim; d++) {
      float xd = x[xo + d];
      for (int c = 0; c < k; c++) {
        out[c] += xd * w[d * k + c];
      }
    }
  }

  private static void softmax(float[] p) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : p) {
      max = Math.max(max, v);
    }
    float sum = 0f;
    for (int c = 0; c < p.length; c++) {
      p[c] = (float) StrictMath.exp(p[c] - max);
      sum += p[c];
    }
    for (int c = 0; c < p.length; c++) {
      p[c] /= sum;
    }
  }

  @Override
  public int dimension() {
    return dim;
  }

  @Override
  public int[] labels() {
    return labels.clone();
  }

  /**
   * The softmax probability of each label at each patch.
   *
   * @param features a frame's patch features
   * @return the scores, one channel per label of the training masks; each patch's sum to 1
   * @throws IllegalArgumentException if the features' dimension is not {@link #dimension()}
   */
  @Override
  public LabelScores scores(PatchFeatures features) {
    checkDimension(features);
    int n = features.height() * features.width();
    int k = labels.length;
    float[] x = PatchLabels.normalized(features);
    float[] out = new float[n * k];
    float[] p = new float[k];
    for (int i = 0; i < n; i++) {
      logits(x, i * dim, dim, k, weights, bias, p);
      softmax(p);
      System.arraycopy(p, 0, out, i * k, k);
    }
    return LabelScores.wrap(features.height(), features.width(), labels, out);
  }

  /**
   * The head in the byte format of {@link #FORMAT_VERSION} (see the class comment); the encoder and
   * preprocessing are not part of it.
   *
   * @return a new array, owned by the caller
   */
  public byte[] toBytes() {
    int k = labels.length;
    ByteBuffer buf = ByteBuffer.allocate(16 + 4 * k + 4 * dim * k + 4 * k + 4);
    buf.putInt(MAGIC).putInt(FORMAT_VERSION).putInt(dim).putInt(k);
    for (int l : labels) {
      buf.putInt(l);
    }
    for (float v : weights) {
      buf.putFloat(v);
    }
    for (float v : bias) {
      buf.putFloat(v);
    }
    CRC32 crc = new CRC32();
    crc.update(buf.array(), 0, buf.position());
    buf.putInt((int) crc.getValue());
    return buf.array();
  }

  /**
   * Reads a head written by {@link #toBytes()}, to segment frames with {@code encoder}.
   *
   * @param bytes the head's bytes; read, not kept
   * @param encoder the encoder the head was trained for; not owned
   * @return the head
   * @throws EdgeSslException {@code CORRUPT_FILE} when the bytes are not a head (wrong magic,
   *     length or checksum, labels not increasing, weights not finite), {@code UNSUPPORTED_VERSION}
   *     for another format version, {@code SHAPE_MISMATCH} when the head's dimension is not the
   *     encoder's patch dimension
   */
  public static LinearHeadSegmenter fromBytes(byte[] bytes, Encoder encoder)
      throws EdgeSslException {
    Objects.requireNonNull(encoder, "encoder");
    LinearHeadSegmenter h = read(bytes, encoder, encoder.manifest().preprocessing());
    if (h.dim != encoder.patchDimension()) {
      throw new EdgeSslException(
          ErrorCode.SHAPE_MISMATCH,
          "head reads features of dimension "
              + h.dim
              + " but encoder "
              + encoder.manifest().name()
              + " gives "
              + encoder.patchDimension());
    }
    return h;
  }

  /**
   * Reads a head written by {@link #toBytes()}, without an encoder: it segments features only.
   *
   * @param bytes the head's bytes; read, not kept
   * @param preprocessing the preprocessing of the features it will segment
   * @return the head
   * @throws EdgeSslException as {@link #fromBytes(byte[], Encoder)}, but for the dimension
   */
  public static LinearHeadSegmenter fromBytes(byte[] bytes, Preprocessing preprocessing)
      throws EdgeSslException {
    return read(bytes, null, Objects.requireNonNull(preprocessing, "preprocessing"));
  }

  private static LinearHeadSegmenter read(byte[] bytes, Encoder encoder, Preprocessing p)
      throws EdgeSslException {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length < 20) {
      throw corrupt("it holds " + bytes.length + " bytes, fewer than a header");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    if (buf.getInt() != MAGIC) {
      throw corrupt("it does not start with the magic ESLH");
    }
    int version = buf.getInt();
    if (version != FORMAT_VERSION) {
      throw new EdgeSslException(
          ErrorCode.UNSUPPORTED_VERSION,
          "linear head format version " + version + "; this EdgeSSL reads " + FORMAT_VERSION);
    }
    int dim = buf.getInt();
    int k = buf.getInt();
    if (dim < 1 || dim > MAX_DIM || k < 1 || k > Mask.MAX_LABEL + 1) {
      throw corrupt("dimension " + dim + " or classes " + k + " out of range");
    }
    long expected = 16L + 4L * k + 4L * dim * k + 4L * k + 4;
    if (bytes.length != expected) {
      throw corrupt(
          "it holds "
              + bytes.length
              + " bytes, "
              + expected
              + " expected for dimension "
              + dim
              + " and "
              + k
              + " classes");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 4);
    if ((int) crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()) {
      throw corrupt("its checksum does not match");
    }
    int[] labels = new int[k];
    for (int c = 0; c < k; c++) {
      labels[c] = buf.getInt();
      if (labels[c] < 0 || labels[c] > Mask.MAX_LABEL || (c > 0 && labels[c] <= labels[c - 1])) {
        throw corrupt("its labels are not increasing in 0.." + Mask.MAX_LABEL);
      }
    }
    float[] w = new float[dim * k];
    float[] b = new float[k];
    for (int i = 0; i < w.length; i++) {
      w[i] = buf.getFloat();
      if (!Float.isFinite(w[i])) {
        throw corrupt("weight " + i + " is " + w[i]);
      }
    }
    for (int c = 0; c < k; c++) {
      b[c] = buf.getFloat();
      if (!Float.isFinite(b[c])) {
        throw corrupt("bias " + c + " is " + b[c]);
      }
    }
    return new LinearHeadSegmenter(encoder, p, dim, labels, w, b);
  }

  private static EdgeSslException corrupt(String why) {
    return new EdgeSslException(ErrorCode.CORRUPT_FILE, "not a linear head: " + why);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LinearHeadSegmenter h
        && h.dim == dim
        && Arrays.equals(h.labels, labels)
        && Arrays.equals(h.weights, weights)
        && Arrays.equals(h.bias, bias);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(weights) * 31 + Arrays.hashCode(labels);
  }

  @Override
  public String toString() {
    return "LinearHeadSegmenter[dimension " + dim + ", labels " + Arrays.toString(labels) + "]";
  }
}
