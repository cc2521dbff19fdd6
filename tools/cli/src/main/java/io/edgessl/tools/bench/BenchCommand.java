package io.edgessl.tools.bench;

import picocli.CommandLine.Command;

/**
 * {@code edgessl bench}: reproducible speed measurements, each against a baseline in the same run.
 */
@Command(
    name = "bench",
    description = "Benchmarks, each reported as a ratio to a baseline measured in the same run.",
    mixinStandardHelpOptions = true,
    subcommands = {
      BenchKnnCommand.class,
      BenchEncoderCommand.class,
      BenchPreprocessCommand.class,
      BenchPrecisionCommand.class,
      BenchTrainCommand.class,
      BenchSoakCommand.class
    })
public final class BenchCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
