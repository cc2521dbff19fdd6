package io.edgessl.train.method;

import io.edgessl.train.model.Encoder;
import io.edgessl.train.model.EncoderSpec;
import io.edgessl.train.model.MaeDecoder;
import io.edgessl.train.model.VisionTransformer;
import io.edgessl.train.nn.Group;
import io.edgessl.train.nn.Init;
import io.edgessl.train.nn.Layer;
import io.edgessl.train.nn.Ops;
import org.bytedeco.pytorch.Tensor;

/**
 * MAE (He et al. 2022, {@code models_mae.py}): a random {@code maskRatio} of each image's patches
 * is dropped, the ViT encodes the visible ones only, a light decoder ({@link MaeDecoder})
 * reconstructs every patch, and the loss is the mean squared error on the masked patches ({@link
 * Losses#mae}, per-patch normalized targets by default). Masks are drawn in Java from the step's
 * generator (MAE's {@code random_masking}: the patches with the lowest noise are kept).
 */
public final class Mae extends Method {
  private final Group student = new Group();
  private final VisionTransformer backbone;
  private final MaeDecoder decoder;
  private final double maskRatio;
  private final boolean normPix;
  private Tensor lastEmbedding;

  public Mae(
      EncoderSpec spec,
      long seed,
      double maskRatio,
      boolean normPix,
      int decoderDim,
      int decoderDepth,
      int decoderHeads) {
    if (spec.family() != EncoderSpec.Family.VIT) {
      throw new IllegalArgumentException("MAE needs a ViT: " + spec);
    }
    this.backbone = (VisionTransformer) student.add("backbone", Encoder.create(spec, seed));
    int grid = spec.imageSize() / spec.patch();
    this.decoder =
        student.add(
            "decoder",
            new MaeDecoder(
                new Init(seed + 1),
                spec.dim(),
                decoderDim,
                decoderDepth,
                decoderHeads,
                grid,
                spec.patch(),
                spec.channels()));
    this.maskRatio = maskRatio;
    this.normPix = normPix;
  }

  @Override
  public String name() {
    return "mae";
  }

  @Override
  public Encoder encoder() {
    return backbone;
  }

  @Override
  public Encoder evalEncoder() {
    return backbone;
  }

  @Override
  public Layer student() {
    return student;
  }

  @Override
  public Tensor loss(Tensor[] views, StepContext ctx) {
    Tensor x = views[0];
    int b = (int) x.size(0);
    int p = backbone.spec().patch();
    int n = (int) ((x.size(2) / p) * (x.size(3) / p));
    int keep = Math.max(1, (int) (n * (1 - maskRatio)));
    long[] keepIdx = new long[b * keep];
    long[] restore = new long[b * n];
    float[] mask = new float[b * n];
    Integer[] order = new Integer[n];
    double[] noise = new double[n];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < n; j++) {
        noise[j] = ctx.random().nextDouble();
        order[j] = j;
      }
      java.util.Arrays.sort(order, (u, v) -> Double.compare(noise[u], noise[v]));
      for (int r = 0; r < n; r++) {
        int patch = order[r];
        restore[i * n + patch] = r; // position of this patch in (kept..., masked...)
        if (r < keep) {
          keepIdx[i * keep + r] = patch;
        } else {
          mask[i * n + patch] = 1f;
        }
      }
    }
    Tensor latent = backbone.tokens(x, Ops.fromLongs(keepIdx, b, keep));
    lastEmbedding = latent.select(1, 0).detach();
    Tensor pred = decoder.forward(latent, Ops.fromLongs(restore, b, n));
    return Losses.mae(pred, Losses.patchify(x, p), Ops.fromFloats(mask, b, n), normPix);
  }

  @Override
  public Tensor lastEmbedding() {
    return lastEmbedding;
  }
}
