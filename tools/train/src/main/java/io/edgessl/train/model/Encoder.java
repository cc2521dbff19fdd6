package io.edgessl.train.model;

import io.edgessl.onnx.models.Pooling;
import io.edgessl.train.nn.Layer;
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
   * [B, C, H, W] → the embedding by {@code pooling} (see {@link Pooling#of}): {@link #forward} for
   * the encoder's own (cls for a ViT, gap for a ResNet); a ResNet also pools its feature map by
   * grid:N or map.
   *
   * @throws IllegalArgumentException for a pooling this encoder does not have
   */
  public Tensor embed(Tensor images, Pooling pooling) {
    if (!pooling.equals(PoolingOps.resolve(null, spec(), 0))) {
      throw new IllegalArgumentException(
          getClass().getSimpleName() + " has no " + pooling.id() + " embedding");
    }
    return forward(images);
  }

  /** Size of {@link #embed} for {@code imageSize x imageSize} inputs. */
  public int embedDim(Pooling pooling, int imageSize) {
    if (!pooling.equals(PoolingOps.resolve(null, spec(), 0))) {
      throw new IllegalArgumentException(
          getClass().getSimpleName() + " has no " + pooling.id() + " embedding");
    }
    return embedDim();
  }

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

  /**
   * Creates the encoder that {@code spec} describes, its weights drawn from {@code seed}, by its
   * family ({@link Architecture#create}).
   */
  public static Encoder create(EncoderSpec spec, long seed) {
    return spec.family().create(spec, seed);
  }
}
