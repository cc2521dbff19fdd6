package io.edgessl.train.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** {@code y = x Wᵀ + b}: parameters {@code weight} [out, in] and {@code bias} [out] (optional). */
public final class Linear extends Layer {
  private final Tensor weight;
  private final Tensor bias;
  private final int in;
  private final int out;

  /**
   * A linear layer with weights drawn from a truncated normal of {@code std} (ViT and DINO heads
   * use 0.02) and zero bias.
   */
  public Linear(Init init, int in, int out, boolean bias, double std) {
    if (in <= 0 || out <= 0) {
      throw new IllegalArgumentException("linear sizes must be positive: " + in + " -> " + out);
    }
    this.in = in;
    this.out = out;
    this.weight = param("weight", init.truncNormal(std, out, in));
    this.bias = bias ? param("bias", Init.constant(0, out)) : null;
  }

  /** Input features. */
  public int in() {
    return in;
  }

  /** Output features. */
  public int out() {
    return out;
  }

  /** The weight [out, in]. */
  public Tensor weight() {
    return weight;
  }

  public Tensor forward(Tensor x) {
    return torch.linear(x, weight, Ops.opt(bias));
  }
}
