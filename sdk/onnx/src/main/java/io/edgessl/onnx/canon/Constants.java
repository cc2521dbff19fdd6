package io.edgessl.onnx.canon;

import io.edgessl.onnx.Attribute;
import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Tensor;
import io.edgessl.onnx.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Constant values, readers and graph outputs: what the passes of this package look up. */
final class Constants {
  private Constants() {}

  /** Whether a node is of the default ONNX domain. */
  static boolean defaultDomain(Node n) {
    return n.domain().isEmpty() || n.domain().equals("ai.onnx");
  }

  /** Whether {@code n} is a default-domain node of type {@code opType}. */
  static boolean is(Node n, String opType) {
    return n.opType().equals(opType) && defaultDomain(n);
  }

  /**
   * The tensor a Constant node defines (attribute value, value_float(s) or value_int(s)), named
   * after its output; null for another node or another attribute (strings, sparse tensors).
   */
  static Tensor ofConstantNode(Node n) {
    if (!is(n, "Constant") || n.outputs().size() != 1 || n.attributes().size() != 1) {
      return null;
    }
    String out = n.output(0);
    Attribute a = n.attributes().values().iterator().next();
    switch (a.name()) {
      case "value":
        return a.kind() == Attribute.Kind.TENSOR ? a.asTensor().withName(out) : null;
      case "value_float":
        return a.kind() == Attribute.Kind.FLOAT
            ? Tensor.floats(out, new float[] {a.asFloat()}) // one value: a scalar
            : null;
      case "value_floats":
        if (a.kind() != Attribute.Kind.FLOATS) {
          return null;
        }
        float[] f = a.asFloats();
        return Tensor.floats(out, f, f.length);
      case "value_int":
        return a.kind() == Attribute.Kind.INT ? Tensor.longs(out, new long[] {a.asLong()}) : null;
      case "value_ints":
        if (a.kind() != Attribute.Kind.INTS) {
          return null;
        }
        long[] l = a.asLongs();
        return Tensor.longs(out, l, l.length);
      default:
        return null;
    }
  }

  /** The value of {@code name} when it is an initializer or a Constant node's output, else null. */
  static Tensor value(OnnxGraph g, String name) {
    Tensor t = g.initializers().get(name);
    if (t != null) {
      return t;
    }
    Node p = g.producer(name).orElse(null);
    return p == null ? null : ofConstantNode(p);
  }

  /** Whether {@code name} is an initializer or a Constant node's output. */
  static boolean isConstant(OnnxGraph g, String name) {
    if (g.initializers().containsKey(name)) {
      return true;
    }
    Node p = g.producer(name).orElse(null);
    return p != null && is(p, "Constant");
  }

  /** The single value of a one-element FLOAT, FLOAT16, INT64 or INT32 tensor; null otherwise. */
  static Double scalar(Tensor t) {
    if (t == null || t.count() != 1) {
      return null;
    }
    if (t.type() == ElementType.FLOAT || t.type() == ElementType.FLOAT16) {
      return (double) t.toFloats()[0];
    }
    if (t.type() == ElementType.INT64) {
      return (double) t.toLongs()[0];
    }
    if (t.type() == ElementType.INT32) {
      return (double) t.toInts()[0];
    }
    return null;
  }

  /** The names of the graph outputs. */
  static Set<String> graphOutputs(OnnxGraph g) {
    Set<String> s = new HashSet<>();
    for (ValueInfo v : g.outputs()) {
      s.add(v.name());
    }
    return s;
  }

  /** The graph inputs by name. */
  static Map<String, ValueInfo> graphInputs(OnnxGraph g) {
    Map<String, ValueInfo> m = new HashMap<>();
    for (ValueInfo v : g.inputs()) {
      m.put(v.name(), v);
    }
    return m;
  }

  /** The nodes reading each tensor, each node once per tensor, in node order. */
  static Map<String, List<Node>> readers(OnnxGraph g) {
    Map<String, List<Node>> r = new HashMap<>();
    for (Node n : g.nodes()) {
      for (String in : new HashSet<>(n.inputs())) {
        r.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
      }
    }
    return r;
  }

  /**
   * Removes the initializer or Constant node defining {@code name} when no node and no graph output
   * reads it any more (and it is not a graph input's default); returns whether it did.
   */
  static boolean dropIfUnread(OnnxGraph g, String name) {
    if (name.isEmpty()
        || !g.consumers(name).isEmpty()
        || graphOutputs(g).contains(name)
        || graphInputs(g).containsKey(name)) {
      return false;
    }
    if (g.initializers().remove(name) != null) {
      return true;
    }
    Node p = g.producer(name).orElse(null);
    if (p != null && is(p, "Constant")) {
      g.nodes().remove(p);
      return true;
    }
    return false;
  }
}
