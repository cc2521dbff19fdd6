/**
 * EdgeSSL's ONNX Runtime backend: runs encoders on CPUs, the embedded default. Found by {@code
 * io.edgessl.encoder.Backends} under the name {@code onnxruntime}.
 */
module io.edgessl.onnxruntime {
  requires io.edgessl.core;
  requires com.microsoft.onnxruntime;
  requires java.logging;

  exports io.edgessl.ort;

  provides io.edgessl.spi.BackendProvider with
      io.edgessl.ort.OrtBackendProvider;
}
