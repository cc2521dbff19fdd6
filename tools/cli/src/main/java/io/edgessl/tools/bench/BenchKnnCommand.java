package io.edgessl.tools.bench;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.tools.cli.DatasetOptions;
import io.edgessl.tools.cli.JsonOutputOption;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.train.bench.KnnBench;
import io.edgessl.train.bench.KnnBenchConfig;
import io.edgessl.train.bench.KnnBenchData;
import io.edgessl.train.bench.KnnBenchResult;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl bench knn}: exact and INT8 k-NN search throughput (queries per second against the
 * whole bank, one thread) of every kernels implementation against the naive per-query loop, in the
 * same run, on the same normalized vectors, with the recall@k of each against the exact neighbours.
 */
@Command(
    name = "knn",
    mixinStandardHelpOptions = true,
    description = {
      "k-NN search throughput and recall: Java and native kernels, FP32 and INT8, against a naive"
          + " per-query loop in the same run (timed in interleaved rounds).",
      "Lists the native kernel variants this CPU runs; --export writes the bank and queries for"
          + " other libraries (native/bench/knn_vs_faiss.py)."
    })
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

  @Option(
      names = "--bank",
      split = ",",
      defaultValue = "fp32,int8",
      description = "Bank precisions to measure: fp32, int8. Default: ${DEFAULT-VALUE}.")
  List<String> precisions;

  @Option(
      names = "--rerank",
      defaultValue = "2",
      description =
          "Also measure an INT8 KnnIndex that rescores the R*k best INT8 candidates in FP32"
              + " (0: don't). Default: ${DEFAULT-VALUE}.")
  int rerank;

  @Option(
      names = "--kernels",
      split = ",",
      defaultValue = "java,native",
      description =
          "Kernels to measure: java, native (the exact neighbours always come from the Java"
              + " kernels, untimed). Default: ${DEFAULT-VALUE}.")
  List<String> kernelsOption;

  @Option(
      names = "--all-variants",
      description = "Measure every native variant this CPU runs, not only the fastest.")
  boolean allVariants;

  @Mixin JsonOutputOption json;

  @Option(
      names = "--export",
      paramLabel = "DIR",
      description =
          "Write the normalized bank, the queries and the exact neighbours to DIR (raw"
              + " little-endian float32 / int32 and meta.json), to run other libraries on them.")
  Path export;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    KnnBenchConfig config =
        new KnnBenchConfig(
            queries, naiveQueries, k, runs, warmup, precisions, rerank, kernelsOption, allVariants);
    json.check();
    if (export != null && !Files.isDirectory(export)) {
      throw new EdgeSslException(
          ErrorCode.FILE_NOT_FOUND, "cannot export to " + export + ": not a directory");
    }
    KnnBenchData data;
    if (synthetic != null) {
      if (synthetic.length != 2) {
        throw new IllegalArgumentException("--synthetic takes N,D with both positive");
      }
      data = KnnBenchData.synthetic(synthetic[0], synthetic[1], queries);
    } else {
      data = KnnBenchData.pixels(dataset.train(), dataset.test(), queries);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    KnnBenchResult result = KnnBench.run(config, data, TerminalProgress.SINK);
    if (!result.blockedIsNaive()) {
      err.printf(Locale.ROOT, "warning: the Java blocked search differs from the naive loop%n");
    }
    result.print(out);
    if (export != null) {
      data.export(export, result.k(), result.exact());
      out.println("bank, queries and exact neighbours written to " + export);
    }
    json.write(result.toJson(), out);
    out.flush();
    err.flush();
    return 0;
  }
}
