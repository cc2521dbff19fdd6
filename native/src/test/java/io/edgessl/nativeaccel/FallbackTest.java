package io.edgessl.nativeaccel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * In fresh JVMs: whatever keeps the native kernels from running (native access not enabled, a
 * missing library, a CPU without the variant asked for) logs exactly one line that says how to fix
 * it (not one per kernel domain), and the core runs the Java kernels of every domain; asking for
 * the native kernels explicitly makes it an error instead.
 */
class FallbackTest {
  private static final String ONE_LINE_LOG =
      "-Djava.util.logging.SimpleFormatter.format=%4$s %3$s: %5$s%n";
  private static final String PREFIX =
      "WARNING io.edgessl.internal.kernels.KernelSupport: EdgeSSL: native kernels unavailable, using the"
          + " Java kernels: ";

  @BeforeAll
  static void library() {
    NativeTestSupport.assumeLibrary();
  }

  record Out(List<String> stdout, List<String> stderr) {}

  static Out probe(String... jvmArgs) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(jvmArgs));
    cmd.add(ONE_LINE_LOG);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(KernelsProbe.class.getName());
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("probe JVM did not finish");
    }
    assertEquals(0, p.exitValue(), new String(err, StandardCharsets.UTF_8));
    return new Out(lines(out), lines(err));
  }

  private static List<String> lines(byte[] b) {
    String s = new String(b, StandardCharsets.UTF_8).strip();
    return s.isEmpty() ? List.of() : List.of(s.split("\\R"));
  }

  @Test
  void withEverythingInPlaceTheNativeKernelsRunSilently() throws Exception {
    Out o = probe("--enable-native-access=ALL-UNNAMED");
    assertEquals(List.of(NativeKernels.best().name(), NativeKernels.best().name()), o.stdout());
    assertEquals(List.of(), o.stderr());
  }

  @Test
  void missingNativeAccessIsOneLineAndAFallback() throws Exception {
    Out o = probe();
    assertEquals(List.of("java", "java"), o.stdout()); // both domains fall back, one line
    assertEquals(
        List.of(
            PREFIX
                + "native access is not enabled: run java with"
                + " --enable-native-access=ALL-UNNAMED (an executable jar can say"
                + " Enable-Native-Access: ALL-UNNAMED in its manifest)"),
        o.stderr());
  }

  @Test
  void missingLibraryIsOneLineAndAFallback() throws Exception {
    Out o = probe("--enable-native-access=ALL-UNNAMED", "-Dedgessl.native.library=/no/such.so");
    assertEquals(List.of("java", "java"), o.stdout()); // both domains fall back, one line
    assertEquals(
        List.of(PREFIX + "-Dedgessl.native.library=/no/such.so names no file"), o.stderr());
  }

  @Test
  void unsupportedCpuVariantIsOneLineAndAFallback() throws Exception {
    String foreign = NativeLoader.platform().endsWith("aarch64") ? "avx2" : "neon";
    Out o = probe("--enable-native-access=ALL-UNNAMED", "-Dedgessl.native.variant=" + foreign);
    assertEquals(List.of("java", "java"), o.stdout()); // both domains fall back, one line
    assertEquals(
        List.of(
            PREFIX
                + "this CPU cannot run the "
                + foreign
                + " kernels; it runs "
                + NativeKernels.supportedVariants()),
        o.stderr());
  }

  @Test
  void askingForNativeExplicitlyMakesItAnError() throws Exception {
    Out o = probe("-Dedgessl.kernels=native");
    assertEquals(
        List.of(
            "error: -Dedgessl.kernels=native was asked for but cannot run: native access is not"
                + " enabled: run java with --enable-native-access=ALL-UNNAMED (an executable jar"
                + " can say Enable-Native-Access: ALL-UNNAMED in its manifest)"),
        o.stdout());
  }
}
