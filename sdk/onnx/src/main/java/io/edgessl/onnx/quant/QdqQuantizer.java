package io.edgessl.onnx.quant;

import io.edgessl.onnx.Attribute;
import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Post-training static INT8 quantization in QDQ form: QuantizeLinear / DequantizeLinear pairs
 * placed on the inputs of every MatMul, Gemm and Conv of a prepared graph ({@link
 * GraphPreparation}), the format that ONNX Runtime fuses into integer kernels
 * (MatMulIntegerToFloat, QLinearConv) and TensorRT consumes as explicit quantization.
 *
 * <ul>
 *   <li>Weights: int8 initializers, symmetric per output channel ({@code scale_c = max|w_c| / 127},
 *       zero point 0, values in [-127, 127]), each read through a DequantizeLinear with {@code
 *       axis} (opset 13 and later).
 *   <li>Activations: per tensor, int8, from calibrated ranges ({@link Calibrator}): symmetric (zero
 *       point 0, what TensorRT requires) or asymmetric (ONNX Runtime only; a full 8 bits for
 *       one-signed tensors such as softmax or ReLU outputs). One Q/DQ pair per quantized reader
 *       (and per input of it), each with the tensor's scale and zero point: ONNX Runtime fuses a
 *       node with its Q/DQ nodes only when each DequantizeLinear feeds that node alone, and on x86
 *       its integer Conv needs uint8 activations, which its {@code QDQS8ToU8Transformer} makes of
 *       an int8 pair only when the QuantizeLinear has exactly one consumer
 *       (onnxruntime/core/optimizer/qdq_transformer/qdq_s8_to_u8.cc). A pair shared by a ResNet
 *       stage's first Conv and its downsample left both in float; ONNX Runtime's own quantizer has
 *       the same switch ({@code DedicatedQDQPair}).
 *   <li>A Conv's output is quantized too: ONNX Runtime runs a Conv as integer only when its output
 *       goes through QuantizeLinear (QLinearConv); its bias, split off by {@link GraphPreparation},
 *       is added in float after the pair.
 * </ul>
 *
 * Nothing else is quantized: LayerNormalization, Softmax, GELU and the residual Adds read and write
 * float. Layers named in {@link Options#keepFloat} stay entirely float (the sensitivity analysis's
 * lever). Rounding is half to even, as QuantizeLinear rounds.
 */
public final class QdqQuantizer {
  /** The largest magnitude of a symmetric int8 value (-128 is not used). */
  public static final int QMAX = 127;

  private QdqQuantizer() {}

  /** How activation ranges map to int8. */
  public enum ActivationScheme {
    /** Zero point 0, scale {@code max|range| / 127}: what TensorRT requires. */
    SYMMETRIC,
    /** Zero point and scale cover exactly {@code [min(range, 0), max(range, 0)]} in 256 steps. */
    ASYMMETRIC;

    /** {@return the command-line name: {@code symmetric}, {@code asymmetric}} */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The scheme named {@code id} (any case).
     *
     * @param id a command-line name
     * @return the scheme
     * @throws IllegalArgumentException for another name
     */
    public static ActivationScheme parse(String id) {
      for (ActivationScheme s : values()) {
        if (s.id().equalsIgnoreCase(id)) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          "unknown activation scheme '" + id + "'; expected symmetric or asymmetric");
    }
  }

  /**
   * What to quantize.
   *
   * @param activations how activation ranges map to int8
   * @param keepFloat names of layers ({@link QuantLayer#node()}) left entirely in float; copied
   *     into an unmodifiable set
   * @param activationProducts whether products of two activations (attention's {@code q k^T} and
   *     {@code softmax v}) are quantized
   */
  public record Options(
      ActivationScheme activations, Set<String> keepFloat, boolean activationProducts) {
    /**
     * Checks the components and copies {@code keepFloat}.
     *
     * @throws NullPointerException when {@code activations} or {@code keepFloat} is {@code null}
     */
    public Options {
      Objects.requireNonNull(activations, "activations");
      keepFloat = Set.copyOf(keepFloat);
    }

    /** {@return symmetric activations, every layer quantized, activation products included} */
    public static Options defaults() {
      return new Options(ActivationScheme.SYMMETRIC, Set.of(), true);
    }

    /**
     * These options with {@code layers} kept in float too; these options are unchanged.
     *
     * @param layers names of layers to keep in float; read, not kept
     * @return new options
     */
    public Options keeping(Set<String> layers) {
      Set<String> k = new LinkedHashSet<>(keepFloat);
      k.addAll(layers);
      return new Options(activations, k, activationProducts);
    }
  }

