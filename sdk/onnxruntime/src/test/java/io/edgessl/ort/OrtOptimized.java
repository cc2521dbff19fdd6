package io.edgessl.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** What ONNX Runtime's graph optimizer makes of a graph: the operators of the graph it runs. */
final class OrtOptimized {
  private OrtOptimized() {}

  /**
   * Operator counts of the graph ONNX Runtime runs for {@code g} (all optimizations, as the backend
   * sets them), dumped to {@code file}.
   */
  static Map<String, Integer> opCounts(OnnxGraph g, Path file) throws Exception {
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      so.setIntraOpNumThreads(1);
      so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      so.setOptimizedModelFilePath(file.toString());
      try (OrtSession s = OrtEnvironment.getEnvironment().createSession(g.toBytes(), so)) {
        // Creating the session optimizes the graph and writes it.
      }
    }
    Map<String, Integer> c = new TreeMap<>();
    for (Node n : OnnxGraph.load(file).nodes()) {
      c.merge(n.opType(), 1, Integer::sum);
    }
    return c;
  }

  /** How many nodes of {@code types} a count map has. */
  static int count(Map<String, Integer> ops, Set<String> types) {
    return ops.entrySet().stream()
        .filter(e -> types.contains(e.getKey()))
        .mapToInt(Map.Entry::getValue)
        .sum();
  }
}
