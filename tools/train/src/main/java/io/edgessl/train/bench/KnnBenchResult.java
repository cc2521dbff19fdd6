package io.edgessl.train.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link KnnBench} measured.
 *
 * @param source the bank, in words
 * @param count bank vectors
 * @param dim their dimension
 * @param k neighbours searched
 * @param runs timed runs per method
 * @param warmup untimed runs first
 * @param rows every method, the naive loop first
 * @param nativeLine the native kernels selected and available, in words
 * @param blockedIsNaive whether the Java blocked search found the naive loop's neighbours
 * @param exact the exact neighbours' slots, queries x k
 */
public record KnnBenchResult(
    String source,
    int count,
    int dim,
    int k,
    int runs,
    int warmup,
    List<Row> rows,
    String nativeLine,
    boolean blockedIsNaive,
    int[] exact) {

  /** One measured method: the seconds of each timed run and its recall@k. */
  public record Row(
      String method,
      String kernels,
      String precision,
      int queries,
      double[] seconds,
      double recall) {
    /** Queries per second, from the median run. */
    public double qps() {
      return queries / Timing.median(seconds);
    }
  }

  /** The table {@code edgessl bench knn} prints. */
  public void print(PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "k-NN search: bank %,d x %d (%s), k %d, 1 thread, median of %d interleaved runs after %d"
            + " warm-up%n",
        count,
        dim,
        source,
        k,
        runs,
        warmup);
    out.printf(
        Locale.ROOT,
        "  %-44s %8s %12s %9s %10s %10s%n",
        "method",
        "queries",
        "queries/s",
        "GOP/s",
        "vs naive",
        "recall@" + k);
    double base = rows.get(0).qps();
    for (Row r : rows) {
      out.printf(
          Locale.ROOT,
          "  %-44s %8d %12.1f %9.2f %9.2fx %10.4f%n",
          r.method(),
          r.queries(),
          r.qps(),
          r.qps() * count * dim * 2 / 1e9,
          r.qps() / base,
          r.recall());
    }
    out.printf(
        Locale.ROOT, "  (GOP/s: 2 x bank size x dimension per query, whatever the precision)%n");
    out.printf(Locale.ROOT, "  %s%n", nativeLine);
    out.printf(Locale.ROOT, "  (%s)%n", Machine.java());
  }

  /** The JSON report. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bank", source);
    m.put("count", (long) count);
    m.put("dimension", (long) dim);
    m.put("k", (long) k);
    m.put("runs", (long) runs);
    m.put("warmup", (long) warmup);
    m.put("threads", 1L);
    m.put("java", Runtime.version().toString());
    m.put("native", nativeLine);
    List<Object> list = new ArrayList<>();
    for (Row r : rows) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("method", r.method());
      e.put("kernels", r.kernels());
      e.put("precision", r.precision());
      e.put("queries", (long) r.queries());
      e.put("queries_per_second", r.qps());
      e.put("recall", r.recall());
      List<Object> secs = new ArrayList<>();
      for (double s : r.seconds()) {
        secs.add(s);
      }
      e.put("seconds", secs);
      list.add(e);
    }
    m.put("rows", list);
    return m;
  }
}
