package io.edgessl.tools.train.model;

import io.edgessl.tools.train.nn.Layer;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;

/**
 * A backbone that turns images into one embedding each: a {@link VisionTransformer} ([CLS] after
 * the final norm) or a {@link ResNet} (global average pool). Inputs are normalized images [B, C, H,
 * W], float, channels first.
 */
public abstract class Encoder extends Layer {
  /** What was built. */
  public abstract EncoderSpec spec();

  /** Size of the embedding. */
  public abstract int embedDim();

  /** [B, C, H, W] → [B, embedDim]: the feature k-NN evaluation and the heads use. */
  public abstract Tensor forward(Tensor images);

  /**
   * Features for a linear probe: ViT concatenates the [CLS] of the last {@code lastBlocks} blocks
   * (each after the final norm, DINO's {@code n_last_blocks}), and appends the average patch token
   * when {@code avgPool}; ResNet returns its pooled feature whatever the arguments.
   */
  public abstract Tensor features(Tensor images, int lastBlocks, boolean avgPool);

  /** Size of {@link #features} for these arguments. */
  public abstract int featureDim(int lastBlocks, boolean avgPool);

  /**
   * Sets the random source of stochastic layers (drop path) for the next forward passes. The
   * trainer seeds it from (seed, step), so a resumed run draws the same masks.
   */
  public void setRandom(SplittableRandom random) {}

  /** Creates the encoder that {@code spec} describes, its weights drawn from {@code seed}. */
  public static Encoder create(EncoderSpec spec, long seed) {
    return switch (spec.family()) {
      case VIT -> new VisionTransformer(spec, new io.edgessl.tools.train.nn.Init(seed));
      case RESNET -> new ResNet(spec, new io.edgessl.tools.train.nn.Init(seed));
    };
  }
}
