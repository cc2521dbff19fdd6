package io.edgessl.benchmarks;

import io.edgessl.internal.kernels.JavaKernels;
import io.edgessl.nativeaccel.NativeKernels;
import io.edgessl.spi.KnnKernels;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * k-NN search kernels, native against their Java twins, on the same synthetic bank: FP32 ({@code
 * searchPacked}) and INT8 ({@code searchPackedInt8}), a batch of 64 queries and a single query.
 * Scores are queries per second, one thread.
 *
 * <pre>
 * java -jar benchmarks/target/edgessl-benchmarks-*.jar KnnSearchBenchmark
 * java -jar benchmarks/target/edgessl-benchmarks-*.jar KnnSearchBenchmark -p variant=avx2
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
public class KnnSearchBenchmark {
  /** {@code java}, or a native variant ({@code best}: the fastest this CPU runs). */
  @Param({"java", "best"})
  public String variant;

  @Param({"fp32", "int8"})
  public String precision;

  @Param({"50000"})
  public int count;

  @Param({"384"})
  public int dim;

  @Param({"20"})
  public int k;

  private KnnKernels kernels;
  private Banks banks;
  private float[] scores;
  private int[] slots;

  @Setup
  public void setup() {
    kernels =
        switch (variant) {
          case "java" -> JavaKernels.instance();
          case "best" -> NativeKernels.best();
          default -> NativeKernels.of(variant);
        };
    banks = Banks.gaussian(count, dim, Banks.BATCH, 1);
    scores = new float[Banks.BATCH * k];
    slots = new int[Banks.BATCH * k];
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

  private int search(int queries) {
    Banks b = banks;
    if (precision.equals("int8")) {
      kernels.searchPackedInt8(
          b.int8, b.scales, count, dim, b.queries8, b.queryScales, 0, queries, k, scores, slots);
    } else {
      kernels.searchPacked(b.fp32, count, dim, b.queries, 0, queries, k, scores, slots);
    }
    return slots[0];
  }
}
