package io.edgessl.nativeaccel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.edgessl.internal.kernels.KernelSupport;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One class path serves a JDK 17 (or Android) app and a JDK 22+ one: on a JDK 17 runtime, with the
 * core and this module (class files for Java 22) on the class path, the native provider cannot even
 * be loaded ({@link UnsupportedClassVersionError}); the core skips it with one WARNING line and
 * runs the Java kernels of every domain.
 *
 * <p>The JDK 17 is {@code -Dedgessl.jdk17=<java home>}, else the first {@code /usr/lib/jvm/*17*}
 * with a {@code bin/java}; without one the test skips, unless {@code -Dedgessl.requireJdk17=true}.
 * The probe ({@code jdk17/Jdk17Probe.java}) is compiled here with {@code --release 17}.
 */
class Jdk17Test {
  private static final String ONE_LINE_LOG =
      "-Djava.util.logging.SimpleFormatter.format=%4$s %3$s: %5$s%n";

  @TempDir Path dir;

  static Optional<Path> jdk17() throws IOException {
    String forced = System.getProperty("edgessl.jdk17", "");
    if (!forced.isEmpty()) {
      return Optional.of(Path.of(forced, "bin", "java"));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(jvms)) {
      return s.filter(p -> p.getFileName().toString().contains("17"))
          .map(p -> p.resolve("bin/java"))
          .filter(Files::isExecutable)
          .sorted()
          .findFirst();
    }
  }

  private static String location(Class<?> c) throws URISyntaxException {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  @Test
  void coreAndNativeRunOnJdk17WithTheJavaKernels() throws Exception {
    Optional<Path> jdk = jdk17();
    if (jdk.isEmpty() && Boolean.getBoolean("edgessl.requireJdk17")) {
      throw new AssertionError("no JDK 17 found but -Dedgessl.requireJdk17=true");
    }
    assumeTrue(jdk.isPresent(), "no JDK 17 here (set -Dedgessl.jdk17=<java home>)");
    String core = location(KernelSupport.class);
    String nativeClasses = location(NativeKernelsProvider.class);
    Path src = dir.resolve("Jdk17Probe.java");
    try (InputStream in = Jdk17Test.class.getResourceAsStream("/jdk17/Jdk17Probe.java")) {
      Files.write(src, in.readAllBytes());
    }
    Process javac =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "--release",
                "17",
                "-cp",
                core,
                "-d",
                dir.toString(),
                src.toString())
            .redirectErrorStream(true)
            .start();
    String javacOut = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(javac.waitFor(120, TimeUnit.SECONDS), "javac did not finish");
    assertEquals(0, javac.exitValue(), "javac --release 17 of the probe: " + javacOut);

    List<String> cmd =
        List.of(
            jdk.get().toString(),
            ONE_LINE_LOG,
            "-cp",
            String.join(java.io.File.pathSeparator, dir.toString(), core, nativeClasses),
            "Jdk17Probe");
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the JDK 17 probe did not finish");
    assertEquals(0, p.exitValue(), out + "\n" + err);
    assertEquals(List.of("knn java y z", "image java 0.0 1.0"), lines(out), err);
    List<String> log = lines(err);
    assertEquals(1, log.size(), err);
    assertTrue(
        log.get(0)
            .startsWith(
                "WARNING io.edgessl.internal.kernels.KernelSupport: EdgeSSL: ignoring a kernels"
                    + " provider that cannot be loaded here: UnsupportedClassVersionError:"
                    + " io/edgessl/nativeaccel/NativeKernelsProvider has been compiled by a more"
                    + " recent version of the Java Runtime"),
        log.get(0));
  }

  private static List<String> lines(String s) {
    return s.isEmpty() ? List.of() : new ArrayList<>(List.of(s.split("\\R")));
  }
}
