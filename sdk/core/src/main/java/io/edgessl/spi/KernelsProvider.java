package io.edgessl.spi;

import java.util.Optional;

/**
 * A source of kernels, one domain at a time ({@link KnnKernels}, {@link ImageKernels}, {@link
 * SegmentKernels}; later domains add methods here with an empty default), found with {@link
 * java.util.ServiceLoader}. For each domain the provider with the highest {@link #rank()} that
 * offers kernels for it and can run here is used; the pure-Java kernels are the fallback of every
 * domain and need no provider.
 *
 * <p>Providers must be cheap to instantiate: all loading (native libraries, CPU feature probes)
 * happens in the domain methods, each called at most once per JVM by the core's selection.
 */
public interface KernelsProvider {

  /**
   * Higher wins. The native module's provider ranks 100.
   *
   * @return the rank
   */
  int rank();

  /**
   * Short name for logs and for choosing kernels by name, e.g. {@code "native"}.
   *
   * @return the provider's name
   */
  String name();

  /**
   * The k-NN kernels, or empty when this provider has none.
   *
   * @throws UnsupportedOperationException when they cannot run here; the message says exactly how
   *     to fix it (a missing library, a JVM flag), and is logged once
   * @return the k-NN kernels, shared and thread-safe; empty by default
   */
  default Optional<KnnKernels> knn() {
    return Optional.empty();
  }

  /**
   * The image kernels, or empty when this provider has none.
   *
   * @throws UnsupportedOperationException as {@link #knn()}
   * @return the image kernels, shared and thread-safe; empty by default
   */
  default Optional<ImageKernels> image() {
    return Optional.empty();
  }

  /**
   * The segmentation kernels, or empty when this provider has none.
   *
   * @throws UnsupportedOperationException as {@link #knn()}
   * @return the segmentation kernels, shared and thread-safe; empty by default
   */
  default Optional<SegmentKernels> segment() {
    return Optional.empty();
  }
}
