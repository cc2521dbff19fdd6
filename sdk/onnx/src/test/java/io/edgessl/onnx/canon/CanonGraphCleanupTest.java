package io.edgessl.onnx.canon;

import static io.edgessl.onnx.canon.CanonFixtures.count;
import static io.edgessl.onnx.canon.CanonFixtures.input;
import static io.edgessl.onnx.canon.CanonFixtures.sameOutputs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.onnx.Attribute;
import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Ops;
import io.edgessl.onnx.Shape;
import io.edgessl.onnx.Tensor;
import io.edgessl.onnx.testing.TorchExportGraphs;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanonGraphCleanupTest {
  @Test
  void constantNodesOfEveryFormBecomeInitializers() {
    OnnxGraph g = TorchExportGraphs.vit(14, 2, false, 1);
    OnnxGraph before = g.copy();
    int constants = count(g, "Constant");
    assertTrue(constants > 10, "the export writes its scalars as Constant nodes: " + constants);
    assertEquals(constants, GraphCleanup.constantsToInitializers(g));
    assertEquals(0, count(g, "Constant"));
    sameOutputs(before, g, input(2), 0);
    assertEquals(0, GraphCleanup.constantsToInitializers(g), "idempotent");

    OnnxGraph s = OnnxGraph.create("forms");
    String x = s.input("x", ElementType.FLOAT, Shape.of(3));
    s.node("Constant", List.of(), List.of("f"), Attribute.of("value_float", 2.5f));
    s.node("Constant", List.of(), List.of("fs"), Attribute.floats("value_floats", 1, 2, 3));
    s.node("Constant", List.of(), List.of("i"), Attribute.of("value_int", 7L));
    s.node("Constant", List.of(), List.of("is"), Attribute.ints("value_ints", 4));
    s.node("Constant", List.of(), List.of("str"), Attribute.of("value_string", "a"));
    s.node("Constant", List.of(), List.of("out"), Attribute.of("value_float", 1f));
    s.node("Add", List.of(x, "fs"), List.of("y"));
    s.output("y", ElementType.FLOAT, Shape.of(3));
    s.output("out", ElementType.FLOAT, Shape.of());
    assertEquals(4, GraphCleanup.constantsToInitializers(s));
    assertArrayEquals(new long[0], s.initializers().get("f").dims(), "value_float: a scalar");
    assertArrayEquals(new float[] {2.5f}, s.initializers().get("f").toFloats());
    assertArrayEquals(new long[] {3}, s.initializers().get("fs").dims());
    assertArrayEquals(new long[0], s.initializers().get("i").dims(), "value_int: a scalar");
    assertArrayEquals(new long[] {7}, s.initializers().get("i").toLongs());
    assertArrayEquals(new long[] {1}, s.initializers().get("is").dims(), "value_ints: a vector");
    // A string constant stays; so does one that is a graph output.
    assertEquals(
        List.of("str", "out"), s.nodes().stream().map(n -> n.output(0)).toList().subList(0, 2));
    s.check();
  }

  @Test
  void deadNodesGoToAFixpointWithTheirInitializersButNotTheInputs() {
    OnnxGraph g = TorchExportGraphs.vit(14, 2, false, 1);
    OnnxGraph before = g.copy();
    assertEquals(1, count(g, "Shape"), "the fixture's dead node");
    assertEquals(1, GraphCleanup.removeDeadNodes(g));
    assertEquals(0, count(g, "Shape"));
    sameOutputs(before, g, input(2), 0);
    assertEquals(0, GraphCleanup.removeDeadNodes(g), "idempotent");

    OnnxGraph s = OnnxGraph.create("dead");
    Ops ops = new Ops(s);
    String x = s.input("x", ElementType.FLOAT, Shape.of(4));
    s.input("unused", ElementType.FLOAT, Shape.of(4));
    String w = ops.weight(Tensor.filled("w", 2f, 4));
    String deadEnd =
        ops.relu(ops.mul(ops.add(x, ops.weight(Tensor.filled("only_dead", 1f, 4))), w));
    ops.sqrt(deadEnd);
    ops.weight(Tensor.filled("never_read", 3f, 4));
    String y = ops.mul(x, w);
    s.output(y, ElementType.FLOAT, Shape.of(4));
    // add, mul, relu, sqrt are dead (sqrt is read by nothing, the others only by dead nodes), and
    // so are the initializers only_dead and never_read; w stays, and so does the unread input.
    assertEquals(6, GraphCleanup.removeDeadNodes(s));
    assertEquals(List.of("Mul"), s.nodes().stream().map(Node::opType).toList());
    assertEquals(List.of("w"), List.copyOf(s.initializers().keySet()));
    assertEquals(2, s.inputs().size());
    assertEquals(y, s.outputs().get(0).name());
    assertEquals(0, GraphCleanup.removeDeadNodes(s));
  }

  @Test
  void identitiesAreBypassedExceptThoseNamingAGraphOutput() {
    OnnxGraph g = TorchExportGraphs.vit(14, 2, false, 1);
    OnnxGraph before = g.copy();
    assertEquals(1, count(g, "Identity"), "the fixture's pos_drop");
    assertEquals(1, GraphCleanup.removeIdentities(g));
    assertEquals(0, count(g, "Identity"));
    sameOutputs(before, g, input(2), 0);
    assertEquals(0, GraphCleanup.removeIdentities(g), "idempotent");

    OnnxGraph s = OnnxGraph.create("ids");
    Ops ops = new Ops(s);
    String x = s.input("x", ElementType.FLOAT, Shape.of(4));
    String y = ops.identity(ops.relu(ops.identity(ops.identity(x))), "y");
    s.output(y, ElementType.FLOAT, Shape.of(4));
    assertEquals(2, GraphCleanup.removeIdentities(s));
    assertEquals(List.of("Relu", "Identity"), s.nodes().stream().map(Node::opType).toList());
    assertEquals(List.of(x), s.nodes().get(0).inputs());
    assertEquals("y", s.nodes().get(1).output(0));
    assertFalse(s.nodes().get(1).inputs().contains(x));
    s.check();
  }
}
