package io.edgessl.train.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** A 2-D convolution, NCHW: {@code weight} [out, in, k, k], optional {@code bias} [out]. */
public final class Conv2d extends Layer {
  private final Tensor weight;
  private final Tensor bias;
  private final long[] stride;
  private final long[] padding;
  private final long[] dilation = {1, 1};

  /**
   * @param init weights: He normal ({@code std = sqrt(2 / fan_out)}, torchvision's ResNet init)
   *     when {@code heNormal}, else PyTorch's default uniform {@code ±1/sqrt(fan_in)}
   */
  public Conv2d(
      Init init,
      int in,
      int out,
      int kernel,
      int stride,
      int padding,
      boolean bias,
      boolean heNormal) {
    if (in <= 0 || out <= 0 || kernel <= 0 || stride <= 0 || padding < 0) {
      throw new IllegalArgumentException(
          "bad convolution: in "
              + in
              + " out "
              + out
              + " kernel "
              + kernel
              + " stride "
              + stride
              + " padding "
              + padding);
    }
    int fanIn = in * kernel * kernel;
    int fanOut = out * kernel * kernel;
    Tensor w =
        heNormal
            ? init.normal(Math.sqrt(2.0 / fanOut), out, in, kernel, kernel)
            : init.uniform(1 / Math.sqrt(fanIn), out, in, kernel, kernel);
    this.weight = param("weight", w);
    this.bias = bias ? param("bias", init.uniform(1 / Math.sqrt(fanIn), out)) : null;
    this.stride = new long[] {stride, stride};
    this.padding = new long[] {padding, padding};
  }

  /** The weight [out, in, k, k]. */
  public Tensor weight() {
    return weight;
  }

  public Tensor forward(Tensor x) {
    return torch.conv2d(x, weight, Ops.opt(bias), stride, padding, dilation, 1);
  }
}
