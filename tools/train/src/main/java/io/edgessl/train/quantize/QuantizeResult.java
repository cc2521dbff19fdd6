package io.edgessl.train.quantize;

import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.Precision;
import io.edgessl.onnx.quant.CalibrationMethod;
import io.edgessl.onnx.quant.QdqQuantizer;
import io.edgessl.onnx.quant.QuantLayer;
import io.edgessl.onnx.quant.Range;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@link Quantization#run} did: the models it made, their scores against the float model and,
 * unless it was a dry run, the manifest it wrote. {@link Reports} prints it and turns it into JSON.
 *
 * @param bundle the bundle quantized
 * @param manifest its manifest before the run
 * @param fp32File the float model's file name in the bundle
 * @param evaluation what the scores are computed on, in words
 * @param int8 how the INT8 model was made, or null when none was wanted
 * @param models every model scored, FP32 first: file name and size
 * @param scores every model's scores, FP32 first (cosine 1 by definition)
 * @param written the manifest written, or null for a dry run
 */
public record QuantizeResult(
    Path bundle,
    Manifest manifest,
    String fp32File,
    String evaluation,
    Int8 int8,
    Map<Precision, ModelFile> models,
    Map<Precision, Metrics> scores,
    Manifest written) {

  /** A candidate's scores. {@code top1} is NaN without labels. */
  public record Metrics(double meanCosine, double minCosine, double top1) {
    /** Whether there is a k-NN top-1 (the evaluation had labels). */
    public boolean hasTop1() {
      return !Double.isNaN(top1);
    }
  }

  /** A model's file name in the bundle and its size in bytes. */
  public record ModelFile(String file, long bytes) {}

  /** One layer's sensitivity: the scores with this layer alone left in float. */
  public record LayerScore(QuantLayer layer, Metrics floatKept) {}

  /**
   * How the INT8 model was made.
   *
   * @param description the quantization recipe in words (also in the model's metadata)
   * @param layers every quantizable layer, in graph order
   * @param options the quantizer options, with the layers left in float
   * @param ranges the calibrated activation ranges by tensor
   * @param method how the ranges were calibrated
   * @param calibration the calibration images, in words
   * @param calibrationSeconds the wall time of the calibration passes
   * @param allInt8 the scores with every layer quantized, when the sensitivity was analysed
   * @param sensitivity the layers, most sensitive first, or null when not analysed
   */
  public record Int8(
      String description,
      List<QuantLayer> layers,
      QdqQuantizer.Options options,
      Map<String, Range> ranges,
      CalibrationMethod method,
      String calibration,
      double calibrationSeconds,
      Metrics allInt8,
      List<LayerScore> sensitivity) {

    /** The layers the model quantizes. */
    public int quantizedCount() {
      int n = 0;
      for (QuantLayer l : layers) {
        if (!inFloat(l)) {
          n++;
        }
      }
      return n;
    }

    /**
     * Whether {@code l} stays in float: kept by name, or a product of activations not quantized.
     */
    public boolean inFloat(QuantLayer l) {
      return options.keepFloat().contains(l.node())
          || (l.weight() == null && !options.activationProducts());
    }
  }
}
