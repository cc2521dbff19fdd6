/** See the module's pom for what it does. */
module io.edgessl.tensorrt {
  requires io.edgessl.core;
}
