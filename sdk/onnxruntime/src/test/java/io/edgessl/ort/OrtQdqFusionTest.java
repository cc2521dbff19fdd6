package io.edgessl.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Ops;
import io.edgessl.onnx.Shape;
import io.edgessl.onnx.Tensor;
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
import java.util.SplittableRandom;
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

  /** Operator counts of the graph ONNX Runtime runs for {@code g}. */
  private Map<String, Integer> optimized(OnnxGraph g, String name) throws Exception {
    return OrtOptimized.opCounts(g, dir.resolve(name + ".optimized.onnx"));
  }

  private static int count(Map<String, Integer> ops, Set<String> types) {
    return OrtOptimized.count(ops, types);
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

  /**
   * A ResNet stage with a downsample, then two projections of one vector: {@code x} feeds the
   * stage's first 3 x 3 Conv and its 1 x 1 downsample Conv, the pooled feature feeds two MatMuls.
   * Each reader needs a Q/DQ pair of its own: ONNX Runtime's {@code QDQS8ToU8Transformer} turns an
   * int8 pair into uint8 (what its x86 integer Conv needs) only when the QuantizeLinear has exactly
   * one consumer, and {@code EnsureUniqueDQForNodeUnit} duplicates a shared DequantizeLinear but
   * not its QuantizeLinear, so a shared pair leaves both readers in float.
   */
  private static OnnxGraph sharedInputs() {
    OnnxGraph g = OnnxGraph.create("shared-inputs");
    Ops ops = new Ops(g);
    SplittableRandom r = new SplittableRandom(11);
    String pixels = g.input("pixels", ElementType.FLOAT, Shape.batched("N", 3, 16, 16));
    long[] s1 = {1, 1};
    long[] s2 = {2, 2};
    long[] p1 = {1, 1, 1, 1};
    long[] p0 = {0, 0, 0, 0};
    String x = ops.relu(ops.conv(pixels, w(ops, r, "stem.w", 8, 3, 3, 3), b(ops, 8), s1, p1, 1));
    String a = ops.relu(ops.conv(x, w(ops, r, "a.w", 16, 8, 3, 3), b(ops, 16), s2, p1, 1));
    String c = ops.conv(a, w(ops, r, "b.w", 16, 16, 3, 3), b(ops, 16), s1, p1, 1);
    String ds = ops.conv(x, w(ops, r, "down.w", 16, 8, 1, 1), b(ops, 16), s2, p0, 1);
    String y = ops.relu(ops.add(c, ds));
    String f = ops.flatten(ops.globalAveragePool(y), 1);
    String e1 = ops.matMul(f, w(ops, r, "proj1.w", 16, 8));
    String e2 = ops.matMul(f, w(ops, r, "proj2.w", 16, 8));
    g.output(ops.identity(e1, "embedding"), ElementType.FLOAT, Shape.batched("N", 8));
    g.output(ops.identity(e2, "other"), ElementType.FLOAT, Shape.batched("N", 8));
    g.check();
    return g;
  }

  private static String w(Ops ops, SplittableRandom r, String name, long... dims) {
    return ops.weight(Tensor.normal(name, r, 0.3, dims));
  }

  private static String b(Ops ops, long n) {
    return ops.weight(Tensor.filled(ops.fresh("bias"), 0.1f, n));
  }

  @Test
  void convsAndMatMulsReadingOneActivationAllRunAsIntegerKernels() throws Exception {
    OnnxGraph fp32 = sharedInputs();
    OnnxGraph prepared = GraphPreparation.forQuantization(fp32);
    List<QuantLayer> layers = QdqQuantizer.layers(prepared);
    assertEquals(6, layers.size(), layers.toString());
    OnnxGraph int8 =
        QdqQuantizer.quantize(prepared, ranges(prepared), QdqQuantizer.Options.defaults());
    // Every reader has its own pair: no QuantizeLinear or DequantizeLinear has two consumers.
    for (Node n : int8.nodes()) {
      if (n.opType().endsWith("QuantizeLinear")) {
        assertEquals(1, int8.consumers(n.output(0)).size(), n.toString());
      }
    }
    Map<String, Integer> q = optimized(int8, "shared-int8");
    assertEquals(4, count(q, Set.of("QLinearConv")), "all four Convs: " + q);
    assertEquals(layers.size(), count(q, INTEGER), "int8: " + q);
    assertEquals(0, count(q, FLOAT_PRODUCTS), "int8: " + q);
  }
}
