package io.edgessl.onnx.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Calibration ranges against hand computations on tensors and histograms small enough to check. */
class CalibratorTest {
  private static final float W = 1000f / 128; // bin width of the tensor below with 128 bins

  /** -10, 0, 1, ..., 99 and one outlier 1000. */
  private static float[] tensor() {
    float[] v = new float[102];
    v[0] = -10;
    for (int i = 0; i < 100; i++) {
      v[i + 1] = i;
    }
    v[101] = 1000;
    return v;
  }

  private static Range calibrate(CalibrationMethod m, double percentile) {
    Calibrator c = new Calibrator(m, percentile, 128);
    float[] v = tensor();
    // Split across two observations: statistics accumulate.
    c.observe("t", v, 0, 50);
    c.observe("t", v, 50, 52);
    if (c.needsSecondPass()) {
      c.beginSecondPass();
      c.observe("t", v, 0, 102);
    }
    return c.ranges().get("t");
  }

  @Test
  void minMaxIsTheObservedRange() {
    assertEquals(new Range(-10, 1000), calibrate(CalibrationMethod.MINMAX, 99));
  }

  @Test
  void percentileClipsAtTheUpperEdgeOfTheBinReachingIt() {
    // |x| in 128 bins of width 1000/128 = 7.8125: 99 lands in bin 12, 1000 in bin 127. 99 % of
    // 102 values is 100.98: all but the outlier, reached at bin 12, whose upper edge is 13 w.
    assertEquals(new Range(-10, 13 * W), calibrate(CalibrationMethod.PERCENTILE, 99));
    // 100 % keeps everything.
    assertEquals(new Range(-10, 1000), calibrate(CalibrationMethod.PERCENTILE, 100));
    // 50 %: 51 values. Bin k holds the integers in [7.8125 k, 7.8125 (k + 1)), and bin 1 the 10 of
    // -10 too: bins 0..5 hold 8 + 9 + 8 + 8 + 8 + 7 (40..46) = 48, bin 6 (47..54) reaches 56.
    assertEquals(new Range(-10, 7 * W), calibrate(CalibrationMethod.PERCENTILE, 50));
  }

  @Test
  void percentileOnAHandMadeHistogram() {
    AbsHistogram h = AbsHistogram.of(4f, 1, 2, 3, 4); // width 1, total 10
    assertEquals(1f, Calibrator.percentileThreshold(h, 10)); // 1 value: bin 0
    assertEquals(3f, Calibrator.percentileThreshold(h, 50)); // 5 values: cum 1, 3, 6 at bin 2
    assertEquals(3f, Calibrator.percentileThreshold(h, 60)); // exactly 6 at bin 2
    assertEquals(4f, Calibrator.percentileThreshold(h, 60.1));
    assertEquals(4f, Calibrator.percentileThreshold(h, 100));
    assertEquals(0f, Calibrator.percentileThreshold(new AbsHistogram(4, 4f), 99));
  }

  @Test
  void entropyOnAHandMadeHistogram() {
    // Counts [6, 2, 1, 1], width 1, quantized to 2 levels. Candidates (natural logs):
    //   i = 2: P = [6, 4] (outliers 1 + 1 added to bin 1), Q = [6, 2]:
    //          KL = .6 ln(.6/.75) + .4 ln(.4/.25)                 = 0.054108
    //   i = 3: P = [6, 2, 2], Q = [6, 1.5, 1.5] (group [1, 3) holds 2 + 1, spread over 2 bins):
    //          KL = .6 ln(.6/(6/9)) + 2 * .2 ln(.2/(1.5/9))        = 0.009713
    //   i = 4: P = [6, 2, 1, 1], Q = [4, 4, 1, 1]:
    //          KL = .6 ln(.6/.4) + .2 ln(.2/.4)                     = 0.104650
    // The smallest is i = 3: threshold 3 w = 3.
    assertEquals(3f, Calibrator.entropyThreshold(AbsHistogram.of(4f, 6, 2, 1, 1), 2));
    // (No bin of these P and Q is empty, so smoothing changes nothing.)
    // Counts [5, 0, 0, 3]: clipping at i = 2 or 3 puts the 3 outliers in a bin whose group held
    // nothing, where Q is 0 but P is not: smoothing gives it 1e-4 of a count, a divergence of about
    // 3.4. Candidate i = 4 is P itself (KL 0): no clipping.
    assertEquals(4f, Calibrator.entropyThreshold(AbsHistogram.of(4f, 5, 0, 0, 3), 2));
    // As many levels as bins: the histogram cannot be coarsened, nothing is clipped.
    assertEquals(4f, Calibrator.entropyThreshold(AbsHistogram.of(4f, 6, 2, 1, 1), 4));
    assertEquals(0f, Calibrator.entropyThreshold(new AbsHistogram(8, 2f), 2));
  }

