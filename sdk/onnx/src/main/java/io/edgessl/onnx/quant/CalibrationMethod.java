package io.edgessl.onnx.quant;

import java.util.Locale;

/** How a tensor's quantization range is chosen from the values seen on calibration data. */
public enum CalibrationMethod {
  /** The smallest and largest value seen: nothing saturates, outliers stretch the scale. */
  MINMAX,
  /**
   * Clip magnitudes at a percentile of {@code |x|} (default 99.99 %): the rare largest values
   * saturate so that the rest get finer steps.
   */
  PERCENTILE,
  /**
   * Clip magnitudes where the 128-level quantized histogram of {@code |x|} is closest to the
   * original in KL divergence (Migacz, "8-bit Inference with TensorRT", GTC 2017; TensorRT's
   * entropy calibrator, ONNX Runtime's {@code CalibrationMethod.Entropy}), with the histogram's
   * first bin flattened as NVIDIA's calibration toolkit does, so that a ReLU output's zeros do not
   * drag the threshold down ({@link Calibrator#flattenFirstBin}).
   */
  ENTROPY;

  /** {@return the command-line name: {@code minmax}, {@code percentile}, {@code entropy}} */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The method named {@code id} (any case).
   *
   * @param id a command-line name
   * @return the method
   * @throws IllegalArgumentException for another name
   */
  public static CalibrationMethod parse(String id) {
    for (CalibrationMethod m : values()) {
      if (m.id().equalsIgnoreCase(id)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown calibration method '" + id + "'; expected minmax, percentile or entropy");
  }
}
