package io.edgessl.tools.cli;

import io.edgessl.EdgeSslException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --json FILE}: also write a command's results as JSON. */
public final class JsonOutputOption {
  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Also write the results as JSON to FILE.")
  public Path file;

  /** Fails before any work when the file is asked for and cannot be created. */
  public void check() throws EdgeSslException {
    if (file != null) {
      OutputFiles.checkWritable(file);
    }
  }

  /** Writes {@code value} when the file is asked for, and says so on {@code out}. */
  public void write(Object value, PrintWriter out) throws EdgeSslException {
    if (file != null) {
      OutputFiles.writeJson(file, value);
      out.println("results written to " + file);
    }
  }
}
