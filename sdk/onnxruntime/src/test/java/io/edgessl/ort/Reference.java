package io.edgessl.ort;

import io.edgessl.bundle.Manifest;
import io.edgessl.image.Frame;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.testing.ReferenceEvaluator;
import io.edgessl.onnx.testing.ReferenceEvaluator.Nd;
import io.edgessl.testing.ReferencePreprocessing;
import java.util.Map;

/**
 * The independent computation the ONNX Runtime backend is checked against: core's reference
 * preprocessing (double precision, per-pixel decoding) followed by the plain-Java ONNX evaluator.
 */
final class Reference {
  private Reference() {}

  /** {@code {embedding, patch grid}} of one frame. */
  static float[][] features(Manifest m, OnnxGraph g, Frame f) {
    float[] in = ReferencePreprocessing.run(m.preprocessing(), f);
    int c = m.preprocessing().channels();
    int h = m.preprocessing().height();
    int w = m.preprocessing().width();
    Map<String, Nd> out = ReferenceEvaluator.run(g, Map.of(m.inputName(), Nd.of(in, 1, c, h, w)));
    return new float[][] {
      out.get(m.embeddingOutput()).floats(), out.get(m.patchGridOutput()).floats()
    };
  }

  /** The largest absolute difference. */
  static double maxDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
    }
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
