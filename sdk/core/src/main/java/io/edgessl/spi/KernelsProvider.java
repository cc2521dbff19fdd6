package io.edgessl.spi;

/**
 * A source of {@link Kernels}, found with {@link java.util.ServiceLoader}. The provider with the
 * highest {@link #rank()} whose {@link #create()} succeeds is used; the pure-Java kernels are the
 * fallback and need no provider.
 *
 * <p>Providers must be cheap to instantiate: all loading (native libraries, CPU feature probes)
 * happens in {@link #create()}, which is called at most once per JVM.
 */
public interface KernelsProvider {

  /** Higher wins. The native module's provider ranks 100. */
  int rank();

  /** Short name for logs, e.g. {@code "native"}. */
  String name();

  /**
   * Creates the kernels.
   *
   * @throws UnsupportedOperationException when they cannot run here; the message says exactly how
   *     to fix it (a missing library, a JVM flag), and is logged once
   */
  Kernels create();
}
