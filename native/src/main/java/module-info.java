/** See the module's pom for what it does. */
module io.edgessl.nativeaccel {
  requires io.edgessl.core;
}
