package io.edgessl.train.method;

import io.edgessl.train.model.DinoHead;
import io.edgessl.train.model.Encoder;
import io.edgessl.train.model.EncoderSpec;
import io.edgessl.train.nn.Group;
import io.edgessl.train.nn.Init;
import io.edgessl.train.nn.Layer;
import io.edgessl.train.nn.Ops;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * DINO (Caron et al. 2021, {@code main_dino.py}): a student (backbone + {@link DinoHead}) sees all
 * views, a teacher with the same architecture sees the two global views; the student learns to
 * match the teacher's centred, sharpened distribution over prototypes ({@link Losses#dino}); the
 * teacher is an exponential moving average of the student (momentum from the schedule), and the
 * centre an EMA of the teacher's mean output, updated after the loss. The teacher has no drop path
 * and starts as a copy of the student. The prototypes ({@code head.last_layer}) are frozen for the
 * first {@code freezeLastLayer} epochs.
 */
public final class Dino extends Method {
  private final Group student = new Group();
  private final Group teacher = new Group();
  private final Encoder sBackbone;
  private final Encoder tBackbone;
  private final DinoHead sHead;
  private final DinoHead tHead;
  private final Tensor center;
  private final int globalViews = 2;
  private final double studentTemp;
  private final double centerMomentum;
  private final int freezeLastLayer;
  private Tensor lastEmbedding;
  private double lastLoss;
  private double lastEntropy;

  /** Builds student and teacher; weights drawn from {@code seed}. */
  public Dino(
      EncoderSpec spec,
      long seed,
      int outDim,
      int hidden,
      int bottleneck,
      int layers,
      boolean bn,
      boolean normLastLayer,
      double studentTemp,
      double centerMomentum,
      int freezeLastLayer) {
    this.sBackbone = student.add("backbone", Encoder.create(spec, seed));
    this.sHead =
        student.add(
            "head",
            new DinoHead(
                new Init(seed + 1),
                sBackbone.embedDim(),
                outDim,
                hidden,
                bottleneck,
                layers,
                bn,
                normLastLayer));
    this.tBackbone = teacher.add("backbone", Encoder.create(spec.withDropPath(0), seed));
    this.tHead =
        teacher.add(
            "head",
            new DinoHead(
                new Init(seed + 1),
                tBackbone.embedDim(),
                outDim,
                hidden,
                bottleneck,
                layers,
                bn,
                normLastLayer));
    copyInto(teacher, student);
    this.center = Init.constant(0, 1, outDim);
    this.studentTemp = studentTemp;
    this.centerMomentum = centerMomentum;
    this.freezeLastLayer = freezeLastLayer;
  }

  @Override
  public String name() {
    return "dino";
  }

  @Override
  public Encoder encoder() {
    return sBackbone;
  }

  @Override
  public Encoder evalEncoder() {
    return tBackbone;
  }

  @Override
  public Layer student() {
    return student;
  }

  /** The teacher (backbone + head). */
  public Layer teacher() {
    return teacher;
  }

  /** The centre [1, K]. */
  public Tensor center() {
    return center;
  }

  @Override
  public Tensor loss(Tensor[] views, StepContext ctx) {
    if (views.length < globalViews) {
      throw new IllegalArgumentException("DINO needs two global views, got " + views.length);
    }
    long b = views[0].size(0);
    Tensor globals = Ops.cat(0, Arrays.copyOfRange(views, 0, globalViews));
    Tensor teacherOut;
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor emb = tBackbone.forward(globals);
      lastEmbedding = emb.narrow(0, 0, b).detach();
      teacherOut = tHead.forward(emb).detach();
    }
    // The student runs each resolution as one batch (DINO's MultiCropWrapper).
    List<Tensor> studentOut = new ArrayList<>();
    Tensor sg = sHead.forward(sBackbone.forward(globals));
    for (int i = 0; i < globalViews; i++) {
      studentOut.add(sg.narrow(0, i * b, b));
    }
    if (views.length > globalViews) {
      Tensor locals = Ops.cat(0, Arrays.copyOfRange(views, globalViews, views.length));
      Tensor sl = sHead.forward(sBackbone.forward(locals));
      for (int i = 0; i < views.length - globalViews; i++) {
        studentOut.add(sl.narrow(0, i * b, b));
      }
    }
    List<Tensor> teacherViews = new ArrayList<>();
    for (int i = 0; i < globalViews; i++) {
      teacherViews.add(teacherOut.narrow(0, i * b, b));
    }
    Tensor loss = Losses.dino(studentOut, teacherViews, center, studentTemp, ctx.teacherTemp());
    lastEntropy = teacherEntropy(teacherOut, ctx.teacherTemp());
    lastLoss = loss.item_double();
    updateCenter(teacherOut);
    return loss;
  }

  /**
   * Mean entropy of the teacher's distributions. The loss is this entropy plus the KL divergence of
   * the student from the teacher, averaged over the pairs: the entropy alone near log K means the
   * teacher went uniform (a collapse), near 0 that it went one-hot.
   */
  private double teacherEntropy(Tensor teacherOut, double temp) {
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor logp =
          org.bytedeco.pytorch.global.torch.log_softmax(
              teacherOut.sub(center).div(Ops.s(temp)), -1);
      return Ops.sum(logp.exp().mul(logp), false, -1).mean().neg().item_double();
    }
  }

  @Override
  public Map<String, Double> lastStats() {
    return Map.of("teacher_entropy", lastEntropy, "kl", lastLoss - lastEntropy);
  }

  /** {@code center = m center + (1 - m) mean(teacher output)}: DINO's update_center. */
  private void updateCenter(Tensor teacherOut) {
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor batchCenter = Ops.mean(teacherOut, true, 0);
      center.mul_(Ops.s(centerMomentum)).add_(batchCenter, Ops.s(1 - centerMomentum));
    }
  }

  @Override
  public void afterStep(StepContext ctx) {
    ema(teacher, student, ctx.momentum());
  }

  @Override
  public boolean frozen(String name, int epoch) {
    return epoch < freezeLastLayer && name.startsWith("head.last_layer.");
  }

  @Override
  public Tensor lastEmbedding() {
    return lastEmbedding;
  }

  @Override
  public Map<String, Tensor> state() {
    Map<String, Tensor> m = super.state();
    teacher.state().forEach((k, v) -> m.put("teacher." + k, v));
    m.put("center", center);
    return m;
  }
}
