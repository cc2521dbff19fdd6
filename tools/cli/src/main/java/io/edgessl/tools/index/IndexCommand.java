package io.edgessl.tools.index;

import picocli.CommandLine.Command;

/** {@code edgessl index}: k-NN banks on disk ({@code .knn} files). */
@Command(
    name = "index",
    description = "Build and inspect k-NN banks (.knn files).",
    mixinStandardHelpOptions = true,
    subcommands = {IndexBuildCommand.class, IndexInfoCommand.class})
public final class IndexCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
