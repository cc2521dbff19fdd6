package io.edgessl.train.bench;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.bundle.Precision;
import io.edgessl.encoder.Backends;
import io.edgessl.encoder.Encoder;
import io.edgessl.image.Frame;
import io.edgessl.image.Preprocessor;
import io.edgessl.knn.KnnClassifier;
import io.edgessl.knn.KnnIndex;
import io.edgessl.knn.Prediction;
import io.edgessl.metrics.ClassificationReport;
import io.edgessl.ort.OrtBackend;
import io.edgessl.train.Progress;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.eval.EncoderFeatures;
import io.edgessl.train.eval.KnnEval;
import io.edgessl.train.eval.Similarity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Every precision of a bundle in one run: k-NN top-1 by DINO's protocol, the cosine similarity of
 * its test embeddings to FP32's, and its throughput through the inference backend (ONNX Runtime on
 * the CPU), timed round-robin across the precisions so that the load of a shared machine falls on
 * all of them alike.
 */
public final class PrecisionBench {
  private final PrecisionBenchConfig config;
  private final Progress progress;

  private PrecisionBench(PrecisionBenchConfig config, Progress progress) {
    this.config = config;
    this.progress = progress;
  }

  /**
   * Measures every precision of the bundle on {@code train} (the bank) and {@code test}.
   *
   * @throws EdgeSslException when the bundle has no FP32 model or lacks a precision asked for, or a
   *     model fails to run
   */
  public static PrecisionBenchResult run(
      PrecisionBenchConfig config, LabelledImages train, LabelledImages test, Progress progress)
      throws EdgeSslException {
    return new PrecisionBench(config, progress).run(train, test);
  }

  private PrecisionBenchResult run(LabelledImages train, LabelledImages test)
      throws EdgeSslException {
    ModelBundle bundle = ModelBundle.open(config.bundle());
    Manifest m = bundle.manifest();
    List<Precision> ps =
        new ArrayList<>(
            config.precisions() == null ? m.precisions().keySet() : config.precisions());
    if (!ps.contains(Precision.FP32) || !m.precisions().containsKey(Precision.FP32)) {
      throw new EdgeSslException(
          ErrorCode.UNAVAILABLE,
          "model bundle "
              + config.bundle()
              + " has no fp32 model: the baseline of every comparison");
    }
    ps.remove(Precision.FP32);
    ps.add(0, Precision.FP32);
    for (Precision p : ps) {
      bundle.model(p); // fails now, naming the bundle, for a precision it does not have
    }
    int nThreads = Runtime.getRuntime().availableProcessors();

    // Accuracy: bank and queries embedded by each precision; cosine against FP32's queries.
    Map<Precision, PrecisionBenchResult.Row> rows = new EnumMap<>(Precision.class);
    float[][] reference = null;
    String backend = null;
    for (Precision p : ps) {
      try (Encoder enc = Encoder.builder(bundle).precision(p).maxBatch(64).build();
          EncoderFeatures f = new EncoderFeatures(enc)) {
        backend = enc.backend();
        KnnIndex index = KnnEval.buildIndex(f, train, nThreads, progress);
        float[][] q = embed(f, test, p);
        ClassificationReport rep = classify(index, q, test, p, nThreads);
        if (reference == null) {
          reference = q;
        }
        double sum = 0;
        double min = 1;
        for (int i = 0; i < q.length; i++) {
          double cs = Similarity.cosine(reference[i], q[i]);
          sum += cs;
          min = Math.min(min, cs);
        }
        rows.put(p, new PrecisionBenchResult.Row(p, rep.top1(), rep.top5(), sum / q.length, min));
      }
    }

    // Throughput: the same test frames, one inference thread count at a time, precisions
    // interleaved run by run.
    List<Frame> input = new ArrayList<>();
    for (int i = 0; i < config.frames(); i++) {
      input.add(test.frame(i % test.count()));
    }
    double preFps = preprocessing(m, input);
    Map<Integer, Map<Precision, Double>> speed = new LinkedHashMap<>();
    Path profile = config.profile();
    if (profile != null) {
      try {
        Files.createDirectories(profile);
      } catch (IOException e) {
        throw new EdgeSslException(ErrorCode.IO, "cannot create " + profile + ": " + e, e);
      }
      System.setProperty(OrtBackend.DUMP_PROPERTY, profile.toString());
    }
    try {
      for (int t : config.threads()) {
        speed.put(t, time(bundle, ps, input, t));
      }
    } finally {
      if (profile != null) {
        System.clearProperty(OrtBackend.DUMP_PROPERTY);
      }
    }
    return new PrecisionBenchResult(
        config,
        m,
        backend + " " + backendVersion(),
        Machine.describe(),
        LocalDate.now().toString(),
        train.count(),
        test.count(),
        ps,
        rows,
        speed,
        preFps);
  }

  private float[][] embed(EncoderFeatures f, LabelledImages test, Precision p)
      throws EdgeSslException {
    float[][] q = new float[test.count()][];
    try (Progress.Task pr =
        progress.start("embedding " + test.name() + ", " + p.id(), test.count())) {
      for (int from = 0; from < q.length; from += 256) {
        int n = Math.min(256, q.length - from);
        float[][] part = new float[n][];
        f.embed(test, from, n, part);
        System.arraycopy(part, 0, q, from, n);
        pr.step(n);
      }
    }
    return q;
  }

  private ClassificationReport classify(
      KnnIndex index, float[][] q, LabelledImages test, Precision p, int nThreads) {
    ClassificationReport rep = new ClassificationReport(test.classes());
    KnnClassifier c =
        KnnClassifier.builder(index).k(config.k()).temperature(config.temperature()).build();
    // Blocked searches of 512 queries over every core, as eval knn does: one query at a time
    // streams the whole bank per query (1.5 GB for a 60 000 x 6272 map-embedding bank).
    ExecutorService pool = Executors.newFixedThreadPool(nThreads);
    try (Progress.Task pr = progress.start("k-NN search, " + p.id(), q.length)) {
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
    return rep;
  }

  /** Images per second of each precision at {@code t} threads, round-robin, medians. */
  private Map<Precision, Double> time(
      ModelBundle bundle, List<Precision> ps, List<Frame> input, int t) throws EdgeSslException {
    int batch = config.batch();
    int runs = config.runs();
    int warmup = config.warmup();
    List<Encoder> encoders = new ArrayList<>();
    try {
      for (Precision p : ps) {
        encoders.add(Encoder.builder(bundle).precision(p).threads(t).maxBatch(batch).build());
      }
      List<List<Frame>> groups = Throughput.batches(input, input.size(), batch);
      int done = groups.size() * batch;
      double[][] secs = new double[ps.size()][runs];
      try (Progress.Task pr =
          progress.start("timing, " + t + " thread(s)", (long) (warmup + runs) * ps.size())) {
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

  /** Images per second of the bundle's preprocessing alone, on this thread, median of runs. */
  private double preprocessing(Manifest m, List<Frame> input) {
    Runnable body =
        Throughput.preprocessing(
            new Preprocessor(m.preprocessing()), input, input.size(), config.batch());
    double[] secs = Timing.measure("preprocessing", config.warmup(), config.runs(), body, progress);
    return input.size() / Timing.median(secs);
  }

  private static String backendVersion() {
    try {
      return ((OrtBackend) Backends.get("onnxruntime")).version();
    } catch (EdgeSslException | ClassCastException e) {
      return "";
    }
  }
}
