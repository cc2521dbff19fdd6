package io.edgessl.tools.eval;

import picocli.CommandLine.Command;

/** {@code edgessl eval}: evaluation protocols. */
@Command(
    name = "eval",
    description =
        "Evaluate an encoder: k-NN classification, linear probe, fine-tuning, segmentation.",
    mixinStandardHelpOptions = true,
    subcommands = {
      KnnEvalCommand.class,
      LinearEvalCommand.class,
      FinetuneCommand.class,
      SegEvalCommand.class
    })
public final class EvalCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
