package io.edgessl.train.model;

import io.edgessl.train.nn.BatchNorm;
import io.edgessl.train.nn.Group;
import io.edgessl.train.nn.Init;
import io.edgessl.train.nn.Layer;
import io.edgessl.train.nn.Linear;
import io.edgessl.train.nn.Ops;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * DINO's projection head ({@code DINOHead}): an MLP of {@code layers} linear layers with GELU (and
 * optional batch norm) between them down to a bottleneck, L2 normalization, then a
 * weight-normalized linear layer without bias to {@code outDim} prototypes: {@code W = g v / ||v||}
 * row-wise, with {@code g} fixed to 1 when {@code normLastLayer} (DINO's default, which it found
 * stabilizes training). Names follow DINO: {@code mlp.0}, {@code mlp.2}, ..., {@code
 * last_layer.weight_g}, {@code last_layer.weight_v}.
 */
public final class DinoHead extends Layer {
  private final List<Linear> linears = new ArrayList<>();
  private final List<BatchNorm> norms = new ArrayList<>();
  private final Tensor weightG;
  private final Tensor weightV;

  public DinoHead(
      Init init,
      int in,
      int outDim,
      int hidden,
      int bottleneck,
      int layers,
      boolean bn,
      boolean normLastLayer) {
    if (layers < 1 || outDim <= 0 || hidden <= 0 || bottleneck <= 0) {
      throw new IllegalArgumentException(
          "DINO head: layers "
              + layers
              + ", out "
              + outDim
              + ", hidden "
              + hidden
              + ", bottleneck "
              + bottleneck);
    }
    Group mlp = child("mlp", new Group());
    int index = 0;
    int dim = in;
    for (int l = 0; l < layers; l++) {
      boolean last = l == layers - 1;
      int out = last ? bottleneck : hidden;
      linears.add(mlp.add(Integer.toString(index++), new Linear(init, dim, out, true, 0.02)));
      if (!last) {
        norms.add(bn ? mlp.add(Integer.toString(index++), new BatchNorm(out, false)) : null);
        index++; // GELU's slot in DINO's nn.Sequential
      }
      dim = out;
    }
    Group last = child("last_layer", new Group());
    Tensor v = init.truncNormal(0.02, outDim, bottleneck);
    Tensor g = Init.constant(1, outDim, 1);
    this.weightG = normLastLayer ? last.addBuffer("weight_g", g) : last.addParam("weight_g", g);
    this.weightV = last.addParam("weight_v", v);
  }

  /** The prototypes' direction parameter (DINO freezes it in the first epoch). */
  public Tensor lastLayerV() {
    return weightV;
  }

  /** [B, in] → [B, outDim] logits. */
  public Tensor forward(Tensor x) {
    for (int l = 0; l < linears.size(); l++) {
      x = linears.get(l).forward(x);
      if (l < linears.size() - 1) {
        BatchNorm n = norms.get(l);
        x = torch.gelu(n == null ? x : n.forward(x));
      }
    }
    x = Ops.l2normalize(x, -1);
    Tensor w =
        weightV.mul(
            weightG.div(
                weightV.norm(
                    new org.bytedeco.pytorch.ScalarOptional(Ops.s(2)), new long[] {1}, true)));
    return torch.linear(x, w);
  }
}
