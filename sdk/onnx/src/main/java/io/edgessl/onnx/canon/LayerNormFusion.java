package io.edgessl.onnx.canon;

import io.edgessl.onnx.Attribute;
import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Tensor;
import io.edgessl.onnx.ValueInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuses LayerNorm as PyTorch exports it before opset 17 into one LayerNormalization (opset 17):
 *
 * <pre>
 * mean = ReduceMean(x, axes=[-1])      d = Sub(x, mean)        sq = Pow(d, 2) or Mul(d, d)
 * var  = ReduceMean(sq, axes=[-1])     std = Sqrt(Add(var, eps))
 * y    = Add(Mul(Div(d, std), gamma), beta)
 * </pre>
 *
 * into {@code y = LayerNormalization(x, gamma, beta, axis=-1, epsilon=eps)}. The axes are the
 * ReduceMean attribute (opset below 18) or its constant input (opset 18 on), and must be {@code
 * [-1]} with {@code keepdims} 1 for both; {@code eps} and the exponent 2 are constant scalars
 * (initializers or Constant nodes); {@code gamma} and {@code beta} are constant vectors, each
 * optional (a Mul or Add whose other operand is something else stays after the norm), replaced by
 * ones or zeros of their partner's length, or of {@code x}'s last dimension when {@code x} is a
 * graph input of known shape (without any of these the pattern is left as is: LayerNormalization
 * needs a scale of the normalized size). Every intermediate must be read by exactly the next nodes
 * of the pattern and be no graph output: one read elsewhere blocks the rewrite, since removing its
 * producer would leave that reader without input. The fused node writes the pattern's last output
 * under its name, so readers and graph outputs are unchanged.
 *
 * <p>At opset 17 or later the graph is rewritten as is; at 13 to 16, where there is something to
 * fuse, the opset is first raised with {@link Opsets#raiseTo17}, and where that refuses the graph
 * is left unchanged. Below 13 nothing is done. ONNX Runtime fuses this pattern itself at load; the
 * point of fusing it here is that later passes ({@link SkipLayerNormPreparation}) and quantization
 * see LayerNormalization nodes.
 */
public final class LayerNormFusion {
  private LayerNormFusion() {}

  /** One matched pattern. */
  private record Match(
      List<Node> nodes,
      String x,
      String gamma,
      String beta,
      float eps,
      Tensor newScale,
      Tensor newBias,
      List<String> constants) {}

  /**
   * Fuses every decomposed LayerNorm of {@code g} over the last axis.
   *
   * @param g the graph, edited in place; its opset is raised to 17 when it is 13 to 16 and there is
   *     something to fuse
   * @return the number of LayerNormalization nodes written (0 when nothing matched, the opset is
   *     below 13, or it could not be raised)
   */
  public static int apply(OnnxGraph g) {
    if (g.opset() < 13) {
      return 0;
    }
    Map<String, List<Node>> readers = Constants.readers(g);
    Set<String> outputs = Constants.graphOutputs(g);
    List<Match> matches = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (Constants.is(n, "ReduceMean")) {
        Match m = match(g, n, readers, outputs);
        if (m != null) {
          matches.add(m);
        }
      }
    }
    if (matches.isEmpty()) {
      return 0;
    }
    if (g.opset() < Opsets.LAYER_NORM_OPSET) {
      try {
        Opsets.raiseTo17(g);
      } catch (IllegalStateException e) {
        return 0;
      }
    }
    for (Match m : matches) {
      rewrite(g, m);
    }
    return matches.size();
  }

  private static Match match(
      OnnxGraph g, Node rm1, Map<String, List<Node>> readers, Set<String> outputs) {
    List<String> constants = new ArrayList<>();
    if (!lastAxisMean(g, rm1, constants)) {
      return null;
    }
    String x = rm1.input(0);
    Node sub = only(readers, outputs, rm1.output(0));
    if (sub == null
        || !Constants.is(sub, "Sub")
        || !sub.inputs().equals(List.of(x, rm1.output(0)))) {
      return null;
    }
    String d = sub.output(0);
    List<Node> dReaders = readers.getOrDefault(d, List.of());
    if (dReaders.size() != 2 || outputs.contains(d)) {
      return null;
    }
    Node sq = null;
    Node div = null;
    for (Node r : dReaders) {
      if (Constants.is(r, "Div") && r.inputs().size() == 2 && r.input(0).equals(d)) {
        div = r;
      } else if (isSquare(g, r, d, constants)) {
        sq = r;
      }
    }
    if (sq == null || div == null) {
      return null;
    }
    Node rm2 = only(readers, outputs, sq.output(0));
    if (rm2 == null || !rm2.input(0).equals(sq.output(0)) || !lastAxisMean(g, rm2, constants)) {
      return null;
    }
    Node addEps = only(readers, outputs, rm2.output(0));
    if (addEps == null || !Constants.is(addEps, "Add") || addEps.inputs().size() != 2) {
      return null;
    }
    String epsName = addEps.input(0).equals(rm2.output(0)) ? addEps.input(1) : addEps.input(0);
    Double eps = Constants.scalar(Constants.value(g, epsName));
    if (eps == null || !isFloat(Constants.value(g, epsName))) {
      return null;
    }
    constants.add(epsName);
    Node sqrt = only(readers, outputs, addEps.output(0));
    if (sqrt == null || !Constants.is(sqrt, "Sqrt")) {
      return null;
    }
    if (only(readers, outputs, sqrt.output(0)) != div || !div.input(1).equals(sqrt.output(0))) {
      return null;
    }
    List<Node> nodes = new ArrayList<>(List.of(rm1, sub, sq, rm2, addEps, sqrt, div));
    Node last = div;
    String gamma = affine(g, readers, outputs, last, "Mul");
    if (gamma != null) {
      last = only(readers, outputs, last.output(0));
      nodes.add(last);
    }
    String beta = affine(g, readers, outputs, last, "Add");
    if (beta != null) {
      last = only(readers, outputs, last.output(0));
      nodes.add(last);
    }
    Tensor gt = gamma == null ? null : Constants.value(g, gamma);
    Tensor bt = beta == null ? null : Constants.value(g, beta);
    if (gt != null && bt != null && (gt.count() != bt.count() || gt.type() != bt.type())) {
      return null;
    }
    long size;
    ElementType type;
    if (gt != null || bt != null) {
      Tensor t = gt != null ? gt : bt;
      size = t.count();
      type = t.type();
    } else {
      size = lastDimension(g, x);
      type = ElementType.FLOAT;
      if (size <= 0) {
        return null;
      }
    }
    Tensor newScale = gamma == null ? filled(type, 1f, size) : null;
    Tensor newBias = beta == null ? filled(type, 0f, size) : null;
    return new Match(nodes, x, gamma, beta, eps.floatValue(), newScale, newBias, constants);
  }

  /** The single reader of {@code tensor}, when it has exactly one and is no graph output. */
  private static Node only(Map<String, List<Node>> readers, Set<String> outputs, String tensor) {
    List<Node> r = readers.getOrDefault(tensor, List.of());
    return r.size() == 1 && !outputs.contains(tensor) ? r.get(0) : null;
  }

  /** ReduceMean over {@code [-1]} keeping dimensions; adds a constant axes input to the list. */
  private static boolean lastAxisMean(OnnxGraph g, Node n, List<String> constants) {
    if (!Constants.is(n, "ReduceMean")
        || n.outputs().size() != 1
        || n.attribute("keepdims").map(Attribute::asLong).orElse(1L) != 1) {
      return false;
    }
    long[] axes;
    if (n.attribute("axes").isPresent()) {
      if (n.inputs().size() != 1) {
        return false;
      }
      axes = n.attribute("axes").get().asLongs();
    } else if (n.inputs().size() == 2 && !n.input(1).isEmpty()) {
      Tensor t = Constants.value(g, n.input(1));
      if (t == null || t.type() != ElementType.INT64) {
        return false;
      }
      axes = t.toLongs();
      constants.add(n.input(1));
    } else {
      return false; // all axes
    }
    return Arrays.equals(axes, new long[] {-1});
  }

  /** {@code Pow(d, 2)} with a constant exponent, or {@code Mul(d, d)}. */
  private static boolean isSquare(OnnxGraph g, Node n, String d, List<String> constants) {
    if (n.inputs().size() != 2 || n.outputs().size() != 1 || !n.input(0).equals(d)) {
      return false;
    }
    if (Constants.is(n, "Mul")) {
      return n.input(1).equals(d);
    }
    if (Constants.is(n, "Pow")) {
      Double e = Constants.scalar(Constants.value(g, n.input(1)));
      if (e != null && e == 2.0) {
        constants.add(n.input(1));
        return true;
      }
    }
    return false;
  }

  /**
   * The constant vector {@code prev}'s output is multiplied by ({@code Mul}) or added to ({@code
   * Add}), when that node is its only reader; null otherwise.
   */
  private static String affine(
      OnnxGraph g, Map<String, List<Node>> readers, Set<String> outputs, Node prev, String op) {
    String in = prev.output(0);
    Node n = only(readers, outputs, in);
    if (n == null || !Constants.is(n, op) || n.inputs().size() != 2 || n.outputs().size() != 1) {
      return null;
    }
    String other = n.input(0).equals(in) ? n.input(1) : n.input(0);
    if (other.equals(in)) {
      return null;
    }
    Tensor t = Constants.value(g, other);
    return t != null && t.dims().length == 1 && isFloat(t) ? other : null;
  }

  private static boolean isFloat(Tensor t) {
    return t != null && (t.type() == ElementType.FLOAT || t.type() == ElementType.FLOAT16);
  }

  /** {@code x}'s last dimension when it is a graph input of known shape; -1 otherwise. */
  private static long lastDimension(OnnxGraph g, String x) {
    ValueInfo v = Constants.graphInputs(g).get(x);
    if (v == null || !v.shape().isKnown() || v.shape().rank() == 0) {
      return -1;
    }
    Object last = v.shape().dim(v.shape().rank() - 1);
    return last instanceof Number ? ((Number) last).longValue() : -1;
  }

  private static Tensor filled(ElementType type, float value, long size) {
    float[] v = new float[Math.toIntExact(size)];
    Arrays.fill(v, value);
    return type == ElementType.FLOAT16 ? Tensor.halves("", v, size) : Tensor.floats("", v, size);
  }

  private static void rewrite(OnnxGraph g, Match m) {
    Node first = m.nodes().get(0);
    Node last = m.nodes().get(m.nodes().size() - 1);
    String y = last.output(0);
    Set<Node> gone = Collections.newSetFromMap(new IdentityHashMap<>());
    gone.addAll(m.nodes());
    int at = g.nodes().indexOf(last);
    g.nodes().set(at, new Node("", "LayerNormalization", List.of(), List.of()));
    Node placeholder = g.nodes().get(at);
    gone.remove(last);
    g.nodes().removeIf(gone::contains);
    String base =
        first.name().contains("/")
            ? first.name().substring(0, first.name().lastIndexOf('/') + 1) + "LayerNormalization"
            : "LayerNormalization";
    String name = g.uniqueName(base);
    String scale =
        m.gamma() != null
            ? m.gamma()
            : g.initializer(m.newScale().withName(g.uniqueName(name + ".scale")));
    String bias =
        m.beta() != null
            ? m.beta()
            : g.initializer(m.newBias().withName(g.uniqueName(name + ".bias")));
    placeholder.name(name);
    placeholder.inputs().addAll(List.of(m.x(), scale, bias));
    placeholder.outputs().add(y);
    placeholder.attribute(Attribute.of("axis", -1L)).attribute(Attribute.of("epsilon", m.eps()));
    for (String c : m.constants()) {
      Constants.dropIfUnread(g, c);
    }
  }
}
