/**
 * A small ONNX graph builder, reader and editor on the generated ONNX protobuf classes: {@link
 * io.edgessl.onnx.OnnxGraph} holds a model (inputs, outputs, initializers, nodes), {@link
 * io.edgessl.onnx.Ops} appends operators by name with typed conveniences, and loaded models can be
 * rewired in place (quantization inserts QuantizeLinear / DequantizeLinear pairs, precision tools
 * insert Casts). Graphs are subgraph-free, opset 17 or later.
 */
package io.edgessl.onnx;
