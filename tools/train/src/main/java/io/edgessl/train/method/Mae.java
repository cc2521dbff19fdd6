package io.edgessl.train.method;

import io.edgessl.train.TrainConfig;
import io.edgessl.train.config.AugmentConfig;
import io.edgessl.train.config.EncoderConfig;
import io.edgessl.train.config.Key;
import io.edgessl.train.config.OptimConfig;
import io.edgessl.train.config.Overrides;
import io.edgessl.train.model.Encoder;
import io.edgessl.train.model.EncoderSpec;
import io.edgessl.train.model.MaeDecoder;
import io.edgessl.train.model.VisionTransformer;
import io.edgessl.train.model.VitArchitecture;
import io.edgessl.train.nn.Init;
import io.edgessl.train.nn.Ops;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * MAE (He et al. 2022, {@code models_mae.py}): a random {@code maskRatio} of each image's patches
 * is dropped, the ViT encodes the visible ones only, a light decoder ({@link MaeDecoder})
 * reconstructs every patch, and the loss is the mean squared error on the masked patches ({@link
 * Losses#mae}, per-patch normalized targets by default). Masks are drawn in Java from the step's
 * generator (MAE's {@code random_masking}: the patches with the lowest noise are kept).
 */
public final class Mae extends Method {
  public static final Key<Double> MASK_RATIO = Key.real("mask_ratio");
  public static final Key<Boolean> NORM_PIX_LOSS = Key.bool("norm_pix_loss");
  public static final Key<Integer> DECODER_DIM = Key.integer("decoder_dim");
  public static final Key<Integer> DECODER_DEPTH = Key.integer("decoder_depth");
  public static final Key<Integer> DECODER_HEADS = Key.integer("decoder_heads");

  /**
   * MAE's knobs ({@code models_mae.py}): 75% of the patches masked, per-patch normalized targets, a
   * decoder of 8 blocks, width 512, 16 heads.
   */
  public record Config(
      double maskRatio, boolean normPixLoss, int decoderDim, int decoderDepth, int decoderHeads)
      implements MethodConfig {
    static final List<Key<?>> KEYS =
        List.of(MASK_RATIO, NORM_PIX_LOSS, DECODER_DIM, DECODER_DEPTH, DECODER_HEADS);

    static Config resolve(Overrides o) {
      Config c =
          new Config(
              o.get(MASK_RATIO, 0.75),
              o.get(NORM_PIX_LOSS, true),
              o.get(DECODER_DIM, 512),
              o.get(DECODER_DEPTH, 8),
              o.get(DECODER_HEADS, 16));
      if (!(c.maskRatio > 0 && c.maskRatio < 1)) {
        throw new IllegalArgumentException("--mask-ratio must be in (0, 1): " + c.maskRatio);
      }
      return c;
    }

    @Override
    public void check(TrainConfig run) {
      String arch = run.encoder().arch();
      if (EncoderSpec.family(arch) != VitArchitecture.INSTANCE) {
        throw new IllegalArgumentException(
            "mae needs a ViT (--arch vit-tiny or vit-small): " + arch);
      }
    }

    @Override
    public void toJson(Map<String, Object> json) {
      MethodConfig.put(json, KEYS, maskRatio, normPixLoss, decoderDim, decoderDepth, decoderHeads);
    }
  }

  /**
   * The registration: sincos positions; lr 1.5e-4 per 256 images, 40 warm-up epochs, weight decay
   * 0.05, betas 0.9, 0.95; crops of 0.2 to 1 and flips only (no jitter, grayscale, blur); one view.
   */
  public static final MethodType<Config> TYPE =
      new MethodType<>(
          "mae",
          Config.class,
          Config.KEYS,
          Config::resolve,
          new Overrides()
              .set(EncoderConfig.POS_EMBED, "sincos")
              .set(OptimConfig.LR, 1.5e-4)
              .set(OptimConfig.WARMUP_EPOCHS, 40)
              .set(OptimConfig.WEIGHT_DECAY, 0.05)
              .set(OptimConfig.BETAS, List.of(0.9, 0.95))
              .set(AugmentConfig.JITTER_P, 0.0)
              .set(AugmentConfig.GRAYSCALE_P, 0.0),
          1,
          (kinds, a) -> List.of(kinds.get(0)),
          Mae::new,
          "student.backbone.");

  private final VisionTransformer backbone;
  private final MaeDecoder decoder;
  private final double maskRatio;
  private final boolean normPix;

  public Mae(EncoderSpec spec, long seed, Config c) {
    super("mae");
    if (spec.family() != VitArchitecture.INSTANCE) {
      throw new IllegalArgumentException("MAE needs a ViT: " + spec);
    }
    this.backbone = backbone((VisionTransformer) Encoder.create(spec, seed));
    int grid = spec.imageSize() / spec.patch();
    this.decoder =
        student.add(
            "decoder",
            new MaeDecoder(
                new Init(seed + 1),
                spec.dim(),
                c.decoderDim(),
                c.decoderDepth(),
                c.decoderHeads(),
                grid,
                spec.patch(),
                spec.channels()));
    this.maskRatio = c.maskRatio();
    this.normPix = c.normPixLoss();
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
}
