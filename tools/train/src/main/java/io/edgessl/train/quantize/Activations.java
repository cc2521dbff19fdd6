package io.edgessl.train.quantize;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.bundle.Manifest;
import io.edgessl.image.Preprocessor;
import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Shape;
import io.edgessl.onnx.quant.Calibrator;
import io.edgessl.train.Progress;
import io.edgessl.train.eval.Samples;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Collects the activations calibration needs: runs an edited copy of the float graph, with the
 * tensors to calibrate added as graph outputs, through ONNX Runtime over the calibration set, and
 * hands every batch's values to a {@link Calibrator}, once or twice (the histogram methods need a
 * second pass). Nothing but the calibrator's statistics is kept.
 */
final class Activations {
  private Activations() {}

  /**
   * Calibrates {@code tensors} of {@code prepared} on {@code data}.
   *
   * @throws EdgeSslException when ONNX Runtime rejects the graph or fails, a sample cannot be read,
   *     or a tensor takes non-finite values (a model that diverges on these images)
   */
  static void calibrate(
      OnnxGraph prepared,
      Manifest m,
      Set<String> tensors,
      Samples data,
      Calibrator cal,
      int batch,
      int threads,
      Progress progress)
      throws EdgeSslException {
    // The graph's input is read from the buffer fed; every other tensor becomes an output.
    Set<String> fetched = new LinkedHashSet<>(tensors);
    boolean input = fetched.remove(m.inputName());
    Set<String> requested = fetched.isEmpty() ? Set.of(m.embeddingOutput()) : fetched;
    OnnxGraph probe = prepared.copy();
    for (String t : fetched) {
      probe.output(t, ElementType.FLOAT, Shape.UNKNOWN);
    }
    OrtEnvironment env =
        OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "edgessl");
    Preprocessor pre = new Preprocessor(m.preprocessing());
    int size = pre.outputSize();
    FloatBuffer in =
        ByteBuffer.allocateDirect(4 * batch * size).order(ByteOrder.nativeOrder()).asFloatBuffer();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      if (threads > 0) {
        so.setIntraOpNumThreads(threads);
      }
      so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      try (OrtSession s = env.createSession(probe.toBytes(), so)) {
        int passes = cal.needsSecondPass() ? 2 : 1;
        for (int pass = 1; pass <= passes; pass++) {
          String what =
              "calibration"
                  + (passes > 1 ? (pass == 1 ? " (ranges)" : " (histograms)") : "")
                  + ", "
                  + tensors.size()
                  + " tensors";
          try (Progress.Task p = progress.start(what, data.count())) {
            for (int from = 0; from < data.count(); from += batch) {
              int n = Math.min(batch, data.count() - from);
              for (int i = 0; i < n; i++) {
                data.fill(from + i, pre, in, i * size);
              }
              long[] shape = {
                n,
                m.preprocessing().channels(),
                m.preprocessing().height(),
                m.preprocessing().width()
              };
              try (OnnxTensor x = OnnxTensor.createTensor(env, in.slice(0, n * size), shape);
                  OrtSession.Result r = s.run(Map.of(m.inputName(), x), requested)) {
                if (input) {
                  cal.observe(m.inputName(), in.slice(0, n * size));
                }
                for (String t : fetched) {
                  Optional<OnnxValue> v = r.get(t);
                  if (v.isEmpty()) {
                    throw new IllegalStateException("ONNX Runtime returned no tensor " + t);
                  }
                  cal.observe(t, ((OnnxTensor) v.get()).getFloatBuffer());
                }
              }
              p.step(n);
            }
          }
          if (pass == 1) {
            checkFinite(cal, tensors, data);
            if (passes == 2) {
              cal.beginSecondPass();
            }
          }
        }
      }
    } catch (OrtException e) {
      throw new EdgeSslException(
          ErrorCode.INVALID_MODEL,
          "ONNX Runtime failed running the float model for calibration: " + e.getMessage(),
          e);
    }
  }

  private static void checkFinite(Calibrator cal, Set<String> tensors, Samples data)
      throws EdgeSslException {
    for (String t : tensors) {
      long bad = cal.nonFinite(t);
      if (bad > 0) {
        throw new EdgeSslException(
            ErrorCode.INVALID_MODEL,
            "the float model computes "
                + bad
                + " non-finite values (NaN or infinity) in tensor '"
                + t
                + "' on "
                + data.name()
                + ": it cannot be calibrated");
      }
    }
  }
}
