package io.edgessl.train.quantize;

import io.edgessl.bundle.Precision;
import io.edgessl.onnx.quant.QdqQuantizer;
import io.edgessl.onnx.quant.QuantLayer;
import io.edgessl.train.quantize.QuantizeResult.LayerScore;
import io.edgessl.train.quantize.QuantizeResult.Metrics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A {@link QuantizeResult} as {@code edgessl quantize} prints it and writes it as JSON. */
public final class Reports {
  private Reports() {}

  /** The quantizable layers, numbered, with their inputs. */
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

  /** The sensitivity table, when the run analysed it. */
  public static void printSensitivity(PrintWriter out, QuantizeResult r) {
    if (r.int8() == null || r.int8().sensitivity() == null) {
      return;
    }
    Metrics base = r.int8().allInt8();
    boolean top1 = base.hasTop1();
    out.printf(
        Locale.ROOT,
        "sensitivity: each layer alone left in float, the rest int8 (%s)%n",
        r.evaluation());
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
                100 * r.scores().get(Precision.FP32).top1())
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
    for (LayerScore l : r.int8().sensitivity()) {
      Metrics k = l.floatKept();
      out.printf(
          Locale.ROOT,
          "  %4d  %-32s %-7s %10.6f %+10.6f%s%n",
          ++i,
          l.layer().node(),
          l.layer().opType(),
          k.meanCosine(),
          k.meanCosine() - base.meanCosine(),
          top1
              ? String.format(
                  Locale.ROOT, " %7.2f%% %+7.2f", 100 * k.top1(), 100 * (k.top1() - base.top1()))
              : "");
    }
  }

  /** The INT8 line: layers quantized and in float, the calibration. */
  public static void printInt8(PrintWriter out, QuantizeResult r) {
    QuantizeResult.Int8 q = r.int8();
    if (q == null) {
      return;
    }
    out.printf(
        Locale.ROOT,
        "  int8: %d layers quantized, %d in float; %s calibration on %s (%.1f s)%n",
        q.quantizedCount(),
        q.layers().size() - q.quantizedCount(),
        q.method().id(),
        q.calibration(),
        q.calibrationSeconds());
  }

  /** The table of every model's file, size and scores. */
  public static void printScores(PrintWriter out, QuantizeResult r) {
    Map<Precision, Metrics> scores = r.scores();
    boolean top1 = scores.get(Precision.FP32).hasTop1();
    out.printf(Locale.ROOT, "scores (%s):%n", r.evaluation());
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
    for (Map.Entry<Precision, Metrics> e : scores.entrySet()) {
      Precision p = e.getKey();
      Metrics s = e.getValue();
      QuantizeResult.ModelFile f = r.models().get(p);
      out.printf(
          Locale.ROOT,
          "  %-9s %-20s %,12d %12.6f %12.6f%s%n",
          p.id(),
          f.file(),
          f.bytes(),
          s.meanCosine(),
          s.minCosine(),
          top1
              ? String.format(
                  Locale.ROOT, " %7.2f%% %+8.2f", 100 * s.top1(), 100 * (s.top1() - ref))
              : "");
    }
  }

  /** The JSON report: bundle, evaluation, sensitivity and int8 when done, scores. */
  public static Map<String, Object> json(QuantizeResult r) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("bundle", r.bundle().toString());
    json.put("evaluation", r.evaluation());
    QuantizeResult.Int8 q = r.int8();
    if (q != null && q.sensitivity() != null) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("all_int8", metrics(q.allInt8()));
      List<Object> l = new ArrayList<>();
      for (LayerScore s : q.sensitivity()) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("layer", s.layer().node());
        e.put("op", s.layer().opType());
        e.put("weight", s.layer().weight());
        e.put("float_kept", metrics(s.floatKept()));
        l.add(e);
      }
      m.put("ranked", l);
      json.put("sensitivity", m);
    }
    if (q != null) {
      json.put("int8", int8Json(q));
    }
    Map<String, Object> scores = new LinkedHashMap<>();
    r.scores().forEach((p, s) -> scores.put(p.id(), metrics(s)));
    json.put("scores", scores);
    return json;
  }

  private static Map<String, Object> int8Json(QuantizeResult.Int8 q) {
    QdqQuantizer.Options o = q.options();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("description", q.description());
    m.put("activations", o.activations().id());
    m.put("quantize_products", o.activationProducts());
    m.put("float_layers", new ArrayList<>(o.keepFloat()));
    List<Object> l = new ArrayList<>();
    for (QuantLayer layer : q.layers()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("layer", layer.node());
      e.put("op", layer.opType());
      e.put("activations", layer.activations());
      e.put("weight", layer.weight());
      e.put("float", q.inFloat(layer));
      l.add(e);
    }
    m.put("layers", l);
    Map<String, Object> r = new LinkedHashMap<>();
    q.ranges().forEach((t, v) -> r.put(t, List.of((double) v.min(), (double) v.max())));
    m.put("ranges", r);
    return m;
  }

  private static Map<String, Object> metrics(Metrics s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cosine_mean", s.meanCosine());
    m.put("cosine_min", s.minCosine());
    m.put("top1", s.hasTop1() ? s.top1() : null);
    return m;
  }
}
