package io.edgessl.tools.index;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.knn.KnnIndex;
import io.edgessl.tools.cli.DatasetOptions;
import io.edgessl.tools.cli.EncoderOptions;
import io.edgessl.tools.data.LabelledImages;
import io.edgessl.tools.encode.ImageFeatures;
import io.edgessl.tools.eval.KnnEval;
import io.edgessl.tools.eval.KnnEvalCommand;
import java.io.IOException;
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
        "Embed the training split of a dataset into a k-NN bank file (written atomically).")
public final class IndexBuildCommand implements Callable<Integer> {
  @Mixin DatasetOptions dataset;
  @Mixin EncoderOptions encoder;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "FILE",
      description = "The .knn file to write.")
  Path out;

  @Option(names = "--threads", description = "Threads for embedding. Default: all processors.")
  Integer threads;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (n <= 0) {
      throw new IllegalArgumentException("--threads must be positive: " + n);
    }
    KnnEvalCommand.checkWritable(out);
    LabelledImages train = dataset.train();
    long t0 = System.nanoTime();
    KnnIndex index;
    try (ImageFeatures features = encoder.open(train)) {
      index = KnnEval.buildIndex(features, train, n);
    }
    try {
      index.save(out);
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot write " + out + ": " + e.getMessage(), e);
    }
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "wrote %s: %,d vectors of dimension %d, %d labels (%.1f s)%n",
            out,
            index.size(),
            index.dimension(),
            index.labels().size(),
            (System.nanoTime() - t0) / 1e9);
    return 0;
  }
}
