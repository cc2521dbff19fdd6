package io.edgessl.train.bench;

import io.edgessl.EdgeSslException;
import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.Precision;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link PrecisionBench} measured.
 *
 * @param config what was asked for
 * @param manifest the bundle's manifest
 * @param backend the inference backend and its version
 * @param machine the machine, in words
 * @param date the day of the run (ISO)
 * @param trainCount bank images
 * @param testCount query images
 * @param precisions the precisions compared, FP32 first
 * @param rows each precision's accuracy
 * @param speed images per second end to end, by thread count then precision
 * @param preprocessingFps images per second of preprocessing alone, on one thread
 */
public record PrecisionBenchResult(
    PrecisionBenchConfig config,
    Manifest manifest,
    String backend,
    String machine,
    String date,
    int trainCount,
    int testCount,
    List<Precision> precisions,
    Map<Precision, Row> rows,
    Map<Integer, Map<Precision, Double>> speed,
    double preprocessingFps) {

  /** What one precision scored: k-NN top-1 and top-5, cosine of its embeddings to FP32's. */
  public record Row(Precision precision, double top1, double top5, double cosMean, double cosMin) {}

  /**
   * Inference alone, from end to end and preprocessing alone: per-image times subtract. NaN when
   * noise makes preprocessing look as slow as the whole.
   */
  public static double inference(double endToEnd, double preprocessing) {
    double t = 1 / endToEnd - 1 / preprocessing;
    return t > 0 ? 1 / t : Double.NaN;
  }

  /**
   * The rows of the table in docs/BENCHMARKS.md, with a header saying how they were measured and,
   * when profiled, each precision's kernel time per operator type.
   *
   * @param dataSource where the images came from, in words
   */
  public void print(PrintWriter out, String dataSource) throws EdgeSslException {
    PrecisionBenchConfig c = config;
    out.printf(
        Locale.ROOT,
        "precision benchmark: %s (%s, %s), %s on %s; Java %s; %s%n",
        c.bundle(),
        manifest.name(),
        manifest.architecture(),
        backend,
        machine,
        Runtime.version(),
        date);
    out.printf(
        Locale.ROOT,
        "k-NN: DINO protocol, k %d, T %s, %,d train / %,d test images from %s; cosine: each test"
            + " embedding to FP32's%n",
        c.k(),
        c.temperature(),
        trainCount,
        testCount,
        dataSource);
    out.printf(
        Locale.ROOT,
        "throughput: Encoder.embed (preprocessing + inference) of %d test images in batches of %d,"
            + " median of %d runs after %d warm-up runs, precisions interleaved; inference alone"
            + " = end to end less preprocessing alone (%.0f images/s on 1 thread, same images)%n%n",
        c.frames(),
        c.batch(),
        c.runs(),
        c.warmup(),
        preprocessingFps);
    out.println(
        "| date | model | precision | top-1 | Δ top-1 | cosine to FP32 (mean / min) | threads |"
            + " images/s end to end | vs FP32 | images/s inference | vs FP32 |");
    out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    Row ref = rows.get(Precision.FP32);
    for (int t : c.threads()) {
      Map<Precision, Double> s = speed.get(t);
      double infer32 = inference(s.get(Precision.FP32), preprocessingFps);
      for (Precision p : precisions) {
        Row r = rows.get(p);
        String b = p == Precision.FP32 ? "" : "**";
        double infer = inference(s.get(p), preprocessingFps);
        out.printf(
            Locale.ROOT,
            "| %s | %s | %s | %.2f %% | %+.2f | %.6f / %.6f | %d | %.1f | %.2f× | %.1f | %s%.2f×%s"
                + " |%n",
            date,
            manifest.name(),
            p.id().toUpperCase(Locale.ROOT),
            100 * r.top1(),
            100 * (r.top1() - ref.top1()),
            r.cosMean(),
            r.cosMin(),
            t,
            s.get(p),
            s.get(p) / s.get(Precision.FP32),
            infer,
            b,
            infer / infer32,
            b);
      }
    }
    Path profile = c.profile();
    if (profile != null) {
      out.printf(Locale.ROOT, "%nONNX Runtime profiles and optimized graphs in %s:%n", profile);
      for (Precision p : precisions) {
        String part = "encoder." + p.id() + ".onnx";
        OrtProfiles.print(
            out,
            p.id().toUpperCase(Locale.ROOT),
            OrtProfiles.kernelTimes(profile, part),
            OrtProfiles.optimizedOps(profile, part));
      }
    }
  }

  /** The JSON report. */
  public Map<String, Object> toJson() {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("bundle", config.bundle().toString());
    j.put("date", date);
    j.put("machine", machine);
    j.put("backend", backend);
    j.put("java", Runtime.version().toString());
    Map<String, Object> acc = new LinkedHashMap<>();
    rows.forEach(
        (p, r) -> {
          Map<String, Object> e = new LinkedHashMap<>();
          e.put("top1", r.top1());
          e.put("top5", r.top5());
          e.put("cosine_mean", r.cosMean());
          e.put("cosine_min", r.cosMin());
          acc.put(p.id(), e);
        });
    j.put("accuracy", acc);
    Map<String, Object> sp = new LinkedHashMap<>();
    speed.forEach(
        (t, s) -> {
          Map<String, Object> e = new LinkedHashMap<>();
          s.forEach((p, v) -> e.put(p.id(), v));
          sp.put(Integer.toString(t), e);
        });
    j.put("images_per_s_by_threads", sp);
    j.put("preprocessing_images_per_s", preprocessingFps);
    return j;
  }
}
