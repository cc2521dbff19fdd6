package io.edgessl.train.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Multi-head self-attention as in ViT (Dosovitskiy et al. 2021) and DINO's {@code Attention}: one
 * {@code qkv} projection, {@code softmax(q kᵀ / sqrt(d_head)) v} per head, then {@code proj}.
 * Written out with matmul and softmax (the graph an ONNX export writes); {@code fused} switches the
 * middle to libtorch's {@code scaled_dot_product_attention}, the same function computed by one
 * kernel.
 */
public final class Attention extends Layer {
  private final Linear qkv;
  private final Linear proj;
  private final int heads;
  private final int headDim;
  private final double scale;
  private boolean fused;

  public Attention(Init init, int dim, int heads, boolean qkvBias) {
    if (heads <= 0 || dim % heads != 0) {
      throw new IllegalArgumentException(
          "attention: dimension " + dim + " is not a multiple of " + heads + " heads");
    }
    this.heads = heads;
    this.headDim = dim / heads;
    this.scale = 1 / Math.sqrt(headDim);
    this.qkv = child("qkv", new Linear(init, dim, 3 * dim, qkvBias, 0.02));
    this.proj = child("proj", new Linear(init, dim, dim, true, 0.02));
  }

  /** Uses libtorch's fused attention kernel (same function, one kernel) instead of matmuls. */
  public void setFused(boolean on) {
    fused = on;
  }

  /** {@code x}: [B, N, D] → [B, N, D]. */
  public Tensor forward(Tensor x) {
    long b = x.size(0);
    long n = x.size(1);
    long d = x.size(2);
    // [B, N, 3, H, hd] -> [3, B, H, N, hd]
    Tensor qkvT = qkv.forward(x).reshape(b, n, 3, heads, headDim).permute(2, 0, 3, 1, 4);
    Tensor q = qkvT.select(0, 0);
    Tensor k = qkvT.select(0, 1);
    Tensor v = qkvT.select(0, 2);
    Tensor y;
    if (fused) {
      y = torch.scaled_dot_product_attention(q, k, v);
    } else {
      Tensor attn = torch.softmax(q.mul(Ops.s(scale)).matmul(k.transpose(-2, -1)), -1);
      y = attn.matmul(v);
    }
    return proj.forward(y.transpose(1, 2).reshape(b, n, d));
  }
}
