package io.edgessl.train.method;

import static io.edgessl.train.method.ProjectorKeys.*;

import io.edgessl.train.config.AugmentConfig;
import io.edgessl.train.config.Checks;
import io.edgessl.train.config.Key;
import io.edgessl.train.config.OptimConfig;
import io.edgessl.train.config.Overrides;
import io.edgessl.train.model.Encoder;
import io.edgessl.train.model.EncoderSpec;
import io.edgessl.train.model.MlpHead;
import io.edgessl.train.nn.Group;
import io.edgessl.train.nn.Init;
import io.edgessl.train.nn.Layer;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * MoCo v3 (Chen, Xie, He 2021, {@code moco/builder.py}): base encoder + 3-layer projector (batch
 * norm, last one without affine) + 2-layer predictor; a momentum encoder (backbone + projector, EMA
 * of the base) makes the keys; symmetric loss {@code ctr(q1, k2) + ctr(q2, k1)} over in-batch
 * negatives ({@link Losses#mocoV3}). The momentum encoder is updated after each optimizer step with
 * that step's momentum (the reference updates it before computing the next keys: the same
 * sequence).
 */
public final class MocoV3 extends Method {
  public static final Key<Integer> PRED_HIDDEN = Key.integer("pred_hidden");

  /**
   * MoCo v3's knobs: a 3-layer projector (4096 hidden, 256 out), a 2-layer predictor (4096 hidden),
   * temperature 0.2.
   */
  public record Config(
      int projLayers, int projHidden, int projDim, int predHidden, double temperature)
      implements MethodConfig {
    static final List<Key<?>> KEYS =
        List.of(PROJ_LAYERS, PROJ_HIDDEN, PROJ_DIM, PRED_HIDDEN, TEMPERATURE);

    static Config resolve(Overrides o) {
      Config c =
          new Config(
              o.get(PROJ_LAYERS, 3),
              o.get(PROJ_HIDDEN, 4096),
              o.get(PROJ_DIM, 256),
              o.get(PRED_HIDDEN, 4096),
              o.get(TEMPERATURE, 0.2));
      Checks.temperatures(c.temperature);
      return c;
    }

    @Override
    public void toJson(Map<String, Object> json) {
      MethodConfig.put(json, KEYS, projLayers, projHidden, projDim, predHidden, temperature);
    }
  }

  /**
   * The registration: lr 1.5e-4 per 256 images, 40 warm-up epochs, weight decay 0.1, momentum 0.99;
   * crops of 0.08 to 1, blur 1, 0.1 and solarization 0, 0.2 on the two (asymmetric) views; the
   * momentum encoder is evaluated.
   */
  public static final MethodType<Config> TYPE =
      new MethodType<>(
          "mocov3",
          Config.class,
          Config.KEYS,
          Config::resolve,
          new Overrides()
              .set(OptimConfig.LR, 1.5e-4)
              .set(OptimConfig.WARMUP_EPOCHS, 40)
              .set(OptimConfig.WEIGHT_DECAY, 0.1)
              .set(OptimConfig.MOMENTUM_TEACHER, 0.99)
              .set(AugmentConfig.CROP_SCALE, List.of(0.08, 1.0))
              .set(AugmentConfig.BLUR_P, List.of(1.0, 0.1))
              .set(AugmentConfig.SOLARIZE_P, List.of(0.0, 0.2)),
          2,
          (kinds, a) -> List.copyOf(kinds),
          MocoV3::new,
          "momentum.backbone.");

  private final Group momentum = new Group();
  private final Encoder backbone;
  private final MlpHead projector;
  private final MlpHead predictor;
  private final Encoder mBackbone;
  private final MlpHead mProjector;
  private final double temperature;

  public MocoV3(EncoderSpec spec, long seed, Config c) {
    super("mocov3");
    int dim = c.projDim();
    this.backbone = backbone(Encoder.create(spec, seed));
    this.projector =
        student.add(
            "projector",
            new MlpHead(
                new Init(seed + 1),
                backbone.embedDim(),
                c.projHidden(),
                dim,
                c.projLayers(),
                true,
                true));
    this.predictor =
        student.add(
            "predictor", new MlpHead(new Init(seed + 2), dim, c.predHidden(), dim, 2, true, false));
    this.mBackbone = evaluate(momentum.add("backbone", Encoder.create(spec.withDropPath(0), seed)));
    this.mProjector =
        momentum.add(
            "projector",
            new MlpHead(
                new Init(seed + 1),
                backbone.embedDim(),
                c.projHidden(),
                dim,
                c.projLayers(),
                true,
                true));
    copyInto(momentum, studentWithoutPredictor());
    this.temperature = c.temperature();
  }

  private Layer studentWithoutPredictor() {
    Group g = new Group();
    g.add("backbone", backbone);
    g.add("projector", projector);
    return g;
  }

  @Override
  public Tensor loss(Tensor[] views, StepContext ctx) {
    Tensor q1 = predictor.forward(projector.forward(backbone.forward(views[0])));
    Tensor q2 = predictor.forward(projector.forward(backbone.forward(views[1])));
    Tensor k1;
    Tensor k2;
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor e1 = mBackbone.forward(views[0]);
      lastEmbedding = e1.detach();
      k1 = mProjector.forward(e1).detach();
      k2 = mProjector.forward(mBackbone.forward(views[1])).detach();
    }
    return Losses.mocoV3(q1, k2, temperature).add(Losses.mocoV3(q2, k1, temperature));
  }

  @Override
  public void afterStep(StepContext ctx) {
    ema(momentum, studentWithoutPredictor(), ctx.momentum());
  }

  @Override
  public Map<String, Tensor> state() {
    Map<String, Tensor> m = super.state();
    momentum.state().forEach((k, v) -> m.put("momentum." + k, v));
    return m;
  }
}
