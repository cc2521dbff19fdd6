package io.edgessl.tools.quantize;

import io.edgessl.EdgeSslException;
import io.edgessl.bundle.Precision;
import io.edgessl.onnx.quant.CalibrationMethod;
import io.edgessl.onnx.quant.QdqQuantizer;
import io.edgessl.tools.cli.OutputFiles;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.tools.cli.ThreadsOption;
import io.edgessl.train.quantize.Quantization;
import io.edgessl.train.quantize.QuantizeConfig;
import io.edgessl.train.quantize.QuantizeResult;
import io.edgessl.train.quantize.Reports;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
          + " it is left untouched. --threads: inference threads of the checks; default 0, the"
          + " backend decides."
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

  @Mixin ThreadsOption threads;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    if (!rankBy.equals("cosine") && !rankBy.equals("top1")) {
      throw new IllegalArgumentException("--rank-by takes cosine or top1: " + rankBy);
    }
    QuantizeConfig config =
        new QuantizeConfig(
            bundlePath,
            parsePrecisions(precisions),
            calib,
            calibCount,
            calibSeed,
            CalibrationMethod.parse(method),
            percentile,
            QdqQuantizer.ActivationScheme.parse(activations),
            products,
            keepCount,
            keepLayers,
            sensitivity,
            rankBy.equals("top1"),
            eval,
            evalBank,
            evalQueries,
            checkCount,
            backend,
            threads.or(0),
            dryRun);
    if (report != null) {
      OutputFiles.checkWritable(report);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (listLayers) {
      Reports.printLayers(out, Quantization.layers(bundlePath));
      out.flush();
      return 0;
    }
    Quantization q = Quantization.open(config);
    out.printf(
        Locale.ROOT,
        "quantize %s: %s (%s), from %s%n",
        bundlePath,
        q.manifest().name(),
        q.manifest().architecture(),
        q.fp32File());
    out.flush();
    QuantizeResult r = q.run(TerminalProgress.SINK);
    Reports.printSensitivity(out, r);
    Reports.printInt8(out, r);
    Reports.printScores(out, r);
    if (r.written() != null) {
      List<String> ids = new ArrayList<>();
      r.written().precisions().keySet().forEach(p -> ids.add(p.id()));
      out.printf(
          Locale.ROOT,
          "wrote %s: precisions %s, every file's SHA-256 in its manifest%n",
          bundlePath,
          String.join(", ", ids));
    } else {
      out.printf(Locale.ROOT, "dry run: %s not changed%n", bundlePath);
    }
    if (report != null) {
      OutputFiles.writeJson(report, Reports.json(r));
      out.println("report written to " + report);
    }
    out.flush();
    return 0;
  }

  /** The precisions named, without FP32 (the source), in the order given. */
  static Set<Precision> parsePrecisions(List<String> ids) {
    Set<Precision> s = new LinkedHashSet<>();
    for (String id : ids) {
      Precision p = Precision.parse(id.trim());
      if (p == Precision.FP32) {
        throw new IllegalArgumentException("--precisions takes int8 and fp16; fp32 is the source");
      }
      s.add(p);
    }
    return s;
  }
}
