package io.edgessl.tools.quantize;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.bundle.BundleWriter;
import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.bundle.Precision;
import io.edgessl.encoder.Backends;
import io.edgessl.io.AtomicFiles;
import io.edgessl.io.Json;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.quant.CalibrationMethod;
import io.edgessl.onnx.quant.Calibrator;
import io.edgessl.onnx.quant.Fp16Converter;
import io.edgessl.onnx.quant.GraphPreparation;
import io.edgessl.onnx.quant.QdqQuantizer;
import io.edgessl.onnx.quant.QuantLayer;
import io.edgessl.onnx.quant.Range;
import io.edgessl.spi.Backend;
import io.edgessl.tools.cli.DatasetOptions;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.tools.eval.KnnEvalCommand;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.eval.Samples;
import io.edgessl.train.quantize.Activations;
import io.edgessl.train.quantize.CalibrationSet;
import io.edgessl.train.quantize.Evaluation;
import io.edgessl.train.quantize.Reports;
import io.edgessl.train.quantize.Sensitivity;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl quantize BUNDLE --calib DATA}: adds {@code encoder.int8.onnx} (post-training
 * static quantization, QDQ) and {@code encoder.fp16.onnx} to a bundle, from its FP32 model. The
 * bundle is rewritten atomically with its manifest's precisions and hashes; on any failure it is
 * left as it was.
 */
@Command(
    name = "quantize",
    mixinStandardHelpOptions = true,
    description = {
      "Add INT8 (QDQ, calibrated on real images) and FP16 models to a bundle, from its FP32 model.",
      "INT8: per-channel symmetric int8 weights for MatMul/Gemm/Conv, per-tensor int8 activations"
          + " calibrated by min-max, percentile or entropy (KL); LayerNormalization, Softmax, GELU"
          + " and residual adds stay float. FP16: half precision inside, LayerNormalization,"
          + " Softmax and reductions in float32 through explicit casts; float32 input and outputs.",
      "The bundle is rewritten atomically (manifest hashes and precisions updated); on any failure"
          + " it is left untouched."
    })
public final class QuantizeCommand implements Callable<Integer> {
  @Parameters(paramLabel = "BUNDLE", description = "A bundle directory or .edgessl file.")
  Path bundlePath;

  @Option(
      names = "--calib",
      paramLabel = "DATA",
      description =
          "Calibration images: fashion-mnist (its training images), a directory with"
              + " train-images-idx3-ubyte[.gz], an IDX images file, a folder of PNG/JPEG/BMP/GIF"
              + " images, or a .npy of preprocessed float32 [N, C, H, W]. Required for int8.")
  String calib;

  @Option(
      names = "--calib-count",
      defaultValue = "512",
      description =
          "Calibration images used (sampled with --calib-seed). Default: ${DEFAULT-VALUE}.")
  int calibCount;

  @Option(
      names = "--calib-seed",
      defaultValue = "0",
      description = "Seed of the calibration sample. Default: ${DEFAULT-VALUE}.")
  long calibSeed;

  @Option(
      names = "--method",
      defaultValue = "percentile",
      description =
          "Activation range calibration: minmax, percentile (of |x|, see --percentile) or entropy"
              + " (KL divergence, as TensorRT's entropy calibrator). Default: ${DEFAULT-VALUE}.")
  String method;

  @Option(
      names = "--percentile",
      defaultValue = "99.99",
      description = "Percentile of |x| kept by --method percentile. Default: ${DEFAULT-VALUE}.")
  double percentile;

  @Option(
      names = "--activations",
      defaultValue = "symmetric",
      description =
          "Activation zero points: symmetric (0; what TensorRT requires) or asymmetric (ONNX"
              + " Runtime only; a full 8 bits for one-signed tensors). Default: ${DEFAULT-VALUE}.")
  String activations;

