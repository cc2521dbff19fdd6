package io.edgessl.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxGraphTest {
  @TempDir Path dir;

  private static OnnxGraph sample() {
    OnnxGraph g = OnnxGraph.create("sample");
    Ops ops = new Ops(g);
    g.input("x", ElementType.FLOAT, Shape.batched("N", 4));
    String w = ops.weight(Tensor.normal("w", new SplittableRandom(1), 0.5, 4, 3));
    String h = ops.relu(ops.matMul("x", w));
    String y = ops.softmax(ops.add(h, ops.constant("b", 0.1f, 0.2f, 0.3f)), -1);
    g.output(ops.identity(y, "y"), ElementType.FLOAT, Shape.batched("N", 3));
    Node extra = g.node("Identity", List.of("y"), List.of("z"));
    extra
        .attribute(Attribute.of("i", 3L))
        .attribute(Attribute.of("f", 0.5f))
        .attribute(Attribute.of("s", "text"))
        .attribute(Attribute.ints("is", 1, 2, 3))
        .attribute(Attribute.floats("fs", 1.5f, -2f))
        .attribute(Attribute.strings("ss", List.of("a", "b")))
        .attribute(Attribute.of("t", Tensor.longs("t", new long[] {7, 8})));
    g.output("z", ElementType.FLOAT, Shape.UNKNOWN);
    g.metadata().put("edgessl.test", "1");
    return g;
  }

  @Test
  void roundTripsThroughBytesAndFiles() throws Exception {
    OnnxGraph g = sample();
    g.check();
    Path f = dir.resolve("m.onnx");
    g.save(f);
    OnnxGraph back = OnnxGraph.load(f);
    assertArrayEquals(g.toBytes(), back.toBytes());
    assertEquals(17, back.opset());
    assertEquals(OnnxGraph.IR_VERSION, back.irVersion());
    assertEquals("edgessl", back.producerName());
    assertEquals(Shape.batched("N", 4), back.inputs().get(0).shape());
    assertEquals(Shape.UNKNOWN, back.outputs().get(1).shape());
    Node z = back.producer("z").orElseThrow();
    assertEquals(3L, z.attribute("i").get().asLong());
    assertEquals(List.of("a", "b"), z.attribute("ss").get().asStrings());
    assertArrayEquals(new long[] {7, 8}, z.attribute("t").get().asTensor().toLongs());
    assertArrayEquals(
        g.initializers().get("w").toFloats(), back.initializers().get("w").toFloats());
    assertEquals("1", back.metadata().get("edgessl.test"));
    // The protobuf runtime is the pinned 4.x and reads what tribuo's 3.x-generated classes wrote.
    OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(f));
    assertEquals("sample", proto.getGraph().getName());
    assertEquals(
        1, OnnxMl.TensorProto.DataType.FLOAT_VALUE, "generated enum constants are readable");
  }

  @Test
  void readsTypedTensorFieldsAndRefusesWhatItCannotHold() throws Exception {
    OnnxMl.ModelProto.Builder m =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(8)
            .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17));
    OnnxMl.GraphProto.Builder g =
        OnnxMl.GraphProto.newBuilder()
            .setName("typed")
            .addInitializer(
                OnnxMl.TensorProto.newBuilder()
                    .setName("f")
                    .setDataType(1)
                    .addDims(2)
                    .addFloatData(1.5f)
                    .addFloatData(-2f))
            .addInitializer(
                OnnxMl.TensorProto.newBuilder()
                    .setName("l")
                    .setDataType(7)
                    .addDims(1)
                    .addInt64Data(42));
    OnnxGraph read = OnnxGraph.read(m.setGraph(g).build().toByteArray(), "typed.onnx");
    assertArrayEquals(new float[] {1.5f, -2f}, read.initializers().get("f").toFloats());
    assertArrayEquals(new long[] {42}, read.initializers().get("l").toLongs());

    OnnxMl.NodeProto withSubgraph =
        OnnxMl.NodeProto.newBuilder()
            .setName("if")
            .setOpType("If")
            .addInput("c")
            .addOutput("o")
            .addAttribute(
                OnnxMl.AttributeProto.newBuilder()
                    .setName("then_branch")
                    .setType(OnnxMl.AttributeProto.AttributeType.GRAPH)
                    .setG(OnnxMl.GraphProto.newBuilder().setName("then")))
            .build();
    EdgeSslException e =
        assertThrows(
            EdgeSslException.class,
            () ->
                OnnxGraph.read(
                    m.setGraph(g.clone().addNode(withSubgraph)).build().toByteArray(), "if.onnx"));
    assertEquals(ErrorCode.INVALID_MODEL, e.code());
    assertEquals(
        "if.onnx: node if has a subgraph (attribute then_branch); EdgeSSL's graphs are"
            + " subgraph-free",
        e.getMessage());

    OnnxMl.TensorProto external =
        OnnxMl.TensorProto.newBuilder()
            .setName("big")
            .setDataType(1)
            .addDims(1)
            .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
            .build();
    e =
        assertThrows(
            EdgeSslException.class,
            () ->
                OnnxGraph.read(
                    m.setGraph(g.clone().addInitializer(external)).build().toByteArray(),
                    "x.onnx"));
    assertEquals("x.onnx: tensor big keeps its data in an external file", e.getMessage());
  }

  @Test
  void garbageIsNotAModel() {
    EdgeSslException e =
        assertThrows(
            EdgeSslException.class,
            () -> OnnxGraph.read(new byte[] {(byte) 0xff, 1, 2, 3, 4}, "junk.onnx"));
    assertEquals(ErrorCode.INVALID_MODEL, e.code());
    assertTrue(e.getMessage().startsWith("junk.onnx is not an ONNX model: "), e.getMessage());
    e = assertThrows(EdgeSslException.class, () -> OnnxGraph.load(dir.resolve("none.onnx")));
    assertEquals(ErrorCode.FILE_NOT_FOUND, e.code());
  }

  @Test
  void checkNamesTheNodeAndTensorAtFault() {
    OnnxGraph g = OnnxGraph.create("bad");
    g.input("x", ElementType.FLOAT, Shape.of(2));
    g.node("Relu", List.of("missing"), List.of("y"));
    IllegalStateException e = assertThrows(IllegalStateException.class, g::check);
    assertEquals(
        "node 'Relu' (Relu) reads 'missing', which nothing before it produces", e.getMessage());
    OnnxGraph h = OnnxGraph.create("dup");
    h.input("x", ElementType.FLOAT, Shape.of(2));
    h.node("Relu", List.of("x"), List.of("y"));
    h.node("Relu", List.of("x"), List.of("y"));
    e = assertThrows(IllegalStateException.class, h::check);
    assertEquals("node 'Relu_2' (Relu) writes 'y', which is already defined", e.getMessage());
    h.output("q", ElementType.FLOAT, Shape.of(2));
    h.nodes().remove(1);
    e = assertThrows(IllegalStateException.class, h::check);
    assertEquals("graph output 'q' is never produced", e.getMessage());
  }

  @Test
  void editsInPlaceInsertAQuantizePairAndSortAgain() {
    OnnxGraph g = sample();
    Ops ops = new Ops(g);
    // Quantize-dequantize the MatMul's weight, the way a QDQ pass rewires a trained graph.
    Node mm = g.consumers("w").get(0);
    String scale = ops.constant("w_scale", 0.01f);
    String zero = ops.weight(Tensor.bytes("w_zero", ElementType.INT8, new byte[] {0}, new long[0]));
    String q = ops.quantizeLinear("w", scale, zero, 1);
    String dq = ops.dequantizeLinear(q, scale, zero, 1);
    mm.inputs().set(1, dq);
    // The new nodes were appended after their consumer: put them back in order.
    assertThrows(IllegalStateException.class, g::check);
    g.sortNodes();
    g.check();
    assertEquals("QuantizeLinear", g.nodes().get(0).opType());
    assertEquals("DequantizeLinear", g.nodes().get(1).opType());
    assertEquals(2, g.replaceUses("y", "y2") - 0); // the last Identity and the graph output
    assertEquals("y2", g.outputs().get(0).name());
  }

  @Test
  void reduceMeanFollowsTheOpset() {
    OnnxGraph g17 = OnnxGraph.create("r", 17);
    new Ops(g17).reduceMean("x", new long[] {1}, false);
    assertArrayEquals(new long[] {1}, g17.nodes().get(0).attribute("axes").get().asLongs());
    OnnxGraph g18 = OnnxGraph.create("r", 18);
    new Ops(g18).reduceMean("x", new long[] {1}, false);
    assertEquals(2, g18.nodes().get(0).inputs().size());
    assertTrue(g18.nodes().get(0).attribute("axes").isEmpty());
  }

  @Test
  void freshNamesAndScopes() {
    OnnxGraph g = OnnxGraph.create("n");
    Ops ops = new Ops(g).scope("block0");
    g.input("x", ElementType.FLOAT, Shape.of(1));
    assertEquals("block0/relu", ops.relu("x"));
    assertEquals("block0/relu_2", ops.relu("x"));
    assertEquals("block0/attn/relu", ops.scope("attn").relu("x"));
    List<String> outs = ops.op("Split", List.of("x"), 2);
    assertEquals(List.of("block0/split:0", "block0/split:1"), outs);
  }
}
