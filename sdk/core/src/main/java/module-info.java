/** EdgeSSL core: the API and the pure-Java implementation of everything. */
module io.edgessl.core {
  requires java.logging;

  exports io.edgessl;
  exports io.edgessl.bundle;
  exports io.edgessl.encoder;
  exports io.edgessl.image;
  exports io.edgessl.io;
  exports io.edgessl.kernels;
  exports io.edgessl.knn;
  exports io.edgessl.metrics;
  exports io.edgessl.spi;

  uses io.edgessl.spi.KernelsProvider;
  uses io.edgessl.spi.BackendProvider;
}
