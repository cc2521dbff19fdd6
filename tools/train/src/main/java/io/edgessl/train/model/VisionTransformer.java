package io.edgessl.train.model;

import io.edgessl.train.nn.Conv2d;
import io.edgessl.train.nn.Group;
import io.edgessl.train.nn.Init;
import io.edgessl.train.nn.LayerNorm;
import io.edgessl.train.nn.Ops;
import io.edgessl.train.nn.TransformerBlock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A Vision Transformer (Dosovitskiy et al. 2021) as DINO builds it ({@code vision_transformer.py}):
 * non-overlapping patches embedded by a convolution of kernel and stride {@code patch}, a [CLS]
 * token, position embeddings for the training grid, pre-LN blocks, a final LayerNorm. The embedding
 * is the [CLS] token after the final norm.
 *
 * <p>Parameter names follow DINO's: {@code cls_token}, {@code pos_embed}, {@code
 * patch_embed.proj.weight}, {@code blocks.0.norm1.weight}, {@code blocks.0.attn.qkv.weight}, ...,
 * {@code norm.weight}. Inputs of another size than the training resolution (DINO's local crops) get
 * the learned position embeddings resized bicubically, or sine-cosine ones computed for their grid.
 */
public final class VisionTransformer extends Encoder {
  private final EncoderSpec spec;
  private final Conv2d patchEmbed;
  private final Tensor clsToken;
  private final Tensor posEmbed; // [1, 1 + g*g, D]; a buffer for sincos
  private final List<TransformerBlock> blocks = new ArrayList<>();
  private final LayerNorm norm;
  private final int grid;
  private final Map<Long, Tensor> sincosCache = new HashMap<>();
  private SplittableRandom random;

  VisionTransformer(EncoderSpec spec, Init init) {
    if (spec.family() != VitArchitecture.INSTANCE) {
      throw new IllegalArgumentException("not a ViT spec: " + spec);
    }
    this.spec = spec;
    int d = spec.dim();
    this.grid = spec.imageSize() / spec.patch();
    this.patchEmbed =
        child("patch_embed", new Group())
            .add(
                "proj",
                new Conv2d(init, spec.channels(), d, spec.patch(), spec.patch(), 0, true, false));
    this.clsToken = param("cls_token", init.truncNormal(0.02, 1, 1, d));
    if (spec.posEmbed().equals("learned")) {
      this.posEmbed = param("pos_embed", init.truncNormal(0.02, 1, 1 + (long) grid * grid, d));
    } else {
      if (d % 4 != 0) {
        throw new IllegalArgumentException(
            "sine-cosine positions need a width divisible by 4: " + d);
      }
      this.posEmbed = buffer("pos_embed", sincos(d, grid, grid));
    }
    Group bl = child("blocks", new Group());
    for (int i = 0; i < spec.depth(); i++) {
      TransformerBlock b = new TransformerBlock(init, d, spec.heads(), spec.mlpRatio(), true);
      blocks.add(bl.add(Integer.toString(i), b));
    }
    this.norm = child("norm", new LayerNorm(d, 1e-6));
  }

  @Override
  public EncoderSpec spec() {
    return spec;
  }

  @Override
  public int embedDim() {
    return spec.dim();
  }

  /** The blocks, in order. */
  public List<TransformerBlock> blocks() {
    return List.copyOf(blocks);
  }

  /** Patches along each side of the training resolution. */
  public int grid() {
    return grid;
  }

  /** Uses libtorch's fused attention kernel in every block. */
  public void setFusedAttention(boolean on) {
    for (TransformerBlock b : blocks) {
      b.attention().setFused(on);
    }
  }

  @Override
  public void setRandom(SplittableRandom random) {
    this.random = random;
  }

  @Override
  public Tensor forward(Tensor images) {
    return run(images, null, 1, false).get(0);
  }

  @Override
  public Tensor features(Tensor images, int lastBlocks, boolean avgPool) {
    if (lastBlocks < 1 || lastBlocks > blocks.size()) {
      throw new IllegalArgumentException(
          "last blocks must be in 1.." + blocks.size() + ": " + lastBlocks);
    }
    List<Tensor> outs = run(images, null, lastBlocks, avgPool);
    return outs.size() == 1 ? outs.get(0) : Ops.cat(1, outs.toArray(new Tensor[0]));
  }

  @Override
  public int featureDim(int lastBlocks, boolean avgPool) {
    return spec.dim() * (lastBlocks + (avgPool ? 1 : 0));
  }

  /**
   * All tokens after the final norm, [B, 1 + K, D] with the [CLS] first. With {@code keep} ([B, K]
   * long indices into the patch grid, row-major) only those patches enter the encoder (MAE).
   */
  public Tensor tokens(Tensor images, Tensor keep) {
    Tensor x = embed(images, keep);
    for (int i = 0; i < blocks.size(); i++) {
      x = block(i, x);
    }
    return norm.forward(x);
  }

  private List<Tensor> run(Tensor images, Tensor keep, int lastBlocks, boolean avgPool) {
    Tensor x = embed(images, keep);
    List<Tensor> out = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      x = block(i, x);
      if (i >= blocks.size() - lastBlocks) {
        Tensor n = norm.forward(x);
        out.add(n.select(1, 0));
        if (avgPool && i == blocks.size() - 1) {
          out.add(Ops.mean(n.narrow(1, 1, n.size(1) - 1), false, 1));
        }
      }
    }
    return out;
  }

  private Tensor block(int i, Tensor x) {
    Tensor k1 = null;
    Tensor k2 = null;
    double rate = blocks.size() > 1 ? spec.dropPath() * i / (blocks.size() - 1) : spec.dropPath();
    if (isTraining() && rate > 0 && random != null) {
      k1 = keepMask(x.size(0), rate);
      k2 = keepMask(x.size(0), rate);
    }
    return blocks.get(i).forward(x, k1, k2);
  }

  private Tensor keepMask(long b, double rate) {
    float[] m = new float[(int) b];
    float scale = (float) (1 / (1 - rate));
    for (int j = 0; j < m.length; j++) {
      m[j] = random.nextDouble() < rate ? 0f : scale;
    }
    return Ops.fromFloats(m, b, 1, 1);
  }

  /** Patch embedding + positions (+ [CLS]); {@code keep} selects patches. */
  private Tensor embed(Tensor images, Tensor keep) {
    if (images.dim() != 4 || images.size(1) != spec.channels()) {
      throw new IllegalArgumentException(
          "expected images [B, "
              + spec.channels()
              + ", H, W], got "
              + java.util.Arrays.toString(Ops.shape(images)));
    }
    long h = images.size(2);
    long w = images.size(3);
    if (h % spec.patch() != 0 || w % spec.patch() != 0) {
      throw new IllegalArgumentException(
          "image " + h + "x" + w + " is not a multiple of the patch size " + spec.patch());
    }
    long gh = h / spec.patch();
    long gw = w / spec.patch();
    long b = images.size(0);
    long d = spec.dim();
    Tensor x = patchEmbed.forward(images).flatten(2, 3).transpose(1, 2); // [B, N, D]
    Tensor pos = positions(gh, gw); // [1, 1 + N, D]
    x = x.add(pos.narrow(1, 1, gh * gw));
    if (keep != null) {
      x = x.gather(1, keep.unsqueeze(-1).expand(-1, -1, d));
    }
    Tensor cls = clsToken.add(pos.narrow(1, 0, 1)).expand(b, -1, -1);
    return Ops.cat(1, cls, x);
  }

  /**
   * The position embeddings, [1, 1 + gh * gw, D], that the forward pass adds for a {@code gh x gw}
   * patch grid: the trained ones at the training grid, else resized (learned) or computed (sine
   * cosine). What an export bakes into its graph.
   */
  public Tensor positionEmbedding(int gh, int gw) {
    return positions(gh, gw);
  }

  private Tensor positions(long gh, long gw) {
    if (gh == grid && gw == grid) {
      return posEmbed;
    }
    long d = spec.dim();
    if (spec.posEmbed().equals("sincos")) {
      long key = gh * 1_000_003L + gw;
      Tensor t = sincosCache.get(key);
      if (t == null) {
        t = sincos((int) d, (int) gh, (int) gw);
        t.retainReference(); // cached across steps: outlives the step's pointer scope
        sincosCache.put(key, t);
      }
      return t;
    }
    // DINO's interpolate_pos_encoding: bicubic resize of the patch grid, [CLS] position kept.
    Tensor patchPos = posEmbed.narrow(1, 1, (long) grid * grid).reshape(1, grid, grid, d);
    Tensor resized =
        torch
            .upsample_bicubic2d(patchPos.permute(0, 3, 1, 2), new long[] {gh, gw}, false)
            .permute(0, 2, 3, 1)
            .reshape(1, gh * gw, d);
    return Ops.cat(1, posEmbed.narrow(1, 0, 1), resized);
  }

  /**
   * MAE's fixed 2-D sine-cosine embedding ({@code get_2d_sincos_pos_embed}) for a gh x gw grid,
   * with a zero [CLS] position: the first half of the width encodes the column, the second the row,
   * each as {@code [sin(p ω_i), cos(p ω_i)]} with {@code ω_i = 10000^(-i / (D/4))}.
   */
  static Tensor sincos(int d, int gh, int gw) {
    int quarter = d / 4;
    float[] v = new float[(1 + gh * gw) * d];
    for (int r = 0; r < gh; r++) {
      for (int c = 0; c < gw; c++) {
        int off = (1 + r * gw + c) * d;
        for (int i = 0; i < quarter; i++) {
          double omega = Math.pow(10000, -(double) i / quarter);
          v[off + i] = (float) Math.sin(c * omega);
          v[off + quarter + i] = (float) Math.cos(c * omega);
          v[off + 2 * quarter + i] = (float) Math.sin(r * omega);
          v[off + 3 * quarter + i] = (float) Math.cos(r * omega);
        }
      }
    }
    return Ops.fromFloats(v, 1, 1 + (long) gh * gw, d);
  }
}
