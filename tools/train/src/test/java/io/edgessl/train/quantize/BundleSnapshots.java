package io.edgessl.train.quantize;

import io.edgessl.bundle.ModelBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What tests compare to show that a bundle was left byte for byte. */
public final class BundleSnapshots {
  private BundleSnapshots() {}

  /** Every file under {@code root} (a file or a directory) with its SHA-256. */
  public static Map<String, String> of(Path root) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        m.put(
            root.relativize(p).toString(),
            Files.isRegularFile(p) ? ModelBundle.sha256(Files.readAllBytes(p)) : "dir");
      }
    }
    return m;
  }
}
