package io.edgessl.train.method;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgessl.train.nn.Ops;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Each loss against a plain-Java implementation of its formula (double precision, loops) on small
 * random tensors, and against values derived by hand.
 */
class LossesTest {
  private static final SplittableRandom R = new SplittableRandom(42);

  static float[][] random(int rows, int cols, double scale) {
    float[][] m = new float[rows][cols];
    for (float[] r : m) {
      for (int j = 0; j < cols; j++) {
        r[j] = (float) (R.nextGaussian() * scale);
      }
    }
    return m;
  }

  static Tensor t(float[][] m) {
    int c = m[0].length;
    float[] flat = new float[m.length * c];
    for (int i = 0; i < m.length; i++) {
      System.arraycopy(m[i], 0, flat, i * c, c);
    }
    return Ops.fromFloats(flat, m.length, c);
  }

  static double[] logSoftmax(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : x) {
      sum += Math.exp(v - max);
    }
    double lse = max + Math.log(sum);
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] - lse;
    }
    return out;
  }

  static double[] scaled(float[] x, double shift[], double temp) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (x[i] - (shift == null ? 0 : shift[i])) / temp;
    }
    return out;
  }

  /** DINO's loss written out: teacher softmax of the centred logits, student log-softmax. */
  static double dinoReference(
      List<float[][]> s, List<float[][]> t, double[] center, double st, double tt) {
    double total = 0;
    int terms = 0;
    int b = s.get(0).length;
    for (int iq = 0; iq < t.size(); iq++) {
      for (int v = 0; v < s.size(); v++) {
        if (v == iq) {
          continue;
        }
        double sum = 0;
        for (int i = 0; i < b; i++) {
          double[] logp = logSoftmax(scaled(t.get(iq)[i], center, tt));
          double[] logq = logSoftmax(scaled(s.get(v)[i], null, st));
          for (int k = 0; k < logp.length; k++) {
            sum -= Math.exp(logp[k]) * logq[k];
          }
        }
        total += sum / b;
        terms++;
      }
    }
    return total / terms;
  }

  @Test
  void dinoMatchesTheFormula() {
    int b = 5;
    int k = 7;
    List<float[][]> s = new ArrayList<>();
    for (int v = 0; v < 4; v++) {
      s.add(random(b, k, 2));
    }
    List<float[][]> tv = List.of(random(b, k, 1), random(b, k, 1));
    double[] center = new double[k];
    float[] cf = new float[k];
    for (int i = 0; i < k; i++) {
      center[i] = R.nextGaussian() * 0.3;
      cf[i] = (float) center[i];
    }
    double want = dinoReference(s, tv, center, 0.1, 0.04);
    try (PointerScope scope = new PointerScope()) {
      List<Tensor> st = new ArrayList<>();
      s.forEach(m -> st.add(t(m)));
      List<Tensor> tt = List.of(t(tv.get(0)), t(tv.get(1)));
      double got = Losses.dino(st, tt, Ops.fromFloats(cf, 1, k), 0.1, 0.04).item_double();
      assertEquals(want, got, 1e-5 * Math.abs(want));
    }
  }

  @Test
  void dinoOfUniformOutputsIsLogK() {
    // All logits equal: teacher and student both uniform, cross-entropy = log K.
    int k = 16;
    try (PointerScope scope = new PointerScope()) {
      Tensor z = Ops.fromFloats(new float[3 * k], 3, k);
      double got =
          Losses.dino(
                  List.of(z, z, z), List.of(z, z), Ops.fromFloats(new float[k], 1, k), 0.1, 0.04)
              .item_double();
      assertEquals(Math.log(k), got, 1e-6);
    }
  }

  static double[] normalized(float[] x) {
    double n = 0;
    for (float v : x) {
      n += v * v;
    }
    n = Math.max(Math.sqrt(n), 1e-12);
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] / n;
    }
    return out;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @Test
  void ntXentMatchesTheFormula() {
    int n = 6;
    float[][] z1 = random(n, 5, 1);
    float[][] z2 = random(n, 5, 1);
    double temp = 0.5;
    double[][] z = new double[2 * n][];
    for (int i = 0; i < n; i++) {
      z[i] = normalized(z1[i]);
      z[n + i] = normalized(z2[i]);
    }
    double want = 0;
    for (int i = 0; i < 2 * n; i++) {
      int pos = i < n ? i + n : i - n;
      double denom = 0;
      for (int j = 0; j < 2 * n; j++) {
        if (j != i) {
          denom += Math.exp(dot(z[i], z[j]) / temp);
        }
      }
      want -= Math.log(Math.exp(dot(z[i], z[pos]) / temp) / denom);
    }
    want /= 2 * n;
    try (PointerScope scope = new PointerScope()) {
      assertEquals(want, Losses.ntXent(t(z1), t(z2), temp).item_double(), 1e-5 * want);
    }
  }

  @Test
  void ntXentOfOnePairOfEqualViewsIsZero() {
    // Two vectors only: each one's single candidate is its positive, so the loss is -log 1 = 0.
    float[][] z = {{1, 2, 3}};
    try (PointerScope scope = new PointerScope()) {
      assertEquals(0, Losses.ntXent(t(z), t(z), 0.5).item_double(), 1e-6);
    }
  }

  @Test
  void mocoV3MatchesTheFormula() {
    int n = 5;
    float[][] q = random(n, 4, 1);
    float[][] k = random(n, 4, 1);
    double temp = 0.2;
    double want = 0;
    for (int i = 0; i < n; i++) {
      double[] logits = new double[n];
      for (int j = 0; j < n; j++) {
        logits[j] = dot(normalized(q[i]), normalized(k[j])) / temp;
      }
      want -= logSoftmax(logits)[i];
    }
    want = want / n * 2 * temp;
    try (PointerScope scope = new PointerScope()) {
      assertEquals(want, Losses.mocoV3(t(q), t(k), temp).item_double(), 1e-5 * want);
    }
  }

  @Test
  void mocoV2MatchesTheFormula() {
    int n = 4;
    float[][] q = random(n, 6, 1);
    float[][] k = random(n, 6, 1);
    float[][] queue = random(9, 6, 1);
    for (int i = 0; i < queue.length; i++) {
      double[] u = normalized(queue[i]);
      for (int j = 0; j < 6; j++) {
        queue[i][j] = (float) u[j];
      }
    }
    double temp = 0.2;
    double want = 0;
    for (int i = 0; i < n; i++) {
      double[] qi = normalized(q[i]);
      double[] logits = new double[1 + queue.length];
      logits[0] = dot(qi, normalized(k[i])) / temp;
      for (int j = 0; j < queue.length; j++) {
        logits[1 + j] = dot(qi, normalized(queue[j])) / temp;
      }
      want -= logSoftmax(logits)[0];
    }
    want /= n;
    try (PointerScope scope = new PointerScope()) {
      assertEquals(want, Losses.mocoV2(t(q), t(k), t(queue), temp).item_double(), 1e-5 * want);
    }
  }

  @Test
  void maeMatchesTheFormulaOnMaskedPatchesOnly() {
    int b = 2;
    int n = 5;
    int p = 4;
    float[][] pred = random(b * n, p, 1);
    float[][] target = random(b * n, p, 1);
    float[] mask = {1, 0, 1, 1, 0, 0, 1, 0, 0, 1};
    for (boolean norm : new boolean[] {false, true}) {
      double num = 0;
      double den = 0;
      for (int i = 0; i < b * n; i++) {
        double[] tt = new double[p];
        double mean = 0;
        for (int j = 0; j < p; j++) {
          mean += target[i][j];
        }
        mean /= p;
        double var = 0;
        for (int j = 0; j < p; j++) {
          var += (target[i][j] - mean) * (target[i][j] - mean);
        }
        var /= p - 1; // unbiased, as torch.Tensor.var
        for (int j = 0; j < p; j++) {
          tt[j] = norm ? (target[i][j] - mean) / Math.sqrt(var + 1e-6) : target[i][j];
        }
        double mse = 0;
        for (int j = 0; j < p; j++) {
          mse += (pred[i][j] - tt[j]) * (pred[i][j] - tt[j]);
        }
        num += mask[i] * mse / p;
        den += mask[i];
      }
      double want = num / den;
      try (PointerScope scope = new PointerScope()) {
        Tensor tp = t(pred).reshape(b, n, p);
        Tensor tt = t(target).reshape(b, n, p);
        double got = Losses.mae(tp, tt, Ops.fromFloats(mask, b, n), norm).item_double();
        assertEquals(want, got, 1e-5 * want, "norm_pix " + norm);
      }
    }
  }

  @Test
  void patchifyOrdersPatchesRowMajorWithPixelsThenChannels() {
    int c = 2;
    int h = 4;
    int w = 6;
    int p = 2;
    float[] img = new float[c * h * w];
    for (int i = 0; i < img.length; i++) {
      img[i] = i;
    }
    try (PointerScope scope = new PointerScope()) {
      float[] got = Ops.toFloats(Losses.patchify(Ops.fromFloats(img, 1, c, h, w), p));
      int gw = w / p;
      int idx = 0;
      for (int pr = 0; pr < h / p; pr++) {
        for (int pc = 0; pc < gw; pc++) {
          for (int y = 0; y < p; y++) {
            for (int x = 0; x < p; x++) {
              for (int ch = 0; ch < c; ch++) {
                float want = img[ch * h * w + (pr * p + y) * w + pc * p + x];
                assertEquals(want, got[idx++], "patch " + pr + "," + pc);
              }
            }
          }
        }
      }
    }
  }
}
