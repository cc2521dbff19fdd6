package io.edgessl.nativeaccel;

import io.edgessl.spi.ImageKernels;
import io.edgessl.spi.KernelsProvider;
import io.edgessl.spi.KnnKernels;
import java.util.Optional;

/**
 * The {@code "native"} kernels provider (rank 100): {@link NativeKernels} of the fastest variant
 * this CPU runs (on a CPU with none of the SIMD extensions, the portable C kernels, which still
 * beat the Java ones two to three times), or the one {@code -Dedgessl.native.variant} names.
 * Declines, with a message that says how to fix it, when there is no library for this platform,
 * native access is not enabled, or the CPU cannot run the variant asked for.
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

  /** The same {@link NativeKernels} serve both domains; the library loads once. */
  private NativeKernels kernels;

  @Override
  public synchronized Optional<KnnKernels> knn() {
    return Optional.of(create());
  }

  @Override
  public synchronized Optional<ImageKernels> image() {
    return Optional.of(create());
  }

  private NativeKernels create() {
    if (kernels != null) {
      return kernels;
    }
    kernels = choose();
    return kernels;
  }

  private static NativeKernels choose() {
    String forced = System.getProperty(VARIANT_PROPERTY, "").trim();
    if (!forced.isEmpty()) {
      try {
        return NativeKernels.of(forced);
      } catch (IllegalArgumentException e) {
        throw new UnsupportedOperationException("-D" + VARIANT_PROPERTY + ": " + e.getMessage());
      }
    }
    return NativeKernels.best();
  }
}
