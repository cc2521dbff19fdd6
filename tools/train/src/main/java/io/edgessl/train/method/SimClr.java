package io.edgessl.train.method;

import io.edgessl.train.model.Encoder;
import io.edgessl.train.model.EncoderSpec;
import io.edgessl.train.model.MlpHead;
import io.edgessl.train.nn.Group;
import io.edgessl.train.nn.Init;
import io.edgessl.train.nn.Layer;
import io.edgessl.train.nn.Ops;
import org.bytedeco.pytorch.Tensor;

/**
 * SimCLR (Chen et al. 2020): both views of every image through one encoder and an MLP projector,
 * NT-Xent over the batch ({@link Losses#ntXent}). The two views run as one batch, so batch norm
 * sees both (as on one device in the reference).
 */
public final class SimClr extends Method {
  private final Group student = new Group();
  private final Encoder backbone;
  private final MlpHead projector;
  private final double temperature;
  private Tensor lastEmbedding;

  public SimClr(
      EncoderSpec spec,
      long seed,
      int layers,
      int hidden,
      int out,
      boolean bn,
      double temperature) {
    this.backbone = student.add("backbone", Encoder.create(spec, seed));
    this.projector =
        student.add(
            "projector",
            new MlpHead(new Init(seed + 1), backbone.embedDim(), hidden, out, layers, bn, false));
    this.temperature = temperature;
  }

  @Override
  public String name() {
    return "simclr";
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
    long b = views[0].size(0);
    Tensor emb = backbone.forward(Ops.cat(0, views[0], views[1]));
    lastEmbedding = emb.narrow(0, 0, b).detach();
    Tensor z = projector.forward(emb);
    return Losses.ntXent(z.narrow(0, 0, b), z.narrow(0, b, b), temperature);
  }

  @Override
  public Tensor lastEmbedding() {
    return lastEmbedding;
  }
}
