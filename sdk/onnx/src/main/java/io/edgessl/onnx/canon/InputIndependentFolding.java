package io.edgessl.onnx.canon;

import io.edgessl.EdgeSslException;
import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Shape;
import io.edgessl.onnx.Tensor;
import io.edgessl.onnx.ValueInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces what a graph computes without looking at its input's values by constants: the {@code
 * Shape -> Gather -> Unsqueeze -> Concat} subgraphs that exporters emit to build Reshape targets,
 * DINO's position-embedding interpolation (a Resize of a weight, with scales computed from the
 * input's shape), {@code Constant} nodes and their arithmetic.
 *
 * <p>How: a tensor depends on the input's values when it is the input or a node computes it from
 * such a tensor, except through {@code Shape} and {@code Size} (which read only the shape). Every
 * tensor that does not, but is read by a node that does, is evaluated by a {@link GraphEvaluator}
 * (a real runtime, so every operator means what it means there) at two batch sizes, 1 and 3, with
 * the spatial size fixed. Equal at both, it does not depend on the batch either, and becomes an
 * initializer. A Reshape target that differs only in one position, where it follows the batch, is
 * rewritten with 0 there ("copy this dimension from the input") when the input has the batch at
 * that position, else -1; every other position is a constant. The graph is then equivalent for
 * every batch size at this spatial size, and a runtime's shape inference knows every dimension but
 * the batch, which is what ONNX Runtime's fusions (SkipLayerNormalization, Gemm) check before they
 * rewrite.
 *
 * <p>Nodes left without readers are not removed here: {@code GraphCleanup.removeDeadNodes} does.
 */
public final class InputIndependentFolding {
  /** Tensors larger than this many elements are left to the runtime rather than stored. */
  public static final long MAX_ELEMENTS = 1L << 24;

  private static final Set<String> SHAPE_ONLY = Set.of("Shape", "Size");
  private static final Set<String> BOOLEAN =
      Set.of(
          "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor");
  private static final Set<String> INT64 = Set.of("Shape", "Size", "NonZero", "ArgMax", "ArgMin");

  /**
   * What one application did.
   *
   * @param folded tensors replaced by initializers
   * @param reshapes Reshape targets rewritten with 0 or -1 for the batch
   */
  public record Result(int folded, int reshapes) {}

  private InputIndependentFolding() {}

