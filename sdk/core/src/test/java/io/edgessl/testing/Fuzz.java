package io.edgessl.testing;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A deterministic, seeded mutation fuzzer for readers: every case takes one valid seed input,
 * applies one to four mutations (bit flips, bytes set to boundary values, truncation, extension,
 * chunk duplication and deletion, 16/32/64-bit length fields set to boundary values in either byte
 * order, ASCII tokens such as {@code -1} or {@code 99999999999} for text formats) and hands the
 * result to the reader.
 *
 * <p>A case fails when the reader throws anything but its documented exception types (an {@link
 * Error} such as {@link OutOfMemoryError} always fails), or allocates more than {@code factor *
 * input + 1 MiB} bytes on the calling thread (measured with {@code
 * com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}). The failing input is written to
 * {@code target/fuzz-failures/NAME-SEED-CASE.bin} and the assertion names the seed and case, so
 * {@link #mutate} with the same seed and case reproduces it.
 *
 * <p>Budget: {@code cases} per reader by default (the CI budget); the system property {@code
 * edgessl.fuzz.seconds} switches to a time budget per reader instead (the long run, {@code
 * scripts/fuzz}); {@code edgessl.fuzz.seed} changes the base seed.
 */
public final class Fuzz {
  /** The limit's slack for a reader's fixed costs (buffers, tables). */
  public static final long SLACK = 1 << 20;

  private static final long DEFAULT_SEED = 0x5EED_2026L;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static final byte[][] TOKENS = {
    "-1".getBytes(StandardCharsets.US_ASCII),
    "0".getBytes(StandardCharsets.US_ASCII),
    "99999999999".getBytes(StandardCharsets.US_ASCII),
    "2147483647".getBytes(StandardCharsets.US_ASCII),
    "1e309".getBytes(StandardCharsets.US_ASCII),
    "NaN".getBytes(StandardCharsets.US_ASCII),
    "null".getBytes(StandardCharsets.US_ASCII),
    "\"".getBytes(StandardCharsets.US_ASCII),
    "{".getBytes(StandardCharsets.US_ASCII),
    "[".getBytes(StandardCharsets.US_ASCII),
    "]".getBytes(StandardCharsets.US_ASCII),
    " ".getBytes(StandardCharsets.US_ASCII),
    "\n".getBytes(StandardCharsets.US_ASCII),
    "\\u0000".getBytes(StandardCharsets.US_ASCII),
  };

  private static final long[] BOUNDARY = {
    0,
    1,
    -1,
    0x7F,
    0x80,
    0xFF,
    0x7FFF,
    0x8000,
    0xFFFF,
    Integer.MAX_VALUE,
    Integer.MIN_VALUE,
    0xFFFF_FFFFL,
    Long.MAX_VALUE,
    Long.MIN_VALUE,
    1 << 20,
    1 << 30
  };

  private Fuzz() {}

  /** A reader under test. */
  @FunctionalInterface
  public interface Target {
    void accept(byte[] input) throws Exception;
  }

  /** Work before a case that is not measured (writing the input to a file, say). */
  @FunctionalInterface
  public interface Prepare {
    void accept(byte[] input) throws IOException;
  }

  /** What a run did. */
  public record Result(String name, int cases, int accepted, int rejected, long maxAllocated) {
    @Override
    public String toString() {
      return String.format(
          "fuzz %s: %d cases, %d accepted, %d rejected with a documented exception, "
              + "max allocation %d bytes",
          name, cases, accepted, rejected, maxAllocated);
    }
  }

  /** One reader's fuzz run. */
  public static final class Run {
    private final String name;
    private final List<byte[]> seeds;
    private int cases = 2000;
    private long factor = 64;
    private Set<Class<? extends Exception>> documented = Set.of();
    private Prepare prepare = in -> {};

    private Run(String name, List<byte[]> seeds) {
      if (seeds.isEmpty()) {
        throw new IllegalArgumentException("no seed inputs for " + name);
      }
      this.name = name;
      this.seeds = List.copyOf(seeds);
    }

    /** Cases for the CI budget (default 2000). */
    public Run cases(int n) {
      this.cases = n;
      return this;
    }

    /** Allowed allocation per input byte (default 64), on top of {@link #SLACK}. */
    public Run allocationFactor(long f) {
      this.factor = f;
      return this;
    }

    /** The exception types the reader documents; anything else fails. */
    @SafeVarargs
    public final Run documented(Class<? extends Exception>... types) {
      this.documented = Set.of(types);
      return this;
    }

    /** Unmeasured work before each case. */
    public Run prepare(Prepare p) {
      this.prepare = p;
      return this;
    }

    /** Runs the cases; throws {@link AssertionError} at the first failing one. */
    public Result run(Target target) {
      long base = Long.getLong("edgessl.fuzz.seed", DEFAULT_SEED) ^ name.hashCode();
      String seconds = System.getProperty("edgessl.fuzz.seconds", "");
      long deadline =
          seconds.isBlank()
              ? Long.MAX_VALUE
              : System.nanoTime() + (long) (Double.parseDouble(seconds) * 1e9);
      int limit = seconds.isBlank() ? cases : Integer.MAX_VALUE;
      int accepted = 0;
      int rejected = 0;
      long maxAlloc = 0;
      int c = 0;
      // The case in progress, in a mapped file that outlives a JVM crash (a native kernel's
      // SIGSEGV): Fuzz.mutate(seeds, base, case) then rebuilds the input.
      java.nio.MappedByteBuffer current = currentCase(name, base);
      for (; c < limit && System.nanoTime() < deadline; c++) {
        current.putInt(0, c);
        byte[] input = mutate(seeds, base, c);
        try {
          prepare.accept(input);
        } catch (IOException e) {
          throw new AssertionError("fuzz " + name + ": cannot prepare case " + c, e);
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        Throwable thrown = null;
        try {
          target.accept(input);
        } catch (Throwable t) {
          thrown = t;
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        maxAlloc = Math.max(maxAlloc, allocated);
        String why = null;
        if (thrown == null) {
          accepted++;
        } else if (thrown instanceof Exception e && documented.contains(e.getClass())) {
          rejected++;
        } else {
          why = "undocumented " + thrown.getClass().getName();
        }
        long allowed = factor * input.length + SLACK;
        if (why == null && allocated > allowed) {
          why = "allocated " + allocated + " bytes for a " + input.length + "-byte input";
        }
        if (why != null) {
          throw failure(name, base, c, input, why, thrown);
        }
      }
      Result r = new Result(name, c, accepted, rejected, maxAlloc);
      System.out.println(r);
      return r;
    }
  }

  private static java.nio.MappedByteBuffer currentCase(String name, long base) {
    Path file = Path.of("target", "fuzz-failures", safe(name) + ".current");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file.resolveSibling(safe(name) + ".seed"), Long.toString(base));
      try (java.nio.channels.FileChannel ch =
          java.nio.channels.FileChannel.open(
              file,
              java.nio.file.StandardOpenOption.CREATE,
              java.nio.file.StandardOpenOption.READ,
              java.nio.file.StandardOpenOption.WRITE)) {
        return ch.map(java.nio.channels.FileChannel.MapMode.READ_WRITE, 0, 4);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** A run of {@code name} over mutations of {@code seeds}. */
  public static Run reader(String name, List<byte[]> seeds) {
    return new Run(name, seeds);
  }

  /** The input of case {@code c} of a run with base seed {@code base}: reproducible. */
  public static byte[] mutate(List<byte[]> seeds, long base, int c) {
    SplittableRandom r = new SplittableRandom(base * 0x9E3779B97F4A7C15L + c);
    byte[] in = seeds.get(r.nextInt(seeds.size())).clone();
    int n = 1 + r.nextInt(4);
    for (int i = 0; i < n; i++) {
      in = mutateOnce(r, in);
    }
    return in;
  }

  private static byte[] mutateOnce(SplittableRandom r, byte[] in) {
    int len = in.length;
    switch (r.nextInt(9)) {
      case 0 -> { // bit flips
        if (len > 0) {
          for (int i = 1 + r.nextInt(3); i > 0; i--) {
            int p = r.nextInt(len);
            in[p] ^= (byte) (1 << r.nextInt(8));
          }
        }
        return in;
      }
      case 1 -> { // a byte set to a boundary value
        if (len > 0) {
          int[] v = {0, 1, 0x7F, 0x80, 0xFF, 0xFE, '0', '9', '-'};
          in[r.nextInt(len)] = (byte) v[r.nextInt(v.length)];
        }
        return in;
      }
      case 2 -> { // truncation
        return Arrays.copyOf(in, len == 0 ? 0 : r.nextInt(len));
      }
      case 3 -> { // extension with zeros or random bytes
        byte[] out = Arrays.copyOf(in, len + 1 + r.nextInt(64));
        if (r.nextBoolean()) {
          for (int i = len; i < out.length; i++) {
            out[i] = (byte) r.nextInt(256);
          }
        }
        return out;
      }
      case 4 -> { // chunk duplication
        if (len == 0) {
          return in;
        }
        int from = r.nextInt(len);
        int size = 1 + r.nextInt(Math.min(256, len - from));
        int at = r.nextInt(len + 1);
        return splice(in, at, 0, Arrays.copyOfRange(in, from, from + size));
      }
      case 5 -> { // chunk deletion
        if (len == 0) {
          return in;
        }
        int from = r.nextInt(len);
        return splice(in, from, 1 + r.nextInt(Math.min(64, len - from)), new byte[0]);
      }
      case 6, 7 -> { // a length field set to a boundary value, either byte order
        int width = new int[] {2, 4, 4, 8}[r.nextInt(4)];
        if (len < width) {
          return in;
        }
        int p = r.nextInt(len - width + 1);
        if (r.nextBoolean()) {
          p -= p % width; // fields are usually aligned
        }
        long v = BOUNDARY[r.nextInt(BOUNDARY.length)];
        if (r.nextInt(4) == 0) {
          v += r.nextInt(-2, 3);
        }
        boolean little = r.nextBoolean();
        for (int i = 0; i < width; i++) {
          int shift = 8 * (little ? i : width - 1 - i);
          in[p + i] = (byte) (v >>> shift);
        }
        return in;
      }
      default -> { // an ASCII token replacing or inserted at a position
        byte[] tok = TOKENS[r.nextInt(TOKENS.length)];
        int at = r.nextInt(len + 1);
        int drop = r.nextBoolean() ? Math.min(len - at, r.nextInt(1, 6)) : 0;
        return splice(in, at, drop, tok);
      }
    }
  }

  private static byte[] splice(byte[] in, int at, int drop, byte[] insert) {
    byte[] out = new byte[in.length - drop + insert.length];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(in, at + drop, out, at + insert.length, in.length - at - drop);
    return out;
  }

  private static AssertionError failure(
      String name, long base, int c, byte[] input, String why, Throwable thrown) {
    Path dir = Path.of("target", "fuzz-failures");
    Path file =
        dir.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + base + "-" + c + ".bin");
    try {
      Files.createDirectories(dir);
      Files.write(file, input);
    } catch (IOException e) {
      file = null;
    }
    StringWriter trace = new StringWriter();
    if (thrown != null) {
      thrown.printStackTrace(new PrintWriter(trace));
    }
    AssertionError e =
        new AssertionError(
            "fuzz "
                + name
                + ": case "
                + c
                + " (base seed "
                + base
                + ", input "
                + (file == null ? "not saved" : file.toAbsolutePath())
                + "): "
                + why
                + (thrown == null ? "" : ": " + thrown + "\n" + trace));
    if (thrown != null) {
      e.initCause(thrown);
    }
    return e;
  }
}
