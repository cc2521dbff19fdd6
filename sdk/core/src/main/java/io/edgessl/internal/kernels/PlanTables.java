package io.edgessl.internal.kernels;

/**
 * The tables of a {@link io.edgessl.spi.PreprocessPlan}, as the kernels read them: the plan's own
 * arrays, not copies. Kernels must not write to them (the plan is immutable to everyone else).
 *
 * @param yuv six YUV to RGB coefficients, or {@code null} for RGB and grey formats
 * @param rowOffsets {@code 2 * H_u} byte offsets: luma and chroma part of each upright row
 * @param rowTaps {@code outHeight * taps} upright row indices
 * @param rowWeights {@code outHeight * taps} weights
 * @param colOffsets {@code 2 * outWidth * taps} byte offsets: luma and chroma part of each tap
 * @param colWeights {@code outWidth * taps} weights
 * @param channels component number of each output plane
 * @param scale per output plane
 * @param bias per output plane
 */
public record PlanTables(
    float[] yuv,
    int[] rowOffsets,
    int[] rowTaps,
    float[] rowWeights,
    int[] colOffsets,
    float[] colWeights,
    int[] channels,
    float[] scale,
    float[] bias) {}
