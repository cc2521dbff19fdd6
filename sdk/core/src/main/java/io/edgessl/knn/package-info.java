/**
 * k-NN classification on the device: an index of enrolled embeddings ({@link
 * io.edgessl.knn.KnnIndex}) and DINO's k-NN protocol over it ({@link
 * io.edgessl.knn.KnnClassifier}).
 */
package io.edgessl.knn;
