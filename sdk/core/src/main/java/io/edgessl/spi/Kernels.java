package io.edgessl.spi;

import io.edgessl.image.PixelFormat;
import io.edgessl.kernels.JavaImageKernels;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * The compute kernels on EdgeSSL's hot paths. One implementation is pure Java (always present);
 * others (the native module's C kernels) plug in through {@link KernelsProvider}.
 *
 * <p>Implementations are stateless and thread-safe. No kernel touches memory before its arguments
 * are checked: the k-NN searches check their own with {@code io.edgessl.kernels.KernelChecks}
 * (throwing {@link IllegalArgumentException} for a negative size or a too-small array), and native
 * implementations check everything their callers may not have, since a bad size would otherwise
 * corrupt memory rather than throw.
 */
public interface Kernels {

  /** A short name for logs and benchmarks, e.g. {@code "java"} or {@code "native-avx512"}. */
  String name();

  /**
   * Exact maximum-inner-product search over a bank in the {@link PackedBank} layout.
   *
   * <p>For each of {@code queryCount} queries (row-major, {@code dim} floats each, starting at
   * {@code queries[queryOffset]}) finds the {@code min(k, count)} bank slots with the largest inner
   * product and writes them to {@code outScores[q * k + r]} and {@code outSlots[q * k + r]} in
   * descending order of score; equal scores keep the lower slot first. When {@code count < k} the
   * remaining entries are set to {@code -Infinity} and {@code -1}.
   *
   * <p>Scores are computed in float, summing over the dimension in increasing order, so every
   * implementation that honours this contract returns the same neighbours; float results may differ
   * in the last bits when an implementation fuses multiply-adds (native SIMD variants do) or
   * reassociates the sum, and then neighbours may swap at near-ties.
   *
   * @param bank packed bank, length {@code >= PackedBank.length(count, dim)}
   * @param count number of vectors in the bank
   * @param dim vector dimension
   * @param queries query vectors, row-major
   * @param queryOffset index of the first float of the first query
   * @param queryCount number of queries
   * @param k neighbours per query, {@code >= 1}
   * @param outScores {@code queryCount * k} scores
   * @param outSlots {@code queryCount * k} bank slots
   */
  void searchPacked(
      float[] bank,
      int count,
      int dim,
      float[] queries,
      int queryOffset,
      int queryCount,
      int k,
      float[] outScores,
      int[] outSlots);

  /**
   * Exact maximum-inner-product search over an INT8 bank in the {@link PackedInt8Bank} layout, with
   * the contract of {@link #searchPacked} otherwise.
   *
   * <p>The score of query {@code q} and slot {@code s} is {@code (float) dot * (queryScales[q] *
   * bankScales[s])}, where {@code dot} is the exact integer inner product of their codes over
   * {@code PackedInt8Bank.paddedDim(dim)} components: every implementation returns the same scores
   * and neighbours, bit for bit.
   *
   * @param bank packed codes, length {@code >= PackedInt8Bank.length(count, dim)}
   * @param bankScales one scale per slot, length {@code >= count}
   * @param count number of vectors in the bank
   * @param dim vector dimension, at most {@link PackedInt8Bank#MAX_DIM}
   * @param queries query codes in rows of {@code PackedInt8Bank.paddedDim(dim)} bytes
   * @param queryScales one scale per query row
   * @param firstQuery index of the first query row (of its codes and of its scale)
   * @param queryCount number of queries
   * @param k neighbours per query, {@code >= 1}
   * @param outScores {@code queryCount * k} scores
   * @param outSlots {@code queryCount * k} bank slots
   */
  void searchPackedInt8(
      byte[] bank,
      float[] bankScales,
      int count,
      int dim,
      byte[] queries,
      float[] queryScales,
      int firstQuery,
      int queryCount,
      int k,
      float[] outScores,
      int[] outSlots);

  /**
   * The per-pixel loop of preprocessing: reads one frame, converts its pixels to RGB (or luma),
   * resamples them with a separable filter and writes normalized planes of floats. Every table is
   * computed by {@code io.edgessl.image.Preprocessor}; this method only follows them, so a C or
   * CUDA version mirrors it argument for argument ({@code const uint8_t *src}, {@code const int32_t
   * *rowOffsets}, ..., {@code float *dst}).
   *
   * <p><b>Addressing.</b> The upright image (the frame turned by its orientation) has {@code H_u}
   * rows. With {@code T = taps}, tap {@code s} of output column {@code x} and upright row {@code r}
   * name the bytes at the <i>luma position</i> {@code L = rowOffsets[2 r] + colOffsets[2 (x T +
   * s)]} and the <i>chroma position</i> {@code C = rowOffsets[2 r + 1] + colOffsets[2 (x T + s) +
   * 1]}, absolute indices into {@code src} (its position and limit are ignored). Per format the
   * samples are: RGB {@code R, G, B = src[L], src[L + 1], src[L + 2]}; BGR the reverse; RGBA as
   * RGB; BGRA as BGR; GRAY {@code Y = src[L]}; NV12 {@code Y = src[L], U = src[C], V = src[C + 1]};
   * NV21 {@code Y = src[L], V = src[C], U = src[C + 1]}; YUYV {@code Y = src[L], U = src[C], V =
   * src[C + 2]}. Bytes are unsigned.
   *
   * <p><b>Conversion.</b> YUV: {@code R = yuv[1] (Y - yuv[0]) + yuv[2] (V - 128)}, {@code G =
   * yuv[1] (Y - yuv[0]) - yuv[3] (U - 128) - yuv[4] (V - 128)}, {@code B = yuv[1] (Y - yuv[0]) +
   * yuv[5] (U - 128)}, each clamped to [0, 255] (see {@code
   * io.edgessl.image.YuvRange#coefficients()}); GRAY: {@code R = G = B = Y}. Components are
   * numbered 0 = R, 1 = G, 2 = B, 3 = luma {@code 0.299 R + 0.587 G + 0.114 B} (for GRAY frames,
   * exactly {@code Y}). Nothing is rounded to integers.
   *
   * <p><b>Resampling.</b> Output pixel {@code (y, x)} of component {@code k} is {@code sum_t
   * rowWeights[y T + t] * (sum_s colWeights[x T + s] * comp_k(row rowTaps[y T + t], tap s of column
   * x))}: the inner (horizontal) sums first, then the vertical one, in float. For each output row
   * the row taps are {@code T} consecutive upright rows clamped to {@code [0, H_u)}, non-decreasing
   * from one output row to the next (implementations cache horizontally resampled rows on that
   * basis).
   *
   * <p><b>Output.</b> For each output channel {@code c < channels.length}, {@code dst[dstOffset +
   * (c outHeight + y) outWidth + x] = value_{channels[c]}(y, x) * scale[c] + bias[c]} (absolute
   * indices; the buffer's position is ignored). {@code channels} holds component numbers, e.g.
   * {@code {0, 1, 2}} for RGB planes, {@code {2, 1, 0}} for BGR, {@code {3}} for grey.
   *
   * <p>{@code scratch} holds at least {@code T * outWidth * channels.length + outWidth} floats; its
   * content on return is undefined. The default implementation is the pure-Java one ({@link
   * JavaImageKernels#preprocess}), which relies on its caller ({@code Preprocessor}) for valid
   * tables; implementations that read memory without Java's bounds checks (the native kernels)
   * check every argument first with {@code io.edgessl.kernels.KernelChecks#preprocess}, which also
   * enforces the row-tap order stated above.
   *
   * @param src the frame's bytes
   * @param format how they encode pixels
   * @param yuv six YUV to RGB coefficients (ignored for RGB and GRAY formats)
   * @param rowOffsets {@code 2 * H_u} byte offsets: luma and chroma part of each upright row
   * @param taps filter taps per direction, {@code T} (2 bilinear, 4 bicubic)
   * @param outHeight output rows
   * @param rowTaps {@code outHeight * T} upright row indices
   * @param rowWeights {@code outHeight * T} weights
   * @param outWidth output columns
   * @param colOffsets {@code 2 * outWidth * T} byte offsets: luma and chroma part of each column
   *     tap
   * @param colWeights {@code outWidth * T} weights
   * @param channels component number of each output plane
   * @param scale per output plane
   * @param bias per output plane
   * @param dst output; {@code channels.length * outHeight * outWidth} floats from {@code dstOffset}
   * @param dstOffset index of the first output float
   * @param scratch working memory, see above
   */
  default void preprocess(
      ByteBuffer src,
      PixelFormat format,
      float[] yuv,
      int[] rowOffsets,
      int taps,
      int outHeight,
      int[] rowTaps,
      float[] rowWeights,
      int outWidth,
      int[] colOffsets,
      float[] colWeights,
      int[] channels,
      float[] scale,
      float[] bias,
      FloatBuffer dst,
      int dstOffset,
      float[] scratch) {
    JavaImageKernels.preprocess(
        src,
        format,
        yuv,
        rowOffsets,
        taps,
        outHeight,
        rowTaps,
        rowWeights,
        outWidth,
        colOffsets,
        colWeights,
        channels,
        scale,
        bias,
        dst,
        dstOffset,
        scratch);
  }
}
