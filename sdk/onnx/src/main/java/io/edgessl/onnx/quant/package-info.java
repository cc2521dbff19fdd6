/**
 * Lower-precision variants of float graphs: post-training INT8 quantization in QDQ form ({@link
 * io.edgessl.onnx.quant.QdqQuantizer}, with ranges from {@link io.edgessl.onnx.quant.Calibrator} on
 * a graph prepared by {@link io.edgessl.onnx.quant.GraphPreparation}) and FP16 conversion with
 * LayerNormalization and Softmax kept in float32 ({@link io.edgessl.onnx.quant.Fp16Converter}).
 * Running graphs to collect activations is left to the caller (EdgeSSL's tools use ONNX Runtime).
 */
package io.edgessl.onnx.quant;
