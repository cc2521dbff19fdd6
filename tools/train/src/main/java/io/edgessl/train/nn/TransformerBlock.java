package io.edgessl.train.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A pre-LN transformer block (ViT, DINO): {@code x + attn(norm1(x))}, then {@code x +
 * mlp(norm2(x))} with a GELU MLP of {@code mlpRatio} times the width. Stochastic depth (drop path,
 * Huang et al. 2016) drops each residual branch per sample with the probability the caller gives,
 * from a keep mask the caller draws: the layer itself never draws random numbers.
 */
public final class TransformerBlock extends Layer {
  private final LayerNorm norm1;
  private final Attention attn;
  private final LayerNorm norm2;
  private final Linear fc1;
  private final Linear fc2;

  public TransformerBlock(Init init, int dim, int heads, double mlpRatio, boolean qkvBias) {
    this.norm1 = child("norm1", new LayerNorm(dim, 1e-6));
    this.attn = child("attn", new Attention(init, dim, heads, qkvBias));
    this.norm2 = child("norm2", new LayerNorm(dim, 1e-6));
    int hidden = (int) Math.round(dim * mlpRatio);
    // DINO names the MLP's layers mlp.fc1 and mlp.fc2; a child layer keeps those names.
    Group mlp = child("mlp", new Group());
    this.fc1 = mlp.add("fc1", new Linear(init, dim, hidden, true, 0.02));
    this.fc2 = mlp.add("fc2", new Linear(init, hidden, dim, true, 0.02));
  }

  /** The attention layer. */
  public Attention attention() {
    return attn;
  }

  /**
   * {@code x}: [B, N, D]. {@code keep1}, {@code keep2}: per-sample masks [B, 1, 1] of the two
   * residual branches already divided by the keep probability, or null for no drop path.
   */
  public Tensor forward(Tensor x, Tensor keep1, Tensor keep2) {
    Tensor a = attn.forward(norm1.forward(x));
    x = x.add(keep1 == null ? a : a.mul(keep1));
    Tensor m = fc2.forward(torch.gelu(fc1.forward(norm2.forward(x))));
    return x.add(keep2 == null ? m : m.mul(keep2));
  }
}
