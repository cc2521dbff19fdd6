package io.edgessl.tools.data;

import picocli.CommandLine.Command;

/** {@code edgessl data}: make datasets. */
@Command(
    name = "data",
    description = "Make datasets: scenes with exact masks (DAVIS layout).",
    mixinStandardHelpOptions = true,
    subcommands = {DataScenesCommand.class})
public final class DataCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
