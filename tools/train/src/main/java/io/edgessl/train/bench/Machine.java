package io.edgessl.train.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** A one-line description of the machine a benchmark ran on, for the tables it prints. */
final class Machine {
  private Machine() {}

  /** E.g. {@code AMD EPYC (AVX-512 VNNI), 2 vCPU, 24 GB, Debian GNU/Linux 12 (bookworm)}. */
  static String describe() {
    String cpu = System.getProperty("os.arch");
    String isa = "";
    List<String> info = lines(Path.of("/proc/cpuinfo"));
    for (String l : info) {
      if (l.startsWith("model name") && l.contains(":")) {
        cpu = l.substring(l.indexOf(':') + 1).trim();
        break;
      }
    }
    for (String l : info) {
      if (l.startsWith("flags") && l.contains(":")) {
        String f = " " + l.substring(l.indexOf(':') + 1) + " ";
        isa =
            f.contains(" avx512_vnni ")
                ? " (AVX-512 VNNI)"
                : f.contains(" avx512f ") ? " (AVX-512)" : f.contains(" avx2 ") ? " (AVX2)" : "";
        break;
      }
    }
    String os = System.getProperty("os.name");
    for (String l : lines(Path.of("/etc/os-release"))) {
      if (l.startsWith("PRETTY_NAME=")) {
        os = l.substring("PRETTY_NAME=".length()).replace("\"", "");
      }
    }
    long bytes = 0;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os2) {
      bytes = os2.getTotalMemorySize();
    }
    return String.format(
        Locale.ROOT,
        "%s%s, %d vCPU, %s%s",
        cpu,
        isa,
        Runtime.getRuntime().availableProcessors(),
        bytes > 0 ? Math.round(bytes / (double) (1L << 30)) + " GB, " : "",
        os);
  }

  /** E.g. {@code Java 25+36, amd64, 2 processors}: the runtime the figures come from. */
  static String java() {
    return String.format(
        Locale.ROOT,
        "Java %s, %s, %d processors",
        Runtime.version(),
        System.getProperty("os.arch"),
        Runtime.getRuntime().availableProcessors());
  }

  private static List<String> lines(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException | RuntimeException e) {
      return List.of(); // not Linux, or not readable: the description falls back to Java's view
    }
  }
}
