package io.edgessl.tools.index;

import io.edgessl.EdgeSslException;
import io.edgessl.knn.KnnIndex;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code edgessl index info FILE}: verifies a bank file (checksum included) and describes it. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = "Check a k-NN bank file (format, checksum) and print its dimension and labels.")
public final class IndexInfoCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "A .knn file.")
  Path file;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    KnnIndex index = KnnIndex.load(file);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "%s: k-NN bank, checksum ok%n", file);
    out.printf(Locale.ROOT, "  vectors    %,d%n", index.size());
    out.printf(Locale.ROOT, "  dimension  %d%n", index.dimension());
    out.printf(Locale.ROOT, "  precision  %s%n", precision(index));
    List<String> labels = index.labels();
    int[] counts = index.labelCounts();
    out.printf(Locale.ROOT, "  labels     %d%n", labels.size());
    for (int i = 0; i < labels.size(); i++) {
      out.printf(Locale.ROOT, "    %-20s %,d%n", labels.get(i), counts[i]);
    }
    out.flush();
    return 0;
  }

  /** "FP32", "INT8" or "INT8, rerank R". */
  static String precision(KnnIndex index) {
    return index.rerank() > 0
        ? index.precision() + ", rerank " + index.rerank()
        : index.precision().toString();
  }
}
