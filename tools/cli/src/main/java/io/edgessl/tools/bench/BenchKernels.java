package io.edgessl.tools.bench;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.internal.kernels.KernelSupport;
import io.edgessl.nativeaccel.NativeKernels;
import io.edgessl.spi.ImageKernels;
import java.util.ArrayList;
import java.util.List;

/** The {@code --kernels} option of the benchmarks that compare kernels in one run. */
final class BenchKernels {
  private BenchKernels() {}

  /**
   * {@code java}: the pure-Java kernels; {@code native}: the fastest native variant this CPU runs.
   * An empty or null list means the kernels this JVM selected.
   *
   * @throws IllegalArgumentException for another name
   * @throws EdgeSslException {@code UNAVAILABLE} when the native kernels cannot run here
   */
  static List<ImageKernels> resolve(List<String> names) throws EdgeSslException {
    List<ImageKernels> out = new ArrayList<>();
    if (names == null || names.isEmpty()) {
      out.add(KernelSupport.image());
      return out;
    }
    for (String n : names) {
      switch (n) {
        case "java" -> out.add(KernelSupport.javaImage());
        case "native" -> {
          try {
            out.add(NativeKernels.best());
          } catch (UnsupportedOperationException e) {
            throw new EdgeSslException(
                ErrorCode.UNAVAILABLE, "native kernels unavailable: " + e.getMessage(), e);
          }
        }
        default ->
            throw new IllegalArgumentException(
                "unknown kernels '" + n + "'; expected java or native");
      }
    }
    return out;
  }
}
