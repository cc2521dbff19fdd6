package io.edgessl.onnx.models;

import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Ops;
import io.edgessl.onnx.Shape;

/**
 * Writes a Vision Transformer encoder (Dosovitskiy et al. 2021) as DINO and timm define it: patch
 * embedding by a strided convolution, a [CLS] token, learned position embeddings, pre-norm blocks
 * of multi-head self-attention and a GELU MLP, a final LayerNorm. Outputs follow the bundle
 * contract: {@code embedding} {@code [N, D]} is the [CLS] token after the final norm, {@code
 * patch_grid} {@code [N, H / p, W / p, D]} the patch tokens after it.
 *
 * <p>Parameter names follow timm ({@code blocks.3.attn.qkv.weight}); matrices are stored as MatMul
 * takes them, {@code [in, out]}, i.e. {@code nn.Linear.weight} transposed. Position embeddings are
 * baked for the configured input size (interpolating them does not export).
 */
public final class VitGraph {
  /**
   * A ViT's shape.
   *
   * @param height input height, a multiple of {@code patch}
   * @param width input width, a multiple of {@code patch}
   * @param channels input channels (3 for RGB)
   * @param patch patch size
   * @param dim embedding width D
   * @param depth number of blocks
   * @param heads attention heads (dividing D)
   * @param mlpRatio MLP hidden width over D
   */
  public record Config(
      int height, int width, int channels, int patch, int dim, int depth, int heads, int mlpRatio) {
    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException when the input is not a multiple of the patch, the heads do
     *     not divide the width, or the depth is below 1
     */
    public Config {
      if (height % patch != 0 || width % patch != 0 || dim % heads != 0 || depth < 1) {
        throw new IllegalArgumentException(
            "ViT input "
                + width
                + "x"
                + height
                + " must be a multiple of the patch "
                + patch
                + ", width "
                + dim
                + " of the heads "
                + heads
                + ", depth "
                + depth
                + " at least 1");
      }
    }

    /**
     * {@return ViT-Tiny/16 at 224 x 224 (Touvron et al. 2021): 3 channels, 12 blocks, width 192, 3
     * heads, MLP ratio 4}
     */
    public static Config tiny() {
      return new Config(224, 224, 3, 16, 192, 12, 3, 4);
    }
  }

  /** LayerNorm epsilon of timm's and DINO's ViTs. */
  public static final float EPS = 1e-6f;

  private VitGraph() {}

  /**
   * Writes the encoder with input {@code pixels} and outputs {@code embedding}, {@code patch_grid}.
   *
   * @param c the shape: input {@code pixels} is FLOAT {@code [N, channels, height, width]} (NCHW)
   * @param w where the parameters come from, asked by timm-style names
   * @return a new, checked graph at the default opset: {@code embedding} FLOAT {@code [N, dim]}
   *     (the [CLS] token after the final norm), {@code patch_grid} FLOAT {@code [N, height / patch,
   *     width / patch, dim]}
   */
  public static OnnxGraph build(Config c, Weights w) {
    OnnxGraph g = OnnxGraph.create("vit");
    Ops ops = new Ops(g);
    int gh = c.height() / c.patch();
    int gw = c.width() / c.patch();
    long tokens = (long) gh * gw + 1;
    long d = c.dim();
    String x =
        g.input(
            "pixels", ElementType.FLOAT, Shape.batched("N", c.channels(), c.height(), c.width()));

    Ops pe = ops.scope("patch_embed");
    String patches =
        pe.conv(
            x,
            pe.weight(
                w.get("patch_embed.proj.weight", 0, 0.02f, d, c.channels(), c.patch(), c.patch())),
            pe.weight(w.get("patch_embed.proj.bias", 0, 0.02f, d)),
            new long[] {c.patch(), c.patch()},
            new long[] {0, 0, 0, 0},
            1);
    // [N, D, gh, gw] -> [N, gh * gw, D]
    String seq = pe.transpose(pe.reshape(patches, 0, d, -1), 0, 2, 1);

    // [CLS] expanded to the batch: Expand(cls, [N, 1, D]) with N read from the input's shape.
    Ops cs = ops.scope("cls");
    String batch =
        cs.slice(cs.shape(x), new long[] {0}, new long[] {1}, new long[] {0}, new long[] {1});
    String clsShape = cs.concat(0, batch, cs.longs("one_d", 1, d));
    String cls = cs.expand(cs.weight(w.get("cls_token", 0, 0.02f, 1, 1, d)), clsShape);
    String h = ops.concat(1, cls, seq);
    h = ops.add(h, ops.weight(w.get("pos_embed", 0, 0.02f, 1, tokens, d)));

    // The embedded tokens feed block 0's norm directly: ONNX Runtime fuses only Adds of two inputs
    // of one shape (not this broadcast of the position embeddings) into SkipLayerNormalization.
    String[] stream = {h, h};
    for (int i = 0; i < c.depth(); i++) {
      boolean last = i == c.depth() - 1;
      stream = block(ops.scope("blocks." + i), "blocks." + i + ".", stream, last, c, w);
    }
    Ops fin = ops.scope("norm");
    h =
        fin.layerNorm(
            stream[1],
            fin.weight(w.get("norm.weight", 1, 0.1f, d)),
            fin.weight(w.get("norm.bias", 0, 0.1f, d)),
            -1,
            EPS);
    String emb = ops.gather(h, 0, 1);
    String grid =
        ops.reshape(
            ops.slice(h, new long[] {1}, new long[] {tokens}, new long[] {1}, new long[] {1}),
            0,
            gh,
            gw,
            d);
    g.output(ops.identity(emb, "embedding"), ElementType.FLOAT, Shape.batched("N", d));
    g.output(ops.identity(grid, "patch_grid"), ElementType.FLOAT, Shape.batched("N", gh, gw, d));
    g.check();
    return g;
  }

