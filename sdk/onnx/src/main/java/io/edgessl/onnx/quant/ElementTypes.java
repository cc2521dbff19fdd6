package io.edgessl.onnx.quant;

import io.edgessl.onnx.Attribute;
import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Tensor;
import io.edgessl.onnx.ValueInfo;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The element type of every tensor of a graph, from its inputs and initializers forward through the
 * nodes by each operator's typing rule. Covers what encoder graphs use; an operator it does not
 * know is assumed to return the type of its first input, which holds for element-wise operators,
 * data movement and normalization.
 */
final class ElementTypes {
  private static final Set<String> INT64_OUT =
      Set.of("Shape", "Size", "NonZero", "ArgMax", "ArgMin");
  private static final Set<String> BOOL_OUT =
      Set.of(
          "Equal",
          "Less",
          "Greater",
          "LessOrEqual",
          "GreaterOrEqual",
          "Not",
          "And",
          "Or",
          "Xor",
          "IsNaN",
          "IsInf");

  private ElementTypes() {}

  /** Types by tensor name; tensors whose type cannot be told are absent. */
  static Map<String, ElementType> infer(OnnxGraph g) {
    Map<String, ElementType> t = new HashMap<>();
    for (ValueInfo v : g.inputs()) {
      t.put(v.name(), v.type());
    }
    for (Tensor i : g.initializers().values()) {
      t.put(i.name(), i.type());
    }
    for (Node n : g.nodes()) {
      ElementType out = output(n, t);
      if (out != null) {
        for (String o : n.outputs()) {
          if (!o.isEmpty()) {
            t.put(o, out);
          }
        }
      }
    }
    return t;
  }

  private static ElementType output(Node n, Map<String, ElementType> t) {
    String op = n.opType();
    if (INT64_OUT.contains(op)) {
      return ElementType.INT64;
    }
    if (BOOL_OUT.contains(op)) {
      return ElementType.BOOL;
    }
    switch (op) {
      case "Cast":
        return n.attribute("to").map(a -> ElementType.of((int) a.asLong())).orElse(null);
      case "Constant":
        return constant(n);
      case "ConstantOfShape":
        return n.attribute("value").map(a -> a.asTensor().type()).orElse(ElementType.FLOAT);
      case "QuantizeLinear":
        return n.inputs().size() > 2 && !n.input(2).isEmpty()
            ? t.get(n.input(2))
            : ElementType.UINT8;
      case "DequantizeLinear":
        return t.get(n.input(1));
      case "Where":
        return t.get(n.input(1));
      default:
        for (String in : n.inputs()) {
          if (!in.isEmpty()) {
            return t.get(in);
          }
        }
        return null;
    }
  }

  private static ElementType constant(Node n) {
    for (Attribute a : n.attributes().values()) {
      switch (a.name()) {
        case "value":
          return a.asTensor().type();
        case "value_float":
        case "value_floats":
          return ElementType.FLOAT;
        case "value_int":
        case "value_ints":
          return ElementType.INT64;
        default:
          break;
      }
    }
    return null;
  }
}