  /**
   * Folds {@code g} in place.
   *
   * @param g the graph: one input, {@code input}, of type FLOAT and a known rank whose dimensions
   *     are all fixed except possibly the first (the batch)
   * @param input the name of the graph input
   * @param evaluator what runs the graph
   * @return what was folded
   * @throws EdgeSslException when the evaluator cannot run the graph
   * @throws IllegalArgumentException when {@code input} is not such an input
   */
  public static Result apply(OnnxGraph g, String input, GraphEvaluator evaluator)
      throws EdgeSslException {
    ValueInfo in =
        g.inputs().stream()
            .filter(v -> v.name().equals(input))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no graph input '" + input + "'"));
    if (!in.shape().isKnown() || in.shape().rank() < 1) {
      throw new IllegalArgumentException("input '" + input + "' has no known rank");
    }
    long[] rest = new long[in.shape().rank() - 1];
    for (int i = 1; i < in.shape().rank(); i++) {
      if (!(in.shape().dim(i) instanceof Long)) {
        throw new IllegalArgumentException(
            "input '" + input + "' has a dynamic dimension " + i + ": " + in.shape());
      }
      rest[i - 1] = (Long) in.shape().dim(i);
    }
    boolean fixedBatch = in.shape().dim(0) instanceof Long;
    g.sortNodes();

    Set<String> dependent = new HashSet<>(Set.of(input));
    for (Node n : g.nodes()) {
      if (SHAPE_ONLY.contains(n.opType())) {
        continue;
      }
      for (String i : n.inputs()) {
        if (dependent.contains(i)) {
          dependent.addAll(n.outputs());
          break;
        }
      }
    }
    Map<String, ElementType> types = types(g);
    Set<String> produced = new HashSet<>();
    g.nodes().forEach(n -> produced.addAll(n.outputs()));
    Set<String> graphOutputs = new HashSet<>();
    g.outputs().forEach(v -> graphOutputs.add(v.name()));
    Set<String> frontier = new LinkedHashSet<>();
    for (Node n : g.nodes()) {
      if (n.outputs().stream().noneMatch(dependent::contains)) {
        continue;
      }
      for (String i : n.inputs()) {
        if (!i.isEmpty()
            && !dependent.contains(i)
            && produced.contains(i)
            && !graphOutputs.contains(i)
            && types.containsKey(i)) {
          frontier.add(i);
        }
      }
    }
    if (frontier.isEmpty()) {
      return new Result(0, 0);
    }
    // The data shapes of Reshapes whose target is folded: where the batch goes.
    OnnxGraph probe = g.copy();
    Map<Node, String> reshapeInputShape = new LinkedHashMap<>();
    List<String> fetch = new ArrayList<>(frontier);
    for (Node n : g.nodes()) {
      if (n.opType().equals("Reshape") && n.inputs().size() > 1 && frontier.contains(n.input(1))) {
        String s = probe.uniqueName(n.input(0) + "_probe_shape");
        probe.node("Shape", List.of(n.input(0)), List.of(s));
        reshapeInputShape.put(n, s);
        fetch.add(s);
        types.put(s, ElementType.INT64);
      }
    }
    for (String t : fetch) {
      probe.output(t, types.get(t), Shape.UNKNOWN);
    }
    Map<String, Tensor> one = evaluator.run(probe, feeds(in, 1, rest), fetch);
    Map<String, Tensor> three = fixedBatch ? one : evaluator.run(probe, feeds(in, 3, rest), fetch);

    int folded = 0;
    int reshapes = 0;
    Set<String> keep = new HashSet<>();
    for (Map.Entry<Node, String> e : reshapeInputShape.entrySet()) {
      Node n = e.getKey();
      Tensor a = one.get(n.input(1));
      Tensor b = three.get(n.input(1));
      if (same(a, b)) {
        continue; // folded below like any other tensor
      }
      long[] target = batchTarget(n, a, b, one.get(e.getValue()), three.get(e.getValue()));
      if (target == null) {
        keep.add(n.input(1));
        continue;
      }
      String name = g.uniqueName(n.input(1) + "_batch");
      g.initializer(Tensor.longs(name, target, target.length));
      n.inputs().set(1, name);
      reshapes++;
    }
    for (String t : frontier) {
      Tensor a = one.get(t);
      Tensor b = three.get(t);
      if (keep.contains(t) || !same(a, b) || a.count() > MAX_ELEMENTS) {
        continue;
      }
      String name = g.uniqueName(t + "_const");
      g.initializer(a.withName(name));
      g.replaceUses(t, name);
      folded++;
    }
    return new Result(folded, reshapes);
  }

  private static boolean same(Tensor a, Tensor b) {
    return a != null
        && b != null
        && a.type() == b.type()
        && Arrays.equals(a.dims(), b.dims())
        && Arrays.equals(a.rawData(), b.rawData());
  }

  /**
   * The constant target of a Reshape whose target follows the batch in exactly one position, or
   * null.
   */
  private static long[] batchTarget(
      Node reshape, Tensor a, Tensor b, Tensor shapeA, Tensor shapeB) {
    if (a == null || b == null || a.type() != ElementType.INT64 || b.type() != ElementType.INT64) {
      return null;
    }
    if (reshape.attribute("allowzero").map(x -> x.asLong() != 0).orElse(false)) {
      return null;
    }
    long[] va = a.toLongs();
    long[] vb = b.toLongs();
    if (va.length != vb.length) {
      return null;
    }
    int at = -1;
    for (int i = 0; i < va.length; i++) {
      if (va[i] != vb[i]) {
        if (at >= 0) {
          return null;
        }
        at = i;
      }
    }
    if (at < 0 || vb[at] != 3 * va[at]) {
      return null;
    }
    long[] sa = shapeA == null ? new long[0] : shapeA.toLongs();
    long[] sb = shapeB == null ? new long[0] : shapeB.toLongs();
    long[] t = va.clone();
    if (at < sa.length && at < sb.length && sa[at] == va[at] && sb[at] == vb[at]) {
      t[at] = 0;
      return t;
    }
    for (long v : va) {
      if (v == -1) {
        return null;
      }
    }
    t[at] = -1;
    return t;
  }

