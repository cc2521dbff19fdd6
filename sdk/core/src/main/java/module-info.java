/**
 * EdgeSSL core: the API and the pure-Java implementation of everything. Implementation packages
 * ({@code io.edgessl.internal.*}) are exported only to EdgeSSL's own modules.
 */
module io.edgessl.core {
  exports io.edgessl;
  exports io.edgessl.bundle;
  exports io.edgessl.encoder;
  exports io.edgessl.image;
  exports io.edgessl.knn;
  exports io.edgessl.metrics;
  exports io.edgessl.segment;
  exports io.edgessl.spi;
  exports io.edgessl.internal.io to
      io.edgessl.onnx,
      io.edgessl.onnxruntime,
      io.edgessl.tensorrt,
      io.edgessl.nativeaccel;
  exports io.edgessl.internal.kernels to
      io.edgessl.nativeaccel;

  uses io.edgessl.spi.KernelsProvider;
  uses io.edgessl.spi.BackendProvider;
}
