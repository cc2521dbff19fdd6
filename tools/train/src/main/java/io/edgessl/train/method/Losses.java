package io.edgessl.train.method;

import io.edgessl.train.nn.Ops;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The self-supervised losses, as functions of tensors (tested against independent Java
 * implementations of the same formulas).
 */
public final class Losses {
  private Losses() {}

  /**
   * DINO's loss ({@code DINOLoss.forward} of {@code main_dino.py}): teacher probabilities {@code
   * softmax((t - center) / teacherTemp)} of each global view, student log-probabilities {@code
   * log_softmax(s / studentTemp)} of every view, cross-entropy {@code -Σ p log q} averaged over the
   * batch for every pair (teacher view i, student view v ≠ i), then averaged over the pairs.
   *
   * @param student logits of each student view, [B, K] each: the global views first, in the
   *     teacher's order
   * @param teacher logits of each global view, [B, K] each (no gradient)
   * @param center [1, K]
   */
  public static Tensor dino(
      List<Tensor> student,
      List<Tensor> teacher,
      Tensor center,
      double studentTemp,
      double teacherTemp) {
    if (teacher.size() > student.size()) {
      throw new IllegalArgumentException(
          teacher.size() + " teacher views for " + student.size() + " student views");
    }
    Tensor total = null;
    int terms = 0;
    Tensor[] logq = new Tensor[student.size()];
    for (int v = 0; v < student.size(); v++) {
      logq[v] = torch.log_softmax(student.get(v).div(Ops.s(studentTemp)), -1);
    }
    for (int iq = 0; iq < teacher.size(); iq++) {
      Tensor p = torch.softmax(teacher.get(iq).sub(center).div(Ops.s(teacherTemp)), -1);
      for (int v = 0; v < student.size(); v++) {
        if (v == iq) {
          continue;
        }
        Tensor l = Ops.sum(p.neg().mul(logq[v]), false, -1).mean();
        total = total == null ? l : total.add(l);
        terms++;
      }
    }
    if (terms == 0) {
      throw new IllegalArgumentException("DINO needs at least two views");
    }
    return total.div(Ops.s(terms));
  }

  /**
   * SimCLR's NT-Xent (Chen et al. 2020): for 2N L2-normalized projections, each one's positive is
   * its other view and its negatives the other 2N - 2; loss = mean over the 2N of {@code
   * -log(exp(s+ / T) / Σ_{j≠i} exp(s_ij / T))} with cosine similarities s.
   */
  public static Tensor ntXent(Tensor z1, Tensor z2, double temperature) {
    long n = z1.size(0);
    Tensor z = Ops.l2normalize(Ops.cat(0, z1, z2), 1);
    Tensor sim = z.matmul(z.t()).div(Ops.s(temperature));
    // Remove self-similarity: -inf on the diagonal.
    Tensor eye = torch.eye(2 * n).mul(Ops.s(-1e9));
    Tensor logp = torch.log_softmax(sim.add(eye), 1);
    // Positive of row i is i + n (first half) or i - n (second half).
    Tensor pos1 = logp.narrow(0, 0, n).narrow(1, n, n).diagonal();
    Tensor pos2 = logp.narrow(0, n, n).narrow(1, 0, n).diagonal();
    return Ops.cat(0, pos1, pos2).mean().neg();
  }

  /**
   * MoCo v3's contrastive loss ({@code contrastive_loss} of {@code moco/builder.py}): cross-entropy
   * of {@code q kᵀ / T} (both L2-normalized, keys from the momentum encoder) against the diagonal,
   * times {@code 2T}.
   */
  public static Tensor mocoV3(Tensor q, Tensor k, double temperature) {
    Tensor logits = Ops.l2normalize(q, 1).matmul(Ops.l2normalize(k, 1).t()).div(Ops.s(temperature));
    Tensor ce = torch.log_softmax(logits, 1).diagonal().mean().neg();
    return ce.mul(Ops.s(2 * temperature));
  }

  /**
   * MoCo v2's InfoNCE with a queue (He et al. 2020): logits {@code [q·k, q·queueᵀ] / T} with the
   * positive first; cross-entropy against index 0. {@code q}, {@code k} L2-normalized here; the
   * queue [Q, D] holds normalized keys.
   */
  public static Tensor mocoV2(Tensor q, Tensor k, Tensor queue, double temperature) {
    Tensor qn = Ops.l2normalize(q, 1);
    Tensor kn = Ops.l2normalize(k, 1);
    Tensor pos = Ops.sum(qn.mul(kn), true, 1);
    Tensor neg = qn.matmul(queue.t());
    Tensor logits = Ops.cat(1, pos, neg).div(Ops.s(temperature));
    return torch.log_softmax(logits, 1).select(1, 0).mean().neg();
  }

  /**
   * MAE's loss ({@code forward_loss} of {@code models_mae.py}): mean squared error per patch
   * between prediction and target pixels, targets optionally normalized per patch ({@code (t -
   * mean) / sqrt(var + 1e-6)}, unbiased variance as {@code Tensor.var}), averaged over the masked
   * patches only.
   *
   * @param pred [B, N, P]
   * @param target [B, N, P] patchified images
   * @param mask [B, N]: 1 masked, 0 visible
   */
  public static Tensor mae(Tensor pred, Tensor target, Tensor mask, boolean normPix) {
    Tensor t = target;
    if (normPix) {
      Tensor mean = Ops.mean(t, true, -1);
      Tensor var = t.var(new long[] {-1}, true, true);
      t = t.sub(mean).div(var.add(Ops.s(1e-6)).sqrt());
    }
    Tensor perPatch = Ops.mean(pred.sub(t).pow(Ops.s(2)), false, -1);
    return perPatch.mul(mask).sum().div(mask.sum());
  }

  /**
   * Patchify as MAE: [B, C, H, W] → [B, (H/p)(W/p), p·p·C], each patch row-major with the channel
   * last ({@code nchpwq -> nhwpqc}).
   */
  public static Tensor patchify(Tensor images, int p) {
    long b = images.size(0);
    long c = images.size(1);
    long h = images.size(2) / p;
    long w = images.size(3) / p;
    return images
        .reshape(b, c, h, p, w, p)
        .permute(0, 2, 4, 3, 5, 1)
        .reshape(b, h * w, (long) p * p * c);
  }
}
