package io.edgessl.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Conversion between EdgeSSL's graph types and the generated ONNX protobuf classes. Reading refuses
 * what the graph types cannot hold (subgraphs, sparse tensors, external data, functions) with a
 * message naming it, rather than dropping it.
 */
final class Protos {
  private Protos() {}

  /** A model element EdgeSSL cannot represent. */
  static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message);
    }
  }

  // ---- to protobuf

  static OnnxMl.TensorProto tensor(Tensor t) {
    OnnxMl.TensorProto.Builder b =
        OnnxMl.TensorProto.newBuilder().setName(t.name()).setDataType(t.type().code());
    for (long d : t.dims()) {
      b.addDims(d);
    }
    return b.setRawData(ByteString.copyFrom(t.rawDataShared())).build();
  }

  static OnnxMl.ValueInfoProto valueInfo(ValueInfo v) {
    OnnxMl.TypeProto.Tensor.Builder tt =
        OnnxMl.TypeProto.Tensor.newBuilder().setElemType(v.type().code());
    if (v.shape().isKnown()) {
      OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
      for (Object d : v.shape().dims()) {
        OnnxMl.TensorShapeProto.Dimension.Builder db =
            OnnxMl.TensorShapeProto.Dimension.newBuilder();
        if (d instanceof Long) {
          db.setDimValue((Long) d);
        } else {
          db.setDimParam((String) d);
        }
        s.addDim(db);
      }
      tt.setShape(s);
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(v.name())
        .setType(OnnxMl.TypeProto.newBuilder().setTensorType(tt))
        .build();
  }

  static OnnxMl.AttributeProto attribute(Attribute a) {
    OnnxMl.AttributeProto.Builder b = OnnxMl.AttributeProto.newBuilder().setName(a.name());
    switch (a.kind()) {
      case INT:
        return b.setType(OnnxMl.AttributeProto.AttributeType.INT).setI(a.asLong()).build();
      case FLOAT:
        return b.setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(a.asFloat()).build();
      case STRING:
        return b.setType(OnnxMl.AttributeProto.AttributeType.STRING)
            .setS(ByteString.copyFromUtf8(a.asString()))
            .build();
      case TENSOR:
        return b.setType(OnnxMl.AttributeProto.AttributeType.TENSOR)
            .setT(tensor(a.asTensor()))
            .build();
      case INTS:
        b.setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : a.asLongs()) {
          b.addInts(v);
        }
        return b.build();
      case FLOATS:
        b.setType(OnnxMl.AttributeProto.AttributeType.FLOATS);
        for (float v : a.asFloats()) {
          b.addFloats(v);
        }
        return b.build();
      default:
        b.setType(OnnxMl.AttributeProto.AttributeType.STRINGS);
        for (String v : a.asStrings()) {
          b.addStrings(ByteString.copyFromUtf8(v));
        }
        return b.build();
    }
  }

  static OnnxMl.NodeProto node(Node n) {
    OnnxMl.NodeProto.Builder b =
        OnnxMl.NodeProto.newBuilder()
            .setName(n.name())
            .setOpType(n.opType())
            .addAllInput(n.inputs())
            .addAllOutput(n.outputs());
    if (!n.domain().isEmpty()) {
      b.setDomain(n.domain());
    }
    for (Attribute a : n.attributes().values()) {
      b.addAttribute(attribute(a));
    }
    return b.build();
  }

  // ---- from protobuf

  static Tensor tensor(OnnxMl.TensorProto p) throws Unsupported {
    if (p.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL
        || p.getExternalDataCount() > 0) {
      throw new Unsupported("tensor " + p.getName() + " keeps its data in an external file");
    }
    if (p.hasSegment()) {
      throw new Unsupported("tensor " + p.getName() + " is segmented");
    }
    ElementType type;
    try {
      type = ElementType.of(p.getDataType());
    } catch (IllegalArgumentException e) {
      throw new Unsupported("tensor " + p.getName() + ": " + e.getMessage());
    }
    long[] dims = new long[p.getDimsCount()];
    long n = 1;
    for (int i = 0; i < dims.length; i++) {
      dims[i] = p.getDims(i);
      n *= dims[i];
    }
    byte[] data;
    if (!p.getRawData().isEmpty() || n == 0) {
      data = p.getRawData().toByteArray();
    } else {
      ByteBuffer b =
          ByteBuffer.allocate(Math.toIntExact(n * type.bytes())).order(ByteOrder.LITTLE_ENDIAN);
      switch (type) {
        case FLOAT:
          p.getFloatDataList().forEach(b::putFloat);
          break;
        case DOUBLE:
          p.getDoubleDataList().forEach(b::putDouble);
          break;
        case INT64:
          p.getInt64DataList().forEach(b::putLong);
          break;
        case INT32:
          p.getInt32DataList().forEach(b::putInt);
          break;
        case FLOAT16:
          p.getInt32DataList().forEach(v -> b.putShort((short) (int) v));
          break;
        default: // INT8, UINT8, BOOL: one element per int32
          p.getInt32DataList().forEach(v -> b.put((byte) (int) v));
      }
      if (b.hasRemaining()) {
        throw new Unsupported(
            "tensor "
                + p.getName()
                + " declares "
                + n
                + " elements but holds "
                + b.position() / type.bytes());
      }
      data = b.array();
    }
    try {
      return new Tensor(p.getName(), type, dims, data);
    } catch (IllegalArgumentException e) {
      throw new Unsupported(e.getMessage());
    }
  }

  static ValueInfo valueInfo(OnnxMl.ValueInfoProto p) throws Unsupported {
    if (!p.getType().hasTensorType()) {
      throw new Unsupported("graph input or output " + p.getName() + " is not a tensor");
    }
    OnnxMl.TypeProto.Tensor t = p.getType().getTensorType();
    ElementType type;
    try {
      type = ElementType.of(t.getElemType());
    } catch (IllegalArgumentException e) {
      throw new Unsupported(p.getName() + ": " + e.getMessage());
    }
    if (!t.hasShape()) {
      return new ValueInfo(p.getName(), type, Shape.UNKNOWN);
    }
    List<Object> dims = new ArrayList<>();
    for (OnnxMl.TensorShapeProto.Dimension d : t.getShape().getDimList()) {
      if (d.hasDimValue()) {
        dims.add(d.getDimValue());
      } else {
        dims.add(d.hasDimParam() ? d.getDimParam() : "?");
      }
    }
    return new ValueInfo(p.getName(), type, Shape.ofDims(dims));
  }

  static Attribute attribute(OnnxMl.AttributeProto p, String node) throws Unsupported {
    if (!p.getRefAttrName().isEmpty()) {
      throw new Unsupported(
          "node " + node + ": attribute " + p.getName() + " refers to a function's");
    }
    switch (p.getType()) {
      case INT:
        return Attribute.of(p.getName(), p.getI());
      case FLOAT:
        return Attribute.of(p.getName(), p.getF());
      case STRING:
        return Attribute.of(p.getName(), p.getS().toStringUtf8());
      case TENSOR:
        return Attribute.of(p.getName(), tensor(p.getT()));
      case INTS:
        long[] ints = new long[p.getIntsCount()];
        for (int i = 0; i < ints.length; i++) {
          ints[i] = p.getInts(i);
        }
        return Attribute.ints(p.getName(), ints);
      case FLOATS:
        float[] fl = new float[p.getFloatsCount()];
        for (int i = 0; i < fl.length; i++) {
          fl[i] = p.getFloats(i);
        }
        return Attribute.floats(p.getName(), fl);
      case STRINGS:
        List<String> s = new ArrayList<>();
        p.getStringsList().forEach(b -> s.add(b.toStringUtf8()));
        return Attribute.strings(p.getName(), s);
      case GRAPH:
      case GRAPHS:
        throw new Unsupported(
            "node "
                + node
                + " has a subgraph (attribute "
                + p.getName()
                + "); EdgeSSL's graphs are"
                + " subgraph-free");
      default:
        throw new Unsupported(
            "node " + node + ": attribute " + p.getName() + " has unsupported type " + p.getType());
    }
  }

  static Node node(OnnxMl.NodeProto p) throws Unsupported {
    String id = p.getName().isEmpty() ? p.getOpType() : p.getName();
    Node n =
        new Node(p.getName(), p.getOpType(), p.getDomain(), p.getInputList(), p.getOutputList());
    for (OnnxMl.AttributeProto a : p.getAttributeList()) {
      n.attribute(attribute(a, id));
    }
    return n;
  }
}