  /**
   * The int8 parameters of one tensor: {@code x ~ (q - zeroPoint) * scale}.
   *
   * @param scale the float step between consecutive int8 values, positive
   * @param zeroPoint the int8 value, -128 to 127, that represents 0
   */
  public record Params(float scale, int zeroPoint) {}

  /**
   * Per-channel int8 weights and their scales. The arrays are kept, not copied, and the accessors
   * return them as they are.
   *
   * @param values the int8 weights, row-major in the float weight's shape
   * @param scales one scale per channel of the quantized axis (one in all for per-tensor)
   */
  public record QuantizedWeight(byte[] values, float[] scales) {}

  /**
   * The quantizable layers of a prepared graph, in graph order: every MatMul and Gemm of two float
   * inputs that are not both constant, every Conv with constant weights.
   *
   * @param prepared a graph from {@link GraphPreparation#forQuantization}; not changed
   * @return a new list of the layers
   */
  public static List<QuantLayer> layers(OnnxGraph prepared) {
    Map<String, ElementType> types = ElementTypes.infer(prepared);
    List<QuantLayer> out = new ArrayList<>();
    for (Node n : prepared.nodes()) {
      if (!n.domain().isEmpty() || n.inputs().size() < 2) {
        continue;
      }
      String a = n.input(0);
      String b = n.input(1);
      if (types.get(a) != ElementType.FLOAT || types.get(b) != ElementType.FLOAT) {
        continue;
      }
      Tensor ai = prepared.initializers().get(a);
      Tensor bi = prepared.initializers().get(b);
      switch (n.opType()) {
        case "MatMul":
        case "Gemm":
          if (ai != null && bi != null) {
            break; // a constant product: nothing runs at inference worth quantizing
          }
          if (bi != null) {
            out.add(new QuantLayer(n.name(), n.opType(), List.of(a), b, outAxis(n, bi), null));
          } else if (ai != null) {
            out.add(new QuantLayer(n.name(), n.opType(), List.of(b), a, -1, null));
          } else {
            List<String> acts = a.equals(b) ? List.of(a) : List.of(a, b);
            out.add(new QuantLayer(n.name(), n.opType(), acts, null, -1, null));
          }
          break;
        case "Conv":
          if (bi != null && ai == null) {
            boolean biasFree = n.inputs().size() < 3 || n.input(2).isEmpty();
            out.add(
                new QuantLayer(n.name(), "Conv", List.of(a), b, 0, biasFree ? n.output(0) : null));
          }
          break;
        default:
          break;
      }
    }
    return out;
  }

  /** The output-channel axis of a constant B of MatMul ({@code [..., K, N]}) or Gemm. */
  private static int outAxis(Node n, Tensor b) {
    int rank = b.dims().length;
    if (n.opType().equals("Gemm")) {
      return n.attribute("transB").map(Attribute::asLong).orElse(0L) != 0 ? 0 : 1;
    }
    return rank >= 2 ? rank - 1 : -1;
  }

  /**
   * The tensors whose ranges {@link #quantize} needs under {@code options}, in graph order.
   *
   * @param layers the layers, as {@link #layers} returns them
   * @param options what to quantize: layers kept in float need no ranges
   * @return a new, mutable set of tensor names: the quantized layers' activations and outputs
   */
  public static Set<String> calibrationTensors(List<QuantLayer> layers, Options options) {
    Set<String> s = new LinkedHashSet<>();
    for (QuantLayer l : layers) {
      if (quantized(l, options)) {
        s.addAll(l.activations());
        if (l.output() != null) {
          s.add(l.output());
        }
      }
    }
    return s;
  }

  private static boolean quantized(QuantLayer l, Options o) {
    return !o.keepFloat().contains(l.node()) && (l.weight() != null || o.activationProducts());
  }

