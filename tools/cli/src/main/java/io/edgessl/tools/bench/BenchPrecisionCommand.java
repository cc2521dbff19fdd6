package io.edgessl.tools.bench;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.bundle.Precision;
import io.edgessl.encoder.Encoder;
import io.edgessl.image.Frame;
import io.edgessl.image.PixelFormat;
import io.edgessl.image.Preprocessor;
import io.edgessl.io.AtomicFiles;
import io.edgessl.io.Json;
import io.edgessl.kernels.KernelSupport;
import io.edgessl.knn.KnnClassifier;
import io.edgessl.knn.KnnIndex;
import io.edgessl.knn.Prediction;
import io.edgessl.metrics.ClassificationReport;
import io.edgessl.ort.OrtBackend;
import io.edgessl.tools.cli.DatasetOptions;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.tools.eval.KnnEvalCommand;
import io.edgessl.train.bench.Machine;
import io.edgessl.train.bench.OrtProfiles;
import io.edgessl.train.bench.Timing;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.eval.EncoderFeatures;
import io.edgessl.train.eval.KnnEval;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl bench precision}: every precision of a bundle in one run: k-NN top-1 by DINO's
 * protocol, the cosine similarity of its test embeddings to FP32's, and its throughput through the
 * inference backend (ONNX Runtime on the CPU), timed round-robin across the precisions so that the
 * load of a shared machine falls on all of them alike. Prints the table of docs/BENCHMARKS.md.
 */
@Command(
    name = "precision",
    mixinStandardHelpOptions = true,
    description = {
      "FP32 vs FP16 vs INT8 of one bundle, in the same run: k-NN top-1 (DINO protocol), cosine of"
          + " the test embeddings to FP32's, and encoder throughput (preprocessing + inference),"
          + " timed round-robin across precisions; the ratio to FP32 is the result.",
      "Prints the rows of the table in docs/BENCHMARKS.md."
    })