  /**
   * One pre-norm block on the residual stream {@code {x, x for the norm}}; returns the same pair
   * for the next block (the last block's output has one reader, the final norm: one sum).
   *
   * <p>Each residual sum is computed twice, once for the next residual Add and once (inputs
   * swapped, so that common-subexpression elimination keeps both) for the LayerNormalization that
   * reads it. ONNX Runtime fuses Add + LayerNormalization into its vectorized
   * SkipLayerNormalization only when the Add feeds the norm alone (onnxruntime
   * skip_layer_norm_fusion.cc, CheckFirstAdd); its plain LayerNormalization kernel is a scalar loop
   * with a division per element. One extra element-wise Add per norm buys the fused kernel for 24
   * of ViT-Tiny's 25 norms (its optimized graphs in docs/BENCHMARKS.md, "INT8 and FP16 encoders");
   * the function is unchanged.
   */
  private static String[] block(
      Ops ops, String p, String[] stream, boolean last, Config c, Weights w) {
    String x = stream[0];
    long d = c.dim();
    long hd = d / c.heads();
    long hidden = d * c.mlpRatio();
    String n1 =
        ops.layerNorm(
            stream[1],
            ops.weight(w.get(p + "norm1.weight", 1, 0.1f, d)),
            ops.weight(w.get(p + "norm1.bias", 0, 0.1f, d)),
            -1,
            EPS);
    // qkv: [N, T, 3D] -> [N, T, 3, heads, hd] -> [3, N, heads, T, hd]
    String qkv =
        ops.add(
            ops.matMul(n1, ops.weight(w.get(p + "attn.qkv.weight", 0, 0.05f, d, 3 * d))),
            ops.weight(w.get(p + "attn.qkv.bias", 0, 0.02f, 3 * d)));
    qkv = ops.transpose(ops.reshape(qkv, 0, 0, 3, c.heads(), hd), 2, 0, 3, 1, 4);
    String q = ops.gather(qkv, 0, 0);
    String k = ops.gather(qkv, 1, 0);
    String v = ops.gather(qkv, 2, 0);
    // softmax(q k^T / sqrt(hd)) v
    String att =
        ops.mul(
            ops.matMul(q, ops.transpose(k, 0, 1, 3, 2)),
            ops.constant("scale", (float) (1 / Math.sqrt(hd))));
    att = ops.softmax(att, -1);
    String o = ops.reshape(ops.transpose(ops.matMul(att, v), 0, 2, 1, 3), 0, 0, d);
    o =
        ops.add(
            ops.matMul(o, ops.weight(w.get(p + "attn.proj.weight", 0, 0.05f, d, d))),
            ops.weight(w.get(p + "attn.proj.bias", 0, 0.02f, d)));
    String xn = ops.add(o, x);
    x = ops.add(x, o);
    String n2 =
        ops.layerNorm(
            xn,
            ops.weight(w.get(p + "norm2.weight", 1, 0.1f, d)),
            ops.weight(w.get(p + "norm2.bias", 0, 0.1f, d)),
            -1,
            EPS);
    String m =
        ops.gelu(
            ops.add(
                ops.matMul(n2, ops.weight(w.get(p + "mlp.fc1.weight", 0, 0.05f, d, hidden))),
                ops.weight(w.get(p + "mlp.fc1.bias", 0, 0.02f, hidden))));
    m =
        ops.add(
            ops.matMul(m, ops.weight(w.get(p + "mlp.fc2.weight", 0, 0.05f, hidden, d))),
            ops.weight(w.get(p + "mlp.fc2.bias", 0, 0.02f, d)));
    if (last) {
      String y = ops.add(x, m);
      return new String[] {y, y};
    }
    return new String[] {ops.add(x, m), ops.add(m, x)};
  }
}
