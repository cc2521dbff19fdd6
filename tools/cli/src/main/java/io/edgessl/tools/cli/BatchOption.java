package io.edgessl.tools.cli;

import picocli.CommandLine.Option;

/** {@code --batch N}: images per step (an inference, a training step). */
public final class BatchOption {
  @Option(
      names = "--batch",
      paramLabel = "N",
      description = "Images per batch. Default: the command's (see its description).")
  public Integer batch;

  /** The batch given, or {@code fallback}. */
  public int or(int fallback) {
    return batch != null ? batch : fallback;
  }
}
