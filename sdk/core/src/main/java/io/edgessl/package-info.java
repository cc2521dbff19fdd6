/**
 * EdgeSSL: self-supervised vision encoders on edge devices.
 *
 * <p>The core module holds the API and pure-Java implementations of everything; backends (ONNX
 * Runtime, TensorRT) and native kernels plug in through {@link io.edgessl.spi}. It compiles for
 * Java 17 and never uses {@code java.lang.foreign}, so Android can run it.
 */
package io.edgessl;
