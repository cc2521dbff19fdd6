package io.edgessl.tools.cli;

import io.edgessl.EdgeSslException;
import io.edgessl.train.data.FashionMnist;
import io.edgessl.train.data.LabelledImages;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options that choose a labelled dataset: {@code --dataset}, {@code --data}, limits. */
public final class DatasetOptions {
  @Option(
      names = "--dataset",
      defaultValue = "fashion-mnist",
      description = "Dataset: fashion-mnist. Default: ${DEFAULT-VALUE}.")
  public String dataset;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "Directory with the dataset's files. Default for fashion-mnist: /usr/share/datasets/fashion-mnist"
              + " (Debian's dataset-fashion-mnist).")
  public Path data;

  @Option(
      names = "--train-limit",
      paramLabel = "N",
      description =
          "Use only the first N training images (quick runs; the reference numbers need all).")
  public Integer trainLimit;

  @Option(
      names = "--test-limit",
      paramLabel = "N",
      description = "Use only the first N test images.")
  public Integer testLimit;

  /** The directory read. */
  public Path directory() {
    if (!"fashion-mnist".equals(dataset)) {
      throw new IllegalArgumentException(
          "unknown dataset '" + dataset + "'; supported: fashion-mnist");
    }
    return data != null ? data : FashionMnist.DEBIAN_DIR;
  }

  /** Loads the training split, limited. */
  public LabelledImages train() throws EdgeSslException {
    return limit(
        FashionMnist.load(directory(), FashionMnist.Split.TRAIN), trainLimit, "--train-limit");
  }

  /** Loads the test split, limited. */
  public LabelledImages test() throws EdgeSslException {
    return limit(
        FashionMnist.load(directory(), FashionMnist.Split.TEST), testLimit, "--test-limit");
  }

  private static LabelledImages limit(LabelledImages d, Integer n, String option) {
    if (n == null) {
      return d;
    }
    if (n <= 0) {
      throw new IllegalArgumentException(option + " must be positive: " + n);
    }
    return d.head(n);
  }
}
