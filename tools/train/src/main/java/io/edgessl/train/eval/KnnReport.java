package io.edgessl.train.eval;

import io.edgessl.metrics.ClassificationReport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A {@link KnnEval.Run} as {@code edgessl eval knn} and {@code edgessl demo} print it. */
public final class KnnReport {
  private KnnReport() {}

  /** Prints the report of a run. */
  public static void print(PrintWriter out, KnnEval.Run run, String source, boolean perClass) {
    out.printf(Locale.ROOT, "EdgeSSL k-NN evaluation (DINO protocol)%n");
    out.printf(
        Locale.ROOT,
        "  data      %,d train / %,d test images from %s%n",
        run.trainCount(),
        run.testCount(),
        source);
    out.printf(Locale.ROOT, "  encoder   %s (dimension %d)%n", run.encoder(), run.dimension());
    out.printf(
        Locale.ROOT,
        "  embed     %,.0f images/s (%.1f s)%n",
        run.imagesPerSecond(),
        run.embedSeconds());
    out.printf(
        Locale.ROOT,
        "  search    %,.0f queries/s against %,d vectors (%.1f s, kernels %s, %d threads)%n",
        run.queriesPerSecond(),
        run.trainCount(),
        run.searchSeconds(),
        run.kernels(),
        run.threads());
    out.println();
    out.printf(Locale.ROOT, "  %5s  %6s  %-8s  %8s  %8s%n", "k", "T", "vote", "top-1", "top-5");
    for (KnnEval.Result r : run.results()) {
      KnnEval.Setting s = r.setting();
      out.printf(
          Locale.ROOT,
          "  %5d  %6.3f  %-8s  %7.2f%%  %7.2f%%%n",
          s.k(),
          s.temperature(),
          s.vote().name().toLowerCase(Locale.ROOT),
          100 * r.report().top1(),
          100 * r.report().top5());
    }
    if (perClass) {
      KnnEval.Result first = run.results().get(0);
      ClassificationReport rep = first.report();
      out.println();
      out.printf(Locale.ROOT, "  per-class top-1 (k = %d):%n", first.setting().k());
      for (int c = 0; c < rep.classes().size(); c++) {
        out.printf(
            Locale.ROOT, "    %-14s %6.2f%%%n", rep.classes().get(c), 100 * rep.classAccuracy(c));
      }
    }
  }

  /** The run as a JSON object. */
  public static Map<String, Object> toJson(KnnEval.Run run) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("encoder", run.encoder());
    m.put("dimension", run.dimension());
    m.put("train", run.trainCount());
    m.put("test", run.testCount());
    m.put("kernels", run.kernels());
    m.put("threads", run.threads());
    m.put("embed_images_per_s", run.imagesPerSecond());
    m.put("search_queries_per_s", run.queriesPerSecond());
    List<Object> rs = new ArrayList<>();
    for (KnnEval.Result r : run.results()) {
      ClassificationReport rep = r.report();
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("k", r.setting().k());
      e.put("temperature", r.setting().temperature());
      e.put("vote", r.setting().vote().name().toLowerCase(Locale.ROOT));
      e.put("top1", rep.top1());
      e.put("top5", rep.top5());
      Map<String, Object> pc = new LinkedHashMap<>();
      for (int c = 0; c < rep.classes().size(); c++) {
        double a = rep.classAccuracy(c);
        pc.put(rep.classes().get(c), Double.isNaN(a) ? null : a); // null: no test example
      }
      e.put("per_class_top1", pc);
      e.put("confusion", List.of(rep.confusion()));
      rs.add(e);
    }
    m.put("results", rs);
    return m;
  }
}
