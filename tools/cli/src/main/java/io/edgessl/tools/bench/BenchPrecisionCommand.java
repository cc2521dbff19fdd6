package io.edgessl.tools.bench;

import io.edgessl.EdgeSslException;
import io.edgessl.bundle.Precision;
import io.edgessl.tools.cli.BatchOption;
import io.edgessl.tools.cli.DatasetOptions;
import io.edgessl.tools.cli.JsonOutputOption;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.train.bench.PrecisionBench;
import io.edgessl.train.bench.PrecisionBenchConfig;
import io.edgessl.train.bench.PrecisionBenchResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl bench precision}: every precision of a bundle in one run: k-NN top-1 by DINO's
 * protocol, the cosine similarity of its test embeddings to FP32's, and its throughput through the
 * inference backend (ONNX Runtime on the CPU), timed round-robin across the precisions so that the
 * load of a shared machine falls on all of them alike. Prints the table of docs/BENCHMARKS.md.
 */
@Command(
    name = "precision",
    mixinStandardHelpOptions = true,
    description = {
      "FP32 vs FP16 vs INT8 of one bundle, in the same run: k-NN top-1 (DINO protocol), cosine of"
          + " the test embeddings to FP32's, and encoder throughput (preprocessing + inference),"
          + " timed round-robin across precisions; the ratio to FP32 is the result.",
      "Prints the rows of the table in docs/BENCHMARKS.md. --batch: frames per inference in the"
          + " timed runs; default 8."
    })
public final class BenchPrecisionCommand implements Callable<Integer> {
  @Mixin DatasetOptions dataset;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "BUNDLE",
      description = "The bundle (with encoder.fp32.onnx, and the fp16/int8 models to compare).")
  Path model;

  @Option(
      names = "--precisions",
      split = ",",
      description = "Precisions to compare. Default: every one the bundle has.")
  List<String> precisions;

  @Option(
      names = {"-k", "--k"},
      defaultValue = "20",
      description = "Neighbours. Default: ${DEFAULT-VALUE}.")
  int k;

  @Option(
      names = {"-T", "--temperature"},
      defaultValue = "0.07",
      description = "Vote temperature. Default: ${DEFAULT-VALUE}.")
  double temperature;

  @Option(
      names = "--threads",
      split = ",",
      defaultValue = "1",
      description =
          "Inference threads of the timed runs (a list gives one row per count). Default: ${DEFAULT-VALUE}.")
  List<Integer> threads;

  @Mixin BatchOption batch;

  @Option(
      names = "--frames",
      defaultValue = "64",
      description = "Test images per timed run. Default: ${DEFAULT-VALUE}.")
  int frames;

  @Option(
      names = "--runs",
      defaultValue = "7",
      description = "Timed runs per precision (median reported). Default: ${DEFAULT-VALUE}.")
  int runs;

  @Option(
      names = "--warmup",
      defaultValue = "2",
      description = "Untimed runs first. Default: ${DEFAULT-VALUE}.")
  int warmup;

  @Mixin JsonOutputOption json;

  @Option(
      names = "--profile",
      paramLabel = "DIR",
      description =
          "Profile the timed runs with ONNX Runtime and keep its optimized graphs in DIR (created):"
              + " prints each precision's kernel time per operator type and which operators the"
              + " graph fused into. Profiling slows the runs a little.")
  Path profile;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    List<Precision> ps = null;
    if (precisions != null) {
      ps = new ArrayList<>();
      for (String id : precisions) {
        ps.add(Precision.parse(id.trim()));
      }
    }
    PrecisionBenchConfig config =
        new PrecisionBenchConfig(
            model, ps, k, temperature, threads, batch.or(8), frames, runs, warmup, profile);
    json.check();
    PrecisionBenchResult result =
        PrecisionBench.run(config, dataset.train(), dataset.test(), TerminalProgress.SINK);
    PrintWriter out = spec.commandLine().getOut();
    result.print(out, dataset.directory().toString());
    json.write(result.toJson(), out);
    out.flush();
    return 0;
  }
}
