package io.edgessl.spi;

/**
 * A source of an inference {@link Backend}, found with {@link java.util.ServiceLoader} (register it
 * in {@code META-INF/services/io.edgessl.spi.BackendProvider} and in {@code module-info}'s {@code
 * provides}). {@code io.edgessl.encoder.Backends} picks the highest-ranked provider whose {@link
 * #create()} succeeds, or the one named.
 *
 * <p>Providers must be cheap to instantiate: loading native libraries and probing devices happens
 * in {@link #create()}, which is called at most once per JVM, only when the backend is wanted.
 */
public interface BackendProvider {

  /**
   * Short name, e.g. {@code onnxruntime}, {@code tensorrt}; what users choose a backend by.
   *
   * @return the backend's name
   */
  String name();

  /**
   * Higher wins when no backend is named: ONNX Runtime (CPU) ranks 10, GPU backends above.
   *
   * @return the rank
   */
  int rank();

  /**
   * Creates the backend.
   *
   * @throws UnsupportedOperationException when it cannot run here; the message says why and how to
   *     fix it (a missing library, no device)
   * @return a new backend; {@link io.edgessl.encoder.Backends} creates it once and shares it
   */
  Backend create();
}
