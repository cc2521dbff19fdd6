/**
 * Encoders: frames in, global embeddings and patch-feature grids out ({@link
 * io.edgessl.encoder.Encoder}), on an inference backend chosen automatically or by name ({@link
 * io.edgessl.encoder.Backends}). Embeddings plug into {@link io.edgessl.knn.KnnClassifier}.
 */
package io.edgessl.encoder;