  private static Map<String, Tensor> feeds(ValueInfo in, long batch, long[] rest) {
    long[] dims = new long[rest.length + 1];
    dims[0] = in.shape().dim(0) instanceof Long ? (Long) in.shape().dim(0) : batch;
    System.arraycopy(rest, 0, dims, 1, rest.length);
    long n = 1;
    for (long d : dims) {
      n = Math.multiplyExact(n, d);
    }
    if (in.type() != ElementType.FLOAT) {
      throw new IllegalArgumentException(
          "input '" + in.name() + "' is " + in.type() + ", not FLOAT");
    }
    return Map.of(in.name(), Tensor.floats(in.name(), new float[Math.toIntExact(n)], dims));
  }

  /**
   * The element type of every tensor that can be told from the graph's inputs, initializers and the
   * operators' type rules; tensors of operators without a rule here are absent.
   */
  static Map<String, ElementType> types(OnnxGraph g) {
    Map<String, ElementType> t = new HashMap<>();
    g.inputs().forEach(v -> t.put(v.name(), v.type()));
    g.initializers().forEach((k, v) -> t.put(k, v.type()));
    for (Node n : g.nodes()) {
      ElementType out = outputType(n, t);
      if (out != null) {
        for (String o : n.outputs()) {
          t.put(o, out);
        }
      }
    }
    return t;
  }

  private static ElementType outputType(Node n, Map<String, ElementType> t) {
    String op = n.opType();
    if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
      return null;
    }
    if (INT64.contains(op)) {
      return ElementType.INT64;
    }
    if (BOOLEAN.contains(op)) {
      return ElementType.BOOL;
    }
    return switch (op) {
      case "Constant" -> constantType(n);
      case "Cast" -> n.attribute("to").map(a -> safeType((int) a.asLong())).orElse(null);
      case "ConstantOfShape" ->
          n.attribute("value").map(a -> a.asTensor().type()).orElse(ElementType.FLOAT);
      case "Where" -> n.inputs().size() > 1 ? t.get(n.input(1)) : null;
      case "Range",
          "Gather",
          "Unsqueeze",
          "Squeeze",
          "Concat",
          "Slice",
          "Reshape",
          "Expand",
          "Add",
          "Sub",
          "Mul",
          "Div",
          "Neg",
          "Abs",
          "Floor",
          "Ceil",
          "Min",
          "Max",
          "Mod",
          "Identity",
          "Transpose",
          "Tile",
          "ReduceProd",
          "ReduceSum",
          "ReduceMin",
          "ReduceMax",
          "Sqrt",
          "Pow",
          "Resize",
          "Flatten",
          "Split",
          "Relu",
          "Sign",
          "Round",
          "Clip",
          "GatherElements",
          "GatherND",
          "CumSum" ->
          n.inputs().isEmpty() ? null : t.get(n.input(0));
      default -> null;
    };
  }

  private static ElementType constantType(Node n) {
    if (n.attribute("value").isPresent()) {
      return n.attribute("value").get().asTensor().type();
    }
    if (n.attribute("value_float").isPresent() || n.attribute("value_floats").isPresent()) {
      return ElementType.FLOAT;
    }
    if (n.attribute("value_int").isPresent() || n.attribute("value_ints").isPresent()) {
      return ElementType.INT64;
    }
    return null;
  }

  private static ElementType safeType(int code) {
    try {
      return ElementType.of(code);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
