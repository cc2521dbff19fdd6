package io.edgessl.onnx.testing;

import io.edgessl.onnx.Attribute;
import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Ops;
import io.edgessl.onnx.Shape;
import io.edgessl.onnx.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Small pre-norm ViT encoders written the way PyTorch 1.13's {@code torch.onnx.export} writes
 * DINO's (opset 14 by default): LayerNorm decomposed into ReduceMean, Sub, Pow, ReduceMean, Add,
 * Sqrt, Div, Mul, Add; GELU as Div, Erf, Add, Mul, Mul; scalars and shapes as Constant nodes;
 * linear biases added before the MatMul ({@code Add(bias, MatMul)}); residual sums each read by the
 * next residual Add and the next norm. Shapes are fixed except the batch: the input is {@code [N,
 * TOKENS, DIM]} and the Reshape targets use 0 for the batch, so that ONNX Runtime's shape inference
 * knows every residual Add's operands. For the passes of {@code io.edgessl.onnx.canon}, the graph
 * also has an Identity (an exported {@code nn.Identity}) and one dead Shape node.
 */
public final class TorchExportGraphs {
  /** Tokens per image. */
  public static final int TOKENS = 5;

  /** Embedding width. */
  public static final int DIM = 16;

  /** Attention heads. */
  public static final int HEADS = 2;

  /** MLP hidden width. */
  public static final int HIDDEN = 32;

  /** PyTorch's LayerNorm epsilon in DINO. */
  public static final float EPS = 1e-6f;

  private TorchExportGraphs() {}

  /**
   * A {@code depth}-block encoder: input {@code x [N, TOKENS, DIM]}, outputs {@code tokens [N,
   * TOKENS, DIM]} (the final norm's output) and {@code cls [N, DIM]}.
   *
   * @param opset the default-domain opset written (ReduceMean's axes are an attribute below 18)
   * @param depth the number of blocks
   * @param mulSquare square the centred input with {@code Mul(d, d)} instead of {@code Pow(d, 2)}
   * @param seed the weights' seed
   * @return the graph
   */
  public static OnnxGraph vit(int opset, int depth, boolean mulSquare, long seed) {
    OnnxGraph g = OnnxGraph.create("torch-vit", Math.max(opset, 17)).opset(opset);
    g.producer("pytorch", "1.13.0");
    Ops ops = new Ops(g);
    SplittableRandom r = new SplittableRandom(seed);
    String x = g.input("x", ElementType.FLOAT, Shape.batched("N", TOKENS, DIM));
    ops.shape(x); // dead: nothing reads it
    String h = ops.add(x, ops.weight(Tensor.normal("pos_embed", r, 0.1, 1, TOKENS, DIM)));
    h = ops.scope("pos_drop").identity(h);
    for (int i = 0; i < depth; i++) {
      String p = "blocks." + i + ".";
      Ops b = ops.scope("/blocks." + i);
      String n1 = layerNorm(b.scope("norm1"), h, p + "norm1", mulSquare, r);
      Ops a = b.scope("attn");
      String qkv = linear(a.scope("qkv"), n1, p + "attn.qkv", DIM, 3 * DIM, r);
      long hd = DIM / HEADS;
      qkv =
          a.transpose(
              a.op("Reshape", List.of(qkv, constant(a, longs(0, TOKENS, 3, HEADS, hd)))),
              2,
              0,
              3,
              1,
              4);
      String q = a.op("Gather", List.of(qkv, constant(a, index(0))), Attribute.of("axis", 0L));
      String k = a.op("Gather", List.of(qkv, constant(a, index(1))), Attribute.of("axis", 0L));
      String v = a.op("Gather", List.of(qkv, constant(a, index(2))), Attribute.of("axis", 0L));
      String att =
          a.mul(
              a.matMul(q, a.transpose(k, 0, 1, 3, 2)),
              constant(a, Tensor.scalar("", (float) (1 / Math.sqrt(hd)))));
      String o = a.transpose(a.matMul(a.softmax(att, -1), v), 0, 2, 1, 3);
      o = a.op("Reshape", List.of(o, constant(a, longs(0, TOKENS, DIM))));
      o = linear(a.scope("proj"), o, p + "attn.proj", DIM, DIM, r);
      h = b.add(h, o);
      String n2 = layerNorm(b.scope("norm2"), h, p + "norm2", mulSquare, r);
      Ops m = b.scope("mlp");
      String f = linear(m.scope("fc1"), n2, p + "mlp.fc1", DIM, HIDDEN, r);
      Ops act = m.scope("act");
      String e = act.erf(act.div(f, constant(act, Tensor.scalar("", (float) Math.sqrt(2)))));
      f =
          act.mul(
              act.mul(f, act.add(e, constant(act, Tensor.scalar("", 1f)))),
              constant(act, Tensor.scalar("", 0.5f)));
      f = linear(m.scope("fc2"), f, p + "mlp.fc2", HIDDEN, DIM, r);
      h = b.add(h, f);
    }
    String y = layerNorm(ops.scope("/norm"), h, "norm", mulSquare, r);
    g.replaceUses(y, "tokens");
    g.producer(y).orElseThrow().outputs().set(0, "tokens");
    String cls =
        ops.op("Gather", List.of("tokens", constant(ops, index(0))), Attribute.of("axis", 1L));
    g.replaceUses(cls, "cls");
    g.producer(cls).orElseThrow().outputs().set(0, "cls");
    g.output("tokens", ElementType.FLOAT, Shape.batched("N", TOKENS, DIM));
    g.output("cls", ElementType.FLOAT, Shape.batched("N", DIM));
    g.check();
    return g;
  }

