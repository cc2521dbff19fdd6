package io.edgessl.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.models.RandomModels;
import io.edgessl.onnx.models.RandomModels.Preset;
import io.edgessl.onnx.quant.GraphPreparation;
import io.edgessl.onnx.quant.QdqQuantizer;
import io.edgessl.onnx.quant.QuantLayer;
import io.edgessl.onnx.quant.Range;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ONNX Runtime makes of our QDQ graphs: it loads them (its checker and shape inference run at
 * load), and its optimizer turns every quantized MatMul and Conv into an integer kernel
 * (MatMulIntegerToFloat, QLinearMatMul, QLinearConv) while the float operators stay float. This is
 * the point of the QDQ format on the CPU: a Q/DQ pair ONNX Runtime cannot fuse runs as float with
 * two extra passes over the tensor, slower than no quantization at all.
 */
class OrtQdqFusionTest {
  /** Integer kernels a fused QDQ group becomes on ONNX Runtime's CPU provider. */
  private static final Set<String> INTEGER =
      Set.of(
          "MatMulIntegerToFloat", "QLinearMatMul", "QLinearConv", "MatMulInteger", "ConvInteger");

  /** Float kernels of a MatMul or Conv, before or after fusion with a bias or activation. */
  private static final Set<String> FLOAT_PRODUCTS =
      Set.of("MatMul", "Gemm", "Conv", "FusedConv", "FusedMatMul", "FusedGemm", "NchwcConv");

  @TempDir Path dir;

  /**
   * Operator counts of the graph ONNX Runtime runs for {@code g} (optimizations as the backend).
   */
  private Map<String, Integer> optimized(OnnxGraph g, String name) throws Exception {
    Path out = dir.resolve(name + ".optimized.onnx");
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      so.setIntraOpNumThreads(1);
      so.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      so.setOptimizedModelFilePath(out.toString());
      try (OrtSession s = OrtEnvironment.getEnvironment().createSession(g.toBytes(), so)) {
        assertEquals(2, s.getNumOutputs());
      }
    }
    Map<String, Integer> c = new TreeMap<>();
    for (Node n : OnnxGraph.load(out).nodes()) {
      c.merge(n.opType(), 1, Integer::sum);
    }
    return c;
  }

  private static int count(Map<String, Integer> ops, Set<String> types) {
    return ops.entrySet().stream()
        .filter(e -> types.contains(e.getKey()))
        .mapToInt(Map.Entry::getValue)
        .sum();
  }

  private static Map<String, Range> ranges(OnnxGraph prepared) {
    Map<String, Range> r = new HashMap<>();
    for (String t :
        QdqQuantizer.calibrationTensors(
            QdqQuantizer.layers(prepared), QdqQuantizer.Options.defaults())) {
      r.put(t, new Range(-8, 8));
    }
    return r;
  }

  @Test
  void everyQuantizedLayerRunsAsAnIntegerKernelAndNothingElseDoes() throws Exception {
    for (Preset p : new Preset[] {Preset.VIT_TEST, Preset.CONV_TEST}) {
      OnnxGraph fp32 = RandomModels.graph(p, 3);
      OnnxGraph prepared = GraphPreparation.forQuantization(fp32);
      List<QuantLayer> layers = QdqQuantizer.layers(prepared);
      Map<String, Range> ranges = ranges(prepared);

      Map<String, Integer> f = optimized(fp32, p.id() + "-fp32");
      assertEquals(0, count(f, INTEGER), p + " fp32: " + f);
      assertEquals(layers.size(), count(f, FLOAT_PRODUCTS), p + " fp32: " + f);

      OnnxGraph all = QdqQuantizer.quantize(prepared, ranges, QdqQuantizer.Options.defaults());
      Map<String, Integer> q = optimized(all, p.id() + "-int8");
      assertEquals(layers.size(), count(q, INTEGER), p + " int8: " + q);
      assertEquals(0, count(q, FLOAT_PRODUCTS), p + " int8: " + q);
      if (p == Preset.VIT_TEST) {
        // The normalizations and softmax run in float (ONNX Runtime fuses the residual Add into
        // SkipLayerNormalization, a float kernel); no integer Add or Softmax appears.
        assertEquals(f.get("Softmax"), q.get("Softmax"), "int8: " + q);
        assertEquals(
            f.getOrDefault("LayerNormalization", 0) + f.getOrDefault("SkipLayerNormalization", 0),
            q.getOrDefault("LayerNormalization", 0) + q.getOrDefault("SkipLayerNormalization", 0),
            "int8: " + q);
      }
      for (String op : q.keySet()) {
        assertTrue(
            INTEGER.contains(op) || !op.startsWith("QLinear") && !op.endsWith("Integer"),
            p + ": an integer kernel we did not ask for: " + op + " in " + q);
      }

      // One layer kept in float: exactly that one stays a float product.
      QuantLayer kept = layers.get(layers.size() - 1);
      OnnxGraph one =
          QdqQuantizer.quantize(
              prepared, ranges, QdqQuantizer.Options.defaults().keeping(Set.of(kept.node())));
      Map<String, Integer> k = optimized(one, p.id() + "-int8-keep");
      assertEquals(layers.size() - 1, count(k, INTEGER), p + " keeping " + kept + ": " + k);
      assertEquals(1, count(k, FLOAT_PRODUCTS), p + " keeping " + kept + ": " + k);
    }
  }
}