  /**
   * The QDQ graph: a copy of {@code prepared} with its layers quantized.
   *
   * @param prepared a graph from {@link GraphPreparation#forQuantization}; not changed
   * @param options what to quantize and how
   * @return a new graph, its metadata {@code edgessl.precision} set to {@code int8}
   * @param ranges calibrated ranges of at least {@link #calibrationTensors}
   * @throws IllegalArgumentException when {@code options} keep a layer that does not exist, a range
   *     is missing, or the graph's opset is below 13 (per-channel DequantizeLinear)
   */
  public static OnnxGraph quantize(OnnxGraph prepared, Map<String, Range> ranges, Options options) {
    if (prepared.opset() < 13) {
      throw new IllegalArgumentException(
          "per-channel quantization needs opset 13 or later; "
              + prepared.name()
              + " has opset "
              + prepared.opset());
    }
    List<QuantLayer> layers = layers(prepared);
    Set<String> names = new LinkedHashSet<>();
    layers.forEach(l -> names.add(l.node()));
    for (String k : options.keepFloat()) {
      if (!names.contains(k)) {
        throw new IllegalArgumentException(
            "no quantizable layer named '" + k + "'; layers are " + abbreviate(names));
      }
    }
    OnnxGraph g = prepared.copy();
    Map<String, Node> byName = new HashMap<>();
    g.nodes().forEach(n -> byName.put(n.name(), n));
    Editor e = new Editor(g, ranges, options.activations());
    for (QuantLayer l : layers) {
      if (!quantized(l, options)) {
        continue;
      }
      Node n = byName.get(l.node());
      for (String t : l.activations()) {
        for (int i = 0; i < 2; i++) {
          if (n.input(i).equals(t)) {
            n.inputs().set(i, e.activation(t));
          }
        }
      }
      if (l.weight() != null) {
        int i = n.input(0).equals(l.weight()) ? 0 : 1;
        n.inputs().set(i, e.weight(l.weight(), l.weightAxis()));
      }
      if (l.output() != null) {
        e.output(n, l.output());
      }
    }
    g.sortNodes();
    GraphPreparation.removeUnusedInitializers(g);
    g.check();
    g.metadata().put("edgessl.precision", "int8");
    return g;
  }

  private static String abbreviate(Set<String> names) {
    List<String> l = new ArrayList<>(names);
    return l.size() <= 8
        ? l.toString()
        : l.subList(0, 8) + " and " + (l.size() - 8) + " more (edgessl quantize --list-layers)";
  }

  /**
   * The int8 parameters of an activation range.
   *
   * @param r the calibrated range
   * @param scheme symmetric (zero point 0, scale {@code maxAbs / 127}) or asymmetric (256 steps
   *     over the range extended to include 0)
   * @return the parameters; scale 1, zero point 0 for an empty range
   */
  public static Params params(Range r, ActivationScheme scheme) {
    if (scheme == ActivationScheme.SYMMETRIC) {
      float amax = r.maxAbs();
      return new Params(amax > 0 ? amax / QMAX : 1f, 0);
    }
    float lo = Math.min(r.min(), 0);
    float hi = Math.max(r.max(), 0);
    if (hi - lo <= 0) {
      return new Params(1f, 0);
    }
    float scale = (hi - lo) / 255;
    int zp = (int) Math.max(-128, Math.min(127, Math.rint(-128 - lo / scale)));
    return new Params(scale, zp);
  }

  /**
   * Symmetric int8 quantization of a weight tensor of shape {@code dims}, one scale per index of
   * {@code axis} ({@code -1}: one scale): {@code scale = max|w| / 127} (1 for an all-zero channel),
   * {@code q = rint(w / scale)} computed in float as QuantizeLinear does.
   *
   * @param w the float weights, row-major; read, not kept
   * @param dims the weight's shape, e.g. {@code [out, in, kh, kw]} for a Conv
   * @param axis the output-channel axis, or -1 for a single scale
   * @return new arrays of int8 values ({@code w.length}) and scales ({@code dims[axis]}, or 1)
   */
  public static QuantizedWeight quantizeWeight(float[] w, long[] dims, int axis) {
    int channels = axis < 0 ? 1 : (int) dims[axis];
    int inner = 1;
    for (int d = axis + 1; axis >= 0 && d < dims.length; d++) {
      inner *= (int) dims[d];
    }
    if (axis < 0) {
      inner = w.length;
    }
    float[] amax = new float[channels];
    for (int i = 0; i < w.length; i++) {
      int c = (i / inner) % channels;
      amax[c] = Math.max(amax[c], Math.abs(w[i]));
    }
    float[] scales = new float[channels];
    for (int c = 0; c < channels; c++) {
      scales[c] = amax[c] > 0 ? amax[c] / QMAX : 1f;
    }
    byte[] q = new byte[w.length];
    for (int i = 0; i < w.length; i++) {
      float s = scales[(i / inner) % channels];
      q[i] = (byte) Math.max(-QMAX, Math.min(QMAX, Math.rint(w[i] / s)));
    }
    return new QuantizedWeight(q, scales);
  }

