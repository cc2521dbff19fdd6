package io.edgessl.onnx.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.onnx.Attribute;
import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Tensor;
import io.edgessl.onnx.ValueInfo;
import io.edgessl.onnx.models.RandomModels;
import io.edgessl.onnx.models.RandomModels.Preset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The FP16 graph, walked: half inside, float32 at its edges and around the normalizations. */
class Fp16ConverterTest {
  private static long to(Node cast) {
    return cast.attribute("to").map(Attribute::asLong).orElseThrow();
  }

  private static long count(OnnxGraph g, String op) {
    return g.nodes().stream().filter(n -> n.opType().equals(op)).count();
  }

  @Test
  void halfInsideFloatAroundNormsAndAtTheEdges() {
    for (Preset p : new Preset[] {Preset.VIT_TEST, Preset.CONV_TEST}) {
      OnnxGraph fp32 = RandomModels.graph(p, 2);
      OnnxGraph h = Fp16Converter.convert(fp32);
      Map<String, ElementType> types = ElementTypes.infer(h);
      for (ValueInfo v : h.inputs()) {
        assertEquals(ElementType.FLOAT, v.type());
      }
      for (ValueInfo v : h.outputs()) {
        assertEquals(ElementType.FLOAT, v.type());
        Node last = h.producer(v.name()).orElseThrow();
        assertEquals("Cast", last.opType(), "outputs are cast back to float32");
        assertEquals(ElementType.FLOAT.code(), to(last));
        assertEquals(ElementType.FLOAT16, types.get(last.input(0)));
      }
      int kept = 0;
      for (Node n : h.nodes()) {
        boolean keep = Fp16Converter.KEEP_FLOAT.contains(n.opType());
        if (n.opType().equals("Cast") || n.opType().equals("Shape")) {
          continue;
        }
        for (String in : n.inputs()) {
          ElementType t = types.get(in);
          if (t == ElementType.FLOAT || t == ElementType.FLOAT16) {
            assertEquals(
                keep ? ElementType.FLOAT : ElementType.FLOAT16, t, n + " reads " + in + " as " + t);
          }
        }
        if (keep) {
          kept++;
          // A kept node's output is cast to half for its readers.
          for (Node reader : h.consumers(n.output(0))) {
            assertTrue(
                reader.opType().equals("Cast")
                    || Fp16Converter.KEEP_FLOAT.contains(reader.opType()),
                reader + " reads float32 " + n.output(0));
          }
        }
      }
      assertTrue(kept > 0, p + " has normalizations or poolings kept in float32");
      // In the ViT: every LayerNormalization and Softmax is there, and each reads its activation
      // through an explicit Cast to float32 of a half tensor (its scale and bias are float32
      // initializers).
      if (p == Preset.VIT_TEST) {
        int norms = 0;
        for (Node n : h.nodes()) {
          if (n.opType().equals("LayerNormalization") || n.opType().equals("Softmax")) {
            norms++;
            Node cast = h.producer(n.input(0)).orElseThrow();
            assertEquals("Cast", cast.opType(), n + " reads " + n.input(0));
            assertEquals(ElementType.FLOAT.code(), to(cast));
            assertEquals(ElementType.FLOAT16, types.get(cast.input(0)));
          }
        }
        assertEquals(count(fp32, "LayerNormalization") + count(fp32, "Softmax"), norms);
        assertTrue(norms >= 5 + 2, "2 blocks: 4 norms, the final norm, 2 softmaxes: " + norms);
      }
      for (Tensor t : h.initializers().values()) {
        if (t.type() == ElementType.FLOAT) {
          for (Node reader : h.consumers(t.name())) {
            assertTrue(Fp16Converter.KEEP_FLOAT.contains(reader.opType()), reader + " reads " + t);
          }
        }
      }
      assertEquals("fp16", h.metadata().get("edgessl.precision"));
    }
    // LayerNorm's scale and bias stay float32 and exact; MatMul weights are the nearest halves.
    OnnxGraph fp32 = RandomModels.graph(Preset.VIT_TEST, 2);
    OnnxGraph h = Fp16Converter.convert(fp32);
    Tensor scale = fp32.initializers().get("blocks.0.norm1.weight");
    assertEquals(scale, h.initializers().get("blocks.0.norm1.weight"));
    Tensor w = fp32.initializers().get("blocks.0.attn.qkv.weight");
    Tensor wh = h.initializers().get("blocks.0.attn.qkv.weight_fp16");
    assertEquals(ElementType.FLOAT16, wh.type());
    float[] a = w.toFloats();
    float[] b = wh.toFloats();
    for (int i = 0; i < a.length; i++) {
      // Half a unit in the last place: 2^-11 relative, 2^-25 among the subnormals.
      assertEquals(a[i], b[i], Math.max(Math.abs(a[i]) * 0x1p-11f, 0x1p-25f), "weight " + i);
    }
    assertFalse(h.initializers().containsKey("blocks.0.attn.qkv.weight"));
  }

  @Test
  void refusesQuantizedGraphs() {
    OnnxGraph prepared = GraphPreparation.forQuantization(RandomModels.graph(Preset.VIT_TEST, 2));
    Map<String, Range> ranges = new java.util.HashMap<>();
    for (String t :
        QdqQuantizer.calibrationTensors(
            QdqQuantizer.layers(prepared), QdqQuantizer.Options.defaults())) {
      ranges.put(t, new Range(-1, 1));
    }
    OnnxGraph q = QdqQuantizer.quantize(prepared, ranges, QdqQuantizer.Options.defaults());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Fp16Converter.convert(q, Set.of()));
    assertTrue(e.getMessage().startsWith("graph vit is quantized (node "), e.getMessage());
  }
}
