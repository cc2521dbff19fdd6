/**
 * k-NN classification on the device: an index of enrolled embeddings ({@link
 * io.edgessl.knn.KnnIndex}) and DINO's k-NN protocol over it ({@link
 * io.edgessl.knn.KnnClassifier}), saved to and restored from one {@code .knn} file.
 *
 * <p>Vectors are {@code float[]} or {@link io.edgessl.encoder.Embedding}s; both are read and never
 * kept or modified (the index stores L2-normalized copies). Results ({@link
 * io.edgessl.knn.Neighbors}, {@link io.edgessl.knn.Prediction}) are immutable and the caller's to
 * keep. Similarities are cosine similarities in [-1, 1]. File operations throw {@link
 * io.edgessl.EdgeSslException} naming the file; programming errors (a bad {@code k}, a vector of
 * the wrong dimension) throw {@link IllegalArgumentException} with the bad values.
 */
package io.edgessl.knn;
