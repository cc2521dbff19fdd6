package io.edgessl.train.model;

import io.edgessl.onnx.models.Pooling;
import io.edgessl.onnx.models.Pooling.Kind;
import io.edgessl.train.nn.Ops;
import java.util.Locale;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** {@link Pooling} in libtorch, and which poolings an encoder has. */
public final class PoolingOps {
  private PoolingOps() {}

  /**
   * The pooling {@code value} asks of an encoder of {@code spec} whose final feature map is {@code
   * mapSize x mapSize} cells (a ResNet's input size over its feature stride); null asks for the
   * encoder's own embedding ({@link Architecture#defaultPooling}: cls for a ViT, gap for a ResNet).
   *
   * @throws IllegalArgumentException when the encoder has no such embedding: anything but cls for a
   *     ViT, cls for a ResNet, a grid finer than the feature map
   */
  public static Pooling resolve(Pooling value, EncoderSpec spec, int mapSize) {
    Architecture family = spec.family();
    if (value == null) {
      return family.defaultPooling();
    }
    family.checkPooling(value);
    if (value.kind() == Kind.GRID && value.cells() > mapSize) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "--embedding %s: more cells than the %dx%d feature map has",
              value.id(),
              mapSize,
              mapSize));
    }
    return value;
  }

  /**
   * Pools a feature map {@code [B, D, h, w]} (any memory format) into {@code [B, dimension]}, in
   * libtorch.
   */
  public static Tensor apply(Pooling pooling, Tensor map) {
    if (map.dim() != 4) {
      throw new IllegalArgumentException(
          "expected a feature map [B, D, h, w], got " + java.util.Arrays.toString(Ops.shape(map)));
    }
    return switch (pooling.kind()) {
      case CLS -> throw new IllegalArgumentException("cls pooling has no feature map to pool");
      case GAP -> Ops.mean(map, false, 2, 3);
      case GRID -> torch.adaptive_avg_pool2d(map, pooling.cells(), pooling.cells()).flatten(1, -1);
      case MAP -> map.flatten(1, -1);
    };
  }
}
