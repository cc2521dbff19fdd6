package io.edgessl.train.method;

import io.edgessl.train.model.Encoder;
import io.edgessl.train.model.EncoderSpec;
import io.edgessl.train.model.MlpHead;
import io.edgessl.train.nn.Group;
import io.edgessl.train.nn.Init;
import io.edgessl.train.nn.Layer;
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
  private final Group student = new Group();
  private final Group momentum = new Group();
  private final Encoder backbone;
  private final MlpHead projector;
  private final MlpHead predictor;
  private final Encoder mBackbone;
  private final MlpHead mProjector;
  private final double temperature;
  private Tensor lastEmbedding;

  public MocoV3(
      EncoderSpec spec,
      long seed,
      int projLayers,
      int projHidden,
      int dim,
      int predHidden,
      double temperature) {
    this.backbone = student.add("backbone", Encoder.create(spec, seed));
    this.projector =
        student.add(
            "projector",
            new MlpHead(
                new Init(seed + 1), backbone.embedDim(), projHidden, dim, projLayers, true, true));
    this.predictor =
        student.add(
            "predictor", new MlpHead(new Init(seed + 2), dim, predHidden, dim, 2, true, false));
    this.mBackbone = momentum.add("backbone", Encoder.create(spec.withDropPath(0), seed));
    this.mProjector =
        momentum.add(
            "projector",
            new MlpHead(
                new Init(seed + 1), backbone.embedDim(), projHidden, dim, projLayers, true, true));
    copyInto(momentum, studentWithoutPredictor());
    this.temperature = temperature;
  }

  private Layer studentWithoutPredictor() {
    Group g = new Group();
    g.add("backbone", backbone);
    g.add("projector", projector);
    return g;
  }

  @Override
  public String name() {
    return "mocov3";
  }

  @Override
  public Encoder encoder() {
    return backbone;
  }

  @Override
  public Encoder evalEncoder() {
    return mBackbone;
  }

  @Override
  public Layer student() {
    return student;
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
  public Tensor lastEmbedding() {
    return lastEmbedding;
  }

  @Override
  public Map<String, Tensor> state() {
    Map<String, Tensor> m = super.state();
    momentum.state().forEach((k, v) -> m.put("momentum." + k, v));
    return m;
  }
}
