package io.edgessl.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a child JVM (this JVM's {@code java} with the test class path) and kills it with SIGKILL
 * ({@link Process#destroyForcibly} on Linux) at a chosen point: once it has printed {@code after}
 * lines starting with {@code trigger}, plus a delay. Returns every line the child printed, read to
 * the end after its death, so the caller knows exactly what the child committed before the kill.
 */
public final class Kill {
  private Kill() {}

  /** The command line of a child running {@code mainClass} with {@code args}. */
  public static List<String> java(Class<?> mainClass, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A quick start: the children live for a fraction of a second.
    cmd.addAll(
        List.of(
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xshare:auto",
            "-Xmx512m",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            mainClass.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * Starts {@code cmd}, waits until it printed {@code after} lines starting with {@code trigger}
   * (or exited, or {@code timeoutSeconds} passed), sleeps {@code delayNanos}, kills it, and returns
   * all its output lines.
   *
   * @throws AssertionError when the child exits by itself (it printed its error to our stderr)
   */
  public static List<String> run(
      List<String> cmd, String trigger, int after, long delayNanos, int timeoutSeconds)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<String> lines = new ArrayList<>();
    CountDownLatch seen = new CountDownLatch(after);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                  synchronized (lines) {
                    lines.add(l);
                  }
                  if (l.startsWith(trigger)) {
                    seen.countDown();
                  }
                }
              } catch (IOException e) {
                // the pipe closes when the child dies
              }
            },
            "kill-reader");
    reader.setDaemon(true);
    reader.start();
    boolean triggered = seen.await(timeoutSeconds, TimeUnit.SECONDS);
    if (delayNanos > 0) {
      TimeUnit.NANOSECONDS.sleep(delayNanos);
    }
    boolean alive = p.isAlive();
    p.destroyForcibly();
    p.waitFor();
    reader.join(10_000);
    synchronized (lines) {
      if (!alive || !triggered) {
        throw new AssertionError(
            "child "
                + (alive ? "never printed " + after + " '" + trigger + "' lines" : "exited")
                + " (exit "
                + p.exitValue()
                + "): "
                + lines);
      }
      return List.copyOf(lines);
    }
  }

  /** The largest N of the lines {@code "WORD N"}, or -1. */
  public static long last(List<String> lines, String word) {
    long n = -1;
    for (String l : lines) {
      if (l.startsWith(word + " ")) {
        n = Math.max(n, Long.parseLong(l.substring(word.length() + 1).trim()));
      }
    }
    return n;
  }
}
