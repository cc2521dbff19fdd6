/**
 * EdgeSSL ONNX graphs: a small builder, reader and editor of ONNX models on the generated ONNX
 * protobuf classes ({@code ai.onnx.proto.OnnxMl}, from {@code org.tribuo:tribuo-util-onnx}), and
 * generators of the encoder graphs EdgeSSL exports (ViT, small CNN).
 */
module io.edgessl.onnx {
  requires transitive io.edgessl.core;
  requires org.tribuo.util.onnx;
  requires com.google.protobuf;

  exports io.edgessl.onnx;
  exports io.edgessl.onnx.models;
  exports io.edgessl.onnx.quant;
}
