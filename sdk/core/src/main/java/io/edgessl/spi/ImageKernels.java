package io.edgessl.spi;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * The image kernels: the per-pixel loop of preprocessing. One implementation is pure Java (always
 * present); others (the native module's C kernels) plug in through {@link KernelsProvider#image()}.
 * Segmentation and tracking add kernel interfaces of their own beside this one.
 *
 * <p>Implementations are stateless and thread-safe. No kernel touches memory before its arguments
 * are checked against the plan (frame capacity, output bounds, scratch length), throwing {@link
 * IllegalArgumentException} naming the values; the plan's tables were checked when it was built.
 */
public interface ImageKernels {

  /**
   * A short name for logs and benchmarks, e.g. {@code "java"} or {@code "native-avx512"}.
   *
   * @return the name
   */
  String name();

  /**
   * Reads one frame, converts its pixels to RGB (or luma), resamples them and writes normalized
   * planes of floats, exactly as {@code plan} says (its javadoc is the contract).
   *
   * <p>The frame and the output are the caller's: the kernel reads {@code src} and writes {@code
   * dst} only during the call, by absolute index (their positions and limits are ignored and left
   * unchanged), and keeps no reference to either.
   *
   * @param src the frame's bytes; capacity at least {@link PreprocessPlan#sourceBytes()}
   * @param plan the tables for this frame's geometry
   * @param dst output; {@link PreprocessPlan#outputSize()} floats from {@code dstOffset}, writable
   * @param dstOffset index (in floats) of the first output float
   * @param scratch working memory of at least {@link PreprocessPlan#scratchSize()} floats; its
   *     content on return is undefined (kernels that need none still check its length)
   * @throws IllegalArgumentException when the frame is too small for the plan, the output does not
   *     fit or is read-only, or the scratch is too short
   */
  void preprocess(
      ByteBuffer src, PreprocessPlan plan, FloatBuffer dst, int dstOffset, float[] scratch);
}
