/**
 * Segmentation: per-pixel {@link io.edgessl.segment.Mask}s and the metrics of segmentation
 * benchmarks ({@link io.edgessl.segment.ConfusionMatrix}, {@link io.edgessl.segment.Hungarian}).
 */
package io.edgessl.segment;
