package io.edgessl.train.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Reads this JVM's resource use: heap after GC, native memory committed (Native Memory Tracking, if
 * the JVM runs with {@code -XX:NativeMemoryTracking=summary}), resident set size and open file
 * descriptors (Linux {@code /proc/self}), live threads. A value that cannot be read is NaN.
 */
public final class ProcessProbe {
  private static final Pattern NMT_TOTAL =
      Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");
  private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
  private static final double MIB = 1024.0 * 1024.0;

  private ProcessProbe() {}

  /**
   * One reading; memory in MiB, NaN when it could not be read.
   *
   * @param heapMiB heap used after a full GC
   * @param nativeMiB native memory committed, NMT's total
   * @param rssMiB resident set size
   * @param fds open file descriptors
   * @param threads live threads
   */
  public record Reading(
      double heapMiB, double nativeMiB, double rssMiB, double fds, double threads) {
    /** The value of column {@code column} of {@link ProcessProbe#COLUMNS}. */
    public double get(int column) {
      return switch (column) {
        case 0 -> heapMiB;
        case 1 -> nativeMiB;
        case 2 -> rssMiB;
        case 3 -> fds;
        default -> threads;
      };
    }
  }

  /** The names of the quantities, in the order of {@link Reading#get}. */
  public static final List<String> COLUMNS =
      List.of("heap after GC (MiB)", "native, NMT (MiB)", "RSS (MiB)", "open fds", "threads");

  /** Collects garbage (a few times, until the heap stops shrinking) and reads everything. */
  static Reading read() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (now >= used) {
        break;
      }
      used = now;
    }
    return new Reading(
        used / MIB,
        nativeCommittedMiB(),
        rssMiB(),
        openFds(),
        ManagementFactory.getThreadMXBean().getThreadCount());
  }

  /** Whether Native Memory Tracking is on in this JVM. */
  static boolean nmtEnabled() {
    return !Double.isNaN(nativeCommittedMiB());
  }

  /** NMT's total committed memory, through the DiagnosticCommand MBean's vmNativeMemory. */
  static double nativeCommittedMiB() {
    try {
      Object out =
          ManagementFactory.getPlatformMBeanServer()
              .invoke(
                  new ObjectName("com.sun.management:type=DiagnosticCommand"),
                  "vmNativeMemory",
                  new Object[] {new String[] {"summary"}},
                  new String[] {String[].class.getName()});
      Matcher m = NMT_TOTAL.matcher(String.valueOf(out));
      return m.find() ? Long.parseLong(m.group(2)) / 1024.0 : Double.NaN;
    } catch (JMException | RuntimeException e) {
      return Double.NaN;
    }
  }

  static double rssMiB() {
    try {
      Matcher m = RSS.matcher(Files.readString(Path.of("/proc/self/status")));
      return m.find() ? Long.parseLong(m.group(1)) / 1024.0 : Double.NaN;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  static double openFds() {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count() - 1; // less the descriptor this listing holds open
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
