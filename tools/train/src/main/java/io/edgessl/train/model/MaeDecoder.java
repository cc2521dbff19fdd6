package io.edgessl.train.model;

import io.edgessl.train.nn.Group;
import io.edgessl.train.nn.Init;
import io.edgessl.train.nn.Layer;
import io.edgessl.train.nn.LayerNorm;
import io.edgessl.train.nn.Linear;
import io.edgessl.train.nn.Ops;
import io.edgessl.train.nn.TransformerBlock;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * MAE's lightweight decoder (He et al. 2022, {@code models_mae.py}): the encoder's tokens of the
 * visible patches are projected to the decoder width, a shared learned mask token fills the masked
 * positions, everything is put back in patch order, fixed sine-cosine positions are added, a few
 * transformer blocks run, and a linear layer predicts each patch's {@code patch² x channels}
 * pixels. The [CLS] token passes through the blocks and is dropped from the prediction.
 */
public final class MaeDecoder extends Layer {
  private final Linear embed;
  private final Tensor maskToken;
  private final Tensor pos;
  private final List<TransformerBlock> blocks = new ArrayList<>();
  private final LayerNorm norm;
  private final Linear pred;

  public MaeDecoder(
      Init init, int encoderDim, int dim, int depth, int heads, int grid, int patch, int channels) {
    if (dim % 4 != 0) {
      throw new IllegalArgumentException("MAE decoder width must be divisible by 4: " + dim);
    }
    this.embed = child("decoder_embed", new Linear(init, encoderDim, dim, true, 0.02));
    this.maskToken = param("mask_token", init.normal(0.02, 1, 1, dim));
    this.pos = buffer("decoder_pos_embed", VisionTransformer.sincos(dim, grid, grid));
    Group g = child("decoder_blocks", new Group());
    for (int i = 0; i < depth; i++) {
      blocks.add(g.add(Integer.toString(i), new TransformerBlock(init, dim, heads, 4, true)));
    }
    this.norm = child("decoder_norm", new LayerNorm(dim, 1e-6));
    this.pred = child("decoder_pred", new Linear(init, dim, patch * patch * channels, true, 0.02));
  }

  /**
   * @param latent encoder output [B, 1 + K, D] ([CLS] first, then the K visible patches)
   * @param restore [B, N] long: for each patch position, its index in (visible..., masked...)
   * @return predicted pixels [B, N, patch² x channels]
   */
  public Tensor forward(Tensor latent, Tensor restore) {
    Tensor x = embed.forward(latent);
    long b = x.size(0);
    long k = x.size(1) - 1;
    long n = restore.size(1);
    long d = x.size(2);
    Tensor masked = maskToken.expand(b, n - k, d);
    Tensor all = Ops.cat(1, x.narrow(1, 1, k), masked);
    all = all.gather(1, restore.unsqueeze(-1).expand(-1, -1, d));
    x = Ops.cat(1, x.narrow(1, 0, 1), all).add(pos);
    for (TransformerBlock blk : blocks) {
      x = blk.forward(x, null, null);
    }
    x = pred.forward(norm.forward(x));
    return x.narrow(1, 1, n);
  }
}