  @Option(
      names = "--quantize-products",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Quantize MatMuls of two activations too (attention's q k^T and softmax v). Default on.")
  boolean products;

  @Option(
      names = "--precisions",
      split = ",",
      defaultValue = "int8,fp16",
      description = "Models to add: int8, fp16 or both. Default: ${DEFAULT-VALUE}.")
  List<String> precisions;

  @Option(
      names = "--keep-fp32",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Leave the N layers the sensitivity analysis finds most sensitive in float (runs it).")
  int keepCount;

  @Option(
      names = "--keep-fp32-layers",
      split = ",",
      paramLabel = "NODE",
      description = "Leave these layers (node names, see --list-layers) in float.")
  List<String> keepLayers = new ArrayList<>();

  @Option(
      names = "--sensitivity",
      description =
          "Report per-layer sensitivity: the scores with each layer alone left in float (one"
              + " evaluation per layer).")
  boolean sensitivity;

  @Option(
      names = "--rank-by",
      defaultValue = "cosine",
      description =
          "Sensitivity ranking: cosine (to FP32; steadier) or top1 (needs --eval). Default: ${DEFAULT-VALUE}.")
  String rankBy;

  @Option(
      names = "--eval",
      paramLabel = "DIR",
      description =
          "Labelled images for the scores (fashion-mnist or a directory of its IDX files): k-NN"
              + " top-1 of test images against a bank of training images, and the cosine to FP32"
              + " on the test images. Default: cosine on the calibration images only.")
  String eval;

  @Option(
      names = "--eval-bank",
      defaultValue = "1000",
      description =
          "Bank images for --eval (the first of the training split). Default: ${DEFAULT-VALUE}.")
  int evalBank;

  @Option(
      names = "--eval-queries",
      defaultValue = "500",
      description =
          "Test images for --eval (the first of the test split). Default: ${DEFAULT-VALUE}.")
  int evalQueries;

  @Option(
      names = "--check-count",
      defaultValue = "128",
      description =
          "Calibration images the cosine is checked on when there is no --eval. Default: ${DEFAULT-VALUE}.")
  int checkCount;

  @Option(names = "--list-layers", description = "List the quantizable layers and stop.")
  boolean listLayers;

  @Option(names = "--dry-run", description = "Do everything but write the bundle.")
  boolean dryRun;

  @Option(names = "--report", paramLabel = "FILE", description = "Also write the results as JSON.")
  Path report;

  @Option(
      names = "--backend",
      paramLabel = "NAME",
      description = "Backend that runs the checks. Default: the best available.")
  String backend;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "Inference threads; 0 lets the backend decide. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    Set<Precision> wanted = parsePrecisions(precisions);
    CalibrationMethod cm = CalibrationMethod.parse(method);
    QdqQuantizer.ActivationScheme scheme = QdqQuantizer.ActivationScheme.parse(activations);
    Calibrator calibrator = new Calibrator(cm, percentile, Calibrator.DEFAULT_BINS);
    if (keepCount < 0 || threads < 0 || checkCount <= 0 || evalBank <= 0 || evalQueries <= 0) {
      throw new IllegalArgumentException(
          "--keep-fp32 and --threads must not be negative, --check-count, --eval-bank and"
              + " --eval-queries must be positive");
    }
    boolean int8 = wanted.contains(Precision.INT8);
    if (int8 && calib == null && !listLayers) {
      throw new IllegalArgumentException("--calib DATA is required for int8");
    }
    if (!int8 && (keepCount > 0 || !keepLayers.isEmpty() || sensitivity)) {
      throw new IllegalArgumentException(
          "--keep-fp32, --keep-fp32-layers and --sensitivity apply to int8 only");
    }
    if (!rankBy.equals("cosine") && !rankBy.equals("top1")) {
      throw new IllegalArgumentException("--rank-by takes cosine or top1: " + rankBy);
    }
    if (rankBy.equals("top1") && eval == null) {
      throw new IllegalArgumentException("--rank-by top1 needs labelled images: --eval");
    }
    if (report != null) {
      KnnEvalCommand.checkWritable(report);
    }
    PrintWriter out = spec.commandLine().getOut();
    ModelBundle bundle = ModelBundle.open(bundlePath);
    Manifest m = bundle.manifest();
    String fp32File = m.precisions().get(Precision.FP32);
    if (fp32File == null) {
      throw new EdgeSslException(
          ErrorCode.UNAVAILABLE,
          "model bundle "
              + bundlePath
              + " has no fp32 model to quantize (it has "
              + String.join(", ", ids(m.precisions().keySet()))
              + "); quantization starts from the float model");
    }
    byte[] fp32 = bundle.model(Precision.FP32);
    OnnxGraph graph = OnnxGraph.read(fp32, bundle.describe(fp32File));
    OnnxGraph prepared;
    try {
      prepared = GraphPreparation.forQuantization(graph);
    } catch (IllegalArgumentException e) {
      throw new EdgeSslException(
          ErrorCode.INVALID_MODEL, bundle.describe(fp32File) + ": " + e.getMessage(), e);
    }
    List<QuantLayer> layers = QdqQuantizer.layers(prepared);
    if (listLayers) {
      Reports.printLayers(out, layers);
      out.flush();
      return 0;
    }
    Set<String> names = new LinkedHashSet<>();
    layers.forEach(l -> names.add(l.node()));
    for (String k : keepLayers) {
      if (!names.contains(k)) {
        throw new IllegalArgumentException(
            "--keep-fp32-layers: no quantizable layer named '" + k + "' (see --list-layers)");
      }
    }
    Backend b = backend != null ? Backends.get(backend) : Backends.best();
    out.printf(
        Locale.ROOT,
        "quantize %s: %s (%s), from %s%n",
        bundlePath,
        m.name(),
        m.architecture(),
        fp32File);
    out.flush();

    Map<String, Object> json = new LinkedHashMap<>();
    Map<Precision, byte[]> models = new EnumMap<>(Precision.class);
    Map<Precision, Evaluation.Metrics> scores = new EnumMap<>(Precision.class);
    Samples calibration =
        int8 ? CalibrationSet.load(calib, m.preprocessing(), calibCount, calibSeed) : null;
    Evaluation ev = evaluation(b, m, fp32, calibration);
    scores.put(Precision.FP32, ev.fp32());
    json.put("bundle", bundlePath.toString());
    json.put("evaluation", ev.describe());

    if (int8) {
      QdqQuantizer.Options all = new QdqQuantizer.Options(scheme, Set.of(), products);
      long t0 = System.nanoTime();
      Activations.calibrate(
          prepared,
          m,
          QdqQuantizer.calibrationTensors(layers, all),
          calibration,
          calibrator,
          8,
          threads,
          TerminalProgress.SINK);
      Map<String, Range> ranges = calibrator.ranges();
      double calibSeconds = (System.nanoTime() - t0) / 1e9;
      QdqQuantizer.Options options = all.keeping(new LinkedHashSet<>(keepLayers));
      List<Sensitivity.LayerResult> sens = null;
      if (sensitivity || keepCount > 0) {
        Evaluation.Metrics base =
            ev.measure(QdqQuantizer.quantize(prepared, ranges, options).toBytes(), "int8");
        sens =
            Sensitivity.ranked(
                Sensitivity.analyse(prepared, layers, ranges, options, ev, TerminalProgress.SINK),
                rankBy.equals("top1"));
        Reports.printSensitivity(out, ev, base, sens);
        json.put("sensitivity", Reports.sensitivityJson(base, sens));
        Set<String> keep = new LinkedHashSet<>();
        for (Sensitivity.LayerResult r : sens) {
          if (keep.size() < keepCount) {
            keep.add(r.layer().node());
          }
        }
        options = options.keeping(keep);
      }
      OnnxGraph q = QdqQuantizer.quantize(prepared, ranges, options);
      String how =
          String.format(
              Locale.ROOT,
              "static int8 QDQ: weights symmetric per channel, activations %s per tensor, %s"
                  + " calibration%s on %s; layers in float: %s",
              scheme.id(),
              cm.id(),
              cm == CalibrationMethod.PERCENTILE ? " (" + percentile + " %)" : "",
              calibration.name(),
              options.keepFloat().isEmpty() ? "none" : String.join(", ", options.keepFloat()));
      q.metadata().put("edgessl.quantization", how);
      q.metadata().put("edgessl.source_sha256", m.files().get(fp32File));
      models.put(Precision.INT8, q.toBytes());
      out.printf(
          Locale.ROOT,
          "  int8: %d layers quantized, %d in float; %s calibration on %s (%.1f s)%n",
          countQuantized(layers, options),
          layers.size() - countQuantized(layers, options),
          cm.id(),
          calibration.name(),
          calibSeconds);
      json.put("int8", Reports.int8Json(how, layers, options, ranges));
    }
    if (wanted.contains(Precision.FP16)) {
      OnnxGraph h = Fp16Converter.convert(graph);
      h.metadata().put("edgessl.source_sha256", m.files().get(fp32File));
      models.put(Precision.FP16, h.toBytes());
    }
    for (Map.Entry<Precision, byte[]> e : models.entrySet()) {
      scores.put(e.getKey(), ev.measure(e.getValue(), e.getKey().id()));
    }
    Reports.printScores(out, ev, m, bundle, models, scores);
    json.put("scores", Reports.scoresJson(scores));

    if (!dryRun) {
      Manifest.Builder nb = m.toBuilder();
      Map<String, byte[]> files = new LinkedHashMap<>();
      for (Map.Entry<Precision, byte[]> e : models.entrySet()) {
        String f = "encoder." + e.getKey().id() + ".onnx";
        nb.precision(e.getKey(), f);
        files.put(f, e.getValue());
      }
      Manifest written = BundleWriter.update(bundle, nb, files);
      out.printf(
          Locale.ROOT,
          "wrote %s: precisions %s, every file's SHA-256 in its manifest%n",
          bundlePath,
          String.join(", ", ids(written.precisions().keySet())));
    } else {
      out.printf(Locale.ROOT, "dry run: %s not changed%n", bundlePath);
    }
    if (report != null) {
      try {
        AtomicFiles.write(report, Json.writePretty(json).getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new EdgeSslException(ErrorCode.IO, "cannot write " + report + ": " + e, e);
      }
      out.println("report written to " + report);
    }
    out.flush();
    return 0;
  }

  private Evaluation evaluation(Backend b, Manifest m, byte[] fp32, Samples calibration)
      throws EdgeSslException {
    if (eval != null) {
      DatasetOptions d = new DatasetOptions();
      d.dataset = "fashion-mnist";
      d.data = eval.equals("fashion-mnist") ? null : Path.of(eval);
      d.trainLimit = evalBank;
      d.testLimit = evalQueries;
      LabelledImages bank = d.train();
      LabelledImages test = d.test();
      return Evaluation.labelled(b, m, threads, bank, test, fp32);
    }
    Samples check =
        calibration != null
            ? head(calibration, checkCount)
            : CalibrationSet.load("fashion-mnist", m.preprocessing(), checkCount, calibSeed);
    return Evaluation.unlabelled(b, m, threads, check, fp32);
  }

  /** The first {@code n} samples. */
  private static Samples head(Samples s, int n) {
    int count = Math.min(n, s.count());
    return new Samples() {
      @Override
      public String name() {
        return count == s.count() ? s.name() : "the first " + count + " of " + s.name();
      }

      @Override
      public int count() {
        return count;
      }

      @Override
      public void fill(int i, io.edgessl.image.Preprocessor pre, java.nio.FloatBuffer dst, int o)
          throws EdgeSslException {
        s.fill(i, pre, dst, o);
      }
    };
  }

  private static int countQuantized(List<QuantLayer> layers, QdqQuantizer.Options o) {
    int n = 0;
    for (QuantLayer l : layers) {
      if (!o.keepFloat().contains(l.node()) && (l.weight() != null || o.activationProducts())) {
        n++;
      }
    }
    return n;
  }

  static Set<Precision> parsePrecisions(List<String> ids) {
    Set<Precision> s = new LinkedHashSet<>();
    for (String id : ids) {
      Precision p = Precision.parse(id.trim());
      if (p == Precision.FP32) {
        throw new IllegalArgumentException("--precisions takes int8 and fp16; fp32 is the source");
      }
      s.add(p);
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("--precisions is empty");
    }
    return s;
  }

  static List<String> ids(Set<Precision> ps) {
    List<String> l = new ArrayList<>();
    ps.forEach(p -> l.add(p.id()));
    return l;
  }
}
