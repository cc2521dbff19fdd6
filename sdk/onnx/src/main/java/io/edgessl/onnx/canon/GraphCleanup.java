package io.edgessl.onnx.canon;

import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Cleanups of exported graphs that change no computed value: constants held as initializers, no
 * node whose result nothing reads, no Identity in the middle of the graph. Graph inputs and outputs
 * keep their names and order; every method edits the graph in place and returns how many rewrites
 * it made (0 on a graph already clean).
 */
public final class GraphCleanup {
  private GraphCleanup() {}

  /**
   * Turns each Constant node into an initializer of its output's name: those whose attribute is
   * {@code value} (a tensor), {@code value_float}, {@code value_floats}, {@code value_int} or
   * {@code value_ints} (scalars for the single forms, vectors for the lists, as ONNX defines them).
   * Constants of strings or sparse tensors stay nodes, and so do those whose output is a graph
   * output (a graph output is what a node computes) or already names an initializer.
   *
   * @param g the graph, edited in place
   * @return the number of Constant nodes replaced
   */
  public static int constantsToInitializers(OnnxGraph g) {
    Set<String> outputs = Constants.graphOutputs(g);
    int changed = 0;
    for (Node n : new ArrayList<>(g.nodes())) {
      Tensor t = Constants.ofConstantNode(n);
      if (t == null || outputs.contains(t.name()) || g.initializers().containsKey(t.name())) {
        continue;
      }
      g.nodes().remove(n);
      g.initializers().put(t.name(), t);
      changed++;
    }
    return changed;
  }

  /**
   * Removes every node none of whose outputs is read, by another live node or as a graph output, to
   * a fixpoint (a node read only by dead nodes is dead too), then every initializer that no
   * remaining node reads and that is neither a graph output nor a graph input's default value.
   * Graph inputs stay, read or not: they are the model's interface.
   *
   * @param g the graph, edited in place
   * @return the number of nodes and initializers removed
   */
  public static int removeDeadNodes(OnnxGraph g) {
    Map<String, Node> producer = new HashMap<>();
    for (Node n : g.nodes()) {
      for (String out : n.outputs()) {
        if (!out.isEmpty()) {
          producer.putIfAbsent(out, n);
        }
      }
    }
    // Marking from the graph outputs back reaches exactly the nodes the fixpoint keeps.
    Set<Node> live = Collections.newSetFromMap(new IdentityHashMap<>());
    Set<String> read = new HashSet<>(Constants.graphOutputs(g));
    Deque<String> todo = new ArrayDeque<>(read);
    while (!todo.isEmpty()) {
      Node p = producer.get(todo.poll());
      if (p != null && live.add(p)) {
        for (String in : p.inputs()) {
          if (read.add(in)) {
            todo.add(in);
          }
        }
      }
    }
    int before = g.nodes().size() + g.initializers().size();
    g.nodes().removeIf(n -> !live.contains(n));
    Set<String> keep = new HashSet<>(read);
    keep.addAll(Constants.graphInputs(g).keySet());
    g.initializers().keySet().retainAll(keep);
    return before - g.nodes().size() - g.initializers().size();
  }

  /**
   * Bypasses each Identity node (default domain, one input, one output) whose output is not a graph
   * output: its readers read its input instead, and the node goes. Identities that produce a graph
   * output stay, since the output's name is part of the model's interface.
   *
   * @param g the graph, edited in place
   * @return the number of Identity nodes removed
   */
  public static int removeIdentities(OnnxGraph g) {
    Set<String> outputs = Constants.graphOutputs(g);
    int changed = 0;
    for (Node n : new ArrayList<>(g.nodes())) {
      if (!Constants.is(n, "Identity")
          || n.inputs().size() != 1
          || n.outputs().size() != 1
          || n.input(0).isEmpty()
          || outputs.contains(n.output(0))) {
        continue;
      }
      g.nodes().remove(n);
      g.replaceUses(n.output(0), n.input(0));
      changed++;
    }
    return changed;
  }
}