  /**
   * LayerNorm over the last axis as PyTorch decomposes it before opset 17.
   *
   * @param ops where the nodes go
   * @param x the input
   * @param name the parameters' prefix ({@code name.weight}, {@code name.bias})
   * @param mulSquare {@code Mul(d, d)} instead of {@code Pow(d, 2)}
   * @param r the parameters' randomness
   * @return the output's name
   */
  public static String layerNorm(
      Ops ops, String x, String name, boolean mulSquare, SplittableRandom r) {
    String d = ops.sub(x, mean(ops, x));
    String sq = mulSquare ? ops.mul(d, d) : ops.pow(d, constant(ops, Tensor.scalar("", 2f)));
    String std = ops.sqrt(ops.add(mean(ops, sq), constant(ops, Tensor.scalar("", EPS))));
    String gamma = ops.weight(Tensor.uniform(name + ".weight", r, 0.5, 1.5, DIM));
    String beta = ops.weight(Tensor.normal(name + ".bias", r, 0.1, DIM));
    return ops.add(ops.mul(ops.div(d, std), gamma), beta);
  }

  private static String mean(Ops ops, String x) {
    if (ops.graph().opset() >= 18) {
      return ops.op(
          "ReduceMean", List.of(x, constant(ops, longs(-1))), Attribute.of("keepdims", 1L));
    }
    return ops.op("ReduceMean", List.of(x), Attribute.ints("axes", -1));
  }

  private static String linear(
      Ops ops, String x, String name, int in, int out, SplittableRandom r) {
    String w = ops.weight(Tensor.normal(name + ".weight", r, 1 / Math.sqrt(in), in, out));
    String b = ops.weight(Tensor.normal(name + ".bias", r, 0.05, out));
    return ops.add(b, ops.matMul(x, w));
  }

  /** A Constant node holding {@code t} (its name is replaced by the node's output). */
  private static String constant(Ops ops, Tensor t) {
    return ops.op("Constant", List.of(), Attribute.of("value", t));
  }

  private static Tensor longs(long... v) {
    return Tensor.longs("", v, v.length);
  }

  private static Tensor index(long i) {
    return Tensor.longs("", new long[] {i});
  }
}