  @Test
  void entropyClipsARareOutlierButNotTheBulk() {
    // 100 000 standard normal values and one at 100: min-max spends the int8 range on the outlier;
    // the KL threshold keeps the bulk (|x| < 5) and clips the outlier. With 2048 bins over [0, 100]
    // and 128 levels, no candidate is below 128 bins = 6.25: histogram calibration cannot resolve
    // an outlier 20 times the bulk any finer (TensorRT's calibrator behaves alike).
    SplittableRandom r = new SplittableRandom(3);
    float[] v = new float[100_001];
    for (int i = 0; i < 100_000; i++) {
      v[i] = (float) r.nextGaussian();
    }
    v[100_000] = 100;
    Calibrator c = new Calibrator(CalibrationMethod.ENTROPY);
    c.observe("g", v, 0, v.length);
    c.beginSecondPass();
    c.observe("g", v, 0, v.length);
    Range g = c.ranges().get("g");
    assertTrue(g.max() >= 6.25 && g.max() < 20, "entropy threshold " + g.max());
    Range seen = c.observedRange("g");
    assertEquals(Math.max(seen.min(), -g.max()), g.min(), "clipped at -t or the minimum: " + g);
  }

  @Test
  void entropyIgnoresTheSpikeOfZerosOfAReluOutput() {
    // max(0, x) of 100 000 standard normal values: half are exactly 0, all in bin 0. On that raw
    // histogram the KL search clips at about 1.8 (the 93rd percentile of the positive half);
    // with bin 0 flattened to bin 1's count (NVIDIA pytorch-quantization's bins[0] = bins[1]) it
    // keeps nearly everything, as it does for the positive half alone.
    SplittableRandom r = new SplittableRandom(5);
    float[] v = new float[100_000];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) Math.max(0, r.nextGaussian());
    }
    Calibrator c = new Calibrator(CalibrationMethod.ENTROPY);
    c.observe("relu", v, 0, v.length);
    c.beginSecondPass();
    c.observe("relu", v, 0, v.length);
    Range seen = c.observedRange("relu");
    Range chosen = c.ranges().get("relu");
    assertEquals(0f, chosen.min());
    assertTrue(chosen.max() > 0.95 * seen.max(), chosen + " of " + seen);
    AbsHistogram h = new AbsHistogram(Calibrator.DEFAULT_BINS, seen.max());
    h.add(v, 0, v.length);
    float raw = Calibrator.entropyThreshold(h, Calibrator.INT8_LEVELS);
    assertTrue(raw < 0.5 * seen.max(), "without flattening: " + raw + " of " + seen.max());
    // By hand: bin 0 takes bin 1's count, nothing else changes.
    AbsHistogram f = Calibrator.flattenFirstBin(AbsHistogram.of(4f, 9, 2, 1, 1));
    assertEquals(4f, f.limit());
    assertArrayEquals(new long[] {2, 2, 1, 1}, f.counts());
  }

  @Test
  void nonFiniteValuesAreCountedNotUsed() {
    Calibrator c = new Calibrator(CalibrationMethod.MINMAX);
    c.observe("x", new float[] {1, Float.NaN, -2, Float.POSITIVE_INFINITY}, 0, 4);
    assertEquals(2, c.nonFinite("x"));
    assertEquals(new Range(-2, 1), c.ranges().get("x"));
    Calibrator bad = new Calibrator(CalibrationMethod.MINMAX);
    bad.observe("y", new float[] {Float.NaN}, 0, 1);
    IllegalStateException e = assertThrows(IllegalStateException.class, bad::ranges);
    assertEquals("tensor y had no finite value (1 non-finite)", e.getMessage());
  }

  @Test
  void histogramMethodsNeedTheirSecondPass() {
    Calibrator c = new Calibrator(CalibrationMethod.PERCENTILE);
    c.observe("x", new float[] {1, 2}, 0, 2);
    assertEquals(
        "percentile calibration needs its second pass first",
        assertThrows(IllegalStateException.class, c::ranges).getMessage());
    Calibrator m = new Calibrator(CalibrationMethod.MINMAX);
    assertThrows(IllegalStateException.class, m::beginSecondPass);
    assertThrows(IllegalArgumentException.class, () -> CalibrationMethod.parse("mse"));
    assertEquals(CalibrationMethod.ENTROPY, CalibrationMethod.parse("Entropy"));
  }
}
