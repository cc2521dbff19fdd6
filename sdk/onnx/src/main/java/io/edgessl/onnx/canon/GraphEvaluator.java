package io.edgessl.onnx.canon;

import io.edgessl.EdgeSslException;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Runs a graph once: what {@link InputIndependentFolding} needs from a runtime to evaluate the
 * parts of a graph that do not depend on its input's values. The tools implement it with ONNX
 * Runtime; this module does not depend on one.
 */
@FunctionalInterface
public interface GraphEvaluator {
  /**
   * Runs {@code graph} on {@code feeds} and returns the tensors named in {@code outputs}, each of
   * which is a graph output of {@code graph}.
   *
   * @param graph the graph to run; not modified
   * @param feeds a value for every graph input, by input name
   * @param outputs the graph outputs to return
   * @return the values, by output name, with the types and shapes the graph computed
   * @throws EdgeSslException when the runtime cannot load or run the graph (the message names the
   *     operator or tensor at fault where the runtime says)
   */
  Map<String, Tensor> run(OnnxGraph graph, Map<String, Tensor> feeds, List<String> outputs)
      throws EdgeSslException;
}
