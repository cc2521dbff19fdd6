package io.edgessl.onnx.quant;

import io.edgessl.onnx.Attribute;
import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Tensor;
import io.edgessl.onnx.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts a float32 graph to half precision inside, the way TensorRT's strongly typed networks
 * take it: weights and activations FLOAT16, except the operators in {@link #KEEP_FLOAT} (the
 * normalizations and the reductions inside them, where FP16 overflows: sums of squares over a
 * token's channels, softmax's exponentials), which read and write float32 through explicit Casts.
 * The graph's inputs and outputs stay float32, so that every precision of a bundle has the same
 * interface. ONNX Runtime's CPU provider lacks FP16 kernels for most operators and runs those
 * through casts of its own, so an FP16 model is for GPUs; on CPUs it is slower than FP32.
 */
public final class Fp16Converter {
  /**
   * Operators left in float32: LayerNormalization and Softmax (FP16 LayerNorm overflow is the most
   * reported ViT failure on TensorRT), and the reductions and powers that decomposed normalizations
   * and poolings are made of.
   */
  public static final Set<String> KEEP_FLOAT =
      Set.of(
          "LayerNormalization",
          "Softmax",
          "LogSoftmax",
          "ReduceMean",
          "ReduceSum",
          "ReduceSumSquare",
          "ReduceL2",
          "ReduceLogSumExp",
          "GlobalAveragePool",
          "Pow",
          "Sqrt");

  /** Operators whose inputs are only inspected for their shape: left as they are. */
  private static final Set<String> SHAPE_ONLY = Set.of("Shape", "Size");

  private Fp16Converter() {}

  /**
   * The FP16 version of {@code fp32}, which is not changed, keeping the operators of {@link
   * #KEEP_FLOAT} in float32.
   *
   * @param fp32 a float32 graph, not quantized
   * @return a new graph
   * @throws IllegalArgumentException when the graph is already quantized or not well formed
   */
  public static OnnxGraph convert(OnnxGraph fp32) {
    return convert(fp32, KEEP_FLOAT);
  }

