package io.edgessl.tools.bench;

import io.edgessl.EdgeSslException;
import io.edgessl.kernels.JavaKernels;
import io.edgessl.kernels.KernelSupport;
import io.edgessl.spi.Kernels;
import io.edgessl.spi.PackedBank;
import io.edgessl.tools.cli.DatasetOptions;
import io.edgessl.tools.data.LabelledImages;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl bench knn}: exact k-NN search throughput (queries per second against the whole
 * bank, one thread) of the blocked kernels against the naive per-query loop, in the same run, on
 * the same normalized vectors. Also checks that every method returns the same neighbours.
 */
@Command(
    name = "knn",
    mixinStandardHelpOptions = true,
    description = "k-NN search throughput: blocked kernels vs a naive per-query loop, same run.")
public final class BenchKnnCommand implements Callable<Integer> {
  @Mixin DatasetOptions dataset;

  @Option(
      names = "--synthetic",
      paramLabel = "N,D",
      split = ",",
      description =
          "Use N random vectors of dimension D (and random queries) instead of a dataset.")
  int[] synthetic;

  @Option(
      names = "--queries",
      defaultValue = "2000",
      description = "Queries for the blocked kernels. Default: ${DEFAULT-VALUE}.")
  int queries;

  @Option(
      names = "--naive-queries",
      defaultValue = "200",
      description = "Queries for the naive loop (it is slow). Default: ${DEFAULT-VALUE}.")
  int naiveQueries;

  @Option(names = "-k", defaultValue = "20", description = "Neighbours. Default: ${DEFAULT-VALUE}.")
  int k;

  @Option(
      names = "--runs",
      defaultValue = "5",
      description = "Timed runs per method (median reported). Default: ${DEFAULT-VALUE}.")
  int runs;

  @Option(
      names = "--warmup",
      defaultValue = "2",
      description = "Untimed runs first. Default: ${DEFAULT-VALUE}.")
  int warmup;

  @Spec CommandSpec spec;

  /** One measured method. */
  record Row(String method, int queries, double[] seconds) {
    double qps() {
      return queries / Timing.median(seconds);
    }
  }

  @Override
  public Integer call() throws EdgeSslException {
    if (k <= 0 || queries <= 0 || naiveQueries <= 0 || runs <= 0 || warmup < 0) {
      throw new IllegalArgumentException(
          "k, --queries, --naive-queries and --runs must be positive, --warmup not negative");
    }
    float[] rows;
    float[] q;
    int n;
    int dim;
    String source;
    if (synthetic != null) {
      if (synthetic.length != 2 || synthetic[0] <= 0 || synthetic[1] <= 0) {
        throw new IllegalArgumentException("--synthetic takes N,D with both positive");
      }
      n = synthetic[0];
      dim = synthetic[1];
      rows = random(n, dim, 1);
      q = random(queries, dim, 2);
      source = "synthetic gaussian";
    } else {
      LabelledImages train = dataset.train();
      LabelledImages test = dataset.test();
      n = train.count();
      dim = train.height() * train.width();
      rows = pixels(train, n);
      if (queries > test.count()) {
        throw new IllegalArgumentException(
            "--queries " + queries + " exceeds the " + test.count() + " test images");
      }
      q = pixels(test, queries);
      source = train.name();
    }
    int nq = Math.min(naiveQueries, queries);
    float[] packed = new float[PackedBank.length(n, dim)];
    float[] v = new float[dim];
    for (int i = 0; i < n; i++) {
      System.arraycopy(rows, i * dim, v, 0, dim);
      PackedBank.put(packed, i, v, dim);
    }
    int kk = Math.min(k, n);

    List<Row> table = new ArrayList<>();
    float[] naiveScores = new float[nq * kk];
    int[] naiveSlots = new int[nq * kk];
    table.add(
        new Row(
            "naive per-query loop",
            nq,
            Timing.measure(
                "naive loop",
                Math.min(warmup, 1),
                runs,
                () ->
                    JavaKernels.searchRowMajor(
                        rows, n, dim, q, 0, nq, kk, naiveScores, naiveSlots))));

    List<Kernels> kernels = new ArrayList<>(List.of(KernelSupport.java()));
    if (KernelSupport.get() != KernelSupport.java()) {
      kernels.add(KernelSupport.get());
    }
    for (Kernels kern : kernels) {
      float[] s = new float[queries * kk];
      int[] sl = new int[queries * kk];
      table.add(
          new Row(
              kern.name() + " blocked",
              queries,
              Timing.measure(
                  kern.name() + " blocked",
                  warmup,
                  runs,
                  () -> kern.searchPacked(packed, n, dim, q, 0, queries, kk, s, sl))));
      int mismatches = 0;
      for (int i = 0; i < nq * kk; i++) {
        if (sl[i] != naiveSlots[i]) {
          mismatches++;
        }
      }
      if (mismatches > 0) {
        spec.commandLine()
            .getErr()
            .printf(
                Locale.ROOT,
                "warning: %s returned %d of %d neighbours different from the naive loop%n",
                kern.name(),
                mismatches,
                nq * kk);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "k-NN search: bank %,d x %d (%s), k %d, 1 thread, median of %d runs after %d warm-up%n",
        n,
        dim,
        source,
        kk,
        runs,
        warmup);
    out.printf(
        Locale.ROOT,
        "  %-24s %8s %12s %10s %10s%n",
        "method",
        "queries",
        "queries/s",
        "GFLOP/s",
        "vs naive");
    double base = table.get(0).qps();
    for (Row r : table) {
      double gflops = r.qps() * n * dim * 2 / 1e9;
      out.printf(
          Locale.ROOT,
          "  %-24s %8d %12.1f %10.2f %9.2fx%n",
          r.method(),
          r.queries(),
          r.qps(),
          gflops,
          r.qps() / base);
    }
    out.printf(
        Locale.ROOT,
        "  (Java %s, %s, %d processors)%n",
        Runtime.version(),
        System.getProperty("os.arch"),
        Runtime.getRuntime().availableProcessors());
    out.flush();
    return 0;
  }

  private static float[] pixels(LabelledImages d, int count) {
    int dim = d.height() * d.width();
    float[] out = new float[count * dim];
    byte[] px = d.pixels();
    for (int i = 0; i < count; i++) {
      normalizeRow(px, d.offset(i), out, i * dim, dim);
    }
    return out;
  }

  private static void normalizeRow(byte[] px, int from, float[] out, int at, int dim) {
    double ss = 0;
    for (int p = 0; p < dim; p++) {
      float x = (px[from + p] & 0xff) / 255f;
      out[at + p] = x;
      ss += (double) x * x;
    }
    float norm = (float) Math.max(Math.sqrt(ss), 1e-12);
    for (int p = 0; p < dim; p++) {
      out[at + p] /= norm;
    }
  }

  private static float[] random(int count, int dim, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] out = new float[count * dim];
    for (int i = 0; i < count; i++) {
      double ss = 0;
      for (int d = 0; d < dim; d++) {
        float x = (float) r.nextGaussian();
        out[i * dim + d] = x;
        ss += (double) x * x;
      }
      float norm = (float) Math.sqrt(ss);
      for (int d = 0; d < dim; d++) {
        out[i * dim + d] /= norm;
      }
    }
    return out;
  }
}
