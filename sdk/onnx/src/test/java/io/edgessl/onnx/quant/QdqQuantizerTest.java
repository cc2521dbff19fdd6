package io.edgessl.onnx.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.onnx.Attribute;
import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Tensor;
import io.edgessl.onnx.models.RandomModels;
import io.edgessl.onnx.models.RandomModels.Preset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The QDQ graph, walked: every MatMul and Conv input pair is quantized as intended (activation
 * through Q then DQ of its own calibrated range, weight through DQ of per-channel int8), Conv
 * outputs through one more pair, and nothing else: every other node is the prepared graph's.
 */
class QdqQuantizerTest {

  /** Every tensor a quantized layer needs, with a distinct made-up range. */
  private static Map<String, Range> ranges(OnnxGraph prepared, QdqQuantizer.Options o) {
    Map<String, Range> r = new HashMap<>();
    int i = 1;
    for (String t : QdqQuantizer.calibrationTensors(QdqQuantizer.layers(prepared), o)) {
      r.put(t, new Range(-i, 2 * i));
      i++;
    }
    return r;
  }

  private static Map<String, Integer> opCounts(OnnxGraph g) {
    Map<String, Integer> c = new TreeMap<>();
    for (Node n : g.nodes()) {
      c.merge(n.opType(), 1, Integer::sum);
    }
    return c;
  }

