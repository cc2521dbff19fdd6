/**
 * EdgeSSL's native kernels: the C library {@code libedgessl} (packaged in this module's jar) and
 * its FFM bindings, which plug into the core as the {@code "native"} kernels provider. See {@link
 * io.edgessl.nativeaccel} for how the library is found and which flags it needs.
 */
module io.edgessl.nativeaccel {
  requires transitive io.edgessl.core;
  requires java.logging;

  exports io.edgessl.nativeaccel;

  provides io.edgessl.spi.KernelsProvider with
      io.edgessl.nativeaccel.NativeKernelsProvider;
}
