package io.edgessl.encoder;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.internal.Providers;
import io.edgessl.spi.Backend;
import io.edgessl.spi.BackendProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The inference backends on the class or module path: {@link BackendProvider}s found with {@link
 * ServiceLoader} once, ranked, each created lazily the first time it is wanted and at most once per
 * JVM (a failure is remembered too, and reported with its reason each time that backend is asked
 * for). A provider that cannot even be loaded here (compiled for a newer Java, a missing
 * dependency: any {@link LinkageError}) is skipped with one WARNING line.
 *
 * <p>Without a name, the highest-ranked backend that can run here is used; the system property
 * {@code edgessl.backend} names one instead. EdgeSSL's ONNX Runtime backend ({@code
 * edgessl-onnxruntime}, name {@code onnxruntime}) runs everywhere ONNX Runtime does; GPU backends
 * rank above it.
 */
public final class Backends {
  private static final System.Logger LOG = System.getLogger(Backends.class.getName());

  /** System property that names the backend to use when code does not. */
  public static final String PROPERTY = "edgessl.backend";

  private Backends() {}

  /** A provider and, once tried, its backend or the reason it could not be created. */
  private static final class Slot {
    final BackendProvider provider;
    Backend backend;
    String failure;

    Slot(BackendProvider provider) {
      this.provider = provider;
    }
  }

  /** Loaded on first use: the JVM's class-holder idiom makes that lazy and thread-safe. */
  private static final class Holder {
    static final List<Slot> SLOTS = load();
  }

  private static List<Slot> load() {
    List<Slot> slots = new ArrayList<>();
    for (BackendProvider p : Providers.load(BackendProvider.class, "backend", LOG)) {
      slots.add(new Slot(p));
    }
    slots.sort(Comparator.comparingInt((Slot s) -> s.provider.rank()).reversed());
    return List.copyOf(slots);
  }

  /**
   * Names of the backends found, highest rank first (whether or not they can run here).
   *
   * @return the backend names, e.g. {@code [onnxruntime]}; a new list
   */
  public static List<String> names() {
    List<String> names = new ArrayList<>();
    for (Slot s : Holder.SLOTS) {
      names.add(s.provider.name());
    }
    return names;
  }

  /**
   * The backend named {@code name}, created if needed.
   *
   * @throws EdgeSslException {@link ErrorCode#UNAVAILABLE} when no provider has that name or it
   *     cannot run here; the message says which backends there are, or why it cannot run
   * @param name the backend's name, e.g. {@code onnxruntime}
   * @return the backend, shared by every caller
   */
  public static Backend get(String name) throws EdgeSslException {
    for (Slot s : Holder.SLOTS) {
      if (s.provider.name().equals(name)) {
        Backend b = create(s);
        if (b == null) {
          throw new EdgeSslException(
              ErrorCode.UNAVAILABLE, "backend " + name + " cannot run here: " + s.failure);
        }
        return b;
      }
    }
    throw new EdgeSslException(
        ErrorCode.UNAVAILABLE,
        "no backend named '"
            + name
            + "'"
            + (Holder.SLOTS.isEmpty() ? "; none is on the class path" : "; found " + names())
            + hint());
  }

  /**
   * The backend named by {@code -Dedgessl.backend}, else the highest-ranked one that can run here.
   *
   * @throws EdgeSslException {@link ErrorCode#UNAVAILABLE} when none can
   * @return the backend, shared by every caller
   */
  public static Backend best() throws EdgeSslException {
    String forced = System.getProperty(PROPERTY, "");
    if (!forced.isEmpty()) {
      return get(forced);
    }
    StringBuilder why = new StringBuilder();
    for (Slot s : Holder.SLOTS) {
      Backend b = create(s);
      if (b != null) {
        return b;
      }
      why.append("; ").append(s.provider.name()).append(": ").append(s.failure);
    }
    throw new EdgeSslException(
        ErrorCode.UNAVAILABLE,
        (Holder.SLOTS.isEmpty()
                ? "no inference backend on the class path" + hint()
                : "no inference backend can run here")
            + why);
  }

  private static String hint() {
    return " (add io.edgessl:edgessl-onnxruntime for the CPU backend)";
  }

  private static Backend create(Slot s) {
    synchronized (s) {
      if (s.backend == null && s.failure == null) {
        try {
          s.backend = s.provider.create();
          LOG.log(System.Logger.Level.DEBUG, () -> "EdgeSSL backend: " + s.provider.name());
        } catch (UnsupportedOperationException | LinkageError e) {
          s.failure = String.valueOf(e.getMessage());
          LOG.log(
              System.Logger.Level.WARNING,
              "EdgeSSL: backend " + s.provider.name() + " unavailable: " + s.failure);
        }
      }
      return s.backend;
    }
  }
}
