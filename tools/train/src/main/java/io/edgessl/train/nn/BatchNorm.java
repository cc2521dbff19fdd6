package io.edgessl.train.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Batch normalization over dimension 1 (channels of NCHW, or features of NC): {@code weight},
 * {@code bias}, and the buffers {@code running_mean}, {@code running_var} used in evaluation mode.
 */
public final class BatchNorm extends Layer {
  private final Tensor weight;
  private final Tensor bias;
  private final Tensor runningMean;
  private final Tensor runningVar;
  private final double momentum;
  private final double eps;

  /** PyTorch's defaults: momentum 0.1, eps 1e-5; {@code zeroInit} starts the scale at 0. */
  public BatchNorm(int channels, boolean zeroInit) {
    this(channels, zeroInit, true);
  }

  /** Without {@code affine} there is no scale and bias (MoCo v3's last projector layer). */
  public BatchNorm(int channels, boolean zeroInit, boolean affine) {
    this.weight = affine ? param("weight", Init.constant(zeroInit ? 0 : 1, channels)) : null;
    this.bias = affine ? param("bias", Init.constant(0, channels)) : null;
    this.runningMean = buffer("running_mean", Init.constant(0, channels));
    this.runningVar = buffer("running_var", Init.constant(1, channels));
    this.momentum = 0.1;
    this.eps = 1e-5;
  }

  public Tensor forward(Tensor x) {
    return torch.batch_norm(
        x,
        Ops.opt(weight),
        Ops.opt(bias),
        Ops.opt(runningMean),
        Ops.opt(runningVar),
        isTraining(),
        momentum,
        eps,
        false);
  }
}
