package io.edgessl.train.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@link SoakBench} run measured: the samples, each quantity's least-squares slope per 10
 * 000 frames over the samples after the warm-up, and the bounds it broke.
 *
 * @param at frames done at each sample
 * @param samples the readings, one per entry of {@code at}
 * @param nmt whether Native Memory Tracking was on (else the native column is NaN, not checked)
 * @param top1 fraction of streamed frames classified as their label
 * @param seconds wall time of the streamed frames (sampling included)
 */
public record SoakResult(
    SoakConfig config,
    String backend,
    String kernels,
    List<String> formats,
    List<Long> at,
    List<ProcessProbe.Reading> samples,
    boolean nmt,
    double top1,
    long enrolled,
    long forgotten,
    double seconds) {

  /** The slope of each column ({@link ProcessProbe#COLUMNS}) per 10 000 frames; NaN if unknown. */
  public double[] slopes() {
    int from = Math.min(config.warmupSamples(), samples.size());
    double[] out = new double[ProcessProbe.COLUMNS.size()];
    for (int c = 0; c < out.length; c++) {
      List<double[]> points = new ArrayList<>();
      for (int i = from; i < samples.size(); i++) {
        points.add(new double[] {at.get(i) / 10_000.0, samples.get(i).get(c)});
      }
      out[c] = slope(points);
    }
    return out;
  }

  /** Least-squares slope of y on x; NaN with fewer than two points or a NaN value. */
  static double slope(List<double[]> points) {
    int n = points.size();
    if (n < 2) {
      return Double.NaN;
    }
    double mx = 0;
    double my = 0;
    for (double[] p : points) {
      mx += p[0];
      my += p[1];
    }
    mx /= n;
    my /= n;
    double sxy = 0;
    double sxx = 0;
    for (double[] p : points) {
      sxy += (p[0] - mx) * (p[1] - my);
      sxx += (p[0] - mx) * (p[0] - mx);
    }
    return sxx == 0 ? Double.NaN : sxy / sxx;
  }

  private double bound(int column) {
    SoakConfig.Bounds b = config.bounds();
    return b == null
        ? Double.NaN
        : new ProcessProbe.Reading(b.heapMiB(), b.nativeMiB(), b.rssMiB(), b.fds(), b.threads())
            .get(column);
  }

  /**
   * The bounds this run broke, one line each (empty when it passed or has no bounds). A slope that
   * could not be computed breaks its bound, except the native one when NMT is off.
   */
  public List<String> violations() {
    List<String> out = new ArrayList<>();
    double[] s = slopes();
    for (int c = 0; c < s.length; c++) {
      double bound = bound(c);
      if (Double.isNaN(bound) || (c == 1 && !nmt)) {
        continue;
      }
      if (Double.isNaN(s[c]) || s[c] > bound) {
        out.add(
            String.format(
                Locale.ROOT,
                "%s grows %.3f per 10 000 frames (bound %.3f)",
                ProcessProbe.COLUMNS.get(c),
                s[c],
                bound));
      }
    }
    return out;
  }

  /** Prints the samples and the slope table. */
  public void print(PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "soak: %d frames of %s through %s (backend %s; kernels %s) in %.1f s (%.0f frames/s)%n",
        config.frames(),
        String.join(", ", formats),
        config.model().getFileName(),
        backend,
        kernels,
        seconds,
        config.frames() / seconds);
    out.printf(
        Locale.ROOT,
        "bank %d examples, k %d; enrolled %d, forgot %d; top-1 of the streamed frames %.4f%n",
        config.bank(),
        config.k(),
        enrolled,
        forgotten,
        top1);
    out.printf("%10s", "frames");
    for (String c : ProcessProbe.COLUMNS) {
      out.printf(" %20s", c);
    }
    out.println();
    for (int i = 0; i < samples.size(); i++) {
      out.printf(Locale.ROOT, "%10d", at.get(i));
      for (int c = 0; c < ProcessProbe.COLUMNS.size(); c++) {
        out.printf(Locale.ROOT, " %20.2f", samples.get(i).get(c));
      }
      out.println(i < config.warmupSamples() ? "   (warm-up)" : "");
    }
    double[] s = slopes();
    out.printf("%n| quantity | slope per 10 000 frames | bound |%n|---|---|---|%n");
    for (int c = 0; c < s.length; c++) {
      double b = bound(c);
      out.printf(
          Locale.ROOT,
          "| %s | %s | %s |%n",
          ProcessProbe.COLUMNS.get(c),
          c == 1 && !nmt ? "n/a (NMT off)" : String.format(Locale.ROOT, "%+.3f", s[c]),
          Double.isNaN(b) ? "-" : String.format(Locale.ROOT, "%.3f", b));
    }
    List<String> v = violations();
    out.println(v.isEmpty() ? "soak: PASS" : "soak: FAIL: " + String.join("; ", v));
  }

  /** The result as JSON-ready maps. */
  public Map<String, Object> toJson() {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("model", config.model().toString());
    j.put("backend", backend);
    j.put("kernels", kernels);
    j.put("frames", config.frames());
    j.put("seconds", seconds);
    j.put("top1", top1);
    j.put("nmt", nmt);
    List<Object> rows = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("frames", at.get(i));
      for (int c = 0; c < ProcessProbe.COLUMNS.size(); c++) {
        r.put(ProcessProbe.COLUMNS.get(c), samples.get(i).get(c));
      }
      rows.add(r);
    }
    j.put("samples", rows);
    Map<String, Object> slopes = new LinkedHashMap<>();
    double[] s = slopes();
    for (int c = 0; c < s.length; c++) {
      slopes.put(ProcessProbe.COLUMNS.get(c), s[c]);
    }
    j.put("slopes_per_10k_frames", slopes);
    j.put("violations", violations());
    return j;
  }
}
