package io.edgessl.internal.kernels;

import io.edgessl.internal.Providers;
import io.edgessl.spi.ImageKernels;
import io.edgessl.spi.KernelsProvider;
import io.edgessl.spi.KnnKernels;
import io.edgessl.spi.SegmentKernels;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Chooses the kernels of each domain once per JVM: the highest-ranked {@link KernelsProvider} that
 * offers kernels for the domain and can run here, else the pure-Java ones ({@link JavaKernels},
 * {@link JavaImageKernels}, {@link JavaSegmentKernels}). When a faster provider is present but
 * cannot run, one line at level WARNING says why and how to fix it (the pattern of Lucene's {@code
 * VectorizationProvider}); a provider that cannot even be loaded (a class file for a newer Java, a
 * missing class: any {@link LinkageError}) is skipped with one line too.
 *
 * <p>The system property {@code edgessl.kernels} forces a choice: {@code java} for the pure-Java
 * kernels, or a provider's name; a forced provider that cannot run is an error, not a fallback.
 */
public final class KernelSupport {
  private static final System.Logger LOG = System.getLogger(KernelSupport.class.getName());

  /** System property that forces the kernels by name. */
  public static final String PROPERTY = "edgessl.kernels";

  private KernelSupport() {}

  /** Providers, highest rank first (the JVM's class-holder idiom makes that lazy). */
  private static final class Holder {
    static final List<KernelsProvider> PROVIDERS = load();
  }

  private static volatile KnnKernels knn;
  private static volatile ImageKernels image;
  private static volatile SegmentKernels segment;

  /** The failure message of each provider tried and failed, so that each logs once. */
  private static final java.util.Map<KernelsProvider, String> FAILED =
      java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

  /**
   * The k-NN kernels this JVM uses, chosen on the first call.
   *
   * @throws IllegalStateException when {@code -Dedgessl.kernels} names kernels that cannot run
   */
  public static KnnKernels knn() {
    KnnKernels k = knn;
    if (k == null) {
      synchronized (KernelSupport.class) {
        k = knn;
        if (k == null) {
          k = select(forced(), Holder.PROVIDERS, KernelsProvider::knn, JavaKernels.instance());
          knn = k;
        }
      }
    }
    return k;
  }

  /**
   * The image kernels this JVM uses, chosen on the first call.
   *
   * @throws IllegalStateException when {@code -Dedgessl.kernels} names kernels that cannot run
   */
  public static ImageKernels image() {
    ImageKernels k = image;
    if (k == null) {
      synchronized (KernelSupport.class) {
        k = image;
        if (k == null) {
          k =
              select(
                  forced(), Holder.PROVIDERS, KernelsProvider::image, JavaImageKernels.instance());
          image = k;
        }
      }
    }
    return k;
  }

  /**
   * The segmentation kernels this JVM uses, chosen on the first call.
   *
   * @throws IllegalStateException when {@code -Dedgessl.kernels} names kernels that cannot run
   */
  public static SegmentKernels segment() {
    SegmentKernels k = segment;
    if (k == null) {
      synchronized (KernelSupport.class) {
        k = segment;
        if (k == null) {
          k =
              select(
                  forced(),
                  Holder.PROVIDERS,
                  KernelsProvider::segment,
                  JavaSegmentKernels.instance());
          segment = k;
        }
      }
    }
    return k;
  }

  private static String forced() {
    return System.getProperty(PROPERTY, "").trim();
  }

  /** The pure-Java k-NN kernels, whatever {@link #knn()} chose. */
  public static KnnKernels javaKnn() {
    return JavaKernels.instance();
  }

  /** The pure-Java image kernels, whatever {@link #image()} chose. */
  public static ImageKernels javaImage() {
    return JavaImageKernels.instance();
  }

  /** The pure-Java segmentation kernels, whatever {@link #segment()} chose. */
  public static SegmentKernels javaSegment() {
    return JavaSegmentKernels.instance();
  }

  /**
   * Image kernels by name: {@code java}, a provider's name (e.g. {@code native}), or the name of
   * the kernels {@link #image()} chose (e.g. {@code native-avx2}).
   *
   * @throws IllegalArgumentException when no kernels have that name, or they cannot run here
   */
  public static ImageKernels image(String name) {
    return byName(name, KernelsProvider::image, image(), JavaImageKernels.instance());
  }

  /** k-NN kernels by name, as {@link #image(String)}. */
  public static KnnKernels knn(String name) {
    return byName(name, KernelsProvider::knn, knn(), JavaKernels.instance());
  }

  /** Segmentation kernels by name, as {@link #image(String)}. */
  public static SegmentKernels segment(String name) {
    return byName(name, KernelsProvider::segment, segment(), JavaSegmentKernels.instance());
  }

  private static <K> K byName(
      String name, Function<KernelsProvider, Optional<K>> domain, K selected, K java) {
    if ("java".equals(name)) {
      return java;
    }
    if (name.equals(nameOf(selected))) {
      return selected;
    }
    List<String> names = new ArrayList<>(List.of("java", nameOf(selected)));
    for (KernelsProvider p : Holder.PROVIDERS) {
      if (p.name().equals(name)) {
        try {
          Optional<K> k = domain.apply(p);
          if (k.isPresent()) {
            return k.get();
          }
          throw new IllegalArgumentException("kernels provider " + name + " has none of this kind");
        } catch (UnsupportedOperationException | LinkageError e) {
          throw new IllegalArgumentException(
              "kernels " + name + " cannot run here: " + e.getMessage(), e);
        }
      }
      names.add(p.name());
    }
    throw new IllegalArgumentException(
        "no kernels named '" + name + "'; found " + names.stream().distinct().toList());
  }

  private static String nameOf(Object kernels) {
    if (kernels instanceof KnnKernels k) {
      return k.name();
    }
    if (kernels instanceof SegmentKernels k) {
      return k.name();
    }
    return ((ImageKernels) kernels).name();
  }

  static List<KernelsProvider> load() {
    List<KernelsProvider> providers =
        new ArrayList<>(Providers.load(KernelsProvider.class, "kernels", LOG));
    providers.sort(Comparator.comparingInt(KernelsProvider::rank).reversed());
    return List.copyOf(providers);
  }

  static <K> K select(
      String forced,
      List<KernelsProvider> providers,
      Function<KernelsProvider, Optional<K>> domain,
      K java) {
    if ("java".equals(forced)) {
      return java;
    }
    boolean found = false;
    for (KernelsProvider p : providers) {
      if (!forced.isEmpty() && !forced.equals(p.name())) {
        continue;
      }
      found = true;
      String failed = FAILED.get(p);
      if (failed == null) {
        try {
          Optional<K> k = domain.apply(p);
          if (k.isPresent()) {
            return k.get();
          }
          continue;
        } catch (UnsupportedOperationException | LinkageError e) {
          failed = String.valueOf(e.getMessage());
          FAILED.put(p, failed);
          if (forced.isEmpty()) {
            LOG.log(
                Level.WARNING,
                "EdgeSSL: " + p.name() + " kernels unavailable, using the Java kernels: " + failed);
          }
        }
      }
      if (!forced.isEmpty()) {
        throw new IllegalStateException(
            "-D" + PROPERTY + "=" + forced + " was asked for but cannot run: " + failed);
      }
    }
    if (!forced.isEmpty() && !found) {
      throw new IllegalStateException(
          "-D" + PROPERTY + "=" + forced + " names no kernels provider on the class path");
    }
    return java;
  }
}
