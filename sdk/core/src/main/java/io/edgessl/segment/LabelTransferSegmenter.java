package io.edgessl.segment;

import io.edgessl.EdgeSslException;
import io.edgessl.encoder.Encoder;
import io.edgessl.encoder.PatchFeatures;
import io.edgessl.image.Frame;
import io.edgessl.image.Preprocessing;
import io.edgessl.internal.kernels.KernelSupport;
import io.edgessl.spi.PackedBank;
import java.util.List;
import java.util.Objects;

/**
 * Segmentation by label transfer from a few annotated reference frames (DINO's label propagation):
 * each patch of a target frame takes the weighted vote of its {@code k} most similar reference
 * patches.
 *
 * {@snippet :
 * LabelTransferSegmenter s =
 *     LabelTransferSegmenter.create(encoder, List.of(firstFrame), List.of(firstMask));
 * Mask next = s.segment(nextFrame);
 * }
 *
 * <p>How: each reference mask (at its frame's upright size) is seen through the preprocessing and
 * counted per patch, which gives every reference patch a soft label: the area fraction of each
 * label in it. Target and reference patch features are L2-normalized; for each target patch the
 * {@code k} reference patches of largest cosine similarity {@code s} vote with weights {@code exp(s
 * / T)} (DINO's k-NN weighting; the weights are normalized, so the scores of a patch sum to 1). The
 * labels are those present in the reference masks, background (0) included.
 *
 * <p>Defaults: {@code k = 5}, as DINO's video label propagation ({@code eval_video_segmentation.py
 * --topk 5}), which transfers patch labels the same way: reference frames hold few patches per
 * object (a 224 x 224 input with 16-pixel patches has 196 in all), so a larger {@code k} (20 is
 * DINO's image-level k-NN setting) lets a small object be outvoted by its surroundings; {@code T =
 * 0.07}, DINO's k-NN temperature, with which a neighbour 0.1 less similar weighs 4 times less
 * (DINO's video script uses 0.1, and restricts the neighbours to 12 patches around the target
 * patch's position, which assumes consecutive video frames; no such restriction here).
 */
public final class LabelTransferSegmenter extends Segmenter {
  /** The default number of neighbours voting. */
  public static final int DEFAULT_K = 5;

  /** The default temperature of the vote's weights. */
  public static final float DEFAULT_TEMPERATURE = 0.07f;

  private final int dim;
  private final int count;
  private final float[] bank; // PackedBank layout, normalized features
  private final float[] referenceScores; // count x labels
  private final int[] labels;
  private final Options options;

  /**
   * Options of label transfer.
   *
   * @param k the number of reference patches voting for each target patch, at least 1
   * @param temperature the temperature {@code T} of the weights {@code exp(s / T)}, positive
   * @param ignoreLabel a label of the reference masks that marks pixels of unknown label (e.g. 255,
   *     "void"): they count for no label, and a patch made only of them does not vote; or {@link
   *     ConfusionMatrix#NO_IGNORE}
   */
  public record Options(int k, float temperature, int ignoreLabel) {
    /**
     * Checks the options.
     *
     * @param k the number of reference patches voting for each target patch, at least 1
     * @param temperature the temperature {@code T} of the weights {@code exp(s / T)}, positive
     * @param ignoreLabel a label of unknown pixels, or {@link ConfusionMatrix#NO_IGNORE}
     * @throws IllegalArgumentException naming a value out of range
     */
    public Options {
      if (k < 1) {
        throw new IllegalArgumentException("k must be at least 1: " + k);
      }
      if (!(temperature > 0) || Float.isInfinite(temperature)) {
        throw new IllegalArgumentException("temperature must be positive: " + temperature);
      }
      PatchLabels.checkIgnore(ignoreLabel);
    }

    /**
     * The defaults: {@link #DEFAULT_K}, {@link #DEFAULT_TEMPERATURE}, no ignore label.
     *
     * @return the default options
     */
    public static Options defaults() {
      return new Options(DEFAULT_K, DEFAULT_TEMPERATURE, ConfusionMatrix.NO_IGNORE);
    }
  }

  private LabelTransferSegmenter(
      Encoder encoder,
      Preprocessing preprocessing,
      List<PatchFeatures> features,
      List<Mask> masks,
      Options options) {
    super(encoder, preprocessing);
    this.options = Objects.requireNonNull(options, "options");
    PatchLabels.checkPairs(features, masks, "reference");
    int ignore = options.ignoreLabel();
    int d = features.get(0).dimension();
    long n = 0;
    for (int i = 0; i < masks.size(); i++) {
      Mask m = Objects.requireNonNull(masks.get(i), "mask");
      PatchFeatures f = Objects.requireNonNull(features.get(i), "features");
      if (f.dimension() != d) {
        throw new IllegalArgumentException(
            "reference "
                + i
                + " has features of dimension "
                + f.dimension()
                + ", reference 0 "
                + d);
      }
      int unlabelled = m.count(0) + (ignore > 0 ? m.count(ignore) : 0);
      if (unlabelled == m.height() * m.width()) {
        throw new IllegalArgumentException(
            "reference mask "
                + i
                + " ("
                + PatchLabels.size(m.height(), m.width())
                + ") has no labelled pixel: every pixel is background (0)"
                + (ignore > 0 ? " or ignored (" + ignore + ")" : ""));
      }
      n += (long) f.height() * f.width();
    }
    if (n > Integer.MAX_VALUE / 64) {
      throw new IllegalArgumentException("too many reference patches: " + n);
    }
    this.labels = PatchLabels.labels(masks, ignore);
    this.dim = d;
    int k = labels.length;
    // Soft labels of the patches that have a counted pixel, in order; the others do not vote.
    float[] scores = new float[(int) n * k];
    float[] vectors = new float[(int) n * d];
    int slot = PatchLabels.gather(features, masks, preprocessing, labels, ignore, vectors, scores);
    if (slot == 0) {
      throw new IllegalArgumentException(
          "no reference patch shows a pixel that is not ignored (" + ignore + ")");
    }
    this.count = slot;
    this.referenceScores = java.util.Arrays.copyOf(scores, slot * k);
    this.bank = new float[PackedBank.length(count, d)];
    float[] row = new float[d];
    for (int s = 0; s < count; s++) {
      System.arraycopy(vectors, s * d, row, 0, d);
      PackedBank.put(bank, s, row, d);
    }
  }

