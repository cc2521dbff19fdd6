package io.edgessl.benchmarks;

import io.edgessl.nativeaccel.NativeKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where the bank lives, for the same native kernel: Java arrays passed in place as heap segments
 * through critical downcalls ({@code heap}, what {@code KnnIndex} does), or off-heap segments owned
 * by one {@link Arena} for the whole session ({@code arena}, 64-byte aligned). Run with {@code
 * -prof gc} to see the allocation per call ({@code gc.alloc.rate.norm}).
 *
 * <pre>
 * java -jar benchmarks/target/edgessl-benchmarks-*.jar NativeMemoryBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class NativeMemoryBenchmark {
  @Param({"heap", "arena"})
  public String memory;

  @Param({"fp32", "int8"})
  public String precision;

  @Param({"50000"})
  public int count;

  @Param({"384"})
  public int dim;

  @Param({"20"})
  public int k;

  private NativeKernels kernels;
  private Banks banks;
  private float[] scores;
  private int[] slots;
  private Arena arena;
  private MemorySegment bank;
  private MemorySegment bankScales;
  private MemorySegment queries;
  private MemorySegment queryScales;
  private MemorySegment outScores;
  private MemorySegment outSlots;

  @Setup(Level.Trial)
  public void setup() {
    kernels = NativeKernels.best();
    banks = Banks.gaussian(count, dim, Banks.BATCH, 1);
    scores = new float[Banks.BATCH * k];
    slots = new int[Banks.BATCH * k];
    arena = Arena.ofConfined();
    boolean int8 = precision.equals("int8");
    bank = int8 ? copy(banks.int8) : copy(banks.fp32);
    bankScales = copy(banks.scales);
    queries = int8 ? copy(banks.queries8) : copy(banks.queries);
    queryScales = copy(banks.queryScales);
    outScores = arena.allocate(4L * scores.length, 64);
    outSlots = arena.allocate(4L * slots.length, 64);
  }

  @TearDown(Level.Trial)
  public void close() {
    arena.close();
  }

  private MemorySegment copy(float[] a) {
    MemorySegment s = arena.allocate(4L * a.length, 64);
    MemorySegment.copy(a, 0, s, ValueLayout.JAVA_FLOAT, 0, a.length);
    return s;
  }

  private MemorySegment copy(byte[] a) {
    MemorySegment s = arena.allocate(a.length, 64);
    MemorySegment.copy(a, 0, s, ValueLayout.JAVA_BYTE, 0, a.length);
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(Banks.BATCH)
  public int batch() {
    return search(Banks.BATCH);
  }

  @Benchmark
  public int single() {
    return search(1);
  }

  private int search(int n) {
    Banks b = banks;
    boolean heap = memory.equals("heap");
    if (precision.equals("int8")) {
      if (heap) {
        kernels.searchPackedInt8(
            b.int8, b.scales, count, dim, b.queries8, b.queryScales, 0, n, k, scores, slots);
      } else {
        kernels.searchPackedInt8(
            bank, bankScales, count, dim, queries, queryScales, n, k, outScores, outSlots);
      }
    } else if (heap) {
      kernels.searchPacked(b.fp32, count, dim, b.queries, 0, n, k, scores, slots);
    } else {
      kernels.searchPacked(bank, count, dim, queries, n, k, outScores, outSlots);
    }
    return heap ? slots[0] : outSlots.get(ValueLayout.JAVA_INT, 0);
  }
}
