package io.edgessl.train.model;

import io.edgessl.onnx.models.Pooling;
import io.edgessl.train.nn.BatchNorm;
import io.edgessl.train.nn.Conv2d;
import io.edgessl.train.nn.Group;
import io.edgessl.train.nn.Init;
import io.edgessl.train.nn.Layer;
import io.edgessl.train.nn.Ops;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A small ResNet (He et al. 2016) of basic blocks for small images: a 3x3 stem without pooling (the
 * CIFAR variant; inputs of 64 pixels and more get ImageNet's 7x7 stride-2 stem and max pool),
 * stages of the given widths with stride 2 between them, global average pooling. Initialization
 * follows torchvision (He normal, fan out; batch-norm scale 1, bias 0).
 *
 * <p>With {@link #setChannelsLast} the activations run in NHWC memory order, which oneDNN's CPU
 * convolutions prefer; the function computed is the same.
 */
public final class ResNet extends Encoder {
  private final EncoderSpec spec;
  private final Conv2d stem;
  private final BatchNorm stemBn;
  private final boolean imagenetStem;
  private final List<BasicBlock> blocks = new ArrayList<>();
  private boolean channelsLast;

  ResNet(EncoderSpec spec, Init init) {
    if (spec.family() != ResNetArchitecture.INSTANCE) {
      throw new IllegalArgumentException("not a ResNet spec: " + spec);
    }
    this.spec = spec;
    int[] w = spec.widths();
    this.imagenetStem = spec.imageSize() >= 64;
    this.stem =
        child(
            "conv1",
            imagenetStem
                ? new Conv2d(init, spec.channels(), w[0], 7, 2, 3, false, true)
                : new Conv2d(init, spec.channels(), w[0], 3, 1, 1, false, true));
    this.stemBn = child("bn1", new BatchNorm(w[0], false));
    int in = w[0];
    for (int s = 0; s < w.length; s++) {
      Group stage = child("layer" + (s + 1), new Group());
      for (int b = 0; b < spec.blocks()[s]; b++) {
        int stride = (s > 0 && b == 0) ? 2 : 1;
        blocks.add(stage.add(Integer.toString(b), new BasicBlock(init, in, w[s], stride)));
        in = w[s];
      }
    }
  }

  @Override
  public EncoderSpec spec() {
    return spec;
  }

  @Override
  public int embedDim() {
    return spec.widths()[spec.widths().length - 1];
  }

  /** Runs the convolutions on NHWC (channels-last) activations. */
  public void setChannelsLast(boolean on) {
    channelsLast = on;
    if (on) {
      for (java.util.Map.Entry<String, Tensor> e : parameters().entrySet()) {
        if (e.getValue().dim() == 4) {
          try (var g = new org.bytedeco.pytorch.NoGradGuard()) {
            Tensor cl = e.getValue().contiguous(torch.MemoryFormat.ChannelsLast);
            e.getValue().__dispatch_set_data(cl);
          }
        }
      }
    }
  }

  /** Input pixels per cell of the final feature map. */
  public int featureStride() {
    return ResNetArchitecture.featureStride(spec);
  }

  @Override
  public Tensor forward(Tensor images) {
    return Ops.mean(featureMap(images), false, 2, 3);
  }

  @Override
  public Tensor embed(Tensor images, Pooling pooling) {
    return pooling.kind() == Pooling.Kind.CLS
        ? super.embed(images, pooling)
        : PoolingOps.apply(pooling, featureMap(images));
  }

  @Override
  public int embedDim(Pooling pooling, int imageSize) {
    int cells = imageSize / featureStride();
    return pooling.kind() == Pooling.Kind.CLS
        ? super.embedDim(pooling, imageSize)
        : pooling.dimension(embedDim(), cells, cells);
  }

  /** [B, C, H, W] → the final feature map [B, D, H / stride, W / stride], before pooling. */
  public Tensor featureMap(Tensor images) {
    if (images.dim() != 4 || images.size(1) != spec.channels()) {
      throw new IllegalArgumentException(
          "expected images [B, "
              + spec.channels()
              + ", H, W], got "
              + java.util.Arrays.toString(Ops.shape(images)));
    }
    Tensor x = channelsLast ? images.contiguous(torch.MemoryFormat.ChannelsLast) : images;
    x = torch.relu(stemBn.forward(stem.forward(x)));
    if (imagenetStem) {
      x =
          torch.max_pool2d(
              x, new long[] {3, 3}, new long[] {2, 2}, new long[] {1, 1}, new long[] {1, 1}, false);
    }
    for (BasicBlock b : blocks) {
      x = b.forward(x);
    }
    return x;
  }

  @Override
  public Tensor features(Tensor images, int lastBlocks, boolean avgPool) {
    return forward(images);
  }

  @Override
  public int featureDim(int lastBlocks, boolean avgPool) {
    return embedDim();
  }

  /** conv3x3-BN-ReLU-conv3x3-BN plus the identity (or a 1x1 projection), then ReLU. */
  static final class BasicBlock extends Layer {
    private final Conv2d conv1;
    private final BatchNorm bn1;
    private final Conv2d conv2;
    private final BatchNorm bn2;
    private final Conv2d down;
    private final BatchNorm downBn;

    BasicBlock(Init init, int in, int out, int stride) {
      conv1 = child("conv1", new Conv2d(init, in, out, 3, stride, 1, false, true));
      bn1 = child("bn1", new BatchNorm(out, false));
      conv2 = child("conv2", new Conv2d(init, out, out, 3, 1, 1, false, true));
      bn2 = child("bn2", new BatchNorm(out, false));
      if (stride != 1 || in != out) {
        Group d = child("downsample", new Group());
        down = d.add("0", new Conv2d(init, in, out, 1, stride, 0, false, true));
        downBn = d.add("1", new BatchNorm(out, false));
      } else {
        down = null;
        downBn = null;
      }
    }

    Tensor forward(Tensor x) {
      Tensor y = torch.relu(bn1.forward(conv1.forward(x)));
      y = bn2.forward(conv2.forward(y));
      Tensor s = down == null ? x : downBn.forward(down.forward(x));
      return torch.relu(y.add(s));
    }
  }
}
