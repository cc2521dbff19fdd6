package io.edgessl.testing;

import io.edgessl.bundle.ModelBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A bundle's bytes on disk, for the crash tests that kill a child rewriting one: what it holds,
 * copies, and the hidden siblings its writers leave ({@code .NAME.*}).
 */
public final class BundleBytes {
  private BundleBytes() {}

  /**
   * The SHA-256 of every file of a bundle directory, by name, or of a zip under the key {@code ""}:
   * equal maps are byte-for-byte equal bundles.
   */
  public static Map<String, String> of(Path bundle) throws IOException {
    Map<String, String> m = new TreeMap<>();
    if (Files.isDirectory(bundle)) {
      try (Stream<Path> s = Files.list(bundle)) {
        for (Path p : s.toList()) {
          m.put(p.getFileName().toString(), ModelBundle.sha256(Files.readAllBytes(p)));
        }
      }
    } else {
      m.put("", ModelBundle.sha256(Files.readAllBytes(bundle)));
    }
    return m;
  }

  /** Replaces {@code to} with a copy of the bundle {@code from} (a directory or a file). */
  public static void copy(Path from, Path to) throws IOException {
    delete(to);
    if (Files.isDirectory(from)) {
      Files.createDirectory(to);
      try (Stream<Path> s = Files.list(from)) {
        for (Path p : s.toList()) {
          Files.copy(p, to.resolve(p.getFileName().toString()));
        }
      }
    } else {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Deletes a file or a directory tree, if there. */
  public static void delete(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  /** The hidden siblings writers of {@code bundle} leave: {@code .NAME.*}. */
  public static List<Path> temps(Path bundle) throws IOException {
    String prefix = "." + bundle.getFileName() + ".";
    try (Stream<Path> s = Files.list(bundle.toAbsolutePath().getParent())) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
    }
  }
}
