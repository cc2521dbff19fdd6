package io.edgessl.onnx.canon;

import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Lets ONNX Runtime fuse the residual Adds of a pre-norm transformer into its
 * SkipLayerNormalization kernel. In a pre-norm block the residual sum {@code h = x + f(x)} is read
 * twice: by the next residual Add and by the next LayerNormalization. ONNX Runtime's CPU provider
 * fuses Add and LayerNormalization into SkipLayerNormalization (one vectorized pass) only when the
 * Add's output feeds the norm alone (onnxruntime skip_layer_norm_fusion.cc, CheckFirstAdd);
 * otherwise it runs its plain LayerNormalization kernel, a scalar loop (13 % of ViT-S/16's time
 * measured, against 2.3 % fused). This pass computes such a sum a second time, with the inputs
 * swapped so that ONNX Runtime's common-subexpression elimination keeps both, for the norm alone,
 * as {@link io.edgessl.onnx.models.VitGraph} writes its blocks: one extra element-wise Add per
 * norm, the function unchanged.
 *
 * <p>The rewrite pays only where ONNX Runtime then fuses: it needs both Add inputs of one rank-3
 * shape (it does not fuse a broadcast). Shapes are not known here in general (exports leave most
 * intermediates untyped), so the pass takes the structural proxy: both inputs are computed tensors,
 * neither an initializer nor a Constant's output. That excludes the typical broadcast, the position
 * embedding added to the patch tokens, whose sum feeds the first norm; a residual sum of two
 * computed tensors has in a transformer the stream's shape. Where the guess is wrong the graph
 * still computes the same, with one Add more. The same holds where ONNX Runtime cannot infer the
 * shapes: measured on PyTorch's ViT-S/16 export, the static-batch model gets 24 of its 25 norms
 * fused (23 of them through this pass), the dynamic-batch one, whose Reshape targets are computed
 * from Shape at run time, none, and runs its 23 copies as plain Adds.
 *
 * <p>Sums read by two or more LayerNormalizations are left alone (two copies of one sum could not
 * all survive common-subexpression elimination), as are sums of a tensor with itself.
 */
public final class SkipLayerNormPreparation {
  private SkipLayerNormPreparation() {}

  /**
   * For each Add of two computed tensors whose output is read as input 0 by one LayerNormalization
   * and also by other nodes or as a graph output, inserts after it an Add of the same inputs in
   * swapped order, read by that LayerNormalization alone.
   *
   * @param g the graph, edited in place
   * @return the number of Adds inserted
   */
  public static int apply(OnnxGraph g) {
    Set<String> outputs = Constants.graphOutputs(g);
    int changed = 0;
    for (Node add : new ArrayList<>(g.nodes())) {
      if (!Constants.is(add, "Add") || add.inputs().size() != 2 || add.outputs().size() != 1) {
        continue;
      }
      String a = add.input(0);
      String b = add.input(1);
      if (a.equals(b) || Constants.isConstant(g, a) || Constants.isConstant(g, b)) {
        continue;
      }
      String sum = add.output(0);
      List<Node> readers = g.consumers(sum);
      List<Node> norms = new ArrayList<>();
      for (Node r : readers) {
        if (Constants.is(r, "LayerNormalization")) {
          norms.add(r);
        }
      }
      boolean shared = readers.size() > norms.size() || outputs.contains(sum);
      if (norms.size() != 1 || !shared) {
        continue;
      }
      Node norm = norms.get(0);
      if (!norm.input(0).equals(sum) || norm.inputs().lastIndexOf(sum) != 0) {
        continue;
      }
      String copy = g.uniqueName(sum + "_norm");
      String name = g.uniqueName((add.name().isEmpty() ? "Add" : add.name()) + "_norm");
      g.nodes()
          .add(g.nodes().indexOf(add) + 1, new Node(name, "Add", List.of(b, a), List.of(copy)));
      norm.inputs().set(0, copy);
      changed++;
    }
    return changed;
  }
}
