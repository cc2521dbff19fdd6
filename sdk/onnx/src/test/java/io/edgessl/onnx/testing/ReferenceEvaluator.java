package io.edgessl.onnx.testing;

import io.edgessl.onnx.Attribute;
import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Tensor;
import io.edgessl.onnx.ValueInfo;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A plain-Java interpreter of ONNX graphs, for tests: it runs an {@link OnnxGraph} op by op in
 * float32 storage with double accumulation, following the ONNX operator specifications, so that
 * tests compute expected outputs without ONNX Runtime. It covers the operators EdgeSSL's generated
 * encoders use (Conv, BatchNormalization, Relu, MaxPool, GlobalAveragePool, Flatten, MatMul, Gemm,
 * Add, Sub, Mul, Div, Pow, Sqrt, Erf, LayerNormalization, Softmax, Reshape, Transpose, Gather,
 * Concat, Slice, Shape, Expand, Unsqueeze, ReduceMean, Identity, Cast, Constant) and nothing else:
 * it is written for clarity, not speed.
 */
public final class ReferenceEvaluator {
  private ReferenceEvaluator() {}

  /** A tensor: a shape and float or int64 elements, row-major. */
  public static final class Nd {
    final int[] shape;
    final float[] f;
    final long[] l;

    Nd(int[] shape, float[] f, long[] l) {
      this.shape = shape;
      this.f = f;
      this.l = l;
      if (size(shape) != (f != null ? f.length : l.length)) {
        throw new IllegalArgumentException(
            "shape "
                + Arrays.toString(shape)
                + " does not match "
                + (f != null ? f.length : l.length));
      }
    }

    /** A float tensor. */
    public static Nd of(float[] values, int... shape) {
      return new Nd(shape.clone(), values, null);
    }

    static Nd longs(long[] values, int... shape) {
      return new Nd(shape.clone(), null, values);
    }

    public int[] shape() {
      return shape.clone();
    }

    public float[] floats() {
      return f;
    }

    boolean isFloat() {
      return f != null;
    }

    int rank() {
      return shape.length;
    }

    double get(int i) {
      return f != null ? f[i] : l[i];
    }
  }

  /** Runs the graph on {@code inputs}; returns every graph output by name. */
  public static Map<String, Nd> run(OnnxGraph g, Map<String, Nd> inputs) {
    Map<String, Nd> env = new HashMap<>(inputs);
    for (Tensor t : g.initializers().values()) {
      env.put(t.name(), fromTensor(t));
    }
    for (Node n : g.nodes()) {
      Nd[] in = new Nd[n.inputs().size()];
      for (int i = 0; i < in.length; i++) {
        String name = n.input(i);
        if (!name.isEmpty()) {
          in[i] = env.get(name);
          if (in[i] == null) {
            throw new IllegalStateException(n + ": input " + name + " is undefined");
          }
        }
      }
      env.put(n.output(0), eval(n, in, g.opset()));
    }
    Map<String, Nd> out = new HashMap<>();
    for (ValueInfo v : g.outputs()) {
      out.put(v.name(), env.get(v.name()));
    }
    return out;
  }

  static Nd fromTensor(Tensor t) {
    int[] shape = Arrays.stream(t.dims()).mapToInt(Math::toIntExact).toArray();
    switch (t.type()) {
      case FLOAT:
        return Nd.of(t.toFloats(), shape);
      case INT64:
        return Nd.longs(t.toLongs(), shape);
      case INT32:
        return Nd.longs(Arrays.stream(t.toInts()).asLongStream().toArray(), shape);
      default:
        throw new UnsupportedOperationException("reference evaluator: tensor type " + t.type());
    }
  }