  @Test
  void everyMatMulAndConvInputIsQuantizedAsIntendedAndNothingElse() {
    for (Preset p : new Preset[] {Preset.VIT_TEST, Preset.CONV_TEST}) {
      OnnxGraph prepared = GraphPreparation.forQuantization(RandomModels.graph(p, 4));
      QdqQuantizer.Options o = QdqQuantizer.Options.defaults();
      Map<String, Range> ranges = ranges(prepared, o);
      OnnxGraph q = QdqQuantizer.quantize(prepared, ranges, o);
      List<QuantLayer> layers = QdqQuantizer.layers(prepared);
      assertFalse(layers.isEmpty());

      Set<Node> expectedQdq = new HashSet<>();
      int activationPairs = 0;
      int weights = 0;
      for (QuantLayer l : layers) {
        Node n = q.nodes().stream().filter(x -> x.name().equals(l.node())).findFirst().get();
        assertEquals(l.opType(), n.opType());
        for (String a : l.activations()) {
          int idx =
              prepared.nodes().stream()
                  .filter(x -> x.name().equals(l.node()))
                  .findFirst()
                  .get()
                  .inputs()
                  .indexOf(a);
          Node dq = q.producer(n.input(idx)).orElseThrow();
          assertEquals("DequantizeLinear", dq.opType(), l.node() + " input " + a);
          Node qn = q.producer(dq.input(0)).orElseThrow();
          assertEquals("QuantizeLinear", qn.opType());
          assertEquals(a, qn.input(0), "Q reads the float tensor itself");
          assertEquals(qn.input(1), dq.input(1), "Q and DQ share their scale");
          assertEquals(qn.input(2), dq.input(2), "and their zero point");
          Range r = ranges.get(a);
          assertEquals(r.maxAbs() / 127, q.initializers().get(dq.input(1)).toFloats()[0]);
          Tensor zp = q.initializers().get(dq.input(2));
          assertEquals(ElementType.INT8, zp.type());
          assertEquals(0, zp.toBytes()[0]);
          // A pair of its own for every reader: ONNX Runtime fuses a DQ with one consumer only,
          // and converts an int8 pair to uint8 (x86) only when its Q has one consumer.
          assertEquals(List.of(n), q.consumers(dq.output(0)), l.node() + " input " + a);
          assertEquals(List.of(dq), q.consumers(qn.output(0)), l.node() + " input " + a);
          expectedQdq.add(dq);
          expectedQdq.add(qn);
          activationPairs++;
        }
        if (l.weight() == null) {
          assertEquals(2, l.activations().size(), "a product of two activations: " + l);
          continue;
        }
        Node wdq = q.producer(n.input(1)).orElseThrow();
        assertEquals("DequantizeLinear", wdq.opType());
        Tensor wq = q.initializers().get(wdq.input(0));
        assertNotNull(wq, "weights are int8 initializers");
        assertEquals(ElementType.INT8, wq.type());
        Tensor w = prepared.initializers().get(l.weight());
        assertArrayEquals(w.dims(), wq.dims());
        long axis = wdq.attribute("axis").map(Attribute::asLong).orElse(-1L);
        assertEquals(l.weightAxis(), axis);
        long channels = w.dims()[(int) axis];
        assertEquals(channels, q.initializers().get(wdq.input(1)).count(), "a scale per channel");
        assertEquals(l.opType().equals("Conv") ? 0 : 1, axis, "Conv [O, I, kh, kw]; MatMul [K, N]");
        assertFalse(q.initializers().containsKey(l.weight()), "the float weights are gone");
        expectedQdq.add(wdq);
        weights++;
        if (l.output() != null) {
          assertEquals("Conv", l.opType());
          Node oq = q.consumers(n.output(0)).get(0);
          assertEquals("QuantizeLinear", oq.opType());
          Node odq = q.consumers(oq.output(0)).get(0);
          assertEquals("DequantizeLinear", odq.opType());
          assertEquals(l.output(), odq.output(0), "readers of the output read the pair's");
          expectedQdq.add(oq);
          expectedQdq.add(odq);
        }
      }
      // Nothing else: the Q/DQ nodes are exactly those, and every other node is the prepared one.
      for (Node n : q.nodes()) {
        if (n.opType().endsWith("QuantizeLinear")) {
          assertTrue(expectedQdq.contains(n), "unexpected " + n);
        }
      }
      Map<String, Integer> want = opCounts(prepared);
      Map<String, Integer> got = opCounts(q);
      int qCount = got.remove("QuantizeLinear");
      int dqCount = got.remove("DequantizeLinear");
      assertEquals(want, got, p + ": the other operators are untouched");
      long convOutputs = layers.stream().filter(l -> l.output() != null).count();
      assertEquals(activationPairs + convOutputs, qCount, p.id());
      assertEquals(qCount + weights, dqCount, p.id());
      // LayerNormalization, Softmax and the Adds (biases, residuals) read float tensors, not DQ
      // outputs, except the DQ of a Conv's output, which ONNX Runtime's integer Conv needs (the
      // Add that follows, the Conv's bias, stays float: OrtQdqFusionTest).
      Set<String> quantizedConvOutputs = new HashSet<>();
      layers.stream()
          .filter(l -> l.output() != null)
          .forEach(l -> quantizedConvOutputs.add(l.output()));
      int checked = 0;
      for (Node n : q.nodes()) {
        if (Set.of("LayerNormalization", "Softmax", "Add").contains(n.opType())) {
          checked++;
          for (String in : n.inputs()) {
            assertFalse(
                !quantizedConvOutputs.contains(in)
                    && q.producer(in).map(x -> x.opType().equals("DequantizeLinear")).orElse(false),
                n + " reads a dequantized tensor");
          }
        }
      }
      assertTrue(checked >= (p == Preset.VIT_TEST ? 12 : 4), p + ": " + checked);
      assertEquals("int8", q.metadata().get("edgessl.precision"));
      q.check();
    }
  }

