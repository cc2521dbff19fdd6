package io.edgessl.train;

import io.edgessl.train.nn.Init;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * AdamW (Loshchilov and Hutter 2019) exactly as {@code torch.optim.AdamW}'s single-tensor path
 * computes it, with the learning rate and weight decay passed at each step (the schedules live in
 * the trainer) and two parameter groups as DINO's {@code get_params_groups}: biases and 1-D tensors
 * (norm scales) get no weight decay. A parameter that is frozen or has no gradient in a step is
 * skipped entirely, as PyTorch skips parameters whose gradient is None; each keeps its own step
 * count for the bias correction.
 */
public final class AdamW {
  private final Map<String, Tensor> params;
  private final Map<String, Tensor> expAvg = new LinkedHashMap<>();
  private final Map<String, Tensor> expAvgSq = new LinkedHashMap<>();
  private final Map<String, Long> steps = new LinkedHashMap<>();
  private final double beta1;
  private final double beta2;
  private final double eps;

  /** An optimizer over {@code params} (by name); state is allocated now, zero. */
  public AdamW(Map<String, Tensor> params, double beta1, double beta2, double eps) {
    if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps > 0)) {
      throw new IllegalArgumentException(
          "AdamW needs betas in [0, 1) and eps > 0: " + beta1 + ", " + beta2 + ", " + eps);
    }
    this.params = new LinkedHashMap<>(params);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    for (Map.Entry<String, Tensor> e : this.params.entrySet()) {
      long[] shape = io.edgessl.train.nn.Ops.shape(e.getValue());
      expAvg.put(e.getKey(), Init.constant(0, shape));
      expAvgSq.put(e.getKey(), Init.constant(0, shape));
      steps.put(e.getKey(), 0L);
    }
  }

  /** Whether DINO's grouping exempts {@code name} from weight decay. */
  public static boolean noDecay(String name, Tensor p) {
    return name.endsWith(".bias") || p.dim() == 1;
  }

  /**
   * One update with learning rate {@code lr} and weight decay {@code weightDecay} (for the
   * regularized group); parameters for which {@code frozen} is true are skipped.
   */
  public void step(double lr, double weightDecay, Predicate<String> frozen) {
    try (PointerScope scope = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : params.entrySet()) {
        String name = e.getKey();
        Tensor p = e.getValue();
        Tensor grad = p.grad();
        if (!grad.defined() || frozen.test(name)) {
          continue;
        }
        long t = steps.get(name) + 1;
        steps.put(name, t);
        double wd = noDecay(name, p) ? 0 : weightDecay;
        if (wd != 0) {
          p.mul_(new Scalar(1 - lr * wd));
        }
        Tensor m = expAvg.get(name);
        Tensor v = expAvgSq.get(name);
        m.lerp_(grad, new Scalar(1 - beta1));
        v.mul_(new Scalar(beta2)).addcmul_(grad, grad, new Scalar(1 - beta2));
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        Tensor denom = v.sqrt().div_(new Scalar(bc2Sqrt)).add_(new Scalar(eps));
        p.addcdiv_(m, denom, new Scalar(-lr / bc1));
      }
    }
  }

  /** The moment estimates by name ({@code NAME.exp_avg}, {@code NAME.exp_avg_sq}). */
  public Map<String, Tensor> state() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (String n : params.keySet()) {
      m.put(n + ".exp_avg", expAvg.get(n));
      m.put(n + ".exp_avg_sq", expAvgSq.get(n));
    }
    return m;
  }

  /** Step counts by parameter name (saved in the checkpoint's metadata). */
  public Map<String, Long> steps() {
    return new LinkedHashMap<>(steps);
  }

  /** Restores step counts saved by {@link #steps()}. */
  public void setSteps(Map<?, ?> saved) {
    for (String n : params.keySet()) {
      Object v = saved.get(n);
      if (!(v instanceof Number num)) {
        throw new IllegalArgumentException("no optimizer step count for " + n);
      }
      steps.put(n, num.longValue());
    }
  }
}
