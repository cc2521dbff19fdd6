/**
 * Evaluation metrics: classification accuracy ({@link io.edgessl.metrics.ClassificationReport}),
 * and later segmentation and tracking scores. Reports are plain accumulators, not thread-safe.
 */
package io.edgessl.metrics;
