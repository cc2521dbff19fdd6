package io.edgessl.tools.bundle;

import picocli.CommandLine.Command;

/** {@code edgessl bundle}: make model bundles. */
@Command(
    name = "bundle",
    description = "Make model bundles (see also: edgessl info BUNDLE).",
    mixinStandardHelpOptions = true,
    subcommands = {RandomBundleCommand.class})
public final class BundleCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
