package io.edgessl.onnx.canon;

import io.edgessl.EdgeSslException;
import io.edgessl.onnx.OnnxGraph;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The canonical form of an imported graph: what exporters write, rewritten into what runtimes run
 * fast, with the same function and standard operators only (so that TensorRT reads it as well as
 * ONNX Runtime).
 *
 * <ol>
 *   <li>{@code Constant} nodes become initializers ({@link GraphCleanup#constantsToInitializers}).
 *   <li>Everything computed without the input's values is evaluated once and stored, and Reshape
 *       targets built from the input's shape become constants ({@link InputIndependentFolding}).
 *   <li>Nodes nothing reads and Identity nodes are removed ({@link GraphCleanup}).
 *   <li>Decomposed LayerNorm becomes LayerNormalization, raising the opset to 17 when it is safe
 *       ({@link LayerNormFusion}, {@link Opsets}).
 *   <li>Residual sums read by a norm and by the next residual Add are computed twice, so that ONNX
 *       Runtime fuses the norm's copy into SkipLayerNormalization ({@link
 *       SkipLayerNormPreparation}).
 * </ol>
 */
public final class Canonicalizer {
  private Canonicalizer() {}

  /**
   * Canonicalizes {@code g} in place.
   *
   * @param g the graph, its one input {@code input} of known rank, every dimension but the batch
   *     fixed
   * @param input the input's name
   * @param evaluator what runs the graph for {@link InputIndependentFolding}
   * @return the number of rewrites of each kind: {@code constants}, {@code folded_tensors}, {@code
   *     batch_reshapes}, {@code removed_nodes}, {@code layer_norms}, {@code skip_layer_norms}
   * @throws EdgeSslException when the evaluator cannot run the graph
   */
  public static Map<String, Long> apply(OnnxGraph g, String input, GraphEvaluator evaluator)
      throws EdgeSslException {
    Map<String, Long> r = new LinkedHashMap<>();
    int before = g.nodes().size();
    r.put("constants", (long) GraphCleanup.constantsToInitializers(g));
    InputIndependentFolding.Result f = InputIndependentFolding.apply(g, input, evaluator);
    r.put("folded_tensors", (long) f.folded());
    r.put("batch_reshapes", (long) f.reshapes());
    GraphCleanup.removeIdentities(g);
    GraphCleanup.removeDeadNodes(g);
    r.put("layer_norms", (long) LayerNormFusion.apply(g));
    r.put("skip_layer_norms", (long) SkipLayerNormPreparation.apply(g));
    GraphCleanup.removeDeadNodes(g);
    r.put("removed_nodes", (long) Math.max(0, before - g.nodes().size()));
    return r;
  }

  /**
   * Only removes what nothing reads (after outputs were dropped), leaving the exporter's graph as
   * it is otherwise.
   *
   * @param g the graph, edited in place
   * @return {@code removed_nodes} and its count
   */
  public static Map<String, Long> cleanupOnly(OnnxGraph g) {
    int before = g.nodes().size();
    GraphCleanup.removeDeadNodes(g);
    Map<String, Long> r = new LinkedHashMap<>();
    r.put("removed_nodes", (long) Math.max(0, before - g.nodes().size()));
    return r;
  }
}
