package io.edgessl.onnx.quant;

import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Chooses quantization ranges for named tensors from the values they take on calibration data,
 * streaming: a first pass records each tensor's minimum and maximum; the histogram methods then
 * need a second pass over the same data ({@link #beginSecondPass()}), which fills a histogram of
 * {@code |x|} over {@code [0, max |x|]} per tensor. Nothing is kept but those statistics, so any
 * number of images can be used.
 *
 * {@snippet :
 * Calibrator c = new Calibrator(CalibrationMethod.ENTROPY);
 * for (Batch b : data) { c.observe("h", activationsOf(b, "h")); }     // pass 1: min, max
 * c.beginSecondPass();
 * for (Batch b : data) { c.observe("h", activationsOf(b, "h")); }     // pass 2: histograms
 * Range r = c.ranges().get("h");
 * }
 *
 * <p>Non-finite values (a diverging model) are counted ({@link #nonFinite}) and otherwise ignored.
 * Not thread-safe.
 */
public final class Calibrator {
  /** Histogram bins, as TensorRT's entropy calibrator uses (Migacz 2017). */
  public static final int DEFAULT_BINS = 2048;

  /** The percentile of {@code |x|} kept by {@link CalibrationMethod#PERCENTILE} by default. */
  public static final double DEFAULT_PERCENTILE = 99.99;

  /** Quantized levels of a symmetric int8 magnitude, 0..127: the entropy method's target. */
  public static final int INT8_LEVELS = 128;

  private static final class Stats {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    long count;
    long nonFinite;
    AbsHistogram histogram;
  }

  private final CalibrationMethod method;
  private final double percentile;
  private final int bins;
  private final Map<String, Stats> stats = new LinkedHashMap<>();
  private boolean secondPass;

  /**
   * A calibrator with the default percentile ({@link #DEFAULT_PERCENTILE}) and bins ({@link
   * #DEFAULT_BINS}).
   *
   * @param method how ranges are chosen
   */
  public Calibrator(CalibrationMethod method) {
    this(method, DEFAULT_PERCENTILE, DEFAULT_BINS);
  }

  /**
   * A calibrator.
   *
   * @param method how ranges are chosen
   * @param percentile the percentile of {@code |x|} that {@link CalibrationMethod#PERCENTILE}
   *     keeps, in (0, 100]
   * @param bins histogram bins, at least {@link #INT8_LEVELS}
   * @throws IllegalArgumentException when {@code percentile} or {@code bins} is out of range
   */
  public Calibrator(CalibrationMethod method, double percentile, int bins) {
    this.method = Objects.requireNonNull(method, "method");
    if (!(percentile > 0 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100]: " + percentile);
    }
    if (bins < INT8_LEVELS) {
      throw new IllegalArgumentException("bins must be at least " + INT8_LEVELS + ": " + bins);
    }
    this.percentile = percentile;
    this.bins = bins;
  }

  /** {@return how ranges are chosen} */
  public CalibrationMethod method() {
    return method;
  }

  /**
   * {@return the percentile of {@code |x|}, in (0, 100], that {@link CalibrationMethod#PERCENTILE}
   * keeps (unused by the other methods)}
   */
  public double percentile() {
    return percentile;
  }

  /** {@return whether the method needs a second pass over the data (every method but min-max)} */
  public boolean needsSecondPass() {
    return method != CalibrationMethod.MINMAX;
  }

  /** {@return whether the second pass has begun} */
  public boolean inSecondPass() {
    return secondPass;
  }

  /**
   * Records values of {@code tensor} between the buffer's position and limit (not moved): their
   * range in the first pass, their histogram in the second.
   *
   * @param tensor the tensor's name
   * @param values some of its values, in any order; read, not kept
   * @throws IllegalArgumentException in the second pass, for a tensor the first pass did not see
   */
  public void observe(String tensor, FloatBuffer values) {
    if (secondPass) {
      Stats s = stats.get(tensor);
      if (s == null) {
        throw new IllegalArgumentException("tensor " + tensor + " was not seen in the first pass");
      }
      s.histogram.add(values);
      return;
    }
    Stats s = stats.computeIfAbsent(tensor, t -> new Stats());
    float min = s.min;
    float max = s.max;
    long nonFinite = 0;
    int n = 0;
    for (int i = values.position(), end = values.limit(); i < end; i++) {
      float v = values.get(i);
      if (Math.abs(v) <= Float.MAX_VALUE) {
        min = Math.min(min, v);
        max = Math.max(max, v);
        n++;
      } else {
        nonFinite++;
      }
    }
    s.min = min;
    s.max = max;
    s.count += n;
    s.nonFinite += nonFinite;
  }

  /**
   * Records {@code values[from, from + n)}; see {@link #observe(String, FloatBuffer)}.
   *
   * @param tensor the tensor's name
   * @param values holds some of its values; read, not kept
   * @param from the first index read
   * @param n how many values to read
   * @throws IllegalArgumentException in the second pass, for a tensor the first pass did not see
   */
  public void observe(String tensor, float[] values, int from, int n) {
    observe(tensor, FloatBuffer.wrap(values, from, n));
  }

  /**
   * Ends the first pass: sizes each tensor's histogram to its largest magnitude.
   *
   * @throws IllegalStateException when the method needs no second pass, it has begun already, or a
   *     tensor had no finite value
   */
  public void beginSecondPass() {
    if (!needsSecondPass() || secondPass) {
      throw new IllegalStateException(
          secondPass ? "the second pass has begun already" : method.id() + " needs one pass only");
    }
    for (Map.Entry<String, Stats> e : stats.entrySet()) {
      Stats s = e.getValue();
      requireValues(e.getKey(), s);
      s.histogram = new AbsHistogram(bins, Math.max(Math.abs(s.min), Math.abs(s.max)));
    }
    secondPass = true;
  }

  /**
   * {@return the tensors seen, in the order first seen: an unmodifiable view that later
   * observations extend}
   */
  public Set<String> tensors() {
    return Collections.unmodifiableSet(stats.keySet());
  }

  /**
   * Non-finite values seen in {@code tensor} in the first pass.
   *
   * @param tensor the tensor's name
   * @return the number of NaNs and infinities; 0 for an unknown tensor
   */
  public long nonFinite(String tensor) {
    Stats s = stats.get(tensor);
    return s == null ? 0 : s.nonFinite;
  }

  /**
   * The smallest and largest finite value seen in {@code tensor} in the first pass.
   *
   * @param tensor the tensor's name
   * @return the observed range
   * @throws IllegalArgumentException when the tensor was not observed
   * @throws IllegalStateException when it had no finite value
   */
  public Range observedRange(String tensor) {
    Stats s = stats.get(tensor);
    if (s == null) {
      throw new IllegalArgumentException("tensor " + tensor + " was not observed");
    }
    requireValues(tensor, s);
    return new Range(s.min, s.max);
  }

  /**
   * The chosen range of every tensor: the observed one for min-max, else the observed one clipped
   * to {@code [-t, t]} with {@code t} the method's threshold on {@code |x|}.
   *
   * @return a new, mutable map from tensor name to range, in the order first seen
   * @throws IllegalStateException when a histogram method's second pass has not run, or a tensor
   *     had no finite value
   */
  public Map<String, Range> ranges() {
    if (needsSecondPass() && !secondPass) {
      throw new IllegalStateException(method.id() + " calibration needs its second pass first");
    }
    Map<String, Range> out = new LinkedHashMap<>();
    for (Map.Entry<String, Stats> e : stats.entrySet()) {
      Stats s = e.getValue();
      requireValues(e.getKey(), s);
      Range r = new Range(s.min, s.max);
      switch (method) {
        case PERCENTILE:
          r = r.clip(percentileThreshold(s.histogram, percentile));
          break;
        case ENTROPY:
          r = r.clip(entropyThreshold(flattenFirstBin(s.histogram), INT8_LEVELS));
          break;
        default:
          break;
      }
      out.put(e.getKey(), r);
    }
    return out;
  }

  private static void requireValues(String tensor, Stats s) {
    if (s.count == 0) {
      throw new IllegalStateException(
          "tensor " + tensor + " had no finite value (" + s.nonFinite + " non-finite)");
    }
  }

  /**
   * {@code h} with its first bin's count replaced by the second's, before the entropy search: the
   * exact zeros of a ReLU output (often half its values) all fall in bin 0, and a spike that large
   * makes every clipped candidate look close to the original in KL divergence, so the search clips
   * far into the distribution's tail (measured on a trained ResNet: ReLU outputs clipped at 1.7
   * where the 99.99th percentile is 7, embedding cosine to FP32 0.91). NVIDIA's TensorRT
   * calibration toolkit does the same (pytorch-quantization {@code calib/histogram.py}, {@code
   * _compute_amax_entropy}: {@code bins[0] = bins[1]}); ONNX Runtime's entropy calibrator does not.
   *
   * @param h the histogram; not changed
   * @return a new histogram of the same bins and limit, bin 0 holding bin 1's count (unchanged with
   *     one bin)
   */
  public static AbsHistogram flattenFirstBin(AbsHistogram h) {
    long[] c = h.counts();
    if (c.length > 1) {
      c[0] = c[1];
    }
    return AbsHistogram.of(h.limit(), c);
  }

  /**
   * The smallest bin edge {@code t} below which at least {@code percent} % of the histogram's
   * values lie: the upper edge {@code (k + 1) w} of the first bin {@code k} where the cumulative
   * count reaches {@code percent / 100} of the total. (ONNX Runtime's percentile calibrator takes
   * the lower edge of that bin, which keeps slightly less than the percentile.) 0 for an empty
   * histogram.
   *
   * @param h the histogram of {@code |x|}
   * @param percent the percentile, in (0, 100]
   * @return the threshold, in the histogram's units, at most its limit
   * @throws IllegalArgumentException when {@code percent} is out of range
   */
  public static float percentileThreshold(AbsHistogram h, double percent) {
    if (!(percent > 0 && percent <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100]: " + percent);
    }
    long total = h.total();
    if (total == 0) {
      return 0;
    }
    double target = percent / 100 * total;
    long cum = 0;
    for (int k = 0; k < h.bins(); k++) {
      cum += h.count(k);
      if (cum >= target) {
        return k == h.bins() - 1 ? h.limit() : (float) ((k + 1) * h.binWidth());
      }
    }
    return h.limit(); // rounding of target: all values are below the limit
  }

  /**
   * The entropy (KL) calibration threshold of Migacz (2017), as TensorRT's entropy calibrator and
   * ONNX Runtime's compute it. For each candidate {@code i} from {@code levels} to {@code bins}:
   * the reference distribution P is the first {@code i} bins with every count beyond them added to
   * bin {@code i - 1} (clipping saturates them there); the candidate Q merges those {@code i} bins
   * (without the outliers) into {@code levels} groups of {@code i / levels} bins (the last group
   * takes the remainder) and spreads each group's count evenly over its bins where P is non-zero.
   * Before the divergence both are smoothed as MXNet's and ONNX Runtime's implementations do
   * ({@code smooth_distribution}, eps 1e-4): every empty bin gets 1e-4 of a count, taken evenly
   * from the others, so that a clipped outlier whose bin Q leaves empty costs a finite amount. The
   * threshold is the upper edge {@code i w} of the candidate with the smallest KL(P || Q), the
   * first on ties (TensorRT reports {@code (i + 0.5) w}, half a bin more).
   *
   * @param h the histogram of {@code |x|}; not changed
   * @param levels quantized levels of {@code |x|}: 128 for symmetric int8
   * @return the threshold; the histogram's limit when it has fewer than {@code levels} bins; 0 for
   *     an empty histogram
   */
  public static float entropyThreshold(AbsHistogram h, int levels) {
    if (levels < 1) {
      throw new IllegalArgumentException("levels must be positive: " + levels);
    }
    int bins = h.bins();
    long[] c = h.counts();
    if (h.total() == 0) {
      return 0;
    }
    if (bins <= levels) {
      return h.limit();
    }
    long[] suffix = new long[bins + 1]; // suffix[i] = sum of c[i..]
    for (int i = bins - 1; i >= 0; i--) {
      suffix[i] = suffix[i + 1] + c[i];
    }
    double[] p = new double[bins];
    double[] q = new double[bins];
    double best = Double.POSITIVE_INFINITY;
    int bestI = bins;
    for (int i = levels; i <= bins; i++) {
      double kl = divergence(c, i, suffix[i], levels, p, q);
      if (kl < best) {
        best = kl;
        bestI = i;
      }
    }
    return bestI == bins ? h.limit() : (float) (bestI * h.binWidth());
  }

  /** Mass moved to each empty bin by smoothing, in counts (MXNet's and ONNX Runtime's eps). */
  private static final double SMOOTHING = 1e-4;

  /**
   * KL(P || Q) of candidate {@code i}, both smoothed; {@code p} and {@code q} are scratch space of
   * at least {@code i}.
   */
  private static double divergence(
      long[] c, int i, long outliers, int levels, double[] p, double[] q) {
    for (int j = 0; j < i; j++) {
      p[j] = c[j];
    }
    p[i - 1] += outliers;
    int perGroup = i / levels;
    for (int g = 0; g < levels; g++) {
      int start = g * perGroup;
      int end = g == levels - 1 ? i : start + perGroup;
      long sum = 0;
      int nonZero = 0;
      for (int j = start; j < end; j++) {
        sum += c[j];
        if (p[j] != 0) {
          nonZero++;
        }
      }
      for (int j = start; j < end; j++) {
        q[j] = p[j] != 0 ? sum / (double) nonZero : 0;
      }
    }
    if (!smooth(p, i) || !smooth(q, i)) {
      return Double.POSITIVE_INFINITY;
    }
    double sumP = 0;
    double sumQ = 0;
    for (int j = 0; j < i; j++) {
      sumP += p[j];
      sumQ += q[j];
    }
    double kl = 0;
    for (int j = 0; j < i; j++) {
      double pn = p[j] / sumP;
      kl += pn * Math.log(pn / (q[j] / sumQ));
    }
    return kl;
  }

  /**
   * Gives each empty bin of {@code h[0, n)} {@link #SMOOTHING} counts, taken evenly from the
   * others; false when nothing is left positive (no distribution to compare).
   */
  private static boolean smooth(double[] h, int n) {
    int zeros = 0;
    for (int j = 0; j < n; j++) {
      if (h[j] == 0) {
        zeros++;
      }
    }
    if (zeros == n) {
      return false;
    }
    double take = SMOOTHING * zeros / (n - zeros);
    for (int j = 0; j < n; j++) {
      h[j] = h[j] == 0 ? SMOOTHING : h[j] - take;
      if (h[j] <= 0) {
        return false;
      }
    }
    return true;
  }
}
