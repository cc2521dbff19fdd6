package io.edgessl.train.quantize;

import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.bundle.Precision;
import io.edgessl.onnx.quant.QdqQuantizer;
import io.edgessl.onnx.quant.QuantLayer;
import io.edgessl.onnx.quant.Range;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What {@code edgessl quantize} prints and writes as JSON. */
public final class Reports {
  private Reports() {}

  public static void printLayers(PrintWriter out, List<QuantLayer> layers) {
    out.printf(
        Locale.ROOT, "%d quantizable layers (name them in --keep-fp32-layers):%n", layers.size());
    out.printf(Locale.ROOT, "  %4s  %-32s %-7s %s%n", "#", "layer", "op", "inputs");
    int i = 0;
    for (QuantLayer l : layers) {
      out.printf(
          Locale.ROOT,
          "  %4d  %-32s %-7s %s%n",
          ++i,
          l.node(),
          l.opType(),
          l.weight() != null
              ? String.join(", ", l.activations()) + " x " + l.weight()
              : String.join(" x ", l.activations()) + " (activations)");
    }
  }

  public static void printSensitivity(
      PrintWriter out,
      Evaluation ev,
      Evaluation.Metrics base,
      List<Sensitivity.LayerResult> ranked) {
    boolean top1 = base.hasTop1();
    out.printf(
        Locale.ROOT,
        "sensitivity: each layer alone left in float, the rest int8 (%s)%n",
        ev.describe());
    out.printf(
        Locale.ROOT,
        "  all int8: cosine to fp32 %.6f (min %.6f)%s%n",
        base.meanCosine(),
        base.minCosine(),
        top1
            ? String.format(
                Locale.ROOT,
                ", top-1 %.2f %% (fp32 %.2f %%)",
                100 * base.top1(),
                100 * ev.fp32().top1())
            : "");
    out.printf(
        Locale.ROOT,
        "  %4s  %-32s %-7s %10s %10s%s%n",
        "rank",
        "layer kept in float",
        "op",
        "cosine",
        "gain",
        top1 ? String.format(Locale.ROOT, " %8s %8s", "top-1", "gain") : "");
    int i = 0;
    for (Sensitivity.LayerResult r : ranked) {
      Evaluation.Metrics k = r.floatKept();
      out.printf(
          Locale.ROOT,
          "  %4d  %-32s %-7s %10.6f %+10.6f%s%n",
          ++i,
          r.layer().node(),
          r.layer().opType(),
          k.meanCosine(),
          k.meanCosine() - base.meanCosine(),
          top1
              ? String.format(
                  Locale.ROOT, " %7.2f%% %+7.2f", 100 * k.top1(), 100 * (k.top1() - base.top1()))
              : "");
    }
  }

  public static Map<String, Object> sensitivityJson(
      Evaluation.Metrics base, List<Sensitivity.LayerResult> ranked) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("all_int8", metrics(base));
    List<Object> l = new ArrayList<>();
    for (Sensitivity.LayerResult r : ranked) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("layer", r.layer().node());
      e.put("op", r.layer().opType());
      e.put("weight", r.layer().weight());
      e.put("float_kept", metrics(r.floatKept()));
      l.add(e);
    }
    m.put("ranked", l);
    return m;
  }

  public static Map<String, Object> int8Json(
      String how, List<QuantLayer> layers, QdqQuantizer.Options o, Map<String, Range> ranges) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("description", how);
    m.put("activations", o.activations().id());
    m.put("quantize_products", o.activationProducts());
    m.put("float_layers", new ArrayList<>(o.keepFloat()));
    List<Object> l = new ArrayList<>();
    for (QuantLayer q : layers) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("layer", q.node());
      e.put("op", q.opType());
      e.put("activations", q.activations());
      e.put("weight", q.weight());
      e.put(
          "float",
          o.keepFloat().contains(q.node()) || (q.weight() == null && !o.activationProducts()));
      l.add(e);
    }
    m.put("layers", l);
    Map<String, Object> r = new LinkedHashMap<>();
    ranges.forEach((t, v) -> r.put(t, List.of((double) v.min(), (double) v.max())));
    m.put("ranges", r);
    return m;
  }

  public static void printScores(
      PrintWriter out,
      Evaluation ev,
      Manifest m,
      ModelBundle bundle,
      Map<Precision, byte[]> models,
      Map<Precision, Evaluation.Metrics> scores) {
    boolean top1 = scores.get(Precision.FP32).hasTop1();
    out.printf(Locale.ROOT, "scores (%s):%n", ev.describe());
    out.printf(
        Locale.ROOT,
        "  %-9s %-20s %12s %12s %12s%s%n",
        "precision",
        "file",
        "bytes",
        "cosine mean",
        "cosine min",
        top1 ? String.format(Locale.ROOT, " %8s %8s", "top-1", "delta") : "");
    double ref = scores.get(Precision.FP32).top1();
    for (Map.Entry<Precision, Evaluation.Metrics> e : scores.entrySet()) {
      Precision p = e.getKey();
      Evaluation.Metrics s = e.getValue();
      String file = p == Precision.FP32 ? m.precisions().get(p) : "encoder." + p.id() + ".onnx";
      long bytes = p == Precision.FP32 ? bundle.sizes().get(file) : models.get(p).length;
      out.printf(
          Locale.ROOT,
          "  %-9s %-20s %,12d %12.6f %12.6f%s%n",
          p.id(),
          file,
          bytes,
          s.meanCosine(),
          s.minCosine(),
          top1
              ? String.format(
                  Locale.ROOT, " %7.2f%% %+8.2f", 100 * s.top1(), 100 * (s.top1() - ref))
              : "");
    }
  }

  public static Map<String, Object> scoresJson(Map<Precision, Evaluation.Metrics> scores) {
    Map<String, Object> m = new LinkedHashMap<>();
    scores.forEach((p, s) -> m.put(p.id(), metrics(s)));
    return m;
  }

  private static Map<String, Object> metrics(Evaluation.Metrics s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cosine_mean", s.meanCosine());
    m.put("cosine_min", s.minCosine());
    m.put("top1", s.hasTop1() ? s.top1() : null);
    return m;
  }
}
