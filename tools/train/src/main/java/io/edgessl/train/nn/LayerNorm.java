package io.edgessl.train.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Layer normalization over the last dimension, with {@code weight} (1) and {@code bias} (0). */
public final class LayerNorm extends Layer {
  private final Tensor weight;
  private final Tensor bias;
  private final long dim;
  private final double eps;

  /** ViT uses {@code eps = 1e-6} (DINO, timm); PyTorch's default is 1e-5. */
  public LayerNorm(int dim, double eps) {
    this.dim = dim;
    this.eps = eps;
    this.weight = param("weight", Init.constant(1, dim));
    this.bias = param("bias", Init.constant(0, dim));
  }

  /** The epsilon added to the variance. */
  public double eps() {
    return eps;
  }

  public Tensor forward(Tensor x) {
    return torch.layer_norm(x, new long[] {dim}, Ops.opt(weight), Ops.opt(bias), eps, false);
  }
}