  private static Nd eval(Node n, Nd[] in, int opset) {
    switch (n.opType()) {
      case "Identity":
        return in[0];
      case "Constant":
        return fromTensor(n.attribute("value").get().asTensor());
      case "Add":
        return binary(in[0], in[1], (a, b) -> a + b);
      case "Sub":
        return binary(in[0], in[1], (a, b) -> a - b);
      case "Mul":
        return binary(in[0], in[1], (a, b) -> a * b);
      case "Div":
        return binary(in[0], in[1], (a, b) -> a / b);
      case "Pow":
        return binary(in[0], in[1], Math::pow);
      case "Sqrt":
        return unary(in[0], Math::sqrt);
      case "Relu":
        return unary(in[0], v -> Math.max(0, v));
      case "Erf":
        return unary(in[0], ReferenceEvaluator::erf);
      case "MatMul":
        return matMul(in[0], in[1]);
      case "Gemm":
        return gemm(n, in);
      case "Conv":
        return conv(n, in);
      case "MaxPool":
        return maxPool(n, in[0]);
      case "GlobalAveragePool":
        return globalAveragePool(in[0]);
      case "BatchNormalization":
        return batchNorm(n, in);
      case "LayerNormalization":
        return layerNorm(n, in);
      case "Softmax":
        return softmax(in[0], n.attribute("axis").map(Attribute::asLong).orElse(-1L).intValue());
      case "Reshape":
        return reshape(in[0], in[1].l);
      case "Transpose":
        return transpose(in[0], n);
      case "Gather":
        return gather(
            in[0], in[1], n.attribute("axis").map(Attribute::asLong).orElse(0L).intValue());
      case "Concat":
        return concat(in, (int) n.attribute("axis").get().asLong());
      case "Slice":
        return slice(in);
      case "Flatten":
        return flatten(in[0], n.attribute("axis").map(Attribute::asLong).orElse(1L).intValue());
      case "Shape":
        return Nd.longs(Arrays.stream(in[0].shape).asLongStream().toArray(), in[0].rank());
      case "Expand":
        return expand(in[0], in[1].l);
      case "Unsqueeze":
        return unsqueeze(in[0], in[1].l);
      case "ReduceMean":
        return reduceMean(n, in, opset);
      case "Cast":
        return cast(in[0], ElementType.of((int) n.attribute("to").get().asLong()));
      default:
        throw new UnsupportedOperationException("reference evaluator: no " + n.opType());
    }
  }

  // ---- indexing helpers

  static int size(int[] shape) {
    int s = 1;
    for (int d : shape) {
      s *= d;
    }
    return s;
  }

