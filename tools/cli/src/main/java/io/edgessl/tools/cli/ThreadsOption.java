package io.edgessl.tools.cli;

import picocli.CommandLine.Option;

/**
 * {@code --threads N}: the worker threads of a command (inference, embedding, search, libtorch).
 * Each command says its default in its own description and reads it with {@link #or(int)}.
 */
public final class ThreadsOption {
  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Worker threads. Default: the command's (see its description).")
  public Integer threads;

  /** The threads given, or {@code fallback}. */
  public int or(int fallback) {
    return threads != null ? threads : fallback;
  }
}
