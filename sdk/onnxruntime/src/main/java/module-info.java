/** See the module's pom for what it does. */
module io.edgessl.onnxruntime {
  requires io.edgessl.core;
}
