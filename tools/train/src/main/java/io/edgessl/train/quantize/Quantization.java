package io.edgessl.train.quantize;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.bundle.BundleWriter;
import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.bundle.Precision;
import io.edgessl.encoder.Backends;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.quant.CalibrationMethod;
import io.edgessl.onnx.quant.Calibrator;
import io.edgessl.onnx.quant.Fp16Converter;
import io.edgessl.onnx.quant.GraphPreparation;
import io.edgessl.onnx.quant.QdqQuantizer;
import io.edgessl.onnx.quant.QuantLayer;
import io.edgessl.onnx.quant.Range;
import io.edgessl.spi.Backend;
import io.edgessl.train.Progress;
import io.edgessl.train.data.FashionMnist;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.eval.Samples;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Calibrate → quantize → evaluate → write: adds {@code encoder.int8.onnx} (post-training static
 * quantization, QDQ) and {@code encoder.fp16.onnx} to a bundle, from its FP32 model. The bundle is
 * rewritten atomically with its manifest's precisions and hashes; on any failure it is left as it
 * was.
 *
 * <p>{@link #open} reads and checks the bundle (cheap); {@link #run} does the work.
 */
public final class Quantization {
  private final QuantizeConfig config;
  private final ModelBundle bundle;
  private final String fp32File;
  private final byte[] fp32;
  private final OnnxGraph graph;
  private final OnnxGraph prepared;
  private final List<QuantLayer> layers;
  private final Backend backend;

  private Quantization(QuantizeConfig config, Loaded l, Backend backend) {
    this.config = config;
    this.bundle = l.bundle;
    this.fp32File = l.fp32File;
    this.fp32 = l.fp32;
    this.graph = l.graph;
    this.prepared = l.prepared;
    this.layers = l.layers;
    this.backend = backend;
  }

  /**
   * The quantizable layers of a bundle's float model, in graph order.
   *
   * @throws EdgeSslException when the bundle cannot be read, has no FP32 model, or that model
   *     cannot be prepared for quantization
   */
  public static List<QuantLayer> layers(Path bundle) throws EdgeSslException {
    return Loaded.of(bundle).layers;
  }

  /**
   * Reads the bundle and checks the configuration against it: the calibration set is named for
   * INT8, the bundle has an FP32 model, every layer to keep in float exists, the backend is
   * available.
   *
   * @throws IllegalArgumentException for a configuration that does not fit the bundle
   * @throws EdgeSslException when the bundle cannot be read or has no usable FP32 model
   */
  public static Quantization open(QuantizeConfig config) throws EdgeSslException {
    if (config.int8() && config.calib() == null) {
      throw new IllegalArgumentException("--calib DATA is required for int8");
    }
    Loaded l = Loaded.of(config.bundle());
    Set<String> names = new LinkedHashSet<>();
    l.layers.forEach(q -> names.add(q.node()));
    for (String k : config.keepLayers()) {
      if (!names.contains(k)) {
        throw new IllegalArgumentException(
            "--keep-fp32-layers: no quantizable layer named '" + k + "' (see --list-layers)");
      }
    }
    Backend b = config.backend() != null ? Backends.get(config.backend()) : Backends.best();
    return new Quantization(config, l, b);
  }

  /** The bundle's manifest. */
  public Manifest manifest() {
    return bundle.manifest();
  }

  /** The float model's file name in the bundle. */
  public String fp32File() {
    return fp32File;
  }

  /**
   * Calibrates, quantizes, scores every model against the float one and, unless a dry run, writes
   * the bundle.
   *
   * @throws EdgeSslException when the data cannot be read, a model fails to run or to be scored, or
   *     the bundle cannot be written (then it is left as it was)
   */
  public QuantizeResult run(Progress progress) throws EdgeSslException {
    Manifest m = bundle.manifest();
    Map<Precision, byte[]> models = new EnumMap<>(Precision.class);
    Map<Precision, QuantizeResult.Metrics> scores = new EnumMap<>(Precision.class);
    Samples calibration =
        config.int8()
            ? CalibrationSet.load(
                config.calib(), m.preprocessing(), config.calibCount(), config.calibSeed())
            : null;
    Evaluation ev = evaluation(m, calibration);
    scores.put(Precision.FP32, ev.fp32());
    QuantizeResult.Int8 int8 = null;
    if (config.int8()) {
      int8 = quantize(m, calibration, ev, progress, models);
    }
    if (config.precisions().contains(Precision.FP16)) {
      OnnxGraph h = Fp16Converter.convert(graph);
      h.metadata().put("edgessl.source_sha256", m.files().get(fp32File));
      models.put(Precision.FP16, h.toBytes());
    }
    Map<Precision, QuantizeResult.ModelFile> files = new EnumMap<>(Precision.class);
    files.put(Precision.FP32, new QuantizeResult.ModelFile(fp32File, bundle.sizes().get(fp32File)));
    for (Map.Entry<Precision, byte[]> e : models.entrySet()) {
      scores.put(e.getKey(), ev.measure(e.getValue(), e.getKey().id()));
      files.put(
          e.getKey(), new QuantizeResult.ModelFile(fileName(e.getKey()), e.getValue().length));
    }
    Manifest written = null;
    if (!config.dryRun()) {
      Manifest.Builder nb = m.toBuilder();
      Map<String, byte[]> add = new LinkedHashMap<>();
      for (Map.Entry<Precision, byte[]> e : models.entrySet()) {
        nb.precision(e.getKey(), fileName(e.getKey()));
        add.put(fileName(e.getKey()), e.getValue());
      }
      written = BundleWriter.update(bundle, nb, add);
    }
    return new QuantizeResult(
        config.bundle(), m, fp32File, ev.describe(), int8, files, scores, written);
  }

  private static String fileName(Precision p) {
    return "encoder." + p.id() + ".onnx";
  }

  private QuantizeResult.Int8 quantize(
      Manifest m,
      Samples calibration,
      Evaluation ev,
      Progress progress,
      Map<Precision, byte[]> models)
      throws EdgeSslException {
    CalibrationMethod cm = config.method();
    Calibrator calibrator = new Calibrator(cm, config.percentile(), Calibrator.DEFAULT_BINS);
    QdqQuantizer.Options all =
        new QdqQuantizer.Options(config.activations(), Set.of(), config.quantizeProducts());
    long t0 = System.nanoTime();
    Activations.calibrate(
        prepared,
        m,
        QdqQuantizer.calibrationTensors(layers, all),
        calibration,
        calibrator,
        8,
        config.threads(),
        progress);
    Map<String, Range> ranges = calibrator.ranges();
    double calibSeconds = (System.nanoTime() - t0) / 1e9;
    QdqQuantizer.Options options = all.keeping(new LinkedHashSet<>(config.keepLayers()));
    QuantizeResult.Metrics base = null;
    List<QuantizeResult.LayerScore> sens = null;
    if (config.sensitivity() || config.keepCount() > 0) {
      base = ev.measure(QdqQuantizer.quantize(prepared, ranges, options).toBytes(), "int8");
      sens =
          Sensitivity.ranked(
              Sensitivity.analyse(prepared, layers, ranges, options, ev, progress),
              config.rankByTop1());
      Set<String> keep = new LinkedHashSet<>();
      for (QuantizeResult.LayerScore r : sens) {
        if (keep.size() < config.keepCount()) {
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
            config.activations().id(),
            cm.id(),
            cm == CalibrationMethod.PERCENTILE ? " (" + config.percentile() + " %)" : "",
            calibration.name(),
            options.keepFloat().isEmpty() ? "none" : String.join(", ", options.keepFloat()));
    q.metadata().put("edgessl.quantization", how);
    q.metadata().put("edgessl.source_sha256", bundle.manifest().files().get(fp32File));
    models.put(Precision.INT8, q.toBytes());
    return new QuantizeResult.Int8(
        how, layers, options, ranges, cm, calibration.name(), calibSeconds, base, sens);
  }

  private Evaluation evaluation(Manifest m, Samples calibration) throws EdgeSslException {
    int threads = config.threads();
    if (config.eval() != null) {
      Path dir =
          config.eval().equals("fashion-mnist") ? FashionMnist.DEBIAN_DIR : Path.of(config.eval());
      LabelledImages bank =
          FashionMnist.load(dir, FashionMnist.Split.TRAIN).head(config.evalBank());
      LabelledImages test =
          FashionMnist.load(dir, FashionMnist.Split.TEST).head(config.evalQueries());
      return Evaluation.labelled(backend, m, threads, bank, test, fp32);
    }
    Samples check =
        calibration != null
            ? head(calibration, config.checkCount())
            : CalibrationSet.load(
                "fashion-mnist", m.preprocessing(), config.checkCount(), config.calibSeed());
    return Evaluation.unlabelled(backend, m, threads, check, fp32);
  }

  /** The first {@code n} samples. */
  private static Samples head(Samples s, int n) {
    int count = Math.min(n, s.count());
    return s.slice(
        0, count, count == s.count() ? s.name() : "the first " + count + " of " + s.name());
  }

  /** A bundle opened, its float model read and prepared for quantization. */
  private record Loaded(
      ModelBundle bundle,
      String fp32File,
      byte[] fp32,
      OnnxGraph graph,
      OnnxGraph prepared,
      List<QuantLayer> layers) {
    static Loaded of(Path path) throws EdgeSslException {
      ModelBundle bundle = ModelBundle.open(path);
      Manifest m = bundle.manifest();
      String fp32File = m.precisions().get(Precision.FP32);
      if (fp32File == null) {
        List<String> have = new ArrayList<>();
        m.precisions().keySet().forEach(p -> have.add(p.id()));
        throw new EdgeSslException(
            ErrorCode.UNAVAILABLE,
            "model bundle "
                + path
                + " has no fp32 model to quantize (it has "
                + String.join(", ", have)
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
      return new Loaded(bundle, fp32File, fp32, graph, prepared, QdqQuantizer.layers(prepared));
    }
  }
}
