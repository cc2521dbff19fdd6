package io.edgessl.onnx.quant;

import io.edgessl.onnx.Attribute;
import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Tensor;
import io.edgessl.onnx.ValueInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rewrites a float graph into the equivalent form that quantizes well, as ONNX Runtime's {@code
 * quant_pre_process} does before its quantizer: every rewrite computes the same function (up to
 * float rounding), so calibration on the prepared graph sees the tensors the quantized graph will
 * quantize.
 *
 * <ul>
 *   <li>Constant nodes become initializers, so weights are recognised however they were exported.
 *   <li>BatchNormalization after a Conv folds into the Conv's weights and bias: quantizing the
 *       folded weights is what inference runs (ONNX Runtime folds them too, but not through
 *       DequantizeLinear).
 *   <li>Gemm without transposed A and with constant B becomes MatMul (with B transposed and scaled
 *       by alpha) plus Add: ONNX Runtime fuses a quantized MatMul with a float output
 *       (MatMulIntegerToFloat), but a quantized Gemm only with a quantized output and int32 bias.
 *   <li>A Conv's bias becomes a separate Add after it. ONNX Runtime's integer convolution
 *       (QLinearConv) needs the convolution's output quantized and its bias either absent or int32
 *       through DequantizeLinear; TensorRT refuses int32 DequantizeLinear ("only activation types
 *       allowed"). A bias-free Conv with a quantized output, then a float Add, is fused by both.
 *   <li>Unnamed nodes get unique names: quantization options name layers by node.
 * </ul>
 */
public final class GraphPreparation {
  private GraphPreparation() {}

  /**
   * A prepared copy of {@code g}; {@code g} is not changed.
   *
   * @param g the float graph
   * @return a new graph, ready for {@link QdqQuantizer#layers}
   * @throws IllegalArgumentException when the graph is not well formed
   */
  public static OnnxGraph forQuantization(OnnxGraph g) {
    OnnxGraph p = g.copy();
    try {
      p.check();
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("graph " + g.name() + " is not well formed: " + e, e);
    }
    nameNodes(p);
    constantsToInitializers(p);
    foldBatchNorm(p);
    gemmToMatMul(p);
    splitConvBias(p);
    removeUnusedInitializers(p);
    p.check();
    return p;
  }

  /** Gives every unnamed or duplicate-named node a unique name; returns how many changed. */
  static int nameNodes(OnnxGraph g) {
    Set<String> seen = new HashSet<>();
    int changed = 0;
    for (Node n : g.nodes()) {
      if (n.name().isEmpty() || !seen.add(n.name())) {
        n.name(unique(g, seen, n.opType()));
        seen.add(n.name());
        changed++;
      }
    }
    return changed;
  }

  private static String unique(OnnxGraph g, Set<String> seen, String base) {
    String n = g.uniqueName(base);
    for (int i = 2; seen.contains(n); i++) {
      n = g.uniqueName(base + "_" + i);
    }
    return n;
  }

  /** Turns Constant nodes that hold a tensor into initializers; returns how many. */
  static int constantsToInitializers(OnnxGraph g) {
    int changed = 0;
    Set<String> outputs = outputNames(g);
    for (Node n : new ArrayList<>(g.nodes())) {
      if (!n.opType().equals("Constant") || !n.domain().isEmpty()) {
        continue;
      }
      Attribute v = n.attributes().get("value");
      String out = n.output(0);
      if (v == null || v.kind() != Attribute.Kind.TENSOR || outputs.contains(out)) {
        continue;
      }
      g.nodes().remove(n);
      g.initializers().put(out, v.asTensor().withName(out));
      changed++;
    }
    return changed;
  }

  /** Folds each BatchNormalization that is a Conv's only consumer into it; returns how many. */
  static int foldBatchNorm(OnnxGraph g) {
    int changed = 0;
    Set<String> outputs = outputNames(g);
    for (Node bn : new ArrayList<>(g.nodes())) {
      if (!bn.opType().equals("BatchNormalization") || bn.outputs().size() != 1) {
        continue;
      }
      String x = bn.input(0);
      Node conv = g.producer(x).orElse(null);
      if (conv == null
          || !conv.opType().equals("Conv")
          || outputs.contains(x)
          || g.consumers(x).size() != 1
          || bn.attribute("training_mode").map(Attribute::asLong).orElse(0L) != 0) {
        continue;
      }
      Tensor w = floatInit(g, conv.input(1));
      Tensor b = conv.inputs().size() > 2 ? floatInit(g, conv.input(2)) : null;
      Tensor scale = floatInit(g, bn.input(1));
      Tensor shift = floatInit(g, bn.input(2));
      Tensor mean = floatInit(g, bn.input(3));
      Tensor var = floatInit(g, bn.input(4));
      if (w == null
          || (conv.inputs().size() > 2 && !conv.input(2).isEmpty() && b == null)
          || scale == null
          || shift == null
          || mean == null
          || var == null) {
        continue;
      }
      long[] dims = w.dims();
      int channels = (int) dims[0];
      if (scale.count() != channels
          || shift.count() != channels
          || mean.count() != channels
          || var.count() != channels) {
        continue;
      }
      double eps = bn.attribute("epsilon").map(Attribute::asFloat).orElse(1e-5f);
      float[] wv = w.toFloats();
      float[] bv = b != null ? b.toFloats() : new float[channels];
      float[] s = scale.toFloats();
      float[] sh = shift.toFloats();
      float[] mu = mean.toFloats();
      float[] va = var.toFloats();
      int per = wv.length / channels;
      float[] nw = new float[wv.length];
      float[] nb = new float[channels];
      for (int c = 0; c < channels; c++) {
        double a = s[c] / Math.sqrt(va[c] + eps);
        for (int k = c * per; k < (c + 1) * per; k++) {
          nw[k] = (float) (wv[k] * a);
        }
        nb[c] = (float) ((bv[c] - mu[c]) * a + sh[c]);
      }
      String wName = g.initializer(Tensor.floats(g.uniqueName(w.name() + "_bn"), nw, dims));
      String bName = g.initializer(Tensor.floats(g.uniqueName(bn.name() + "_bias"), nb, channels));
      String data = conv.input(0);
      conv.inputs().clear();
      conv.inputs().addAll(List.of(data, wName, bName));
      conv.outputs().set(0, bn.output(0));
      g.nodes().remove(bn);
      changed++;
    }
    return changed;
  }

  /** Rewrites Gemm with constant B and transA = 0 as MatMul (+ Add); returns how many. */
  static int gemmToMatMul(OnnxGraph g) {
    int changed = 0;
    for (Node n : new ArrayList<>(g.nodes())) {
      if (!n.opType().equals("Gemm") || !n.domain().isEmpty()) {
        continue;
      }
      Tensor b = floatInit(g, n.input(1));
      String c = n.inputs().size() > 2 ? n.input(2) : "";
      Tensor cInit = c.isEmpty() ? null : floatInit(g, c);
      float alpha = n.attribute("alpha").map(Attribute::asFloat).orElse(1f);
      float beta = n.attribute("beta").map(Attribute::asFloat).orElse(1f);
      boolean transA = n.attribute("transA").map(Attribute::asLong).orElse(0L) != 0;
      boolean transB = n.attribute("transB").map(Attribute::asLong).orElse(0L) != 0;
      if (b == null || transA || b.dims().length != 2 || (!c.isEmpty() && cInit == null)) {
        continue;
      }
      long[] d = b.dims();
      float[] v = b.toFloats();
      int rows = (int) (transB ? d[1] : d[0]);
      int cols = (int) (transB ? d[0] : d[1]);
      float[] m = new float[v.length];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          m[i * cols + j] = alpha * (transB ? v[j * rows + i] : v[i * cols + j]);
        }
      }
      String w = g.initializer(Tensor.floats(g.uniqueName(b.name() + "_matmul"), m, rows, cols));
      String y = n.output(0);
      int at = g.nodes().indexOf(n);
      g.nodes().remove(at);
      if (cInit == null) {
        g.nodes().add(at, new Node(n.name(), "MatMul", List.of(n.input(0), w), List.of(y)));
      } else {
        float[] cv = cInit.toFloats();
        for (int i = 0; i < cv.length; i++) {
          cv[i] *= beta;
        }
        String bias = g.initializer(Tensor.floats(g.uniqueName(c + "_bias"), cv, cInit.dims()));
        String mm = g.uniqueName(y + "_matmul");
        g.nodes().add(at, new Node(n.name(), "MatMul", List.of(n.input(0), w), List.of(mm)));
        g.nodes()
            .add(
                at + 1,
                new Node(g.uniqueName(n.name() + "_bias"), "Add", List.of(mm, bias), List.of(y)));
      }
      changed++;
    }
    return changed;
  }

  /** Moves each Conv's constant bias to an Add after it; returns how many. */
  static int splitConvBias(OnnxGraph g) {
    int changed = 0;
    for (Node n : new ArrayList<>(g.nodes())) {
      if (!n.opType().equals("Conv") || n.inputs().size() < 3 || n.input(2).isEmpty()) {
        continue;
      }
      Tensor w = g.initializers().get(n.input(1));
      Tensor b = floatInit(g, n.input(2));
      if (w == null || b == null) {
        continue;
      }
      long[] shape = new long[w.dims().length]; // [1, C, 1, ...] broadcasts over N and space
      java.util.Arrays.fill(shape, 1);
      shape[1] = b.count();
      String bias =
          g.initializer(Tensor.floats(g.uniqueName(b.name() + "_nchw"), b.toFloats(), shape));
      String y = n.output(0);
      String raw = g.uniqueName(y + "_nobias");
      n.inputs().remove(2);
      n.outputs().set(0, raw);
      int at = g.nodes().indexOf(n);
      g.nodes()
          .add(
              at + 1,
              new Node(g.uniqueName(n.name() + "_bias"), "Add", List.of(raw, bias), List.of(y)));
      changed++;
    }
    return changed;
  }

  /** Removes initializers nothing reads; returns how many. */
  static int removeUnusedInitializers(OnnxGraph g) {
    Set<String> used = new HashSet<>(outputNames(g));
    for (Node n : g.nodes()) {
      used.addAll(n.inputs());
    }
    int before = g.initializers().size();
    g.initializers().keySet().retainAll(used);
    return before - g.initializers().size();
  }

  private static Set<String> outputNames(OnnxGraph g) {
    Set<String> s = new HashSet<>();
    for (ValueInfo v : g.outputs()) {
      s.add(v.name());
    }
    return s;
  }

  /** The float initializer {@code name}, or null when it is something else. */
  static Tensor floatInit(OnnxGraph g, String name) {
    Tensor t = g.initializers().get(name);
    return t != null && t.type() == ElementType.FLOAT ? t : null;
  }
}