  /**
   * A segmenter from annotated reference frames, with the {@link Options#defaults() default
   * options}.
   *
   * @param encoder the encoder; not owned, used for the references now and every frame later
   * @param frames the reference frames; read, not kept
   * @param masks one mask per frame, of its upright size ({@code uprightHeight x uprightWidth})
   * @return the segmenter
   * @throws EdgeSslException when the encoder fails
   * @throws IllegalArgumentException as {@link #create(Encoder, List, List, Options)}
   */
  public static LabelTransferSegmenter create(Encoder encoder, List<Frame> frames, List<Mask> masks)
      throws EdgeSslException {
    return create(encoder, frames, masks, Options.defaults());
  }

  /**
   * A segmenter from annotated reference frames.
   *
   * @param encoder the encoder; not owned, used for the references now and every frame later
   * @param frames the reference frames; read, not kept
   * @param masks one mask per frame, of its upright size ({@code uprightHeight x uprightWidth})
   * @param options k, temperature and ignore label
   * @return the segmenter
   * @throws EdgeSslException when the encoder fails
   * @throws IllegalArgumentException when there are no references, the frames and masks differ in
   *     number, a mask's size is not its frame's (the message names both), or a mask has no pixel
   *     other than background (0) and the ignore label
   */
  public static LabelTransferSegmenter create(
      Encoder encoder, List<Frame> frames, List<Mask> masks, Options options)
      throws EdgeSslException {
    Objects.requireNonNull(encoder, "encoder");
    PatchLabels.checkPairs(frames, masks, "reference");
    PatchLabels.checkFrameSizes(frames, masks, "reference");
    return new LabelTransferSegmenter(
        encoder,
        encoder.manifest().preprocessing(),
        encoder.features(frames),
        List.copyOf(masks),
        options);
  }

  /**
   * A segmenter from the features of annotated reference frames, without an encoder: it segments
   * features only ({@link #segment(PatchFeatures, int, int)}).
   *
   * @param preprocessing the preprocessing the features were computed with
   * @param features the reference frames' patch features; read, not kept
   * @param masks one mask per reference, of its frame's upright size
   * @param options k, temperature and ignore label
   * @return the segmenter
   * @throws IllegalArgumentException as {@link #create(Encoder, List, List, Options)}, or when the
   *     features differ in dimension
   */
  public static LabelTransferSegmenter fromFeatures(
      Preprocessing preprocessing,
      List<PatchFeatures> features,
      List<Mask> masks,
      Options options) {
    return new LabelTransferSegmenter(
        null, preprocessing, List.copyOf(features), List.copyOf(masks), options);
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
   * The options this segmenter was made with.
   *
   * @return the options
   */
  public Options options() {
    return options;
  }

  /**
   * The number of reference patches that vote: those with at least one pixel not ignored.
   *
   * @return the voting patches of all references
   */
  public int referencePatches() {
    return count;
  }

  /**
   * The soft label of each target patch: the weighted vote of its {@code k} nearest reference
   * patches; each patch's scores sum to 1.
   *
   * @param features the target frame's patch features
   * @return the scores, one channel per label of the references
   * @throws IllegalArgumentException if the features' dimension is not {@link #dimension()}
   */
  @Override
  public LabelScores scores(PatchFeatures features) {
    checkDimension(features);
    int n = features.height() * features.width();
    int kk = Math.min(options.k(), count);
    float[] queries = PatchLabels.normalized(features);
    float[] topScores = new float[n * kk];
    int[] topSlots = new int[n * kk];
    KernelSupport.knn().searchPacked(bank, count, dim, queries, 0, n, kk, topScores, topSlots);
    float[] out = new float[n * labels.length];
    KernelSupport.segment()
        .vote(
            topScores,
            topSlots,
            n,
            kk,
            referenceScores,
            count,
            labels.length,
            options.temperature(),
            out);
    return LabelScores.wrap(features.height(), features.width(), labels, out);
  }

  @Override
  public String toString() {
    return "LabelTransferSegmenter["
        + count
        + " reference patches, labels "
        + java.util.Arrays.toString(labels)
        + ", "
        + options
        + "]";
  }
}