  /**
   * As {@link #convert(OnnxGraph)}, keeping the operators {@code keepFloat} in float32.
   *
   * @param fp32 a float32 graph, not quantized; not changed
   * @param keepFloat operator types (e.g. {@code Softmax}) that stay float32; read, not kept
   * @return a new graph
   * @throws IllegalArgumentException when the graph is already quantized or not well formed
   */
  public static OnnxGraph convert(OnnxGraph fp32, Set<String> keepFloat) {
    OnnxGraph g = fp32.copy();
    for (Node n : g.nodes()) {
      if (n.opType().equals("QuantizeLinear") || n.opType().equals("DequantizeLinear")) {
        throw new IllegalArgumentException(
            "graph " + g.name() + " is quantized (node " + n.name() + "); convert its FP32 model");
      }
    }
    Map<String, ElementType> original = ElementTypes.infer(g);
    // The type each float tensor has in the new graph; absent: not a float tensor.
    Map<String, ElementType> now = new HashMap<>();
    for (ValueInfo v : g.inputs()) {
      if (v.type() == ElementType.FLOAT) {
        now.put(v.name(), ElementType.FLOAT);
      }
    }
    for (Tensor t : g.initializers().values()) {
      if (t.type() == ElementType.FLOAT) {
        now.put(t.name(), ElementType.FLOAT);
      }
    }
    Map<String, String> converted = new HashMap<>();
    List<Node> nodes = new ArrayList<>();
    for (Node n : g.nodes()) {
      boolean keep = keepFloat.contains(n.opType()) && n.domain().isEmpty();
      ElementType want = keep ? ElementType.FLOAT : ElementType.FLOAT16;
      if (n.opType().equals("Cast")) {
        long to = n.attribute("to").map(Attribute::asLong).orElse(0L);
        if (to == ElementType.FLOAT.code() && !keep) {
          n.attribute(Attribute.of("to", (long) ElementType.FLOAT16.code()));
          now.put(n.output(0), ElementType.FLOAT16);
        }
        nodes.add(n);
        continue;
      }
      if (n.opType().equals("Constant")) {
        Attribute v = n.attributes().get("value");
        if (v != null
            && v.kind() == Attribute.Kind.TENSOR
            && v.asTensor().type() == ElementType.FLOAT) {
          Tensor t = v.asTensor();
          n.attribute(Attribute.of("value", Tensor.halves(t.name(), t.toFloats(), t.dims())));
          now.put(n.output(0), ElementType.FLOAT16);
        }
        nodes.add(n);
        continue;
      }
      if (!SHAPE_ONLY.contains(n.opType())) {
        for (int i = 0; i < n.inputs().size(); i++) {
          String t = n.input(i);
          ElementType cur = now.get(t);
          if (t.isEmpty() || cur == null || cur == want || fixedFloat(n, i)) {
            continue;
          }
          n.inputs().set(i, convert(g, t, want, converted, nodes, now));
        }
      }
      for (String o : n.outputs()) {
        if (!o.isEmpty() && original.get(o) == ElementType.FLOAT) {
          now.put(o, want);
        }
      }
      nodes.add(n);
    }
    g.nodes().clear();
    g.nodes().addAll(nodes);
    // Outputs: the producer writes a fresh name, a Cast back to float32 writes the output's.
    for (ValueInfo v : g.outputs()) {
      if (v.type() == ElementType.FLOAT && now.get(v.name()) == ElementType.FLOAT16) {
        String half = g.uniqueName(v.name() + "_fp16");
        int renamed = 0;
        for (Node n : g.nodes()) {
          for (int i = 0; i < n.outputs().size(); i++) {
            if (n.output(i).equals(v.name())) {
              n.outputs().set(i, half);
              renamed++;
            }
          }
          for (int i = 0; i < n.inputs().size(); i++) {
            if (n.input(i).equals(v.name())) {
              n.inputs().set(i, half);
            }
          }
        }
        if (renamed != 1) {
          throw new IllegalArgumentException(
              "graph output " + v.name() + " has no single producer");
        }
        g.nodes()
            .add(
                new Node(
                        g.uniqueName(v.name() + "_to_fp32"),
                        "Cast",
                        List.of(half),
                        List.of(v.name()))
                    .attribute(Attribute.of("to", (long) ElementType.FLOAT.code())));
      }
    }
    GraphPreparation.removeUnusedInitializers(g);
    g.check();
    g.metadata().put("edgessl.precision", "fp16");
    return g;
  }

  /** Inputs that ONNX requires to be float32 whatever the data type (Resize's scales). */
  private static boolean fixedFloat(Node n, int input) {
    return (n.opType().equals("Resize") && input == 2)
        || (n.opType().equals("Upsample") && input == 1);
  }

  /** {@code t} as {@code type}: a converted initializer, or a Cast, created once. */
  private static String convert(
      OnnxGraph g,
      String t,
      ElementType type,
      Map<String, String> converted,
      List<Node> nodes,
      Map<String, ElementType> now) {
    String key = t + "\u0000" + type;
    String c = converted.get(key);
    if (c != null) {
      return c;
    }
    String suffix = type == ElementType.FLOAT16 ? "_fp16" : "_fp32";
    Tensor init = g.initializers().get(t);
    if (init != null) {
      float[] v = init.toFloats();
      Tensor n =
          type == ElementType.FLOAT16
              ? Tensor.halves(g.uniqueName(t + suffix), v, init.dims())
              : Tensor.floats(g.uniqueName(t + suffix), v, init.dims());
      c = g.initializer(n);
    } else {
      c = g.uniqueName(t + suffix);
      nodes.add(
          new Node(g.uniqueName(t + "_cast" + suffix), "Cast", List.of(t), List.of(c))
              .attribute(Attribute.of("to", (long) type.code())));
    }
    now.put(c, type);
    converted.put(key, c);
    return c;
  }
}
