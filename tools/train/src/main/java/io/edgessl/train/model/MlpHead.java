package io.edgessl.train.model;

import io.edgessl.train.nn.BatchNorm;
import io.edgessl.train.nn.Group;
import io.edgessl.train.nn.Init;
import io.edgessl.train.nn.Layer;
import io.edgessl.train.nn.Linear;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The projection and prediction MLPs of SimCLR and MoCo (MoCo v3's {@code _build_mlp}): {@code
 * layers} linear layers, batch norm (optional) and ReLU between them, and optionally a batch norm
 * without scale and bias after the last one (MoCo v3's projector). As in MoCo v3, linear layers
 * carry a bias only in heads without batch norm (MoCo v2's).
 */
public final class MlpHead extends Layer {
  private final List<Linear> linears = new ArrayList<>();
  private final List<BatchNorm> norms = new ArrayList<>();
  private final BatchNorm lastNorm;

  public MlpHead(Init init, int in, int hidden, int out, int layers, boolean bn, boolean lastBn) {
    if (layers < 1 || hidden <= 0 || out <= 0) {
      throw new IllegalArgumentException(
          "MLP head: layers " + layers + ", hidden " + hidden + ", out " + out);
    }
    Group mlp = child("mlp", new Group());
    int index = 0;
    int dim = in;
    for (int l = 0; l < layers; l++) {
      boolean last = l == layers - 1;
      int o = last ? out : hidden;
      // MoCo v3's _build_mlp: no bias in any layer when batch norm is used.
      boolean bias = !bn && !(last && lastBn);
      linears.add(mlp.add(Integer.toString(index++), new Linear(init, dim, o, bias, 0.02)));
      if (!last) {
        norms.add(bn ? mlp.add(Integer.toString(index++), new BatchNorm(o, false)) : null);
        index++; // ReLU
      }
      dim = o;
    }
    this.lastNorm =
        lastBn ? mlp.add(Integer.toString(index), new BatchNorm(out, false, false)) : null;
  }

  public Tensor forward(Tensor x) {
    for (int l = 0; l < linears.size(); l++) {
      x = linears.get(l).forward(x);
      if (l < linears.size() - 1) {
        BatchNorm n = norms.get(l);
        x = torch.relu(n == null ? x : n.forward(x));
      }
    }
    return lastNorm == null ? x : lastNorm.forward(x);
  }
}