  @Test
  void aLayerKeptInFloatReadsFloatTensorsAndWeights() {
    OnnxGraph prepared = GraphPreparation.forQuantization(RandomModels.graph(Preset.VIT_TEST, 4));
    QuantLayer first = QdqQuantizer.layers(prepared).get(1);
    QdqQuantizer.Options o = QdqQuantizer.Options.defaults().keeping(Set.of(first.node()));
    OnnxGraph q = QdqQuantizer.quantize(prepared, ranges(prepared, o), o);
    Node n = q.nodes().stream().filter(x -> x.name().equals(first.node())).findFirst().get();
    assertEquals(List.of(first.activations().get(0), first.weight()), n.inputs());
    assertEquals(ElementType.FLOAT, q.initializers().get(first.weight()).type());

    QdqQuantizer.Options noProducts =
        new QdqQuantizer.Options(QdqQuantizer.ActivationScheme.SYMMETRIC, Set.of(), false);
    OnnxGraph np = QdqQuantizer.quantize(prepared, ranges(prepared, noProducts), noProducts);
    for (QuantLayer l : QdqQuantizer.layers(prepared)) {
      if (l.weight() == null) {
        Node m = np.nodes().stream().filter(x -> x.name().equals(l.node())).findFirst().get();
        assertEquals(l.activations(), m.inputs(), "products of activations stay float");
      }
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                QdqQuantizer.quantize(
                    prepared, Map.of(), QdqQuantizer.Options.defaults().keeping(Set.of("nope"))));
    assertTrue(
        e.getMessage().startsWith("no quantizable layer named 'nope'; layers are ["),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> QdqQuantizer.quantize(prepared, Map.of(), QdqQuantizer.Options.defaults()));
    assertTrue(e.getMessage().startsWith("no calibrated range for tensor '"), e.getMessage());
  }

  @Test
  void scalesAndZeroPointsByHand() {
    QdqQuantizer.Params s =
        QdqQuantizer.params(new Range(-2, 1), QdqQuantizer.ActivationScheme.SYMMETRIC);
    assertEquals(2f / 127, s.scale());
    assertEquals(0, s.zeroPoint());
    // [-1, 3] in 255 steps of 4/255: -1 maps to -128 + ... zero point rint(-128 + 63.75) = -64.
    QdqQuantizer.Params a =
        QdqQuantizer.params(new Range(-1, 3), QdqQuantizer.ActivationScheme.ASYMMETRIC);
    assertEquals(4f / 255, a.scale());
    assertEquals(-64, a.zeroPoint());
    // A positive range is widened to include 0 (exactly representable): [0, 2], zero point -128.
    QdqQuantizer.Params pos =
        QdqQuantizer.params(new Range(0.5f, 2), QdqQuantizer.ActivationScheme.ASYMMETRIC);
    assertEquals(2f / 255, pos.scale());
    assertEquals(-128, pos.zeroPoint());
    assertEquals(
        1f, QdqQuantizer.params(new Range(0, 0), QdqQuantizer.ActivationScheme.SYMMETRIC).scale());
  }

  @Test
  void perChannelWeightsByHand() {
    // [2, 3], channels along axis 1 (columns): max |w| per column 1.5, 2, 0.5.
    float[] w = {1.5f, -2f, 0.5f, 0.1f, 0.3f, -0.4f};
    QdqQuantizer.QuantizedWeight q = QdqQuantizer.quantizeWeight(w, new long[] {2, 3}, 1);
    assertArrayEquals(new float[] {1.5f / 127, 2f / 127, 0.5f / 127}, q.scales());
    // 0.1 / (1.5 / 127) = 8.47 -> 8; 0.3 / (2 / 127) = 19.05 -> 19; -0.4 / (0.5 / 127) = -101.6.
    assertArrayEquals(new byte[] {127, -127, 127, 8, 19, -102}, q.values());
    // Along axis 0 (rows): max 2 and 0.4: 95.25 -> 95, 31.75 -> 32.
    QdqQuantizer.QuantizedWeight r = QdqQuantizer.quantizeWeight(w, new long[] {2, 3}, 0);
    assertArrayEquals(new float[] {2f / 127, 0.4f / 127}, r.scales());
    assertArrayEquals(new byte[] {95, -127, 32, 32, 95, -127}, r.values());
    // One scale of exactly 1: ties round to even, as QuantizeLinear does.
    QdqQuantizer.QuantizedWeight t =
        QdqQuantizer.quantizeWeight(new float[] {127, 2.5f, -3.5f, 0.5f}, new long[] {4}, -1);
    assertArrayEquals(new float[] {1f}, t.scales());
    assertArrayEquals(new byte[] {127, 2, -4, 0}, t.values());
    QdqQuantizer.QuantizedWeight z =
        QdqQuantizer.quantizeWeight(new float[] {0, 0}, new long[] {2}, -1);
    assertArrayEquals(new float[] {1f}, z.scales(), "an all-zero tensor gets scale 1");
  }
}
