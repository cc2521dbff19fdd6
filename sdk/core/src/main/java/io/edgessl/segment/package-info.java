/**
 * Segmentation from patch features: per-pixel {@link io.edgessl.segment.Mask}s from an encoder's
 * {@link io.edgessl.encoder.PatchFeatures}, by label transfer from a few annotated frames ({@link
 * io.edgessl.segment.LabelTransferSegmenter}), unsupervised clustering ({@link
 * io.edgessl.segment.ClusterSegmenter}) or a trained linear head ({@link
 * io.edgessl.segment.LinearHeadSegmenter}); edge-aware upsampling ({@link
 * io.edgessl.segment.Refinement}); and the metrics of segmentation benchmarks ({@link
 * io.edgessl.segment.ConfusionMatrix}, {@link io.edgessl.segment.Hungarian}). The hot loops run on
 * the segmentation kernels ({@link io.edgessl.spi.SegmentKernels}).
 */
package io.edgessl.segment;
