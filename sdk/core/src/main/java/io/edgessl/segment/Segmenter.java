package io.edgessl.segment;

import io.edgessl.EdgeSslException;
import io.edgessl.encoder.Encoder;
import io.edgessl.encoder.PatchFeatures;
import io.edgessl.image.Frame;
import io.edgessl.image.Preprocessing;
import java.util.Objects;
import java.util.Optional;

/**
 * A segmenter over an encoder's patch features: it scores each label at each patch ({@link
 * #scores(PatchFeatures)}) and turns the scores into a mask at the frame's resolution ({@link
 * LabelScores#upsample}, or {@link Refinement} for edges that follow the frame's colours).
 *
 * {@snippet :
 * try (Encoder encoder = Encoder.open(bundle)) {
 *   Segmenter s = LabelTransferSegmenter.create(encoder, List.of(firstFrame), List.of(firstMask));
 *   Mask mask = s.segment(frame);                          // the frame's upright size
 *   Mask sharp = s.segment(frame, Refinement.defaults());  // edges follow the frame's colours
 * }
 * }
 *
 * <p>A segmenter made with an {@link Encoder} segments frames with it (the encoder is not owned:
 * close it yourself, after the segmenter's last use); one made from features alone segments
 * features ({@link #segment(PatchFeatures, int, int)}) and throws on frames. Segmenters are
 * immutable; they are thread-safe as far as their encoder is (it serializes its calls).
 */
public abstract class Segmenter {
  private final Encoder encoder;
  private final Preprocessing preprocessing;

  Segmenter(Encoder encoder, Preprocessing preprocessing) {
    this.encoder = encoder;
    this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
  }

  /**
   * The encoder that computes the features of frames, when this segmenter has one.
   *
   * @return the encoder, or empty for a segmenter made from features
   */
  public final Optional<Encoder> encoder() {
    return Optional.ofNullable(encoder);
  }

  /**
   * The preprocessing the features are computed with: it places the patch grid on the frame.
   *
   * @return the preprocessing
   */
  public final Preprocessing preprocessing() {
    return preprocessing;
  }

  /**
   * The dimension of the patch features this segmenter reads.
   *
   * @return the number of components per patch feature
   */
  public abstract int dimension();

  /**
   * The labels this segmenter predicts, increasing (the channels of its {@link LabelScores}).
   *
   * @return a new array, owned by the caller
   */
  public abstract int[] labels();

  /**
   * The score of each label at each patch of one frame's features.
   *
   * @param features patch features from the encoder this segmenter was made for
   * @return the scores, on the features' grid
   * @throws IllegalArgumentException if the features' dimension is not {@link #dimension()}
   */
  public abstract LabelScores scores(PatchFeatures features);

  /**
   * The score of each label at each patch of a frame.
   *
   * @param frame the image; read, not kept
   * @return the scores, on the encoder's patch grid
   * @throws EdgeSslException when the encoder fails
   * @throws IllegalStateException when this segmenter has no encoder
   */
  public final LabelScores scores(Frame frame) throws EdgeSslException {
    return scores(requireEncoder().features(Objects.requireNonNull(frame, "frame")));
  }

  /**
   * Segments a frame: its patch scores upsampled to its upright size ({@link
   * LabelScores#upsample}).
   *
   * @param frame the image; read, not kept
   * @return a mask of the frame's upright size ({@code uprightHeight x uprightWidth})
   * @throws EdgeSslException when the encoder fails
   * @throws IllegalStateException when this segmenter has no encoder
   */
  public final Mask segment(Frame frame) throws EdgeSslException {
    return scores(frame).upsample(preprocessing, frame.uprightHeight(), frame.uprightWidth());
  }

  /**
   * Segments a frame with edge-aware refinement: its patch scores upsampled to its upright size by
   * {@code refinement}, guided by the frame's colours.
   *
   * @param frame the image; read, not kept
   * @param refinement how to upsample
   * @return a mask of the frame's upright size
   * @throws EdgeSslException when the encoder fails
   * @throws IllegalStateException when this segmenter has no encoder
   */
  public final Mask segment(Frame frame, Refinement refinement) throws EdgeSslException {
    Objects.requireNonNull(refinement, "refinement");
    return refinement.refine(scores(frame), frame, preprocessing);
  }

  /**
   * Segments the frame that {@code features} were computed on, without its pixels (plain bilinear
   * upsampling).
   *
   * @param features the frame's patch features
   * @param frameHeight the frame's upright height, positive
   * @param frameWidth the frame's upright width, positive
   * @return a {@code frameHeight x frameWidth} mask
   * @throws IllegalArgumentException if the features' dimension is not {@link #dimension()} or a
   *     size is not positive
   */
  public final Mask segment(PatchFeatures features, int frameHeight, int frameWidth) {
    return scores(features).upsample(preprocessing, frameHeight, frameWidth);
  }

  private Encoder requireEncoder() {
    if (encoder == null) {
      throw new IllegalStateException(
          getClass().getSimpleName()
              + " was made from features, without an encoder: segment features"
              + " (segment(PatchFeatures, height, width)) or make it with an Encoder");
    }
    return encoder;
  }

  /** Checks that {@code features} have this segmenter's dimension. */
  final void checkDimension(PatchFeatures features) {
    Objects.requireNonNull(features, "features");
    if (features.dimension() != dimension()) {
      throw new IllegalArgumentException(
          getClass().getSimpleName()
              + " reads features of dimension "
              + dimension()
              + ", got "
              + features
              + " (another encoder?)");
    }
  }
}
