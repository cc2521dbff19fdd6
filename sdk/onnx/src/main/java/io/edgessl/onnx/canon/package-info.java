/**
 * Canonicalization passes for imported ONNX graphs (e.g. PyTorch's {@code torch.onnx.export}): each
 * pass edits an {@link io.edgessl.onnx.OnnxGraph} in place, computes the same function (up to float
 * rounding), never renames a graph output, and returns how many rewrites it made, so that a second
 * run returns 0.
 *
 * <ul>
 *   <li>{@link io.edgessl.onnx.canon.GraphCleanup}: Constant nodes to initializers, dead nodes and
 *       unused initializers removed, Identity nodes bypassed.
 *   <li>{@link io.edgessl.onnx.canon.LayerNormFusion}: decomposed LayerNorm (ReduceMean, Sub, Pow,
 *       ReduceMean, Add, Sqrt, Div, Mul, Add) into one LayerNormalization, raising opsets 13 to 16
 *       to 17 ({@link io.edgessl.onnx.canon.Opsets#raiseTo17}) where that is safe.
 *   <li>{@link io.edgessl.onnx.canon.SkipLayerNormPreparation}: residual sums read by a
 *       LayerNormalization and by other nodes computed a second time for the norm alone, so that
 *       ONNX Runtime fuses Add and norm into SkipLayerNormalization.
 * </ul>
 *
 * <p>Run them in that order: the fusion needs the constants it reads to be constants, and the
 * preparation looks for LayerNormalization nodes.
 */
package io.edgessl.onnx.canon;
