package io.edgessl.tools;

import io.edgessl.EdgeSslException;
import io.edgessl.tools.bench.BenchCommand;
import io.edgessl.tools.bundle.BundleCommand;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.tools.eval.EvalCommand;
import io.edgessl.tools.export.ExportCommand;
import io.edgessl.tools.train.TrainCommand;
import io.edgessl.train.TrainingFailedException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code edgessl} command line. Exit codes: 0 success, 1 a runtime failure (a missing or
 * damaged file, a model that fails), 2 a bad argument, 70 an internal error (a bug: the stack trace
 * is printed).
 */
@Command(
    name = "edgessl",
    mixinStandardHelpOptions = true,
    versionProvider = EdgeSsl.Version.class,
    description =
        "Self-supervised vision encoders on edge devices: train, evaluate, export, quantize,"
            + " benchmark, inspect bundles, demo.",
    subcommands = {
      DemoCommand.class,
      TrainCommand.class,
      EvalCommand.class,
      ExportCommand.class,
      io.edgessl.tools.importer.ImportCommand.class,
      io.edgessl.tools.segment.SegmentCommand.class,
      io.edgessl.tools.index.IndexCommand.class,
      io.edgessl.tools.data.DataCommand.class,
      BenchCommand.class,
      InfoCommand.class,
      BundleCommand.class,
      io.edgessl.tools.quantize.QuantizeCommand.class,
      io.edgessl.tools.sign.KeygenCommand.class,
      io.edgessl.tools.sign.SignCommand.class,
      io.edgessl.tools.sign.VerifyCommand.class,
      CommandLine.HelpCommand.class
    })
public final class EdgeSsl implements Runnable {
  /** Exit code of a runtime failure. */
  public static final int EXIT_FAILURE = 1;

  /** Exit code of a bad argument. */
  public static final int EXIT_USAGE = 2;

  /** Exit code of an internal error. */
  public static final int EXIT_BUG = 70;

  @Option(
      names = "--quiet",
      description = "No progress bars.",
      scope = CommandLine.ScopeType.INHERIT)
  void quiet(boolean q) {
    TerminalProgress.setEnabled(!q);
  }

  @Option(
      names = "--verbose",
      description = "Print stack traces of failures.",
      scope = CommandLine.ScopeType.INHERIT)
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code (for tests: never exits the JVM). */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** The configured command line, with error handling; for tests that capture its output. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new EdgeSsl());
    cl.setExecutionExceptionHandler(
        (ex, line, parseResult) -> {
          PrintWriter err = line.getErr();
          boolean verbose = parseResult.hasMatchedOption("--verbose");
          int code;
          if (ex instanceof EdgeSslException || ex instanceof TrainingFailedException) {
            err.println("edgessl: " + ex.getMessage());
            code = EXIT_FAILURE;
          } else if (ex instanceof IllegalArgumentException) {
            err.println("edgessl: " + ex.getMessage());
            code = EXIT_USAGE;
          } else {
            err.println("edgessl: internal error: " + ex);
            ex.printStackTrace(err);
            verbose = false;
            code = EXIT_BUG;
          }
          if (verbose) {
            ex.printStackTrace(err);
          }
          err.flush();
          return code;
        });
    return cl;
  }

  /** Version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = EdgeSsl.class.getPackage().getImplementationVersion();
      return new String[] {
        "edgessl " + (v != null ? v : "(development build)"),
        "Java "
            + Runtime.version()
            + " ("
            + System.getProperty("java.vendor")
            + "), "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.arch"),
      };
    }
  }
}
