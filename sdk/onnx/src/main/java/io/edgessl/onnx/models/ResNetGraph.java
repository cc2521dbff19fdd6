package io.edgessl.onnx.models;

import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Ops;
import io.edgessl.onnx.Shape;

/**
 * Writes the ResNet of {@code io.edgessl.train.model.ResNet} (basic blocks, torchvision's parameter
 * names) as an ONNX graph in inference mode: batch norm on its running statistics. The outputs
 * follow the bundle contract: {@code embedding} {@code [N, E]} is the last feature map pooled by
 * the config's {@link Pooling} (gap: its global average, E = D; grid:N: adaptive average pooling to
 * N x N cells, E = D N²; map: the map itself, E = D h w; both flattened channel-major as {@code
 * torch.flatten(x, 1)} does), {@code patch_grid} {@code [N, h, w, D]} (h = H / s, w = W / s) that
 * feature map channels last.
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
   * @param widths stage widths; the last is D. The constructor copies the array; the accessor
   *     returns the record's own array, which callers must not modify
   * @param blocks basic blocks per stage, one per width; copied and returned like {@code widths}
   * @param imagenetStem 7x7 stride-2 stem and max pool (inputs of 64 pixels and more) rather than
   *     the 3x3 stride-1 CIFAR stem
   * @param pooling how the embedding comes from the last feature map: gap, grid:N or map
   */
  public record Config(
      int height,
      int width,
      int channels,
      int[] widths,
      int[] blocks,
      boolean imagenetStem,
      Pooling pooling) {
    /**
     * A ResNet whose embedding is the global average of its last feature map ({@link Pooling#GAP}).
     *
     * @param height input height, a multiple of the feature stride
     * @param width input width, a multiple of the feature stride
     * @param channels input channels
     * @param widths stage widths; the last is D; copied
     * @param blocks basic blocks per stage; copied
     * @param imagenetStem 7x7 stride-2 stem and max pool rather than the 3x3 stride-1 CIFAR stem
     */
    public Config(
        int height, int width, int channels, int[] widths, int[] blocks, boolean imagenetStem) {
      this(height, width, channels, widths, blocks, imagenetStem, Pooling.GAP);
    }

    /**
     * Checks the components and copies the arrays.
     *
     * @throws IllegalArgumentException when {@code pooling} is null or CLS, the stage counts of
     *     {@code widths} and {@code blocks} differ or are 0, the input is not a multiple of the
     *     feature stride, or grid:N has more cells than the feature map
     */
    public Config {
      if (pooling == null || pooling.kind() == Pooling.Kind.CLS) {
        throw new IllegalArgumentException(
            "a ResNet's embedding pools its feature map (gap, grid:N, map), not " + pooling);
      }
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
      if (pooling.cells() > Math.min(height, width) / s) {
        throw new IllegalArgumentException(
            "embedding "
                + pooling.id()
                + " has more cells than the "
                + width / s
                + "x"
                + height / s
                + " feature map");
      }
    }

    /**
     * {@return input pixels per feature-map cell: {@code 2^(stages - 1)}, times 4 with the ImageNet
     * stem}
     */
    public int stride() {
      return stride(widths.length, imagenetStem);
    }

    /** {@return channels D of the last feature map: each patch feature's size} */
    public int dim() {
      return widths[widths.length - 1];
    }

    /** {@return the embedding's size E, by the pooling (D for gap)} */
    public int embeddingDim() {
      return pooling.dimension(dim(), height / stride(), width / stride());
    }

    private static int stride(int stages, boolean imagenetStem) {
      return (1 << (stages - 1)) * (imagenetStem ? 4 : 1);
    }
  }

  private ResNetGraph() {}

  /**
   * Writes the encoder with input {@code pixels} and outputs {@code embedding}, {@code patch_grid}.
   *
   * @param c the shape: input {@code pixels} is FLOAT {@code [N, channels, height, width]} (NCHW)
   * @param w where the parameters come from, asked by torchvision's names ({@code conv1.weight},
   *     {@code layer1.0.bn1.running_var}...)
   * @return a new, checked graph at the default opset: {@code embedding} FLOAT {@code [N, E]}
   *     ({@link Config#embeddingDim()}), {@code patch_grid} FLOAT {@code [N, h, w, D]}
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
    String emb = pool(ops, x, c.pooling(), d, gh, gw);
    String grid = ops.transpose(x, 0, 2, 3, 1);
    g.output(
        ops.identity(emb, "embedding"), ElementType.FLOAT, Shape.batched("N", c.embeddingDim()));
    g.output(ops.identity(grid, "patch_grid"), ElementType.FLOAT, Shape.batched("N", gh, gw, d));
    g.check();
    return g;
  }

  /**
   * The embedding of feature map {@code x} {@code [N, d, gh, gw]}. Flatten keeps NCHW order, so
   * both map and grid:N come out channel-major like {@code torch.flatten(x, 1)}. grid:N multiplies
   * the flattened cells by {@link Pooling#matrix}: ONNX AveragePool has one kernel size and stride,
   * and cannot make adaptive pooling's unequal, overlapping cells (7 to 2 or 3).
   */
  private static String pool(Ops o, String x, Pooling p, long d, long gh, long gw) {
    return switch (p.kind()) {
      case GAP -> o.reduceMean(x, new long[] {2, 3}, false);
      case MAP -> o.flatten(x, 1);
      case GRID -> {
        long cells = (long) p.cells() * p.cells();
        String m =
            o.weight(
                io.edgessl.onnx.Tensor.floats(
                    o.fresh("pool_matrix"), p.matrix((int) gh, (int) gw), gh * gw, cells));
        yield o.flatten(o.matMul(o.reshape(x, 0, d, gh * gw), m), 1);
      }
      case CLS -> throw new IllegalArgumentException("a ResNet has no [CLS] token");
    };
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
