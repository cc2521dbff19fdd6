package io.edgessl.nativeaccel;

import io.edgessl.internal.kernels.KernelSupport;

/** Prints the name of the kernels the core selects; run in a fresh JVM by {@link FallbackTest}. */
public final class KernelsProbe {
  private KernelsProbe() {}

  public static void main(String[] args) {
    try {
      System.out.println(KernelSupport.knn().name());
      System.out.println(KernelSupport.image().name());
    } catch (IllegalStateException e) {
      System.out.println("error: " + e.getMessage());
    }
  }
}
