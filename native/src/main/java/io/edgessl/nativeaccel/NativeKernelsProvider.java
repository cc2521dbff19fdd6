package io.edgessl.nativeaccel;

import io.edgessl.spi.Kernels;
import io.edgessl.spi.KernelsProvider;

/**
 * The {@code "native"} kernels provider (rank 100): {@link NativeKernels} of the fastest variant
 * this CPU runs, or the one {@code -Dedgessl.native.variant} names. Declines, with a message that
 * says how to fix it, when the library is missing, native access is not enabled, or the CPU has
 * none of the SIMD variants (the portable C kernels are no faster than the Java ones).
 */
public final class NativeKernelsProvider implements KernelsProvider {
  /** System property that forces a variant, e.g. {@code avx2} or {@code portable}. */
  public static final String VARIANT_PROPERTY = "edgessl.native.variant";

  /** Public for {@link java.util.ServiceLoader}. */
  public NativeKernelsProvider() {}

  @Override
  public int rank() {
    return 100;
  }

  @Override
  public String name() {
    return "native";
  }

  @Override
  public Kernels create() {
    String forced = System.getProperty(VARIANT_PROPERTY, "").trim();
    if (!forced.isEmpty()) {
      try {
        return NativeKernels.of(forced);
      } catch (IllegalArgumentException e) {
        throw new UnsupportedOperationException("-D" + VARIANT_PROPERTY + ": " + e.getMessage());
      }
    }
    NativeKernels best = NativeKernels.best();
    if (best.variant().equals("portable")) {
      throw new UnsupportedOperationException(
          "this CPU has none of AVX2+FMA, AVX-512 or NEON, and the portable C kernels are no"
              + " faster than the Java ones (-D"
              + VARIANT_PROPERTY
              + "=portable uses them anyway)");
    }
    return best;
  }
}
