package io.edgessl.train.method;

import io.edgessl.train.model.Encoder;
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
  /** The method's name ({@code dino}, ...). */
  public abstract String name();

  /** The student's backbone. */
  public abstract Encoder encoder();

  /**
   * The backbone that evaluation and export use: the teacher for DINO and MoCo (DINO evaluates its
   * teacher), the trained encoder otherwise.
   */
  public abstract Encoder evalEncoder();

  /** Everything the optimizer trains, by name. */
  public abstract Layer student();

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
  public abstract Tensor lastEmbedding();

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
