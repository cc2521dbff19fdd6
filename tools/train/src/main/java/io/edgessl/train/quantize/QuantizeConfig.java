package io.edgessl.train.quantize;

import io.edgessl.bundle.Precision;
import io.edgessl.onnx.quant.CalibrationMethod;
import io.edgessl.onnx.quant.Calibrator;
import io.edgessl.onnx.quant.QdqQuantizer;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link Quantization} does to a bundle: which models it adds, how INT8 is calibrated, which
 * layers stay in float, and what the candidates are scored on. The constructor checks every value;
 * {@link #defaults(Path, String)} gives the recipe {@code edgessl quantize} uses without flags.
 *
 * @param bundle the bundle directory or {@code .edgessl} file, rewritten in place
 * @param precisions the models to add: {@code INT8}, {@code FP16} or both (FP32 is the source)
 * @param calib calibration images (see {@code CalibrationSet}); required when INT8 is wanted
 * @param calibCount calibration images used, sampled with {@code calibSeed}
 * @param calibSeed seed of the calibration sample (and of the cosine check images without labels)
 * @param method activation range calibration
 * @param percentile percentile of |x| kept by {@link CalibrationMethod#PERCENTILE}, in (0, 100]
 * @param activations activation zero points
 * @param quantizeProducts quantize MatMuls of two activations too
 * @param keepCount leave the N most sensitive layers in float (runs the sensitivity analysis)
 * @param keepLayers leave these layers (node names) in float
 * @param sensitivity report the per-layer sensitivity
 * @param rankByTop1 rank the sensitivity by k-NN top-1 (needs {@code eval}) instead of the cosine
 * @param eval labelled images for the scores ({@code fashion-mnist} or a directory of its IDX
 *     files), or null for the cosine on calibration images only
 * @param evalBank bank images of {@code eval} (the first of its training split)
 * @param evalQueries test images of {@code eval} (the first of its test split)
 * @param checkCount images the cosine is checked on without {@code eval}
 * @param backend the backend that runs the checks, or null for the best available
 * @param threads inference threads; 0 lets the backend decide
 * @param dryRun do everything but write the bundle
 */
public record QuantizeConfig(
    Path bundle,
    Set<Precision> precisions,
    String calib,
    int calibCount,
    long calibSeed,
    CalibrationMethod method,
    double percentile,
    QdqQuantizer.ActivationScheme activations,
    boolean quantizeProducts,
    int keepCount,
    List<String> keepLayers,
    boolean sensitivity,
    boolean rankByTop1,
    String eval,
    int evalBank,
    int evalQueries,
    int checkCount,
    String backend,
    int threads,
    boolean dryRun) {

  /**
   * @throws IllegalArgumentException for a value out of range or options that contradict each other
   *     (the messages name the command's flags)
   */
  public QuantizeConfig {
    Objects.requireNonNull(bundle, "bundle");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(activations, "activations");
    if (precisions.isEmpty()) {
      throw new IllegalArgumentException("--precisions is empty");
    }
    precisions = Collections.unmodifiableSet(EnumSet.copyOf(precisions));
    keepLayers = List.copyOf(keepLayers);
    if (precisions.contains(Precision.FP32)) {
      throw new IllegalArgumentException("--precisions takes int8 and fp16; fp32 is the source");
    }
    new Calibrator(method, percentile, Calibrator.DEFAULT_BINS); // checks the percentile
    if (keepCount < 0 || threads < 0 || checkCount <= 0 || evalBank <= 0 || evalQueries <= 0) {
      throw new IllegalArgumentException(
          "--keep-fp32 and --threads must not be negative, --check-count, --eval-bank and"
              + " --eval-queries must be positive");
    }
    if (!precisions.contains(Precision.INT8)
        && (keepCount > 0 || !keepLayers.isEmpty() || sensitivity)) {
      throw new IllegalArgumentException(
          "--keep-fp32, --keep-fp32-layers and --sensitivity apply to int8 only");
    }
    if (rankByTop1 && eval == null) {
      throw new IllegalArgumentException("--rank-by top1 needs labelled images: --eval");
    }
  }

  /** The reference recipe: INT8 and FP16, 512 images, percentile 99.99, symmetric activations. */
  public static QuantizeConfig defaults(Path bundle, String calib) {
    return new QuantizeConfig(
        bundle,
        Set.of(Precision.INT8, Precision.FP16),
        calib,
        512,
        0,
        CalibrationMethod.PERCENTILE,
        99.99,
        QdqQuantizer.ActivationScheme.SYMMETRIC,
        true,
        0,
        List.of(),
        false,
        false,
        null,
        1000,
        500,
        128,
        null,
        0,
        false);
  }

  /** Whether an INT8 model is wanted. */
  public boolean int8() {
    return precisions.contains(Precision.INT8);
  }
}
