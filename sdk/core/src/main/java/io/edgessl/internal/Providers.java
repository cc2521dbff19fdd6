package io.edgessl.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Loads service providers one at a time, skipping each that cannot be loaded with one log line: on
 * JDK 17 or Android a provider compiled for a newer Java throws {@link
 * UnsupportedClassVersionError} straight out of the iterator (the class path lookup catches only
 * {@code ClassNotFoundException}), and a provider with a missing dependency throws {@link
 * NoClassDefFoundError}; neither may keep the core from running on what is left.
 */
public final class Providers {
  /** Gives up after this many consecutive failures (a broken iterator that never advances). */
  private static final int MAX_FAILURES = 64;

  private Providers() {}

  /**
   * The providers of {@code service} that load, in {@link ServiceLoader} order.
   *
   * @param what a word for the log line, e.g. {@code "kernels"}
   * @param log where each skipped provider is reported, at WARNING
   */
  public static <S> List<S> load(Class<S> service, String what, System.Logger log) {
    List<S> out = new ArrayList<>();
    Iterator<S> it = ServiceLoader.load(service, service.getClassLoader()).iterator();
    int failures = 0;
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        out.add(it.next());
        failures = 0;
      } catch (ServiceConfigurationError | LinkageError e) {
        log.log(
            Level.WARNING,
            "EdgeSSL: ignoring a " + what + " provider that cannot be loaded here: " + describe(e));
        if (++failures >= MAX_FAILURES) {
          break;
        }
      }
    }
    return out;
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String s = e.getClass().getSimpleName() + ": " + e.getMessage();
    return root == e
        ? s
        : s + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }
}
