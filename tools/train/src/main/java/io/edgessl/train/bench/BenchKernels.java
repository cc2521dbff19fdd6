package io.edgessl.train.bench;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.internal.kernels.KernelSupport;
import io.edgessl.nativeaccel.NativeKernels;
import io.edgessl.spi.ImageKernels;
import java.util.ArrayList;
import java.util.List;

/** The kernels a benchmark compares in one run, by name: {@code java}, {@code native}. */
public final class BenchKernels {
  private BenchKernels() {}

  /**
   * Checks the names without loading anything.
   *
   * @throws IllegalArgumentException for a name other than {@code java} or {@code native}
   */
  public static void check(List<String> names) {
    if (names == null) {
      return;
    }
    for (String n : names) {
      if (!n.equals("java") && !n.equals("native")) {
        throw new IllegalArgumentException("unknown kernels '" + n + "'; expected java or native");
      }
    }
  }

  /**
   * {@code java}: the pure-Java image kernels; {@code native}: the fastest native variant this CPU
   * runs. An empty or null list means the kernels this JVM selected.
   *
   * @throws IllegalArgumentException for another name
   * @throws EdgeSslException {@code UNAVAILABLE} when the native kernels cannot run here
   */
  public static List<ImageKernels> image(List<String> names) throws EdgeSslException {
    check(names);
    List<ImageKernels> out = new ArrayList<>();
    if (names == null || names.isEmpty()) {
      out.add(KernelSupport.image());
      return out;
    }
    for (String n : names) {
      if (n.equals("java")) {
        out.add(KernelSupport.javaImage());
      } else {
        try {
          out.add(NativeKernels.best());
        } catch (UnsupportedOperationException e) {
          throw new EdgeSslException(
              ErrorCode.UNAVAILABLE, "native kernels unavailable: " + e.getMessage(), e);
        }
      }
    }
    return out;
  }
}
