/**
 * Graph generators for the encoder architectures EdgeSSL exports ({@link
 * io.edgessl.onnx.models.VitGraph}, {@link io.edgessl.onnx.models.ConvGraph}), with weights from a
 * checkpoint or seeded random ones ({@link io.edgessl.onnx.models.Weights}), and ready-made
 * random-weight bundles for tests and benchmarks ({@link io.edgessl.onnx.models.RandomModels}).
 */
package io.edgessl.onnx.models;
