package io.edgessl.train.method;

import io.edgessl.train.Schedule;
import io.edgessl.train.model.Encoder;
import io.edgessl.train.nn.Group;
import io.edgessl.train.nn.Layer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * A self-supervised method: the networks it trains, its loss on a batch of views, and what it
 * updates outside the optimizer (momentum teachers, centres, queues).
 *
 * <p>Protocol per step, inside the trainer's pointer scope: {@link #loss}, backward, gradient
 * clipping, the optimizer step over {@link #student()}'s parameters (minus {@link #frozen} ones),
 * then {@link #afterStep}.
 */
public abstract class Method {
  /** Everything the optimizer trains: the backbone under {@code backbone}, then the heads. */
  protected final Group student = new Group();

  /** The last batch's embeddings by the evaluated backbone (detached), set by {@link #loss}. */
  protected Tensor lastEmbedding;

  private final String name;
  private Encoder encoder;
  private Encoder evalEncoder;

  /** A method called {@code name}; subclasses add their backbone with {@link #backbone}. */
  protected Method(String name) {
    this.name = name;
  }

  /** Adds the trained backbone to the student; it is also evaluated unless {@link #evaluate}. */
  protected final <E extends Encoder> E backbone(E e) {
    this.encoder = student.add("backbone", e);
    this.evalEncoder = e;
    return e;
  }

  /** Makes {@code e} (a teacher or momentum encoder) the backbone that evaluation uses. */
  protected final <E extends Encoder> E evaluate(E e) {
    this.evalEncoder = e;
    return e;
  }

  /** The method's name ({@code dino}, ...). */
  public final String name() {
    return name;
  }

  /** The student's backbone. */
  public final Encoder encoder() {
    return encoder;
  }

  /**
   * The backbone that evaluation and export use: the teacher for DINO and MoCo v3 (DINO evaluates
   * its teacher), the trained encoder otherwise.
   */
  public final Encoder evalEncoder() {
    return evalEncoder;
  }

  /** Everything the optimizer trains, by name. */
  public final Layer student() {
    return student;
  }

  /**
   * The momentum of the teacher's EMA at each step: from {@code m} up to 1 on a cosine (DINO, MoCo
   * v3); MoCo v2 keeps it constant.
   */
  public Schedule momentumSchedule(double m, long totalSteps) {
    return Schedule.cosine(m, 1, totalSteps);
  }

  /** Scheduled values of this step for the log (DINO: the teacher temperature), or none. */
  public Map<String, Object> stepLog(StepContext ctx) {
    return Map.of();
  }

  /**
   * The loss of one batch. {@code views}: one tensor per view, [B, C, S, S], in the order of the
   * method's view list.
   */
  public abstract Tensor loss(Tensor[] views, StepContext ctx);

  /** Updates made after the optimizer step (EMA teacher, queue); gradients are off. */
  public void afterStep(StepContext ctx) {}

  /** Whether the parameter named {@code name} (of {@link #student()}) is frozen this epoch. */
  public boolean frozen(String name, int epoch) {
    return false;
  }

  /**
   * The last batch's embeddings by the evaluated backbone, detached [B, D] (for the collapse
   * guard), or null.
   */
  public final Tensor lastEmbedding() {
    return lastEmbedding;
  }

  /** Extra numbers of the last step for the log (DINO: teacher entropy and KL), or none. */
  public java.util.Map<String, Double> lastStats() {
    return java.util.Map.of();
  }

  /**
   * Everything a checkpoint holds: the student under {@code student.}, and what subclasses add
   * (teacher, centre, queue).
   */
  public Map<String, Tensor> state() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    student().state().forEach((k, v) -> m.put("student." + k, v));
    return m;
  }

  /** The evaluated backbone's state by name (what export will read). */
  public Map<String, Tensor> evalEncoderState() {
    return evalEncoder().state();
  }

  /** {@code target = m target + (1 - m) source}, parameter by parameter, without gradients. */
  protected static void ema(Layer target, Layer source, double m) {
    Map<String, Tensor> t = target.parameters();
    Map<String, Tensor> s = source.parameters();
    try (PointerScope scope = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : t.entrySet()) {
        Tensor src = s.get(e.getKey());
        e.getValue()
            .mul_(new org.bytedeco.pytorch.Scalar(m))
            .add_(src, new org.bytedeco.pytorch.Scalar(1 - m));
      }
    }
  }

  /** Copies every tensor of {@code source} into {@code target} (same names) and stops gradients. */
  protected static void copyInto(Layer target, Layer source) {
    Map<String, Tensor> s = source.state();
    try (PointerScope scope = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : target.state().entrySet()) {
        e.getValue().copy_(s.get(e.getKey()));
      }
    }
    for (Tensor p : target.parameters().values()) {
      p.set_requires_grad(false);
    }
  }
}
