package io.edgessl.train.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgessl.train.AdamW;
import io.edgessl.train.Schedule;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class ScheduleAndAdamWTest {
  @Test
  void cosineScheduleMatchesDinosCosineScheduler() {
    // utils.cosine_scheduler(1, 0, epochs=2, niter_per_ep=5, warmup_epochs=1,
    // start_warmup_value=0):
    // linspace(0, 1, 5) then 0.5 * (1 + cos(pi * i / 5)) for i in 0..4.
    Schedule s = new Schedule(1, 0, 10, 5, 0);
    double[] want = {
      0, 0.25, 0.5, 0.75, 1, 1, 0.9045084972, 0.6545084972, 0.3454915028, 0.0954915028
    };
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], s.at(i), 1e-9, "step " + i);
    }
    assertEquals(Schedule.teacherTemp(0.04, 0.07, 4, 0), 0.04, 1e-12);
    assertEquals(Schedule.teacherTemp(0.04, 0.07, 4, 3), 0.07, 1e-12);
    assertEquals(Schedule.teacherTemp(0.04, 0.07, 4, 1), 0.05, 1e-12);
    assertEquals(Schedule.teacherTemp(0.04, 0.07, 4, 9), 0.07, 1e-12);
  }

  @Test
  void adamWMatchesTheAlgorithmAndSkipsBiasDecayAndFrozenTensors() {
    float[] w0 = {0.5f, -1.0f, 2.0f, 0.1f};
    float[] b0 = {0.3f, -0.2f};
    float[] gw = {0.1f, -0.4f, 0.05f, 2.0f};
    float[] gb = {1.0f, -1.0f};
    Tensor w = Ops.fromFloats(w0, 2, 2);
    Tensor b = Ops.fromFloats(b0, 2);
    Tensor frozen = Ops.fromFloats(new float[] {7f}, 1, 1);
    w.set_requires_grad(true);
    b.set_requires_grad(true);
    frozen.set_requires_grad(true);
    Map<String, Tensor> params = new LinkedHashMap<>();
    params.put("layer.weight", w);
    params.put("layer.bias", b);
    params.put("head.last_layer.weight_v", frozen);
    AdamW opt = new AdamW(params, 0.9, 0.999, 1e-8);
    double[] lrs = {0.1, 0.05, 0.02};
    double wd = 0.3;
    for (double lr : lrs) {
      try (PointerScope scope = new PointerScope()) {
        for (Tensor p : params.values()) {
          p.mutable_grad().reset();
        }
        // loss = sum(w * gw) + sum(b * gb) + frozen: gradients are the constants.
        Tensor loss =
            w.mul(Ops.fromFloats(gw, 2, 2))
                .sum()
                .add(b.mul(Ops.fromFloats(gb, 2)).sum())
                .add(frozen.sum());
        loss.backward();
        opt.step(lr, wd, n -> n.startsWith("head.last_layer"));
      }
    }
    assertArrayEqualsD(reference(w0, gw, lrs, wd), Ops.toFloats(w));
    assertArrayEqualsD(reference(b0, gb, lrs, 0), Ops.toFloats(b)); // no decay on biases
    assertEquals(7f, Ops.toFloats(frozen)[0]);
    assertEquals(3L, opt.steps().get("layer.weight"));
    assertEquals(0L, opt.steps().get("head.last_layer.weight_v"));
  }

  /** torch.optim.AdamW's update, in double precision. */
  static double[] reference(float[] p0, float[] g, double[] lrs, double wd) {
    double[] p = new double[p0.length];
    double[] m = new double[p0.length];
    double[] v = new double[p0.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = p0[i];
    }
    for (int t = 1; t <= lrs.length; t++) {
      double lr = lrs[t - 1];
      for (int i = 0; i < p.length; i++) {
        p[i] *= 1 - lr * wd;
        m[i] = 0.9 * m[i] + 0.1 * g[i];
        v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
        double mh = m[i] / (1 - Math.pow(0.9, t));
        double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
        p[i] -= lr * mh / denom;
      }
    }
    return p;
  }

  static void assertArrayEqualsD(double[] want, float[] got) {
    assertEquals(want.length, got.length);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-5 * Math.max(1, Math.abs(want[i])), "element " + i);
    }
  }
}
