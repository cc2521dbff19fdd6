package io.edgessl.onnx.models;

import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Ops;
import io.edgessl.onnx.Shape;

/**
 * Writes a small convolutional encoder in the shape of a ResNet: stride-2 stages of 3 x 3
 * convolution, batch norm and ReLU, a 3 x 3 max pool, one residual block, and a global average
 * pool. Outputs follow the bundle contract: {@code embedding} {@code [N, D]} (the pooled feature)
 * and {@code patch_grid} {@code [N, H / s, W / s, D]} (the last feature map, channels last), with
 * feature stride {@code s = 2^stages}.
 */
public final class ConvGraph {
  /**
   * A small CNN's shape.
   *
   * @param height input height, a multiple of the stride
   * @param width input width, a multiple of the stride
   * @param channels input channels (1 for grey, 3 for colour)
   * @param widths output channels of each stride-2 stage; the last is D. The constructor copies the
   *     array; the accessor returns the record's own array, which callers must not modify
   */
  public record Config(int height, int width, int channels, int... widths) {
    /**
     * Checks the components and copies {@code widths}.
     *
     * @throws IllegalArgumentException when there are no stages, or the input is not a multiple of
     *     the stride
     */
    public Config {
      widths = widths.clone();
      int s = 1 << widths.length;
      if (widths.length == 0 || height % s != 0 || width % s != 0) {
        throw new IllegalArgumentException(
            "input " + width + "x" + height + " must be a multiple of the stride " + s);
      }
    }

    /** {@return the feature stride in input pixels per feature-map cell, {@code 2^stages}} */
    public int stride() {
      return 1 << widths.length;
    }

    /** {@return the embedding dimension D: the last stage's width} */
    public int dim() {
      return widths[widths.length - 1];
    }
  }

  /** BatchNormalization epsilon (PyTorch's default). */
  public static final float EPS = 1e-5f;

  private ConvGraph() {}

  /**
   * Writes the encoder with input {@code pixels} and outputs {@code embedding}, {@code patch_grid}.
   *
   * @param c the shape: input {@code pixels} is FLOAT {@code [N, channels, height, width]} (NCHW)
   * @param w where the parameters come from, asked by PyTorch-style names ({@code
   *     stage0.conv.weight}, {@code res.a.bn.running_var}...)
   * @return a new, checked graph at the default opset: {@code embedding} FLOAT {@code [N, D]},
   *     {@code patch_grid} FLOAT {@code [N, height / s, width / s, D]}
   */
  public static OnnxGraph build(Config c, Weights w) {
    OnnxGraph g = OnnxGraph.create("cnn");
    Ops ops = new Ops(g);
    String x =
        g.input(
            "pixels", ElementType.FLOAT, Shape.batched("N", c.channels(), c.height(), c.width()));
    int in = c.channels();
    for (int i = 0; i < c.widths().length; i++) {
      x = convBnRelu(ops.scope("stage" + i), "stage" + i + ".", x, in, c.widths()[i], 2, w);
      in = c.widths()[i];
      if (i == 0) {
        x = ops.maxPool(x, new long[] {3, 3}, new long[] {1, 1}, new long[] {1, 1, 1, 1});
      }
    }
    // One residual block at full width: relu(x + bn(conv(relu(bn(conv(x)))))).
    Ops r = ops.scope("res");
    String y = convBnRelu(r.scope("a"), "res.a.", x, in, in, 1, w);
    y = convBn(r.scope("b"), "res.b.", y, in, in, 1, w);
    x = r.relu(r.add(x, y));

    String emb = ops.flatten(ops.globalAveragePool(x), 1);
    String grid = ops.transpose(x, 0, 2, 3, 1);
    long d = c.dim();
    int gh = c.height() / c.stride();
    int gw = c.width() / c.stride();
    g.output(ops.identity(emb, "embedding"), ElementType.FLOAT, Shape.batched("N", d));
    g.output(ops.identity(grid, "patch_grid"), ElementType.FLOAT, Shape.batched("N", gh, gw, d));
    g.check();
    return g;
  }

  private static String convBnRelu(
      Ops ops, String p, String x, int in, int out, int stride, Weights w) {
    return ops.relu(convBn(ops, p, x, in, out, stride, w));
  }

  private static String convBn(
      Ops ops, String p, String x, int in, int out, int stride, Weights w) {
    // He initialization keeps activations at scale through ReLUs, so random features still differ.
    float std = (float) Math.sqrt(2.0 / (in * 9));
    String conv =
        ops.conv(
            x,
            ops.weight(w.get(p + "conv.weight", 0, std, out, in, 3, 3)),
            null,
            new long[] {stride, stride},
            new long[] {1, 1, 1, 1},
            1);
    return ops.batchNorm(
        conv,
        ops.weight(w.get(p + "bn.weight", 1, 0.1f, out)),
        ops.weight(w.get(p + "bn.bias", 0, 0.1f, out)),
        ops.weight(w.get(p + "bn.running_mean", 0, 0.1f, out)),
        ops.weight(w.get(p + "bn.running_var", 1, 0.1f, out)),
        EPS);
  }
}
