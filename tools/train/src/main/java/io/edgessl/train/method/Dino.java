package io.edgessl.train.method;

import io.edgessl.train.Schedule;
import io.edgessl.train.augment.ViewSpec;
import io.edgessl.train.config.AugmentConfig;
import io.edgessl.train.config.Checks;
import io.edgessl.train.config.EncoderConfig;
import io.edgessl.train.config.Key;
import io.edgessl.train.config.OptimConfig;
import io.edgessl.train.config.Overrides;
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
  public static final Key<Integer> OUT_DIM = Key.integer("out_dim");
  public static final Key<Integer> HEAD_HIDDEN = Key.integer("head_hidden");
  public static final Key<Integer> HEAD_BOTTLENECK = Key.integer("head_bottleneck");
  public static final Key<Integer> HEAD_LAYERS = Key.integer("head_layers");
  public static final Key<Boolean> HEAD_BN = Key.bool("head_bn");
  public static final Key<Boolean> NORM_LAST_LAYER = Key.bool("norm_last_layer");
  public static final Key<Double> TEACHER_TEMP = Key.real("teacher_temp");
  public static final Key<Double> WARMUP_TEACHER_TEMP = Key.real("warmup_teacher_temp");
  public static final Key<Integer> WARMUP_TEACHER_TEMP_EPOCHS =
      Key.integer("warmup_teacher_temp_epochs");
  public static final Key<Double> STUDENT_TEMP = Key.real("student_temp");
  public static final Key<Double> CENTER_MOMENTUM = Key.real("center_momentum");
  public static final Key<Integer> FREEZE_LAST_LAYER = Key.integer("freeze_last_layer");

  /**
   * DINO's knobs, defaults from {@code main_dino.py}: 65 536 prototypes, a 3-layer head (2048
   * hidden, 256 bottleneck, no batch norm, weight-normalized prototypes), teacher temperature 0.04
   * (no warm-up), student 0.1, centre momentum 0.9, prototypes frozen for the first epoch.
   */
  public record Config(
      int outDim,
      int headHidden,
      int headBottleneck,
      int headLayers,
      boolean headBn,
      boolean normLastLayer,
      double teacherTemp,
      double warmupTeacherTemp,
      int warmupTeacherTempEpochs,
      double studentTemp,
      double centerMomentum,
      int freezeLastLayer)
      implements MethodConfig {
    static final List<Key<?>> KEYS =
        List.of(
            OUT_DIM,
            HEAD_HIDDEN,
            HEAD_BOTTLENECK,
            HEAD_LAYERS,
            HEAD_BN,
            NORM_LAST_LAYER,
            TEACHER_TEMP,
            WARMUP_TEACHER_TEMP,
            WARMUP_TEACHER_TEMP_EPOCHS,
            STUDENT_TEMP,
            CENTER_MOMENTUM,
            FREEZE_LAST_LAYER);

    static Config resolve(Overrides o) {
      Config c =
          new Config(
              o.get(OUT_DIM, 65536),
              o.get(HEAD_HIDDEN, 2048),
              o.get(HEAD_BOTTLENECK, 256),
              o.get(HEAD_LAYERS, 3),
              o.get(HEAD_BN, false),
              o.get(NORM_LAST_LAYER, true),
              o.get(TEACHER_TEMP, 0.04),
              o.get(WARMUP_TEACHER_TEMP, 0.04),
              o.get(WARMUP_TEACHER_TEMP_EPOCHS, 0),
              o.get(STUDENT_TEMP, 0.1),
              o.get(CENTER_MOMENTUM, 0.9),
              o.get(FREEZE_LAST_LAYER, 1));
      Checks.nonNegative(FREEZE_LAST_LAYER, c.freezeLastLayer);
      Checks.nonNegative(WARMUP_TEACHER_TEMP_EPOCHS, c.warmupTeacherTempEpochs);
      Checks.temperatures(c.teacherTemp, c.warmupTeacherTemp, c.studentTemp);
      return c;
    }

    /** The teacher temperature in {@code epoch} (0-based): the warm-up, then constant. */
    public double teacherTemp(int epoch) {
      return Schedule.teacherTemp(warmupTeacherTemp, teacherTemp, warmupTeacherTempEpochs, epoch);
    }

    @Override
    public void toJson(Map<String, Object> json) {
      MethodConfig.put(
          json,
          KEYS,
          outDim,
          headHidden,
          headBottleneck,
          headLayers,
          headBn,
          normLastLayer,
          teacherTemp,
          warmupTeacherTemp,
          warmupTeacherTempEpochs,
          studentTemp,
          centerMomentum,
          freezeLastLayer);
    }
  }

  /**
   * The registration: DINO's recipe (lr 5e-4 per 256 images to 1e-6, weight decay 0.04 to 0.4,
   * clipping at 3, teacher momentum 0.996, drop path 0.1, crops of 0.4 to 1 and 8 local crops, blur
   * 1, 0.1, 0.5 and solarization 0, 0.2, 0 per view kind); two global views, then the local ones;
   * the teacher is evaluated.
   */
  public static final MethodType<Config> TYPE =
      new MethodType<>(
          "dino",
          Config.class,
          Config.KEYS,
          Config::resolve,
          new Overrides()
              .set(EncoderConfig.DROP_PATH, 0.1)
              .set(OptimConfig.LR, 5e-4)
              .set(OptimConfig.MIN_LR, 1e-6)
              .set(OptimConfig.WEIGHT_DECAY, 0.04)
              .set(OptimConfig.WEIGHT_DECAY_END, 0.4)
              .set(OptimConfig.CLIP_GRAD, 3.0)
              .set(OptimConfig.MOMENTUM_TEACHER, 0.996)
              .set(AugmentConfig.CROP_SCALE, List.of(0.4, 1.0))
              .set(AugmentConfig.LOCAL_CROPS, 8)
              .set(AugmentConfig.BLUR_P, List.of(1.0, 0.1, 0.5))
              .set(AugmentConfig.SOLARIZE_P, List.of(0.0, 0.2, 0.0)),
          3,
          (kinds, a) -> {
            List<ViewSpec> out = new ArrayList<>(kinds.subList(0, 2));
            for (int i = 0; i < a.localCrops(); i++) {
              out.add(a.local(kinds.get(2)));
            }
            return out;
          },
          Dino::new,
          "teacher.backbone.");

  private final Group teacher = new Group();
  private final Encoder sBackbone;
  private final Encoder tBackbone;
  private final DinoHead sHead;
  private final DinoHead tHead;
  private final Tensor center;
  private final int globalViews = 2;
  private final Config c;
  private double lastLoss;
  private double lastEntropy;

  /** Builds student and teacher; weights drawn from {@code seed}. */
  public Dino(EncoderSpec spec, long seed, Config c) {
    super("dino");
    this.c = c;
    this.sBackbone = backbone(Encoder.create(spec, seed));
    this.sHead = student.add("head", head(seed, sBackbone.embedDim()));
    this.tBackbone = evaluate(teacher.add("backbone", Encoder.create(spec.withDropPath(0), seed)));
    this.tHead = teacher.add("head", head(seed, tBackbone.embedDim()));
    copyInto(teacher, student);
    this.center = Init.constant(0, 1, c.outDim());
  }

  private DinoHead head(long seed, int in) {
    return new DinoHead(
        new Init(seed + 1),
        in,
        c.outDim(),
        c.headHidden(),
        c.headBottleneck(),
        c.headLayers(),
        c.headBn(),
        c.normLastLayer());
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
    double teacherTemp = c.teacherTemp(ctx.epoch());
    Tensor loss = Losses.dino(studentOut, teacherViews, center, c.studentTemp(), teacherTemp);
    lastEntropy = teacherEntropy(teacherOut, teacherTemp);
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
      center.mul_(Ops.s(c.centerMomentum())).add_(batchCenter, Ops.s(1 - c.centerMomentum()));
    }
  }

  @Override
  public Map<String, Object> stepLog(StepContext ctx) {
    return Map.of("teacher_temp", c.teacherTemp(ctx.epoch()));
  }

  @Override
  public void afterStep(StepContext ctx) {
    ema(teacher, student, ctx.momentum());
  }

  @Override
  public boolean frozen(String name, int epoch) {
    return epoch < c.freezeLastLayer() && name.startsWith("head.last_layer.");
  }

  @Override
  public Map<String, Tensor> state() {
    Map<String, Tensor> m = super.state();
    teacher.state().forEach((k, v) -> m.put("teacher." + k, v));
    m.put("center", center);
    return m;
  }
}
