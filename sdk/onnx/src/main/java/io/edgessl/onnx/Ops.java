package io.edgessl.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Typed conveniences for building an {@link OnnxGraph}: one method per operator, each appending a
 * node and returning the name of its (freshly named) output, so that graphs read like the
 * computation. Any other operator is one {@link #op} call away. Names are prefixed with the scope
 * ({@link #scope}) for readable graphs, e.g. {@code block3/matmul_2}.
 *
 * <p>Semantics are those of the ONNX operators at the graph's opset (17 by default); where an
 * operator changed (ReduceMean's axes became an input in opset 18) the method writes the form of
 * the graph's opset.
 */
public final class Ops {
  private final OnnxGraph g;
  private final String scope;

  /** Conveniences on {@code graph}, without a scope. */
  public Ops(OnnxGraph graph) {
    this(graph, "");
  }

  private Ops(OnnxGraph graph, String scope) {
    this.g = Objects.requireNonNull(graph, "graph");
    this.scope = scope;
  }

  /** The graph built. */
  public OnnxGraph graph() {
    return g;
  }

  /** Conveniences on the same graph whose names start with {@code name/} (nested scopes chain). */
  public Ops scope(String name) {
    return new Ops(g, scope + name + "/");
  }

  /** A fresh tensor name in this scope. */
  public String fresh(String base) {
    return g.uniqueName(scope + base);
  }

  // ---- generic

  /** Appends any single-output operator; returns its output. */
  public String op(String opType, List<String> inputs, Attribute... attributes) {
    String out = fresh(opType.toLowerCase(Locale.ROOT));
    Node n = new Node(out, opType, inputs, List.of(out)); // ONNX keeps node and tensor names apart
    for (Attribute a : attributes) {
      n.attribute(a);
    }
    g.nodes().add(n);
    return out;
  }

  /** Appends any operator with {@code count} outputs; returns them. */
  public List<String> op(String opType, List<String> inputs, int count, Attribute... attributes) {
    String base = fresh(opType.toLowerCase(Locale.ROOT));
    List<String> outs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      outs.add(g.uniqueName(base + ":" + i)); // distinct suffixes: they cannot collide
    }
    Node n = new Node(base, opType, inputs, outs);
    for (Attribute a : attributes) {
      n.attribute(a);
    }
    g.nodes().add(n);
    return outs;
  }

  // ---- constants

  /** Adds {@code t} as an initializer under its own name; returns the name. */
  public String weight(Tensor t) {
    return g.initializer(t);
  }

  /** A float constant (a scalar for one value, else a vector), freshly named. */
  public String constant(String base, float... values) {
    return g.initializer(Tensor.floats(fresh(base), values));
  }

  /** An int64 vector constant (shapes, axes), freshly named. */
  public String longs(String base, long... values) {
    return g.initializer(Tensor.longs(fresh(base), values, values.length));
  }

  // ---- element-wise (numpy broadcasting)

  public String add(String a, String b) {
    return op("Add", List.of(a, b));
  }

  public String sub(String a, String b) {
    return op("Sub", List.of(a, b));
  }

  public String mul(String a, String b) {
    return op("Mul", List.of(a, b));
  }

  public String div(String a, String b) {
    return op("Div", List.of(a, b));
  }

  public String pow(String a, String b) {
    return op("Pow", List.of(a, b));
  }

  public String sqrt(String x) {
    return op("Sqrt", List.of(x));
  }

  public String erf(String x) {
    return op("Erf", List.of(x));
  }

  public String relu(String x) {
    return op("Relu", List.of(x));
  }

  public String identity(String x) {
    return op("Identity", List.of(x));
  }

  /** Identity writing a chosen name: how graph outputs get their names. */
  public String identity(String x, String output) {
    g.nodes().add(new Node(output, "Identity", List.of(x), List.of(output)));
    return output;
  }

  /**
   * GELU in its exact form {@code 0.5 x (1 + erf(x / sqrt 2))} (Hendrycks and Gimpel 2016), built
   * from Div, Erf, Add and Mul as PyTorch exports it before opset 20's Gelu.
   */
  public String gelu(String x) {
    Ops s = scope("gelu");
    String e = s.erf(s.div(x, s.constant("sqrt2", (float) Math.sqrt(2))));
    return s.mul(s.mul(x, s.add(e, s.constant("one", 1f))), s.constant("half", 0.5f));
  }

  // ---- linear algebra

  public String matMul(String a, String b) {
    return op("MatMul", List.of(a, b));
  }

  /** {@code alpha A' B' + beta C}, A' and B' transposed when asked. */
  public String gemm(String a, String b, String c, boolean transA, boolean transB) {
    return op(
        "Gemm",
        c == null ? List.of(a, b) : List.of(a, b, c),
        Attribute.of("transA", transA ? 1L : 0L),
        Attribute.of("transB", transB ? 1L : 0L));
  }

  /**
   * 2-D convolution; the kernel size comes from the weights {@code [out, in / group, kh, kw]}.
   *
   * @param bias bias vector name, or {@code null}
   * @param pads {@code {top, left, bottom, right}}
   */
  public String conv(
      String x, String weight, String bias, long[] strides, long[] pads, long group) {
    List<String> in = bias == null ? List.of(x, weight) : List.of(x, weight, bias);
    List<Attribute> attrs = new ArrayList<>();
    Tensor w = g.initializers().get(weight);
    if (w != null && w.dims().length == 4) {
      long[] d = w.dims();
      attrs.add(Attribute.ints("kernel_shape", d[2], d[3]));
    }
    attrs.add(Attribute.ints("strides", strides));
    attrs.add(Attribute.ints("pads", pads));
    attrs.add(Attribute.of("group", group));
    return op("Conv", in, attrs.toArray(new Attribute[0]));
  }

  // ---- normalization and activation

  /** LayerNormalization over the dimensions from {@code axis} on (opset 17). */
  public String layerNorm(String x, String scale, String bias, long axis, float epsilon) {
    return op(
        "LayerNormalization",
        List.of(x, scale, bias),
        Attribute.of("axis", axis),
        Attribute.of("epsilon", epsilon));
  }

  /** BatchNormalization in inference mode. */
  public String batchNorm(
      String x, String scale, String bias, String mean, String variance, float epsilon) {
    return op(
        "BatchNormalization",
        List.of(x, scale, bias, mean, variance),
        Attribute.of("epsilon", epsilon));
  }

  public String softmax(String x, long axis) {
    return op("Softmax", List.of(x), Attribute.of("axis", axis));
  }

  // ---- shapes

  /** Reshape to {@code shape} (0 copies a dimension, -1 infers one). */
  public String reshape(String x, long... shape) {
    return op("Reshape", List.of(x, longs("shape", shape)));
  }

  public String transpose(String x, long... perm) {
    return op("Transpose", List.of(x), Attribute.ints("perm", perm));
  }

  /** Gather along {@code axis} with an index tensor. */
  public String gather(String x, String indices, long axis) {
    return op("Gather", List.of(x, indices), Attribute.of("axis", axis));
  }

  /** Gather one index along {@code axis}, removing that axis (a scalar index). */
  public String gather(String x, long index, long axis) {
    String idx = g.initializer(Tensor.longs(fresh("index"), new long[] {index}));
    return gather(x, idx, axis);
  }

  public String concat(long axis, String... xs) {
    return op("Concat", Arrays.asList(xs), Attribute.of("axis", axis));
  }

  /** Slice {@code [starts, ends)} along {@code axes} with {@code steps}. */
  public String slice(String x, long[] starts, long[] ends, long[] axes, long[] steps) {
    return op(
        "Slice",
        List.of(
            x,
            longs("starts", starts),
            longs("ends", ends),
            longs("axes", axes),
            longs("steps", steps)));
  }

  public String flatten(String x, long axis) {
    return op("Flatten", List.of(x), Attribute.of("axis", axis));
  }

  public String shape(String x) {
    return op("Shape", List.of(x));
  }

  /** Broadcasts {@code x} to the shape held by the int64 tensor {@code shape}. */
  public String expand(String x, String shape) {
    return op("Expand", List.of(x, shape));
  }

  public String unsqueeze(String x, long... axes) {
    return op("Unsqueeze", List.of(x, longs("axes", axes)));
  }

  // ---- reductions and pooling

  /** ReduceMean over {@code axes}: an attribute up to opset 17, an input from opset 18. */
  public String reduceMean(String x, long[] axes, boolean keepDims) {
    Attribute keep = Attribute.of("keepdims", keepDims ? 1L : 0L);
    if (g.opset() >= 18) {
      return op("ReduceMean", List.of(x, longs("axes", axes)), keep);
    }
    return op("ReduceMean", List.of(x), Attribute.ints("axes", axes), keep);
  }

  public String globalAveragePool(String x) {
    return op("GlobalAveragePool", List.of(x));
  }

  /** 2-D max pooling; {@code pads} as {@code {top, left, bottom, right}}. */
  public String maxPool(String x, long[] kernel, long[] strides, long[] pads) {
    return op(
        "MaxPool",
        List.of(x),
        Attribute.ints("kernel_shape", kernel),
        Attribute.ints("strides", strides),
        Attribute.ints("pads", pads));
  }

  // ---- types and quantization

  public String cast(String x, ElementType to) {
    return op("Cast", List.of(x), Attribute.of("to", (long) to.code()));
  }

  /**
   * QuantizeLinear: {@code saturate(round(x / scale) + zeroPoint)}, per tensor or along {@code
   * axis} (per channel) when {@code scale} is a vector; the zero point's type (int8 or uint8) is
   * the output's.
   */
  public String quantizeLinear(String x, String scale, String zeroPoint, long axis) {
    return op("QuantizeLinear", List.of(x, scale, zeroPoint), Attribute.of("axis", axis));
  }

  /** DequantizeLinear: {@code (x - zeroPoint) * scale}. */
  public String dequantizeLinear(String x, String scale, String zeroPoint, long axis) {
    return op("DequantizeLinear", List.of(x, scale, zeroPoint), Attribute.of("axis", axis));
  }
}
