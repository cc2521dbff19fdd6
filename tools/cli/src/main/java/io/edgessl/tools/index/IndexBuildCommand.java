package io.edgessl.tools.index;

import io.edgessl.EdgeSslException;
import io.edgessl.knn.BankPrecision;
import io.edgessl.knn.KnnIndex;
import io.edgessl.tools.cli.DatasetOptions;
import io.edgessl.tools.cli.EncoderOptions;
import io.edgessl.tools.cli.OutputFiles;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.tools.cli.ThreadsOption;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.eval.ImageFeatures;
import io.edgessl.train.eval.KnnEval;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code edgessl index build}: embeds a dataset's training split into a {@code .knn} bank. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description =
        "Embed the training split of a dataset into a k-NN bank file (written atomically)."
            + " --threads: embedding threads; default all processors.")
public final class IndexBuildCommand implements Callable<Integer> {
  @Mixin DatasetOptions dataset;
  @Mixin EncoderOptions encoder;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "FILE",
      description = "The .knn file to write.")
  Path out;

  @Mixin ThreadsOption threads;

  @Option(
      names = "--bank",
      defaultValue = "fp32",
      description =
          "How the bank stores vectors: fp32, or int8 (a quarter of the memory, faster native"
              + " search, approximate similarities). Default: ${DEFAULT-VALUE}.")
  String precision;

  @Option(
      names = "--rerank",
      defaultValue = "0",
      paramLabel = "R",
      description =
          "With --bank int8: also keep the FP32 vectors and rescore the R*k best INT8"
              + " candidates of each search exactly. Default: ${DEFAULT-VALUE} (off).")
  int rerank;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    int n = threads.or(Runtime.getRuntime().availableProcessors());
    if (n <= 0) {
      throw new IllegalArgumentException("--threads must be positive: " + n);
    }
    BankPrecision p =
        switch (precision) {
          case "fp32" -> BankPrecision.FP32;
          case "int8" -> BankPrecision.INT8;
          default ->
              throw new IllegalArgumentException(
                  "unknown bank precision '" + precision + "'; expected fp32 or int8");
        };
    if (rerank != 0 && p != BankPrecision.INT8) {
      throw new IllegalArgumentException("--rerank applies to --bank int8 only");
    }
    KnnIndex.builder(1).rerank(rerank); // checks the factor's range before any work
    OutputFiles.checkWritable(out);
    LabelledImages train = dataset.train();
    long t0 = System.nanoTime();
    KnnIndex index;
    try (ImageFeatures features = encoder.open(train, n)) {
      index = KnnEval.buildIndex(features, train, n, p, rerank, TerminalProgress.SINK);
    }
    index.save(out);
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "wrote %s: %,d vectors of dimension %d, %d labels, %s (%.1f s)%n",
            out,
            index.size(),
            index.dimension(),
            index.labels().size(),
            IndexInfoCommand.precision(index),
            (System.nanoTime() - t0) / 1e9);
    return 0;
  }
}
