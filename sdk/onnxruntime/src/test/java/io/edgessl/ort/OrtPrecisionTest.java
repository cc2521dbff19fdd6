package io.edgessl.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.bundle.BundleWriter;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.bundle.Precision;
import io.edgessl.encoder.Backends;
import io.edgessl.encoder.Encoder;
import io.edgessl.encoder.OptimizationLevel;
import io.edgessl.image.PixelFormat;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.models.RandomModels;
import io.edgessl.onnx.models.RandomModels.Preset;
import io.edgessl.onnx.quant.Fp16Converter;
import io.edgessl.onnx.quant.GraphPreparation;
import io.edgessl.onnx.quant.QdqQuantizer;
import io.edgessl.onnx.quant.Range;
import io.edgessl.spi.ModelSource;
import io.edgessl.spi.SessionOptions;
import io.edgessl.spi.SessionSpec;
import io.edgessl.spi.TensorSpec;
import io.edgessl.testing.TestFrames;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three precisions of a bundle on ONNX Runtime: each loads and runs through the Encoder API,
 * and "fastest" is what the backend measures on the model at hand.
 */
class OrtPrecisionTest {
  @TempDir Path dir;

  private ModelBundle bundle() throws Exception {
    OnnxGraph fp32 = RandomModels.graph(Preset.VIT_TEST, 3);
    OnnxGraph prepared = GraphPreparation.forQuantization(fp32);
    Map<String, Range> ranges = new HashMap<>();
    for (String t :
        QdqQuantizer.calibrationTensors(
            QdqQuantizer.layers(prepared), QdqQuantizer.Options.defaults())) {
      ranges.put(t, new Range(-8, 8));
    }
    OnnxGraph int8 = QdqQuantizer.quantize(prepared, ranges, QdqQuantizer.Options.defaults());
    Path b = dir.resolve("three.edgessl");
    BundleWriter.write(
        b,
        RandomModels.manifest(Preset.VIT_TEST, 3)
            .precision(Precision.FP16, "encoder.fp16.onnx")
            .precision(Precision.INT8, "encoder.int8.onnx"),
        Map.of(
            "encoder.fp32.onnx", fp32.toBytes(),
            "encoder.fp16.onnx", Fp16Converter.convert(fp32).toBytes(),
            "encoder.int8.onnx", int8.toBytes()));
    return ModelBundle.open(b);
  }

  @Test
  void everyPrecisionRunsAndFastestIsMeasured() throws Exception {
    ModelBundle b = bundle();
    var frame = TestFrames.random(PixelFormat.RGB, 40, 30, 5);
    float[] ref = null;
    for (Precision p : Precision.values()) {
      try (Encoder e = Encoder.builder(b).precision(p).threads(1).build()) {
        assertEquals(p, e.precision());
        float[] v = e.embed(frame).vector();
        if (ref == null) {
          ref = v;
        } else {
          double dot = 0;
          double na = 0;
          double nb = 0;
          for (int i = 0; i < v.length; i++) {
            dot += v[i] * ref[i];
            na += v[i] * v[i];
            nb += ref[i] * ref[i];
          }
          // Made-up ranges of [-8, 8] for every activation, not calibrated ones (the tools' tests
          // check those): this only shows that each variant computes about the same function.
          assertTrue(dot / Math.sqrt(na * nb) > 0.95, p + " cosine " + dot / Math.sqrt(na * nb));
        }
      }
    }

    OrtBackend backend = (OrtBackend) Backends.get("onnxruntime");
    var m = b.manifest();
    Map<Precision, ModelSource> models = new EnumMap<>(Precision.class);
    for (Precision p : m.precisions().keySet()) {
      String f = m.precisions().get(p);
      models.put(p, new ModelSource(f, b.model(p), m.files().get(f)));
    }
    SessionSpec spec = SessionSpec.of(m);
    assertEquals(
        new SessionSpec(
            new TensorSpec("pixels", 3, 32, 32),
            List.of(new TensorSpec("embedding", 32), new TensorSpec("patch_grid", 4, 4, 32))),
        spec);
    SessionOptions options = new SessionOptions(1, OptimizationLevel.ALL, 8);
    List<Precision> ranked = backend.rank(models, spec, options);
    assertEquals(new HashSet<>(models.keySet()), new HashSet<>(ranked), "a permutation");
    assertSame(ranked, backend.rank(models, spec, options), "measured once, then remembered");
    try (Encoder e = Encoder.builder(b).threads(1).precision("fastest").build();
        Encoder d = Encoder.builder(b).threads(1).build()) {
      assertEquals(ranked.get(0), e.precision(), "fastest is the measured fastest");
      assertEquals(Precision.FP32, d.precision(), "no recorded default: FP32, not the fastest");
    }
    // One candidate: nothing to measure.
    assertEquals(
        List.of(Precision.FP32),
        backend.rank(Map.of(Precision.FP32, models.get(Precision.FP32)), spec, options));
  }
}
