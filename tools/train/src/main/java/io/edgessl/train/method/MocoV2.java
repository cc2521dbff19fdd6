package io.edgessl.train.method;

import static io.edgessl.train.method.ProjectorKeys.*;

import io.edgessl.train.Schedule;
import io.edgessl.train.TrainConfig;
import io.edgessl.train.config.AugmentConfig;
import io.edgessl.train.config.Checks;
import io.edgessl.train.config.EncoderConfig;
import io.edgessl.train.config.Key;
import io.edgessl.train.config.Overrides;
import io.edgessl.train.model.Encoder;
import io.edgessl.train.model.EncoderSpec;
import io.edgessl.train.model.MlpHead;
import io.edgessl.train.nn.Group;
import io.edgessl.train.nn.Init;
import io.edgessl.train.nn.Ops;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * MoCo v2 (Chen et al. 2020, on He et al.'s MoCo): query encoder + MLP head, a key encoder that is
 * its EMA (momentum constant, 0.999), and a queue of the last {@code queue} normalized keys as
 * negatives ({@link Losses#mocoV2}). The queue starts as random unit vectors, as in the reference.
 * Single-process training has no shuffled batch norm across devices: the key encoder sees the batch
 * in a fixed random order split into two halves with their own statistics, which hides the same
 * information from batch norm.
 */
public final class MocoV2 extends Method {
  public static final Key<Integer> QUEUE = Key.integer("queue");

  /**
   * MoCo v2's knobs: a 2-layer projector (2048 hidden, 128 out, no batch norm), a queue of 65 536
   * keys, temperature 0.2.
   */
  public record Config(
      int projLayers, int projHidden, int projDim, boolean projBn, int queue, double temperature)
      implements MethodConfig {
    static final List<Key<?>> KEYS =
        List.of(PROJ_LAYERS, PROJ_HIDDEN, PROJ_DIM, PROJ_BN, QUEUE, TEMPERATURE);

    static Config resolve(Overrides o) {
      Config c =
          new Config(
              o.get(PROJ_LAYERS, 2),
              o.get(PROJ_HIDDEN, 2048),
              o.get(PROJ_DIM, 128),
              o.get(PROJ_BN, false),
              o.get(QUEUE, 65536),
              o.get(TEMPERATURE, 0.2));
      Checks.temperatures(c.temperature);
      return c;
    }

    @Override
    public void check(TrainConfig run) {
      int batch = run.optim().batch();
      if (queue % batch != 0) {
        throw new IllegalArgumentException(
            "--queue " + queue + " must be a multiple of --batch " + batch);
      }
    }

    @Override
    public void toJson(Map<String, Object> json) {
      MethodConfig.put(json, KEYS, projLayers, projHidden, projDim, projBn, queue, temperature);
    }
  }

  /**
   * The registration: resnet-tiny; AdamW at lr 1e-3 per 256 images, weight decay 1e-4 (the
   * reference used SGD); a constant momentum 0.999; crops of 0.2 to 1, blur 0.5; two views of one
   * kind.
   */
  public static final MethodType<Config> TYPE =
      new MethodType<>(
          "mocov2",
          Config.class,
          Config.KEYS,
          Config::resolve,
          new Overrides()
              .set(EncoderConfig.ARCH, "resnet-tiny")
              .set(AugmentConfig.BLUR_P, List.of(0.5)),
          1,
          (kinds, a) -> List.of(kinds.get(0), kinds.get(0)),
          MocoV2::new,
          "student.backbone.");

  private final Group key = new Group();
  private final Encoder backbone;
  private final MlpHead head;
  private final Encoder kBackbone;
  private final MlpHead kHead;
  private final Tensor queue;
  private final Tensor queuePtr;
  private final double temperature;
  private Tensor lastKeys;

  public MocoV2(EncoderSpec spec, long seed, Config c) {
    super("mocov2");
    this.backbone = backbone(Encoder.create(spec, seed));
    this.head = student.add("head", projector(seed, c));
    this.kBackbone = key.add("backbone", Encoder.create(spec.withDropPath(0), seed));
    this.kHead = key.add("head", projector(seed, c));
    copyInto(key, student);
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor q = new Init(seed + 3).normal(1, c.queue(), c.projDim());
      this.queue = Ops.l2normalize(q, 1).contiguous();
    }
    this.queuePtr = Init.constant(0, 1);
    this.temperature = c.temperature();
  }

  private MlpHead projector(long seed, Config c) {
    return new MlpHead(
        new Init(seed + 1),
        backbone.embedDim(),
        c.projHidden(),
        c.projDim(),
        c.projLayers(),
        c.projBn(),
        false);
  }

  @Override
  public Schedule momentumSchedule(double m, long totalSteps) {
    return Schedule.constant(m, totalSteps);
  }

  @Override
  public Tensor loss(Tensor[] views, StepContext ctx) {
    Tensor emb = backbone.forward(views[0]);
    lastEmbedding = emb.detach();
    Tensor q = head.forward(emb);
    Tensor k;
    try (NoGradGuard g = new NoGradGuard()) {
      long b = views[1].size(0);
      // Shuffled batch norm on one device: permute, run two halves, un-permute.
      long[] perm = new long[(int) b];
      for (int i = 0; i < b; i++) {
        perm[i] = i;
      }
      for (int i = (int) b - 1; i > 0; i--) {
        int j = ctx.random().nextInt(i + 1);
        long t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      long[] inv = new long[(int) b];
      for (int i = 0; i < b; i++) {
        inv[(int) perm[i]] = i;
      }
      Tensor shuffled = views[1].index_select(0, Ops.fromLongs(perm, b));
      long h = b / 2;
      Tensor k1 = kHead.forward(kBackbone.forward(shuffled.narrow(0, 0, Math.max(1, h))));
      Tensor kk =
          h > 0 && b - h > 0
              ? Ops.cat(0, k1, kHead.forward(kBackbone.forward(shuffled.narrow(0, h, b - h))))
              : k1;
      k = kk.index_select(0, Ops.fromLongs(inv, b)).detach();
    }
    lastKeys = Ops.l2normalize(k, 1).detach();
    return Losses.mocoV2(q, k, queue, temperature);
  }

  @Override
  public void afterStep(StepContext ctx) {
    ema(key, student, ctx.momentum());
    try (NoGradGuard g = new NoGradGuard()) {
      long b = lastKeys.size(0);
      long ptr = (long) queuePtr.item_float();
      queue.narrow(0, ptr, b).copy_(lastKeys);
      queuePtr.fill_(Ops.s((ptr + b) % queue.size(0)));
    }
  }

  @Override
  public Map<String, Tensor> state() {
    Map<String, Tensor> m = super.state();
    key.state().forEach((k, v) -> m.put("key." + k, v));
    m.put("queue", queue);
    m.put("queue_ptr", queuePtr);
    return m;
  }
}
