package io.edgessl.train.method;

import io.edgessl.train.model.Encoder;
import io.edgessl.train.model.EncoderSpec;
import io.edgessl.train.model.MlpHead;
import io.edgessl.train.nn.Group;
import io.edgessl.train.nn.Init;
import io.edgessl.train.nn.Layer;
import io.edgessl.train.nn.Ops;
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
  private final Group student = new Group();
  private final Group key = new Group();
  private final Encoder backbone;
  private final MlpHead head;
  private final Encoder kBackbone;
  private final MlpHead kHead;
  private final Tensor queue;
  private final Tensor queuePtr;
  private final double temperature;
  private Tensor lastKeys;
  private Tensor lastEmbedding;

  public MocoV2(
      EncoderSpec spec,
      long seed,
      int layers,
      int hidden,
      int dim,
      boolean bn,
      int queueSize,
      double temperature) {
    this.backbone = student.add("backbone", Encoder.create(spec, seed));
    this.head =
        student.add(
            "head",
            new MlpHead(new Init(seed + 1), backbone.embedDim(), hidden, dim, layers, bn, false));
    this.kBackbone = key.add("backbone", Encoder.create(spec.withDropPath(0), seed));
    this.kHead =
        key.add(
            "head",
            new MlpHead(new Init(seed + 1), backbone.embedDim(), hidden, dim, layers, bn, false));
    copyInto(key, student);
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor q = new Init(seed + 3).normal(1, queueSize, dim);
      this.queue = Ops.l2normalize(q, 1).contiguous();
    }
    this.queuePtr = Init.constant(0, 1);
    this.temperature = temperature;
  }

  @Override
  public String name() {
    return "mocov2";
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
  public Tensor lastEmbedding() {
    return lastEmbedding;
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