public final class BenchPrecisionCommand implements Callable<Integer> {
  @Mixin DatasetOptions dataset;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "BUNDLE",
      description = "The bundle (with encoder.fp32.onnx, and the fp16/int8 models to compare).")
  Path model;

  @Option(
      names = "--precisions",
      split = ",",
      description = "Precisions to compare. Default: every one the bundle has.")
  List<String> precisions;

  @Option(
      names = {"-k", "--k"},
      defaultValue = "20",
      description = "Neighbours. Default: ${DEFAULT-VALUE}.")
  int k;

  @Option(
      names = {"-T", "--temperature"},
      defaultValue = "0.07",
      description = "Vote temperature. Default: ${DEFAULT-VALUE}.")
  double temperature;

  @Option(
      names = "--threads",
      split = ",",
      defaultValue = "1",
      description =
          "Inference threads of the timed runs (a list gives one row per count). Default: ${DEFAULT-VALUE}.")
  List<Integer> threads;

  @Option(
      names = "--batch",
      defaultValue = "8",
      description = "Frames per inference in the timed runs. Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(
      names = "--frames",
      defaultValue = "64",
      description = "Test images per timed run. Default: ${DEFAULT-VALUE}.")
  int frames;

  @Option(
      names = "--runs",
      defaultValue = "7",
      description = "Timed runs per precision (median reported). Default: ${DEFAULT-VALUE}.")
  int runs;

  @Option(
      names = "--warmup",
      defaultValue = "2",
      description = "Untimed runs first. Default: ${DEFAULT-VALUE}.")
  int warmup;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
  Path json;

  @Option(
      names = "--profile",
      paramLabel = "DIR",
      description =
          "Profile the timed runs with ONNX Runtime and keep its optimized graphs in DIR (created):"
              + " prints each precision's kernel time per operator type and which operators the"
              + " graph fused into. Profiling slows the runs a little.")
  Path profile;

  @Spec CommandSpec spec;

  /** What one precision scored. */
  record Row(Precision precision, double top1, double top5, double cosMean, double cosMin) {}

  @Override
  public Integer call() throws EdgeSslException {
    if (frames <= 0 || runs <= 0 || warmup < 0 || batch <= 0 || batch > frames || k <= 0) {
      throw new IllegalArgumentException(
          "--frames, --runs, -k and --batch must be positive, --batch at most --frames, --warmup"
              + " not negative");
    }
    for (int t : threads) {
      if (t <= 0) {
        throw new IllegalArgumentException("--threads must be positive: " + t);
      }
    }
    if (json != null) {
      KnnEvalCommand.checkWritable(json);
    }
    ModelBundle bundle = ModelBundle.open(model);
    Manifest m = bundle.manifest();
    List<Precision> ps = new ArrayList<>();
    if (precisions == null) {
      ps.addAll(m.precisions().keySet());
    } else {
      for (String id : precisions) {
        ps.add(Precision.parse(id.trim()));
      }
    }
    if (!ps.contains(Precision.FP32) || !m.precisions().containsKey(Precision.FP32)) {
      throw new EdgeSslException(
          ErrorCode.UNAVAILABLE,
          "model bundle " + model + " has no fp32 model: the baseline of every comparison");
    }
    ps.remove(Precision.FP32);
    ps.add(0, Precision.FP32);
    for (Precision p : ps) {
      bundle.model(p); // fails now, naming the bundle, for a precision it does not have
    }
    LabelledImages train = dataset.train();
    LabelledImages test = dataset.test();
    int nThreads = Runtime.getRuntime().availableProcessors();

    // Accuracy: bank and queries embedded by each precision; cosine against FP32's queries.
    Map<Precision, Row> rows = new EnumMap<>(Precision.class);
    float[][] reference = null;
    String backend = null;
    for (Precision p : ps) {
      try (Encoder enc = Encoder.builder(bundle).precision(p).maxBatch(64).build();
          EncoderFeatures f = new EncoderFeatures(enc)) {
        backend = enc.backend();
        KnnIndex index = KnnEval.buildIndex(f, train, nThreads, TerminalProgress.SINK);
        float[][] q = new float[test.count()][];
        try (TerminalProgress pr =
            TerminalProgress.start("embedding " + test.name() + ", " + p.id(), test.count())) {
          for (int from = 0; from < q.length; from += 256) {
            int n = Math.min(256, q.length - from);
            float[][] part = new float[n][];
            f.embed(test, from, n, part);
            System.arraycopy(part, 0, q, from, n);
            pr.step(n);
          }
        }
        ClassificationReport rep = new ClassificationReport(test.classes());
        KnnClassifier c = KnnClassifier.builder(index).k(k).temperature(temperature).build();
        // Blocked searches of 512 queries over every core, as eval knn does: one query at a time
        // streams the whole bank per query (1.5 GB for a 60 000 x 6272 map-embedding bank).
        ExecutorService pool = Executors.newFixedThreadPool(nThreads);
        try (TerminalProgress pr = TerminalProgress.start("k-NN search, " + p.id(), q.length)) {
          for (int from = 0; from < q.length; from += 512) {
            int n = Math.min(512, q.length - from);
            Prediction[] preds = c.classify(Arrays.copyOfRange(q, from, from + n), pool);
            for (int i = 0; i < n; i++) {
              int[] ranked = new int[preds[i].size()];
              for (int r = 0; r < ranked.length; r++) {
                ranked[r] = preds[i].labelIndex(r);
              }
              rep.add(test.labels()[from + i], ranked);
            }
            pr.step(n);
          }
        } finally {
          pool.shutdownNow();
        }
        if (reference == null) {
          reference = q;
        }
        double sum = 0;
        double min = 1;
        for (int i = 0; i < q.length; i++) {
          double cs = cosine(reference[i], q[i]);
          sum += cs;
          min = Math.min(min, cs);
        }
        rows.put(p, new Row(p, rep.top1(), rep.top5(), sum / q.length, min));
      }
    }

    // Throughput: the same test frames, one inference thread count at a time, precisions
    // interleaved run by run.
    List<Frame> input = new ArrayList<>();
    for (int i = 0; i < frames; i++) {
      int j = i % test.count();
      input.add(
          Frame.builder(PixelFormat.GRAY, test.width(), test.height())
              .pixels(test.pixels())
              .offset(test.offset(j))
              .build());
    }
    double preFps = preprocessing(m, input);
    Map<Integer, Map<Precision, Double>> speed = new LinkedHashMap<>();
    if (profile != null) {
      try {
        Files.createDirectories(profile);
      } catch (IOException e) {
        throw new EdgeSslException(ErrorCode.IO, "cannot create " + profile + ": " + e, e);
      }
      System.setProperty(OrtBackend.DUMP_PROPERTY, profile.toString());
    }
    try {
      for (int t : threads) {
        speed.put(t, time(bundle, ps, input, t));
      }
    } finally {
      if (profile != null) {
        System.clearProperty(OrtBackend.DUMP_PROPERTY);
      }
    }

    PrintWriter out = spec.commandLine().getOut();
    String date = LocalDate.now().toString();
    String machine = Machine.describe();
    out.printf(
        Locale.ROOT,
        "precision benchmark: %s (%s, %s), %s on %s; Java %s; %s%n",
        model,
        m.name(),
        m.architecture(),
        backend + " " + backendVersion(),
        machine,
        Runtime.version(),
        date);
    out.printf(
        Locale.ROOT,
        "k-NN: DINO protocol, k %d, T %s, %,d train / %,d test images from %s; cosine: each test"
            + " embedding to FP32's%n",
        k,
        temperature,
        train.count(),
        test.count(),
        dataset.directory());
    out.printf(
        Locale.ROOT,
        "throughput: Encoder.embed (preprocessing + inference) of %d test images in batches of %d,"
            + " median of %d runs after %d warm-up runs, precisions interleaved; inference alone"
            + " = end to end less preprocessing alone (%.0f images/s on 1 thread, same images)%n%n",
        frames,
        batch,
        runs,
        warmup,
        preFps);
    out.println(
        "| date | model | precision | top-1 | Δ top-1 | cosine to FP32 (mean / min) | threads |"
            + " images/s end to end | vs FP32 | images/s inference | vs FP32 |");
    out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    Row ref = rows.get(Precision.FP32);
    for (int t : threads) {
      Map<Precision, Double> s = speed.get(t);
      double infer32 = inference(s.get(Precision.FP32), preFps);
      for (Precision p : ps) {
        Row r = rows.get(p);
        String b = p == Precision.FP32 ? "" : "**";
        double infer = inference(s.get(p), preFps);
        out.printf(
            Locale.ROOT,
            "| %s | %s | %s | %.2f %% | %+.2f | %.6f / %.6f | %d | %.1f | %.2f× | %.1f | %s%.2f×%s"
                + " |%n",
            date,
            m.name(),
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
    if (profile != null) {
      out.printf(Locale.ROOT, "%nONNX Runtime profiles and optimized graphs in %s:%n", profile);
      for (Precision p : ps) {
        String part = "encoder." + p.id() + ".onnx";
        OrtProfiles.print(
            out,
            p.id().toUpperCase(Locale.ROOT),
            OrtProfiles.kernelTimes(profile, part),
            OrtProfiles.optimizedOps(profile, part));
      }
    }
    if (json != null) {
      writeJson(rows, speed, preFps, machine, date, backend);
      out.println("results written to " + json);
    }
    out.flush();
    return 0;
  }

  /** Images per second of each precision at {@code t} threads, round-robin, medians. */
  private Map<Precision, Double> time(
      ModelBundle bundle, List<Precision> ps, List<Frame> input, int t) throws EdgeSslException {
    List<Encoder> encoders = new ArrayList<>();
    try {
      for (Precision p : ps) {
        encoders.add(Encoder.builder(bundle).precision(p).threads(t).maxBatch(batch).build());
      }
      List<List<Frame>> groups = new ArrayList<>();
      for (int i = 0; i + batch <= input.size(); i += batch) {
        groups.add(input.subList(i, i + batch));
      }
      int done = groups.size() * batch;
      double[][] secs = new double[ps.size()][runs];
      try (TerminalProgress pr =
          TerminalProgress.start(
              "timing, " + t + " thread(s)", (long) (warmup + runs) * ps.size())) {
        for (int r = -warmup; r < runs; r++) {
          for (int i = 0; i < encoders.size(); i++) {
            long t0 = System.nanoTime();
            for (List<Frame> g : groups) {
              encoders.get(i).embed(g);
            }
            if (r >= 0) {
              secs[i][r] = (System.nanoTime() - t0) / 1e9;
            }
            pr.step(1);
          }
        }
      }
      Map<Precision, Double> out = new EnumMap<>(Precision.class);
      for (int i = 0; i < ps.size(); i++) {
        out.put(ps.get(i), done / Timing.median(secs[i]));
      }
      return out;
    } finally {
      for (Encoder e : encoders) {
        e.close();
      }
    }
  }

  /**
   * Inference alone, from end to end and preprocessing alone: per-image times subtract. NaN when
   * noise makes preprocessing look as slow as the whole.
   */
  static double inference(double endToEnd, double preprocessing) {
    double t = 1 / endToEnd - 1 / preprocessing;
    return t > 0 ? 1 / t : Double.NaN;
  }

  /** Images per second of the bundle's preprocessing alone, on this thread, median of runs. */
  private double preprocessing(Manifest m, List<Frame> input) {
    Preprocessor pre = new Preprocessor(m.preprocessing(), KernelSupport.get());
    FloatBuffer buf =
        ByteBuffer.allocateDirect(4 * batch * pre.outputSize())
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    double[] secs =
        Timing.measure(
            "preprocessing",
            warmup,
            runs,
            () -> {
              for (int i = 0; i < input.size(); i++) {
                pre.run(input.get(i), buf, (i % batch) * pre.outputSize());
              }
            },
            TerminalProgress.SINK);
    return input.size() / Timing.median(secs);
  }

  private static String backendVersion() {
    try {
      return ((OrtBackend) io.edgessl.encoder.Backends.get("onnxruntime")).version();
    } catch (EdgeSslException | ClassCastException e) {
      return "";
    }
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }

  private void writeJson(
      Map<Precision, Row> rows,
      Map<Integer, Map<Precision, Double>> speed,
      double preFps,
      String machine,
      String date,
      String backend)
      throws EdgeSslException {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("bundle", model.toString());
    j.put("date", date);
    j.put("machine", machine);
    j.put("backend", backend + " " + backendVersion());
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
    j.put("preprocessing_images_per_s", preFps);
    try {
      AtomicFiles.write(json, Json.writePretty(j).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot write " + json + ": " + e, e);
    }
  }
}
