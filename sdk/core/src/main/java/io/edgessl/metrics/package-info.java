/** Evaluation metrics: classification accuracy, and later segmentation and tracking scores. */
package io.edgessl.metrics;
