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

  /**
   * Conveniences on {@code graph}, without a scope. The graph is kept, not copied: every method
   * edits it.
   *
   * @param graph the graph to append nodes and initializers to
   */
  public Ops(OnnxGraph graph) {
    this(graph, "");
  }

  private Ops(OnnxGraph graph, String scope) {
    this.g = Objects.requireNonNull(graph, "graph");
    this.scope = scope;
  }

  /** {@return the graph built: the one given to the constructor, not a copy} */
  public OnnxGraph graph() {
    return g;
  }

  /**
   * Conveniences on the same graph whose names start with {@code name/} (nested scopes chain: a
   * scope {@code b} of a scope {@code a} names {@code a/b/...}). This instance is unchanged.
   *
   * @param name the scope's name, without the trailing {@code /}
   * @return a new {@code Ops} on the same graph
   */
  public Ops scope(String name) {
    return new Ops(g, scope + name + "/");
  }

  /**
   * A fresh tensor name in this scope: {@code scope + base}, suffixed {@code _2}, {@code _3}...
   * when the graph uses that name already ({@link OnnxGraph#uniqueName}). Nothing is added to the
   * graph, so two calls before any node is added may return the same name.
   *
   * @param base the name wanted, without the scope
   * @return a name no tensor or node of the graph has
   */
  public String fresh(String base) {
    return g.uniqueName(scope + base);
  }

  // ---- generic

  /**
   * Appends a node of any single-output operator of the default domain; node and output share a
   * fresh name derived from the lower-cased operator type.
   *
   * @param opType the ONNX operator type, e.g. {@code "Sigmoid"}
   * @param inputs the input tensor names, in the operator's order ({@code ""} for an omitted
   *     optional one); copied
   * @param attributes the node's attributes (immutable, kept)
   * @return the output tensor's name
   */
  public String op(String opType, List<String> inputs, Attribute... attributes) {
    String out = fresh(opType.toLowerCase(Locale.ROOT));
    Node n = new Node(out, opType, inputs, List.of(out)); // ONNX keeps node and tensor names apart
    for (Attribute a : attributes) {
      n.attribute(a);
    }
    g.nodes().add(n);
    return out;
  }

  /**
   * Appends a node of any operator of the default domain with {@code count} outputs, named {@code
   * base:0}, {@code base:1}... after the node's fresh name {@code base}.
   *
   * @param opType the ONNX operator type, e.g. {@code "Split"}
   * @param inputs the input tensor names, in the operator's order; copied
   * @param count the number of outputs
   * @param attributes the node's attributes (immutable, kept)
   * @return the output tensor names, in order; a new mutable list the graph does not hold
   */
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

  /**
   * Adds {@code t} as an initializer under its own name (no scope is applied).
   *
   * @param t the tensor (immutable, kept)
   * @return {@code t.name()}
   * @throws IllegalArgumentException when the graph has an initializer of that name
   */
  public String weight(Tensor t) {
    return g.initializer(t);
  }

  /**
   * Adds a FLOAT initializer, freshly named in this scope: a scalar (rank 0) for one value, else a
   * vector of {@code values.length}.
   *
   * @param base the name wanted, without the scope
   * @param values the elements; copied
   * @return the initializer's name
   */
  public String constant(String base, float... values) {
    return g.initializer(Tensor.floats(fresh(base), values));
  }

  /**
   * Adds an INT64 vector initializer of shape {@code [values.length]} (shapes, axes), freshly named
   * in this scope; always rank 1, even for one value.
   *
   * @param base the name wanted, without the scope
   * @param values the elements; copied
   * @return the initializer's name
   */
  public String longs(String base, long... values) {
    return g.initializer(Tensor.longs(fresh(base), values, values.length));
  }

  // ---- element-wise (numpy broadcasting)

  /**
   * Appends Add: element-wise {@code a + b}, with numpy-style broadcasting of the two shapes.
   *
   * @param a the left operand's tensor name
   * @param b the right operand's tensor name
   * @return the output tensor's name (the broadcast shape, the operands' element type)
   */
  public String add(String a, String b) {
    return op("Add", List.of(a, b));
  }

  /**
   * Appends Sub: element-wise {@code a - b}, with numpy-style broadcasting of the two shapes.
   *
   * @param a the left operand's tensor name
   * @param b the right operand's tensor name
   * @return the output tensor's name (the broadcast shape, the operands' element type)
   */
  public String sub(String a, String b) {
    return op("Sub", List.of(a, b));
  }

  /**
   * Appends Mul: element-wise {@code a * b}, with numpy-style broadcasting of the two shapes.
   *
   * @param a the left operand's tensor name
   * @param b the right operand's tensor name
   * @return the output tensor's name (the broadcast shape, the operands' element type)
   */
  public String mul(String a, String b) {
    return op("Mul", List.of(a, b));
  }

  /**
   * Appends Div: element-wise {@code a / b} (truncating for integer types), with numpy-style
   * broadcasting of the two shapes.
   *
   * @param a the left operand's tensor name
   * @param b the right operand's tensor name
   * @return the output tensor's name (the broadcast shape, the operands' element type)
   */
  public String div(String a, String b) {
    return op("Div", List.of(a, b));
  }

  /**
   * Appends Pow: element-wise {@code a} raised to the power {@code b}, with numpy-style
   * broadcasting of the two shapes.
   *
   * @param a the left operand's tensor name
   * @param b the right operand's tensor name
   * @return the output tensor's name (the broadcast shape, the operands' element type)
   */
  public String pow(String a, String b) {
    return op("Pow", List.of(a, b));
  }

  /**
   * Appends Sqrt: the element-wise square root.
   *
   * @param x the input tensor's name
   * @return the output tensor's name (same shape and element type as {@code x})
   */
  public String sqrt(String x) {
    return op("Sqrt", List.of(x));
  }

  /**
   * Appends Erf: the element-wise Gauss error function.
   *
   * @param x the input tensor's name
   * @return the output tensor's name (same shape and element type as {@code x})
   */
  public String erf(String x) {
    return op("Erf", List.of(x));
  }

  /**
   * Appends Relu: the element-wise {@code max(x, 0)}.
   *
   * @param x the input tensor's name
   * @return the output tensor's name (same shape and element type as {@code x})
   */
  public String relu(String x) {
    return op("Relu", List.of(x));
  }

  /**
   * Appends Identity: a copy of {@code x}.
   *
   * @param x the input tensor's name
   * @return the output tensor's name (same shape and element type as {@code x})
   */
  public String identity(String x) {
    return op("Identity", List.of(x));
  }

  /**
   * Appends an Identity whose node and output are named {@code output} exactly (no scope, no
   * suffix): how graph outputs get their names.
   *
   * @param x the input tensor's name
   * @param output the output tensor's name; must not be in use
   * @return {@code output}
   */
  public String identity(String x, String output) {
    g.nodes().add(new Node(output, "Identity", List.of(x), List.of(output)));
    return output;
  }

  /**
   * GELU in its exact form {@code 0.5 x (1 + erf(x / sqrt 2))} (Hendrycks and Gimpel 2016), built
   * from Div, Erf, Add and Mul as PyTorch exports it before opset 20's Gelu. Its nodes and
   * constants are named in the scope {@code gelu}.
   *
   * @param x the input tensor's name (FLOAT)
   * @return the output tensor's name (same shape as {@code x})
   */
  public String gelu(String x) {
    Ops s = scope("gelu");
    String e = s.erf(s.div(x, s.constant("sqrt2", (float) Math.sqrt(2))));
    return s.mul(s.mul(x, s.add(e, s.constant("one", 1f))), s.constant("half", 0.5f));
  }

  // ---- linear algebra

  /**
   * Appends MatMul: the numpy {@code matmul} of {@code a} and {@code b}, e.g. {@code [N, T, D]}
   * times {@code [D, E]} gives {@code [N, T, E]}.
   *
   * @param a the left operand's tensor name
   * @param b the right operand's tensor name
   * @return the output tensor's name
   */
  public String matMul(String a, String b) {
    return op("MatMul", List.of(a, b));
  }

  /**
   * Appends Gemm: {@code alpha A' B' + beta C} with {@code alpha = beta = 1} (the defaults), A' and
   * B' transposed when asked; A' is {@code [M, K]}, B' {@code [K, N]}, C broadcasts to {@code [M,
   * N]}.
   *
   * @param a the 2-D tensor A's name
   * @param b the 2-D tensor B's name (often a weight {@code [N, K]} with {@code transB})
   * @param c the bias C's name, or {@code null} for none
   * @param transA whether to transpose A
   * @param transB whether to transpose B
   * @return the output tensor's name, {@code [M, N]}
   */
  public String gemm(String a, String b, String c, boolean transA, boolean transB) {
    return op(
        "Gemm",
        c == null ? List.of(a, b) : List.of(a, b, c),
        Attribute.of("transA", transA ? 1L : 0L),
        Attribute.of("transB", transB ? 1L : 0L));
  }

  /**
   * Appends a 2-D convolution (Conv) on NCHW input; the {@code kernel_shape} attribute is written
   * when the weights are an initializer of rank 4 {@code [out, in / group, kh, kw]}, else left to
   * be inferred from the weights at run time.
   *
   * @param x the input's tensor name, {@code [N, C, H, W]}
   * @param weight the weights' tensor name, {@code [out, C / group, kh, kw]}
   * @param bias bias vector name ({@code [out]}), or {@code null}
   * @param strides {@code {strideH, strideW}}, in pixels; copied
   * @param pads {@code {top, left, bottom, right}}, in pixels; copied
   * @param group the number of groups ({@code C} for a depthwise convolution)
   * @return the output tensor's name, {@code [N, out, H', W']}
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

  /**
   * Appends LayerNormalization (opset 17) over the dimensions from {@code axis} on.
   *
   * @param x the input's tensor name
   * @param scale the scale (gamma) tensor's name, of the normalized dimensions' shape
   * @param bias the bias (beta) tensor's name, of the normalized dimensions' shape
   * @param axis the first normalized dimension; negative counts from the end ({@code -1}: the last)
   * @param epsilon added to the variance before its square root
   * @return the output tensor's name (same shape as {@code x})
   */
  public String layerNorm(String x, String scale, String bias, long axis, float epsilon) {
    return op(
        "LayerNormalization",
        List.of(x, scale, bias),
        Attribute.of("axis", axis),
        Attribute.of("epsilon", epsilon));
  }

  /**
   * Appends BatchNormalization in inference mode: {@code (x - mean) / sqrt(variance + epsilon) *
   * scale + bias} per channel (dimension 1, NCHW).
   *
   * @param x the input's tensor name, {@code [N, C, ...]}
   * @param scale the per-channel scale's tensor name, {@code [C]}
   * @param bias the per-channel bias's tensor name, {@code [C]}
   * @param mean the running mean's tensor name, {@code [C]}
   * @param variance the running variance's tensor name, {@code [C]}
   * @param epsilon added to the variance before its square root
   * @return the output tensor's name (same shape as {@code x})
   */
  public String batchNorm(
      String x, String scale, String bias, String mean, String variance, float epsilon) {
    return op(
        "BatchNormalization",
        List.of(x, scale, bias, mean, variance),
        Attribute.of("epsilon", epsilon));
  }

  /**
   * Appends Softmax along one axis.
   *
   * @param x the input's tensor name
   * @param axis the axis normalized over; negative counts from the end
   * @return the output tensor's name (same shape as {@code x})
   */
  public String softmax(String x, long axis) {
    return op("Softmax", List.of(x), Attribute.of("axis", axis));
  }

  // ---- shapes

  /**
   * Appends Reshape to a constant shape, added as an INT64 initializer.
   *
   * @param x the input's tensor name
   * @param shape the new dimensions (0 copies the input's dimension, -1 infers one); copied
   * @return the output tensor's name
   */
  public String reshape(String x, long... shape) {
    return op("Reshape", List.of(x, longs("shape", shape)));
  }

  /**
   * Appends Transpose.
   *
   * @param x the input's tensor name
   * @param perm output dimension {@code i} is input dimension {@code perm[i]}; copied
   * @return the output tensor's name
   */
  public String transpose(String x, long... perm) {
    return op("Transpose", List.of(x), Attribute.ints("perm", perm));
  }

  /**
   * Appends Gather along {@code axis} with an index tensor: the output's shape is {@code x}'s with
   * dimension {@code axis} replaced by the indices' shape.
   *
   * @param x the data tensor's name
   * @param indices the INT64 (or INT32) index tensor's name
   * @param axis the axis gathered along; negative counts from the end
   * @return the output tensor's name
   */
  public String gather(String x, String indices, long axis) {
    return op("Gather", List.of(x, indices), Attribute.of("axis", axis));
  }

  /**
   * Appends Gather of one index along {@code axis}, removing that axis: the index is a freshly
   * named INT64 scalar (rank 0) initializer.
   *
   * @param x the data tensor's name
   * @param index the index along {@code axis}
   * @param axis the axis gathered along; negative counts from the end
   * @return the output tensor's name
   */
  public String gather(String x, long index, long axis) {
    String idx = g.initializer(Tensor.longs(fresh("index"), new long[] {index}));
    return gather(x, idx, axis);
  }

  /**
   * Appends Concat: the inputs joined along one axis, where their sizes add up.
   *
   * @param axis the axis joined along; negative counts from the end
   * @param xs the input tensors' names, in order; their other dimensions must agree
   * @return the output tensor's name
   */
  public String concat(long axis, String... xs) {
    return op("Concat", Arrays.asList(xs), Attribute.of("axis", axis));
  }

  /**
   * Appends Slice {@code [starts, ends)} along {@code axes} with {@code steps}; the four vectors
   * are added as INT64 initializers and must have the same length.
   *
   * @param x the input's tensor name
   * @param starts first index per axis (negative counts from the end); copied
   * @param ends end index (exclusive) per axis, clamped to the dimension; copied
   * @param axes the axes sliced; copied
   * @param steps the step per axis (negative steps go backwards); copied
   * @return the output tensor's name
   */
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

  /**
   * Appends Flatten: a 2-D tensor whose first dimension is the product of {@code x}'s dimensions
   * before {@code axis} and whose second is the product of the rest.
   *
   * @param x the input's tensor name
   * @param axis where the second dimension starts; negative counts from the end
   * @return the output tensor's name
   */
  public String flatten(String x, long axis) {
    return op("Flatten", List.of(x), Attribute.of("axis", axis));
  }

  /**
   * Appends Shape: {@code x}'s dimensions as a run-time INT64 vector.
   *
   * @param x the input's tensor name
   * @return the output tensor's name, INT64 {@code [rank]}
   */
  public String shape(String x) {
    return op("Shape", List.of(x));
  }

  /**
   * Appends Expand: broadcasts {@code x} to the shape held by the int64 tensor {@code shape}.
   *
   * @param x the input's tensor name
   * @param shape the INT64 vector tensor's name holding the target shape
   * @return the output tensor's name
   */
  public String expand(String x, String shape) {
    return op("Expand", List.of(x, shape));
  }

  /**
   * Appends Unsqueeze (opset 13 and later form: the axes are an input, added as an INT64
   * initializer).
   *
   * @param x the input's tensor name
   * @param axes the positions of the inserted size-1 dimensions in the output; copied
   * @return the output tensor's name
   */
  public String unsqueeze(String x, long... axes) {
    return op("Unsqueeze", List.of(x, longs("axes", axes)));
  }

  // ---- reductions and pooling

  /**
   * Appends ReduceMean over {@code axes}: an attribute up to opset 17, an INT64 initializer input
   * from opset 18.
   *
   * @param x the input's tensor name
   * @param axes the axes averaged over; negative count from the end; copied
   * @param keepDims whether the reduced axes stay, with size 1
   * @return the output tensor's name
   */
  public String reduceMean(String x, long[] axes, boolean keepDims) {
    Attribute keep = Attribute.of("keepdims", keepDims ? 1L : 0L);
    if (g.opset() >= 18) {
      return op("ReduceMean", List.of(x, longs("axes", axes)), keep);
    }
    return op("ReduceMean", List.of(x), Attribute.ints("axes", axes), keep);
  }

  /**
   * Appends GlobalAveragePool: the mean over all spatial dimensions.
   *
   * @param x the input's tensor name, {@code [N, C, H, W]}
   * @return the output tensor's name, {@code [N, C, 1, 1]}
   */
  public String globalAveragePool(String x) {
    return op("GlobalAveragePool", List.of(x));
  }

  /**
   * Appends a 2-D max pooling (MaxPool) on NCHW input.
   *
   * @param x the input's tensor name, {@code [N, C, H, W]}
   * @param kernel {@code {kh, kw}}, in pixels; copied
   * @param strides {@code {strideH, strideW}}, in pixels; copied
   * @param pads {@code {top, left, bottom, right}}, in pixels; copied
   * @return the output tensor's name, {@code [N, C, H', W']}
   */
  public String maxPool(String x, long[] kernel, long[] strides, long[] pads) {
    return op(
        "MaxPool",
        List.of(x),
        Attribute.ints("kernel_shape", kernel),
        Attribute.ints("strides", strides),
        Attribute.ints("pads", pads));
  }

  // ---- types and quantization

  /**
   * Appends Cast to another element type.
   *
   * @param x the input's tensor name
   * @param to the output's element type
   * @return the output tensor's name (same shape as {@code x})
   */
  public String cast(String x, ElementType to) {
    return op("Cast", List.of(x), Attribute.of("to", (long) to.code()));
  }

  /**
   * QuantizeLinear: {@code saturate(round(x / scale) + zeroPoint)}, per tensor or along {@code
   * axis} (per channel) when {@code scale} is a vector; the zero point's type (int8 or uint8) is
   * the output's.
   *
   * @param x the FLOAT input's tensor name
   * @param scale the FLOAT scale's tensor name: a scalar, or a vector {@code [x.shape[axis]]}
   * @param zeroPoint the INT8 or UINT8 zero point's tensor name, of the scale's shape
   * @param axis the channel axis for a vector scale (ignored for a scalar one)
   * @return the output tensor's name (same shape as {@code x}, the zero point's type)
   */
  public String quantizeLinear(String x, String scale, String zeroPoint, long axis) {
    return op("QuantizeLinear", List.of(x, scale, zeroPoint), Attribute.of("axis", axis));
  }

  /**
   * Appends DequantizeLinear: {@code (x - zeroPoint) * scale}, per tensor or along {@code axis}
   * (per channel) when {@code scale} is a vector.
   *
   * @param x the INT8 or UINT8 input's tensor name
   * @param scale the FLOAT scale's tensor name: a scalar, or a vector {@code [x.shape[axis]]}
   * @param zeroPoint the zero point's tensor name, of {@code x}'s type and the scale's shape
   * @param axis the channel axis for a vector scale (ignored for a scalar one)
   * @return the output tensor's name (FLOAT, same shape as {@code x})
   */
  public String dequantizeLinear(String x, String scale, String zeroPoint, long axis) {
    return op("DequantizeLinear", List.of(x, scale, zeroPoint), Attribute.of("axis", axis));
  }
}