  static int[] strides(int[] shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  private static int axis(int axis, int rank) {
    return axis < 0 ? axis + rank : axis;
  }

  /** Numpy broadcasting of two shapes. */
  static int[] broadcast(int[] a, int[] b) {
    int r = Math.max(a.length, b.length);
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
      int db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(
            "cannot broadcast " + Arrays.toString(a) + " with " + Arrays.toString(b));
      }
      out[i] = Math.max(da, db);
    }
    return out;
  }

  /**
   * Flat index into a tensor of {@code shape} broadcast to {@code out}, for output index {@code i}.
   */
  static int source(int i, int[] out, int[] shape) {
    int idx = 0;
    int stride = 1;
    for (int k = out.length - 1, j = shape.length - 1; k >= 0; k--, j--) {
      int coord = i % out[k];
      i /= out[k];
      if (j >= 0) {
        if (shape[j] != 1) {
          idx += coord * stride;
        }
        stride *= shape[j];
      }
    }
    return idx;
  }

  interface Bin {
    double apply(double a, double b);
  }

  interface Un {
    double apply(double a);
  }

  static Nd binary(Nd a, Nd b, Bin op) {
    int[] shape = broadcast(a.shape, b.shape);
    int n = size(shape);
    if (a.isFloat() || b.isFloat()) {
      float[] out = new float[n];
      for (int i = 0; i < n; i++) {
        out[i] =
            (float) op.apply(a.get(source(i, shape, a.shape)), b.get(source(i, shape, b.shape)));
      }
      return Nd.of(out, shape);
    }
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = (long) op.apply(a.get(source(i, shape, a.shape)), b.get(source(i, shape, b.shape)));
    }
    return Nd.longs(out, shape);
  }

  static Nd unary(Nd a, Un op) {
    float[] out = new float[a.f.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) op.apply(a.f[i]);
    }
    return Nd.of(out, a.shape);
  }

  /**
   * erf by its Taylor series below 3 and a continued fraction for erfc above (double precision).
   */
  public static double erf(double x) {
    double ax = Math.abs(x);
    double r;
    if (ax < 3) {
      // erf x = 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1))
      double term = ax;
      double sum = ax;
      for (int k = 1; k < 100; k++) {
        term *= -ax * ax / k;
        double t = term / (2 * k + 1);
        sum += t;
        if (Math.abs(t) < 1e-17 * Math.abs(sum)) {
          break;
        }
      }
      r = 2 / Math.sqrt(Math.PI) * sum;
    } else {
      // erfc x = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))) (Lentz's method)
      double tiny = 1e-300;
      double f = ax;
      double c = ax;
      double d = 0;
      for (int k = 1; k < 200; k++) {
        double a = k / 2.0;
        d = ax + a * d;
        d = Math.abs(d) < tiny ? tiny : d;
        c = ax + a / c;
        c = Math.abs(c) < tiny ? tiny : c;
        d = 1 / d;
        double delta = c * d;
        f *= delta;
        if (Math.abs(delta - 1) < 1e-16) {
          break;
        }
      }
      r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
    }
    return x < 0 ? -r : r;
  }

  // ---- linear algebra

  static Nd matMul(Nd a, Nd b) {
    int[] as = a.rank() == 1 ? new int[] {1, a.shape[0]} : a.shape;
    int[] bs = b.rank() == 1 ? new int[] {b.shape[0], 1} : b.shape;
    int m = as[as.length - 2];
    int k = as[as.length - 1];
    int n = bs[bs.length - 1];
    if (bs[bs.length - 2] != k) {
      throw new IllegalArgumentException(
          "MatMul " + Arrays.toString(a.shape) + " x " + Arrays.toString(b.shape));
    }
    int[] batchA = Arrays.copyOf(as, as.length - 2);
    int[] batchB = Arrays.copyOf(bs, bs.length - 2);
    int[] batch = broadcast(batchA, batchB);
    int nb = size(batch);
    float[] out = new float[nb * m * n];
    for (int bi = 0; bi < nb; bi++) {
      int ao = source(bi, batch, batchA) * m * k;
      int bo = source(bi, batch, batchB) * k * n;
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int p = 0; p < k; p++) {
            s += (double) a.f[ao + i * k + p] * b.f[bo + p * n + j];
          }
          out[(bi * m + i) * n + j] = (float) s;
        }
      }
    }
    int[] shape = Arrays.copyOf(batch, batch.length + 2);
    shape[batch.length] = m;
    shape[batch.length + 1] = n;
    return Nd.of(out, shape);
  }

  static Nd gemm(Node node, Nd[] in) {
    boolean ta = node.attribute("transA").map(Attribute::asLong).orElse(0L) != 0;
    boolean tb = node.attribute("transB").map(Attribute::asLong).orElse(0L) != 0;
    double alpha = node.attribute("alpha").map(Attribute::asFloat).orElse(1f);
    double beta = node.attribute("beta").map(Attribute::asFloat).orElse(1f);
    Nd a = ta ? transpose2(in[0]) : in[0];
    Nd b = tb ? transpose2(in[1]) : in[1];
    Nd y = matMul(a, b);
    float[] out = y.f.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (alpha * out[i]);
    }
    Nd scaled = Nd.of(out, y.shape);
    if (in.length > 2 && in[2] != null) {
      Nd c = unary(in[2], v -> beta * v);
      return binary(scaled, c, (p, q) -> p + q);
    }
    return scaled;
  }

  private static Nd transpose2(Nd x) {
    int r = x.shape[0];
    int c = x.shape[1];
    float[] o = new float[r * c];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        o[j * r + i] = x.f[i * c + j];
      }
    }
    return Nd.of(o, c, r);
  }

  // ---- convolution and pooling (2-D, NCHW)

  private static long[] ints(Node n, String name, long... dflt) {
    return n.attribute(name).map(Attribute::asLongs).orElse(dflt);
  }

  static Nd conv(Node node, Nd[] in) {
    Nd x = in[0];
    Nd w = in[1];
    int batch = x.shape[0];
    int c = x.shape[1];
    int h = x.shape[2];
    int wd = x.shape[3];
    int m = w.shape[0];
    int cg = w.shape[1];
    int kh = w.shape[2];
    int kw = w.shape[3];
    long[] st = ints(node, "strides", 1, 1);
    long[] pd = ints(node, "pads", 0, 0, 0, 0);
    long[] dl = ints(node, "dilations", 1, 1);
    int group = node.attribute("group").map(Attribute::asLong).orElse(1L).intValue();
    int oh = (int) ((h + pd[0] + pd[2] - dl[0] * (kh - 1) - 1) / st[0] + 1);
    int ow = (int) ((wd + pd[1] + pd[3] - dl[1] * (kw - 1) - 1) / st[1] + 1);
    float[] out = new float[batch * m * oh * ow];
    int mg = m / group;
    for (int b = 0; b < batch; b++) {
      for (int oc = 0; oc < m; oc++) {
        int g = oc / mg;
        for (int y = 0; y < oh; y++) {
          for (int xx = 0; xx < ow; xx++) {
            double s = in.length > 2 && in[2] != null ? in[2].f[oc] : 0;
            for (int ic = 0; ic < cg; ic++) {
              int cin = g * cg + ic;
              for (int ky = 0; ky < kh; ky++) {
                int iy = (int) (y * st[0] - pd[0] + ky * dl[0]);
                if (iy < 0 || iy >= h) {
                  continue;
                }
                for (int kx = 0; kx < kw; kx++) {
                  int ix = (int) (xx * st[1] - pd[1] + kx * dl[1]);
                  if (ix < 0 || ix >= wd) {
                    continue;
                  }
                  s +=
                      (double) x.f[((b * c + cin) * h + iy) * wd + ix]
                          * w.f[((oc * cg + ic) * kh + ky) * kw + kx];
                }
              }
            }
            out[((b * m + oc) * oh + y) * ow + xx] = (float) s;
          }
        }
      }
    }
    return Nd.of(out, batch, m, oh, ow);
  }

  static Nd maxPool(Node node, Nd x) {
    long[] k = ints(node, "kernel_shape");
    long[] st = ints(node, "strides", 1, 1);
    long[] pd = ints(node, "pads", 0, 0, 0, 0);
    int batch = x.shape[0];
    int c = x.shape[1];
    int h = x.shape[2];
    int w = x.shape[3];
    int oh = (int) ((h + pd[0] + pd[2] - k[0]) / st[0] + 1);
    int ow = (int) ((w + pd[1] + pd[3] - k[1]) / st[1] + 1);
    float[] out = new float[batch * c * oh * ow];
    for (int bc = 0; bc < batch * c; bc++) {
      for (int y = 0; y < oh; y++) {
        for (int xx = 0; xx < ow; xx++) {
          float mx = Float.NEGATIVE_INFINITY;
          for (int ky = 0; ky < k[0]; ky++) {
            for (int kx = 0; kx < k[1]; kx++) {
              int iy = (int) (y * st[0] - pd[0] + ky);
              int ix = (int) (xx * st[1] - pd[1] + kx);
              if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                mx = Math.max(mx, x.f[(bc * h + iy) * w + ix]);
              }
            }
          }
          out[(bc * oh + y) * ow + xx] = mx;
        }
      }
    }
    return Nd.of(out, batch, c, oh, ow);
  }

  static Nd globalAveragePool(Nd x) {
    int plane = x.shape[2] * x.shape[3];
    int nc = x.shape[0] * x.shape[1];
    float[] out = new float[nc];
    for (int i = 0; i < nc; i++) {
      double s = 0;
      for (int p = 0; p < plane; p++) {
        s += x.f[i * plane + p];
      }
      out[i] = (float) (s / plane);
    }
    return Nd.of(out, x.shape[0], x.shape[1], 1, 1);
  }

  // ---- normalization

  static Nd batchNorm(Node node, Nd[] in) {
    Nd x = in[0];
    double eps = node.attribute("epsilon").map(Attribute::asFloat).orElse(1e-5f);
    int c = x.shape[1];
    int plane = size(x.shape) / (x.shape[0] * c);
    float[] out = new float[x.f.length];
    for (int i = 0; i < out.length; i++) {
      int ch = (i / plane) % c;
      out[i] =
          (float)
              ((x.f[i] - in[3].f[ch]) / Math.sqrt(in[4].f[ch] + eps) * in[1].f[ch] + in[2].f[ch]);
    }
    return Nd.of(out, x.shape);
  }

  static Nd layerNorm(Node node, Nd[] in) {
    Nd x = in[0];
    int ax = axis(node.attribute("axis").map(Attribute::asLong).orElse(-1L).intValue(), x.rank());
    double eps = node.attribute("epsilon").map(Attribute::asFloat).orElse(1e-5f);
    int inner = 1;
    for (int i = ax; i < x.rank(); i++) {
      inner *= x.shape[i];
    }
    int outer = x.f.length / inner;
    float[] out = new float[x.f.length];
    for (int o = 0; o < outer; o++) {
      double mean = 0;
      for (int i = 0; i < inner; i++) {
        mean += x.f[o * inner + i];
      }
      mean /= inner;
      double var = 0;
      for (int i = 0; i < inner; i++) {
        double d = x.f[o * inner + i] - mean;
        var += d * d;
      }
      var /= inner;
      double inv = 1 / Math.sqrt(var + eps);
      for (int i = 0; i < inner; i++) {
        double v = (x.f[o * inner + i] - mean) * inv * in[1].f[i % in[1].f.length];
        if (in.length > 2 && in[2] != null) {
          v += in[2].f[i % in[2].f.length];
        }
        out[o * inner + i] = (float) v;
      }
    }
    return Nd.of(out, x.shape);
  }

  static Nd softmax(Nd x, int axisAttr) {
    int ax = axis(axisAttr, x.rank());
    int[] st = strides(x.shape);
    int len = x.shape[ax];
    int step = st[ax];
    float[] out = new float[x.f.length];
    for (int i = 0; i < x.f.length; i++) {
      if ((i / step) % len != 0) {
        continue; // visit each softmax row once, from its first element
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < len; j++) {
        max = Math.max(max, x.f[i + j * step]);
      }
      double sum = 0;
      for (int j = 0; j < len; j++) {
        sum += Math.exp(x.f[i + j * step] - max);
      }
      for (int j = 0; j < len; j++) {
        out[i + j * step] = (float) (Math.exp(x.f[i + j * step] - max) / sum);
      }
    }
    return Nd.of(out, x.shape);
  }

  // ---- shapes

  static Nd reshape(Nd x, long[] target) {
    int[] shape = new int[target.length];
    int known = 1;
    int infer = -1;
    for (int i = 0; i < target.length; i++) {
      if (target[i] == 0) {
        shape[i] = x.shape[i];
      } else if (target[i] == -1) {
        infer = i;
        continue;
      } else {
        shape[i] = (int) target[i];
      }
      known *= shape[i];
    }
    if (infer >= 0) {
      shape[infer] = size(x.shape) / known;
    }
    return x.isFloat() ? Nd.of(x.f, shape) : Nd.longs(x.l, shape);
  }

  static Nd transpose(Nd x, Node node) {
    int r = x.rank();
    long[] perm = node.attribute("perm").map(Attribute::asLongs).orElse(null);
    if (perm == null) {
      perm = new long[r];
      for (int i = 0; i < r; i++) {
        perm[i] = r - 1 - i;
      }
    }
    int[] shape = new int[r];
    for (int i = 0; i < r; i++) {
      shape[i] = x.shape[(int) perm[i]];
    }
    int[] inSt = strides(x.shape);
    int n = size(shape);
    float[] out = new float[n];
    int[] coord = new int[r];
    for (int i = 0; i < n; i++) {
      int rem = i;
      for (int k = r - 1; k >= 0; k--) {
        coord[k] = rem % shape[k];
        rem /= shape[k];
      }
      int src = 0;
      for (int k = 0; k < r; k++) {
        src += coord[k] * inSt[(int) perm[k]];
      }
      out[i] = x.f[src];
    }
    return Nd.of(out, shape);
  }

  static Nd gather(Nd x, Nd idx, int axisAttr) {
    int ax = axis(axisAttr, x.rank());
    int outer = 1;
    for (int i = 0; i < ax; i++) {
      outer *= x.shape[i];
    }
    int inner = 1;
    for (int i = ax + 1; i < x.rank(); i++) {
      inner *= x.shape[i];
    }
    int len = x.shape[ax];
    int ni = idx.l.length;
    int[] shape = new int[x.rank() - 1 + idx.rank()];
    int p = 0;
    for (int i = 0; i < ax; i++) {
      shape[p++] = x.shape[i];
    }
    for (int d : idx.shape) {
      shape[p++] = d;
    }
    for (int i = ax + 1; i < x.rank(); i++) {
      shape[p++] = x.shape[i];
    }
    boolean fl = x.isFloat();
    float[] of = fl ? new float[outer * ni * inner] : null;
    long[] ol = fl ? null : new long[outer * ni * inner];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < ni; j++) {
        int k = (int) (idx.l[j] < 0 ? idx.l[j] + len : idx.l[j]);
        for (int i = 0; i < inner; i++) {
          int src = (o * len + k) * inner + i;
          int dst = (o * ni + j) * inner + i;
          if (fl) {
            of[dst] = x.f[src];
          } else {
            ol[dst] = x.l[src];
          }
        }
      }
    }
    return fl ? Nd.of(of, shape) : Nd.longs(ol, shape);
  }

  static Nd concat(Nd[] xs, int axisAttr) {
    int ax = axis(axisAttr, xs[0].rank());
    int[] shape = xs[0].shape.clone();
    shape[ax] = 0;
    for (Nd x : xs) {
      shape[ax] += x.shape[ax];
    }
    int outer = 1;
    for (int i = 0; i < ax; i++) {
      outer *= shape[i];
    }
    boolean fl = xs[0].isFloat();
    int n = size(shape);
    float[] of = fl ? new float[n] : null;
    long[] ol = fl ? null : new long[n];
    int p = 0;
    for (int o = 0; o < outer; o++) {
      for (Nd x : xs) {
        int chunk = size(x.shape) / outer;
        for (int i = 0; i < chunk; i++) {
          if (fl) {
            of[p++] = x.f[o * chunk + i];
          } else {
            ol[p++] = x.l[o * chunk + i];
          }
        }
      }
    }
    return fl ? Nd.of(of, shape) : Nd.longs(ol, shape);
  }

  static Nd slice(Nd[] in) {
    Nd x = in[0];
    int r = x.rank();
    long[] starts = in[1].l;
    long[] ends = in[2].l;
    long[] axes = in.length > 3 && in[3] != null ? in[3].l : null;
    long[] steps = in.length > 4 && in[4] != null ? in[4].l : null;
    int[] st = new int[r];
    int[] step = new int[r];
    int[] shape = x.shape.clone();
    Arrays.fill(step, 1);
    for (int i = 0; i < starts.length; i++) {
      int a = axis(axes == null ? i : (int) axes[i], r);
      int len = x.shape[a];
      int s = steps == null ? 1 : (int) steps[i];
      if (s <= 0) {
        throw new UnsupportedOperationException("reference Slice: steps must be positive");
      }
      long b = starts[i] < 0 ? starts[i] + len : starts[i];
      long e = ends[i] < 0 ? ends[i] + len : ends[i];
      b = Math.max(0, Math.min(len, b));
      e = Math.max(0, Math.min(len, e));
      st[a] = (int) b;
      step[a] = s;
      shape[a] = (int) Math.max(0, (e - b + s - 1) / s);
    }
    int[] inSt = strides(x.shape);
    int n = size(shape);
    boolean fl = x.isFloat();
    float[] of = fl ? new float[n] : null;
    long[] ol = fl ? null : new long[n];
    for (int i = 0; i < n; i++) {
      int rem = i;
      int src = 0;
      for (int k = r - 1; k >= 0; k--) {
        int c = rem % shape[k];
        rem /= shape[k];
        src += (st[k] + c * step[k]) * inSt[k];
      }
      if (fl) {
        of[i] = x.f[src];
      } else {
        ol[i] = x.l[src];
      }
    }
    return fl ? Nd.of(of, shape) : Nd.longs(ol, shape);
  }

  static Nd flatten(Nd x, int axisAttr) {
    int ax = axis(axisAttr, x.rank());
    int outer = 1;
    for (int i = 0; i < ax; i++) {
      outer *= x.shape[i];
    }
    return Nd.of(x.f, outer, size(x.shape) / outer);
  }

  static Nd expand(Nd x, long[] target) {
    int[] t = Arrays.stream(target).mapToInt(Math::toIntExact).toArray();
    int[] shape = broadcast(x.shape, t);
    int n = size(shape);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = x.f[source(i, shape, x.shape)];
    }
    return Nd.of(out, shape);
  }

  static Nd unsqueeze(Nd x, long[] axes) {
    int r = x.rank() + axes.length;
    boolean[] added = new boolean[r];
    for (long a : axes) {
      added[axis((int) a, r)] = true;
    }
    int[] shape = new int[r];
    for (int i = 0, j = 0; i < r; i++) {
      shape[i] = added[i] ? 1 : x.shape[j++];
    }
    return x.isFloat() ? Nd.of(x.f, shape) : Nd.longs(x.l, shape);
  }

  static Nd reduceMean(Node node, Nd[] in, int opset) {
    Nd x = in[0];
    long[] axes =
        opset >= 18
            ? (in.length > 1 && in[1] != null ? in[1].l : null)
            : node.attribute("axes").map(Attribute::asLongs).orElse(null);
    boolean keep = node.attribute("keepdims").map(Attribute::asLong).orElse(1L) != 0;
    boolean[] reduce = new boolean[x.rank()];
    if (axes == null) {
      Arrays.fill(reduce, true);
    } else {
      for (long a : axes) {
        reduce[axis((int) a, x.rank())] = true;
      }
    }
    int[] kept = x.shape.clone();
    for (int i = 0; i < kept.length; i++) {
      if (reduce[i]) {
        kept[i] = 1;
      }
    }
    int n = size(kept);
    double[] sum = new double[n];
    int[] st = strides(kept);
    int count = x.f.length / n;
    for (int i = 0; i < x.f.length; i++) {
      int rem = i;
      int dst = 0;
      for (int k = x.rank() - 1; k >= 0; k--) {
        int c = rem % x.shape[k];
        rem /= x.shape[k];
        if (!reduce[k]) {
          dst += c * st[k];
        }
      }
      sum[dst] += x.f[i];
    }
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (sum[i] / count);
    }
    if (keep) {
      return Nd.of(out, kept);
    }
    return Nd.of(out, dropReduced(kept, reduce));
  }

  private static int[] dropReduced(int[] kept, boolean[] reduce) {
    int r = 0;
    for (boolean b : reduce) {
      r += b ? 0 : 1;
    }
    int[] s = new int[r];
    for (int i = 0, j = 0; i < kept.length; i++) {
      if (!reduce[i]) {
        s[j++] = kept[i];
      }
    }
    return s;
  }

  static Nd cast(Nd x, ElementType to) {
    if (to == ElementType.FLOAT) {
      if (x.isFloat()) {
        return x;
      }
      float[] f = new float[x.l.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = x.l[i];
      }
      return Nd.of(f, x.shape);
    }
    if (to == ElementType.INT64) {
      if (!x.isFloat()) {
        return x;
      }
      long[] l = new long[x.f.length];
      for (int i = 0; i < l.length; i++) {
        l[i] = (long) x.f[i];
      }
      return Nd.longs(l, x.shape);
    }
    throw new UnsupportedOperationException("reference Cast to " + to);
  }
}