  /** Inserts the Q/DQ nodes and quantized initializers into one graph. */
  private static final class Editor {
    private final OnnxGraph g;
    private final Map<String, Range> ranges;
    private final ActivationScheme scheme;

    /** Conv outputs quantized in place: their readers read the pair's DequantizeLinear. */
    private final Set<String> inPlace = new HashSet<>();

    private final Map<String, String> weights = new HashMap<>();

    Editor(OnnxGraph g, Map<String, Range> ranges, ActivationScheme scheme) {
      this.g = g;
      this.ranges = ranges;
      this.scheme = scheme;
    }

    /**
     * A dequantized twin of activation {@code t} for one reader: a new Q/DQ pair on each call, or
     * {@code t} itself for a Conv output quantized in place. Each pair has scale and zero-point
     * initializers of its own (the tensor's values): with shared ones the pairs would be the same
     * computation, and ONNX Runtime's common-subexpression elimination would merge them back into
     * one shared pair before its QDQ fusion runs.
     */
    String activation(String t) {
      if (inPlace.contains(t)) {
        return t;
      }
      Params p = params(range(t), scheme);
      String s = g.initializer(Tensor.scalar(g.uniqueName(t + "_scale"), p.scale()));
      String z = zeroPoint(t, p.zeroPoint());
      String q = g.uniqueName(t + "_quantized");
      String dq = g.uniqueName(t + "_dequantized");
      g.node("QuantizeLinear", List.of(t, s, z), List.of(q)).name(g.uniqueName(t + "_Q"));
      g.node("DequantizeLinear", List.of(q, s, z), List.of(dq)).name(g.uniqueName(t + "_DQ"));
      return dq;
    }

    /** Quantizes {@code n}'s output {@code y} in place: n writes y_raw, Q/DQ write y. */
    void output(Node n, String y) {
      Params p = params(range(y), scheme);
      String raw = g.uniqueName(y + "_raw");
      n.outputs().set(0, raw);
      String s = g.initializer(Tensor.scalar(g.uniqueName(y + "_scale"), p.scale()));
      String z = zeroPoint(y, p.zeroPoint());
      String q = g.uniqueName(y + "_quantized");
      g.node("QuantizeLinear", List.of(raw, s, z), List.of(q)).name(g.uniqueName(y + "_Q"));
      g.node("DequantizeLinear", List.of(q, s, z), List.of(y)).name(g.uniqueName(y + "_DQ"));
      // Readers quantized later read the DQ output directly. A Conv with a bias feeds only its
      // bias Add after GraphPreparation, so this DQ has the one reader ONNX Runtime needs; a
      // bias-free Conv read by several nodes keeps one pair (QLinearConv has one output Q).
      inPlace.add(y);
    }

    /** The dequantized twin of weight {@code w}, created once. */
    String weight(String w, int axis) {
      String dq = weights.get(w);
      if (dq == null) {
        Tensor t = g.initializers().get(w);
        QuantizedWeight qw = quantizeWeight(t.toFloats(), t.dims(), axis);
        String q =
            g.initializer(
                Tensor.bytes(
                    g.uniqueName(w + "_quantized"), ElementType.INT8, qw.values(), t.dims()));
        String s;
        String z;
        if (axis < 0) {
          s = g.initializer(Tensor.scalar(g.uniqueName(w + "_scale"), qw.scales()[0]));
          z =
              g.initializer(
                  Tensor.bytes(g.uniqueName(w + "_zero_point"), ElementType.INT8, new byte[1]));
        } else {
          int c = qw.scales().length;
          s = g.initializer(Tensor.floats(g.uniqueName(w + "_scale"), qw.scales(), c));
          z =
              g.initializer(
                  Tensor.bytes(g.uniqueName(w + "_zero_point"), ElementType.INT8, new byte[c], c));
        }
        dq = g.uniqueName(w + "_dequantized");
        Node n = g.node("DequantizeLinear", List.of(q, s, z), List.of(dq));
        n.name(g.uniqueName(w + "_DQ"));
        if (axis >= 0) {
          n.attribute(Attribute.of("axis", (long) axis));
        }
        weights.put(w, dq);
      }
      return dq;
    }

    private Range range(String t) {
      Range r = ranges.get(t);
      if (r == null) {
        throw new IllegalArgumentException("no calibrated range for tensor '" + t + "'");
      }
      return r;
    }

    private String zeroPoint(String t, int zp) {
      return g.initializer(
          Tensor.bytes(g.uniqueName(t + "_zero_point"), ElementType.INT8, new byte[] {(byte) zp}));
    }
  }
}
