package io.edgessl.train;

import io.edgessl.train.method.Method;
import io.edgessl.train.method.StepContext;
import io.edgessl.train.nn.Ops;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;

/**
 * One optimization step of a method: views to tensors, gradients reset, loss, backward, clipping,
 * {@link AdamW}, the method's own updates. All temporaries live in one pointer scope per step.
 */
public final class StepRunner {
  private final Method method;
  private final AdamW opt;
  private final Map<String, Tensor> params;
  private final double clipGrad;
  private final boolean perParam;
  private double lastStd = Double.NaN;

  /** {@code clipMode}: {@code per-param} (DINO) or {@code global}; {@code clipGrad <= 0}: off. */
  public StepRunner(Method method, AdamW opt, double clipGrad, String clipMode) {
    this.method = method;
    this.opt = opt;
    this.params = method.student().parameters();
    this.clipGrad = clipGrad;
    this.perParam = clipMode.equals("per-param");
  }

  /**
   * Runs one step on {@code batch} (one array per view, {@code [B, C, S, S]}, sizes from {@code
   * sizes}); returns the loss before the update.
   *
   * @param wantStd also measure the embedding spread ({@link #lastEmbeddingStd()})
   * @throws TrainingFailedException when the loss is not finite
   */
  public double run(
      float[][] batch,
      int[] sizes,
      int b,
      int channels,
      StepContext ctx,
      double lr,
      double wd,
      boolean wantStd)
      throws TrainingFailedException {
    try (PointerScope scope = new PointerScope()) {
      Tensor[] x = new Tensor[batch.length];
      for (int v = 0; v < batch.length; v++) {
        x[v] = Ops.fromFloats(batch[v], b, channels, sizes[v], sizes[v]);
      }
      for (Tensor p : params.values()) {
        p.mutable_grad().reset();
      }
      Tensor loss = method.loss(x, ctx);
      double value = loss.item_double();
      if (!Double.isFinite(value)) {
        throw new TrainingFailedException(
            TrainingFailedException.Reason.DIVERGED,
            String.format(
                Locale.ROOT,
                "the loss is %s at epoch %d, step %d: training diverged",
                value,
                ctx.epoch() + 1,
                ctx.step() + 1));
      }
      loss.backward();
      int epoch = ctx.epoch();
      clip(epoch);
      opt.step(lr, wd, n -> method.frozen(n, epoch));
      method.afterStep(ctx);
      lastStd =
          wantStd && method.lastEmbedding() != null
              ? embeddingStd(method.lastEmbedding())
              : Double.NaN;
      return value;
    }
  }

  /** The method's extra numbers of the last step. */
  public Map<String, Double> lastStats() {
    return method.lastStats();
  }

  /** The embedding spread measured by the last {@code run(..., wantStd = true)}, or NaN. */
  public double lastEmbeddingStd() {
    return lastStd;
  }

  /** Mean over dimensions of the std across the batch of L2-normalized rows, times sqrt(dim). */
  static double embeddingStd(Tensor emb) {
    try (PointerScope scope = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      Tensor n = Ops.l2normalize(emb, 1);
      double s = n.std(new long[] {0}, true, false).mean().item_double();
      return s * Math.sqrt(emb.size(1));
    }
  }

  /** Gradient clipping: DINO's per-tensor norm clip ({@code clip_gradients}), or a global norm. */
  private void clip(int epoch) {
    if (clipGrad <= 0) {
      return;
    }
    try (PointerScope scope = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      ScalarOptional two = new ScalarOptional(Ops.s(2));
      if (perParam) {
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
          Tensor grad = e.getValue().grad();
          if (!grad.defined() || method.frozen(e.getKey(), epoch)) {
            continue;
          }
          double norm = grad.norm(two, new long[] {}, false).item_double();
          double coef = clipGrad / (norm + 1e-6);
          if (coef < 1) {
            grad.mul_(Ops.s(coef));
          }
        }
        return;
      }
      double sq = 0;
      for (Tensor p : params.values()) {
        Tensor grad = p.grad();
        if (grad.defined()) {
          double n = grad.norm(two, new long[] {}, false).item_double();
          sq += n * n;
        }
      }
      double coef = clipGrad / (Math.sqrt(sq) + 1e-6);
      if (coef < 1) {
        for (Tensor p : params.values()) {
          Tensor grad = p.grad();
          if (grad.defined()) {
            grad.mul_(Ops.s(coef));
          }
        }
      }
    }
  }
}
