package io.edgessl.tools.export;

import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Ops;
import io.edgessl.onnx.Shape;
import io.edgessl.onnx.models.Weights;

/**
 * Writes the ResNet of {@code io.edgessl.tools.train.model.ResNet} (basic blocks, torchvision's
 * parameter names) as an ONNX graph in inference mode: batch norm on its running statistics. The
 * outputs follow the bundle contract: {@code embedding} {@code [N, D]} is the globally averaged
 * last feature map, {@code patch_grid} {@code [N, H / s, W / s, D]} that feature map channels last.
 */
public final class ResNetGraph {
  /** PyTorch's BatchNorm2d epsilon, which the training layers use. */
  public static final float EPS = 1e-5f;

  /**
   * A ResNet's shape.
   *
   * @param height input height
   * @param width input width
   * @param channels input channels
   * @param widths stage widths; the last is D
   * @param blocks basic blocks per stage
   * @param imagenetStem 7x7 stride-2 stem and max pool (inputs of 64 pixels and more) rather than
   *     the 3x3 stride-1 CIFAR stem
   */
  public record Config(
      int height, int width, int channels, int[] widths, int[] blocks, boolean imagenetStem) {
    public Config {
      widths = widths.clone();
      blocks = blocks.clone();
      if (widths.length == 0 || widths.length != blocks.length) {
        throw new IllegalArgumentException(
            "ResNet needs one block count per stage: " + widths.length + " and " + blocks.length);
      }
      int s = stride(widths.length, imagenetStem);
      if (height % s != 0 || width % s != 0) {
        throw new IllegalArgumentException(
            "input "
                + width
                + "x"
                + height
                + " is not a multiple of the ResNet's feature stride "
                + s
                + ": its patch grid would not cover the image evenly");
      }
    }

    /** Input pixels per feature-map cell. */
    public int stride() {
      return stride(widths.length, imagenetStem);
    }

    /** The embedding dimension. */
    public int dim() {
      return widths[widths.length - 1];
    }

    private static int stride(int stages, boolean imagenetStem) {
      return (1 << (stages - 1)) * (imagenetStem ? 4 : 1);
    }
  }

  private ResNetGraph() {}

  /**
   * Writes the encoder with input {@code pixels} and outputs {@code embedding}, {@code patch_grid}.
   */
  public static OnnxGraph build(Config c, Weights w) {
    OnnxGraph g = OnnxGraph.create("resnet");
    Ops ops = new Ops(g);
    String x =
        g.input(
            "pixels", ElementType.FLOAT, Shape.batched("N", c.channels(), c.height(), c.width()));
    int[] widths = c.widths();
    Ops stem = ops.scope("stem");
    if (c.imagenetStem()) {
      x = convBn(stem, x, w, "conv1", "bn1", c.channels(), widths[0], 7, 2, 3);
      x = stem.relu(x);
      x = stem.maxPool(x, new long[] {3, 3}, new long[] {2, 2}, new long[] {1, 1, 1, 1});
    } else {
      x = stem.relu(convBn(stem, x, w, "conv1", "bn1", c.channels(), widths[0], 3, 1, 1));
    }
    int in = widths[0];
    for (int s = 0; s < widths.length; s++) {
      for (int b = 0; b < c.blocks()[s]; b++) {
        String p = "layer" + (s + 1) + "." + b + ".";
        int stride = (s > 0 && b == 0) ? 2 : 1;
        Ops o = ops.scope(p.substring(0, p.length() - 1));
        String y = o.relu(convBn(o, x, w, p + "conv1", p + "bn1", in, widths[s], 3, stride, 1));
        y = convBn(o, y, w, p + "conv2", p + "bn2", widths[s], widths[s], 3, 1, 1);
        String shortcut =
            stride != 1 || in != widths[s]
                ? convBn(
                    o, x, w, p + "downsample.0", p + "downsample.1", in, widths[s], 1, stride, 0)
                : x;
        x = o.relu(o.add(y, shortcut));
        in = widths[s];
      }
    }
    long d = c.dim();
    long gh = c.height() / c.stride();
    long gw = c.width() / c.stride();
    String emb = ops.reduceMean(x, new long[] {2, 3}, false);
    String grid = ops.transpose(x, 0, 2, 3, 1);
    g.output(ops.identity(emb, "embedding"), ElementType.FLOAT, Shape.batched("N", d));
    g.output(ops.identity(grid, "patch_grid"), ElementType.FLOAT, Shape.batched("N", gh, gw, d));
    g.check();
    return g;
  }

  /** A bias-free convolution and its batch norm, on the running statistics. */
  private static String convBn(
      Ops o, String x, Weights w, String conv, String bn, int in, int out, int k, int s, int pad) {
    String y =
        o.conv(
            x,
            o.weight(w.get(conv + ".weight", 0, 0.1f, out, in, k, k)),
            null,
            new long[] {s, s},
            new long[] {pad, pad, pad, pad},
            1);
    return o.batchNorm(
        y,
        o.weight(w.get(bn + ".weight", 1, 0.1f, out)),
        o.weight(w.get(bn + ".bias", 0, 0.1f, out)),
        o.weight(w.get(bn + ".running_mean", 0, 0.1f, out)),
        o.weight(w.get(bn + ".running_var", 1, 0f, out)),
        EPS);
  }
}
