package io.edgessl.kernels;

import io.edgessl.spi.Kernels;
import io.edgessl.spi.KernelsProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Chooses the kernels once per JVM: the highest-ranked {@link KernelsProvider} that can run here,
 * else {@link JavaKernels}. When a faster provider is present but cannot run, one line at level
 * WARNING says why and how to fix it (the pattern of Lucene's {@code VectorizationProvider}).
 *
 * <p>The system property {@code edgessl.kernels} forces a choice: {@code java} for the pure-Java
 * kernels, or a provider's name; a forced provider that cannot run is an error, not a fallback.
 */
public final class KernelSupport {
  private static final Logger LOG = Logger.getLogger(KernelSupport.class.getName());

  /** System property that forces the kernels by name. */
  public static final String PROPERTY = "edgessl.kernels";

  private KernelSupport() {}

  private static volatile Kernels selected;

  /**
   * The kernels this JVM uses, chosen on the first call.
   *
   * @throws IllegalStateException when {@code -Dedgessl.kernels} names kernels that cannot run
   */
  public static Kernels get() {
    Kernels k = selected;
    if (k == null) {
      synchronized (KernelSupport.class) {
        k = selected;
        if (k == null) {
          k = select(System.getProperty(PROPERTY, ""));
          selected = k;
        }
      }
    }
    return k;
  }

  /** The pure-Java kernels, whatever {@link #get()} chose. */
  public static Kernels java() {
    return JavaKernels.instance();
  }

  static Kernels select(String forced) {
    if ("java".equals(forced)) {
      return JavaKernels.instance();
    }
    List<KernelsProvider> providers = new ArrayList<>();
    try {
      for (KernelsProvider p :
          ServiceLoader.load(KernelsProvider.class, KernelSupport.class.getClassLoader())) {
        providers.add(p);
      }
    } catch (ServiceConfigurationError e) {
      LOG.log(Level.WARNING, "EdgeSSL: ignoring broken kernels provider: {0}", e.getMessage());
    }
    providers.sort(Comparator.comparingInt(KernelsProvider::rank).reversed());
    for (KernelsProvider p : providers) {
      if (!forced.isEmpty() && !forced.equals(p.name())) {
        continue;
      }
      try {
        Kernels k = p.create();
        LOG.fine(() -> "EdgeSSL kernels: " + k.name());
        return k;
      } catch (UnsupportedOperationException | LinkageError e) {
        if (!forced.isEmpty()) {
          throw new IllegalStateException(
              "-D" + PROPERTY + "=" + forced + " was asked for but cannot run: " + e.getMessage(),
              e);
        }
        LOG.warning(
            "EdgeSSL: "
                + p.name()
                + " kernels unavailable, using the Java kernels: "
                + e.getMessage());
      }
    }
    if (!forced.isEmpty()) {
      throw new IllegalStateException(
          "-D" + PROPERTY + "=" + forced + " names no kernels provider on the class path");
    }
    return JavaKernels.instance();
  }
}
