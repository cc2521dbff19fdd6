package io.edgessl.train.method;

import static io.edgessl.train.method.ProjectorKeys.*;

import io.edgessl.train.config.AugmentConfig;
import io.edgessl.train.config.Checks;
import io.edgessl.train.config.EncoderConfig;
import io.edgessl.train.config.Key;
import io.edgessl.train.config.OptimConfig;
import io.edgessl.train.config.Overrides;
import io.edgessl.train.model.Encoder;
import io.edgessl.train.model.EncoderSpec;
import io.edgessl.train.model.MlpHead;
import io.edgessl.train.nn.Init;
import io.edgessl.train.nn.Ops;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * SimCLR (Chen et al. 2020): both views of every image through one encoder and an MLP projector,
 * NT-Xent over the batch ({@link Losses#ntXent}). The two views run as one batch, so batch norm
 * sees both (as on one device in the reference).
 */
public final class SimClr extends Method {
  /**
   * SimCLR's knobs: a 2-layer projector (2048 hidden, 128 out, batch norm), temperature 0.5 (for
   * small images).
   */
  public record Config(
      int projLayers, int projHidden, int projDim, boolean projBn, double temperature)
      implements MethodConfig {
    static final List<Key<?>> KEYS =
        List.of(PROJ_LAYERS, PROJ_HIDDEN, PROJ_DIM, PROJ_BN, TEMPERATURE);

    static Config resolve(Overrides o) {
      Config c =
          new Config(
              o.get(PROJ_LAYERS, 2),
              o.get(PROJ_HIDDEN, 2048),
              o.get(PROJ_DIM, 128),
              o.get(PROJ_BN, true),
              o.get(TEMPERATURE, 0.5));
      Checks.temperatures(c.temperature);
      return c;
    }

    @Override
    public void toJson(Map<String, Object> json) {
      MethodConfig.put(json, KEYS, projLayers, projHidden, projDim, projBn, temperature);
    }
  }

  /**
   * The registration: resnet-tiny; AdamW at lr 1e-3 per 256 images with weight decay 1e-6 (the
   * reference used LARS); crops of 0.08 to 1, strong jitter 0.8, 0.8, 0.8, 0.2, no blur; two views
   * of one kind.
   */
  public static final MethodType<Config> TYPE =
      new MethodType<>(
          "simclr",
          Config.class,
          Config.KEYS,
          Config::resolve,
          new Overrides()
              .set(EncoderConfig.ARCH, "resnet-tiny")
              .set(OptimConfig.WEIGHT_DECAY, 1e-6)
              .set(AugmentConfig.CROP_SCALE, List.of(0.08, 1.0))
              .set(AugmentConfig.JITTER, List.of(0.8, 0.8, 0.8, 0.2)),
          1,
          (kinds, a) -> List.of(kinds.get(0), kinds.get(0)),
          SimClr::new,
          "student.backbone.");

  private final Encoder backbone;
  private final MlpHead projector;
  private final double temperature;

  public SimClr(EncoderSpec spec, long seed, Config c) {
    super("simclr");
    this.backbone = backbone(Encoder.create(spec, seed));
    this.projector =
        student.add(
            "projector",
            new MlpHead(
                new Init(seed + 1),
                backbone.embedDim(),
                c.projHidden(),
                c.projDim(),
                c.projLayers(),
                c.projBn(),
                false));
    this.temperature = c.temperature();
  }

  @Override
  public Tensor loss(Tensor[] views, StepContext ctx) {
    long b = views[0].size(0);
    Tensor emb = backbone.forward(Ops.cat(0, views[0], views[1]));
    lastEmbedding = emb.narrow(0, 0, b).detach();
    Tensor z = projector.forward(emb);
    return Losses.ntXent(z.narrow(0, 0, b), z.narrow(0, b, b), temperature);
  }
}
