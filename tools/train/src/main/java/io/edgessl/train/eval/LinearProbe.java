package io.edgessl.train.eval;

import io.edgessl.EdgeSslException;
import io.edgessl.train.Progress;
import io.edgessl.train.augment.ViewLoader;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.nn.Init;
import io.edgessl.train.nn.Ops;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntConsumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A linear classifier trained on frozen features by DINO's linear-evaluation recipe ({@code
 * eval_linear.py}): weights normal(0, 0.01), bias 0; SGD with momentum 0.9 and no weight decay;
 * learning rate {@code lr * batch / 256} on a cosine to 0 over the epochs (stepped per epoch, as
 * {@code CosineAnnealingLR}); cross-entropy. Features are given (computed once, see {@link
 * #embed}); batches are drawn from a permutation per epoch seeded by (seed, epoch).
 */
public final class LinearProbe {
  private final int dim;
  private final int classes;
  private final Tensor weight;
  private final Tensor bias;

  /** An untrained probe from {@code dim} features to {@code classes} classes. */
  public LinearProbe(int dim, int classes, long seed) {
    if (dim <= 0 || classes <= 1) {
      throw new IllegalArgumentException(
          "linear probe: " + dim + " features, " + classes + " classes");
    }
    this.dim = dim;
    this.classes = classes;
    this.weight = new Init(seed).normal(0.01, classes, dim);
    this.bias = Init.constant(0, classes);
    weight.set_requires_grad(true);
    bias.set_requires_grad(true);
  }

  /**
   * Trains for {@code epochs} on {@code x} [N, dim] row-major with labels {@code y}; calls {@code
   * afterEpoch} with the 1-based epoch after each one.
   */
  public void train(
      float[] x,
      int[] y,
      int epochs,
      int batch,
      double lr,
      double momentum,
      double weightDecay,
      long seed,
      IntConsumer afterEpoch) {
    int n = y.length;
    if (x.length != (long) n * dim) {
      throw new IllegalArgumentException(x.length + " feature values for " + n + " x " + dim);
    }
    if (epochs <= 0 || batch <= 0 || !(lr > 0)) {
      throw new IllegalArgumentException(
          "linear probe: epochs " + epochs + ", batch " + batch + ", lr " + lr);
    }
    Tensor bufW = Init.constant(0, classes, dim);
    Tensor bufB = Init.constant(0, classes);
    double peak = lr * batch / 256.0;
    float[] xb = new float[batch * dim];
    long[] yb = new long[batch];
    for (int epoch = 0; epoch < epochs; epoch++) {
      double epochLr = 0.5 * peak * (1 + Math.cos(Math.PI * epoch / epochs));
      int[] order = permutation(n, ViewLoader.mix(seed, epoch, 11));
      for (int from = 0; from < n; from += batch) {
        int b = Math.min(batch, n - from);
        for (int i = 0; i < b; i++) {
          System.arraycopy(x, order[from + i] * dim, xb, i * dim, dim);
          yb[i] = y[order[from + i]];
        }
        try (PointerScope scope = new PointerScope()) {
          weight.mutable_grad().reset();
          bias.mutable_grad().reset();
          Tensor feats = Ops.fromFloats(java.util.Arrays.copyOf(xb, b * dim), b, dim);
          Tensor logits = torch.linear(feats, weight, Ops.opt(bias));
          Tensor target = Ops.fromLongs(java.util.Arrays.copyOf(yb, b), b, 1);
          Tensor loss = torch.log_softmax(logits, 1).gather(1, target).mean().neg();
          loss.backward();
          try (NoGradGuard g = new NoGradGuard()) {
            sgd(weight, bufW, epochLr, momentum, weightDecay);
            sgd(bias, bufB, epochLr, momentum, 0);
          }
        }
      }
      afterEpoch.accept(epoch + 1);
    }
  }

  /**
   * PyTorch's SGD (no dampening, no Nesterov): {@code buf = m buf + g (+ wd p)}, {@code p -= lr
   * buf}.
   */
  private static void sgd(Tensor p, Tensor buf, double lr, double m, double wd) {
    Tensor g = p.grad();
    if (wd != 0) {
      g = g.add(p, new Scalar(wd));
    }
    buf.mul_(new Scalar(m)).add_(g);
    p.sub_(buf, new Scalar(lr));
  }

  /**
   * The features of every image of {@code d} by {@code f}, row-major [N, dim], on one thread (what
   * the probe trains on: computed once from the unaugmented images).
   */
  public static float[] embed(ImageFeatures f, LabelledImages d, Progress progress)
      throws EdgeSslException {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      float[][] rows = KnnEval.embedAll(f, d, pool, 1, progress);
      int dim = f.dimension();
      float[] x = new float[rows.length * dim];
      for (int i = 0; i < rows.length; i++) {
        System.arraycopy(rows[i], 0, x, i * dim, dim);
      }
      return x;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Top-1 accuracy on {@code x} [N, dim] with labels {@code y}. */
  public double accuracy(float[] x, int[] y) {
    int n = y.length;
    int correct = 0;
    int chunk = 1000;
    for (int from = 0; from < n; from += chunk) {
      int b = Math.min(chunk, n - from);
      try (PointerScope scope = new PointerScope();
          NoGradGuard g = new NoGradGuard()) {
        float[] part = java.util.Arrays.copyOfRange(x, from * dim, (from + b) * dim);
        Tensor logits = torch.linear(Ops.fromFloats(part, b, dim), weight, Ops.opt(bias));
        float[] l = Ops.toFloats(logits);
        for (int i = 0; i < b; i++) {
          if (argmax(l, i * classes, classes) == y[from + i]) {
            correct++;
          }
        }
      }
    }
    return (double) correct / n;
  }

  /** The index of the largest of {@code v[from .. from + n)}, relative to {@code from}. */
  static int argmax(float[] v, int from, int n) {
    int best = 0;
    for (int c = 1; c < n; c++) {
      if (v[from + c] > v[from + best]) {
        best = c;
      }
    }
    return best;
  }

  static int[] permutation(int n, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
