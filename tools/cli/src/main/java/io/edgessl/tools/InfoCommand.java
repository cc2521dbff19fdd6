package io.edgessl.tools;

import io.edgessl.EdgeSslException;
import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.bundle.Precision;
import io.edgessl.bundle.Provenance;
import io.edgessl.image.Preprocessing;
import io.edgessl.image.ResizePolicy;
import io.edgessl.internal.io.Json;
import io.edgessl.onnx.models.Pooling;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl info BUNDLE}: opens a model bundle, which checks every manifest field and every
 * file's SHA-256, and prints what it holds. A bundle that fails a check is reported as a failure
 * (exit 1) naming the field or file.
 */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = {
      "Show a model bundle's manifest, after checking every field and every file's SHA-256.",
      "Exit 1 when a check fails, naming the field or file."
    })
public final class InfoCommand implements Callable<Integer> {
  @Parameters(paramLabel = "BUNDLE", description = "A bundle directory or .edgessl file.")
  Path bundle;

  @Option(names = "--json", description = "Print the manifest as JSON instead.")
  boolean json;

  @Spec CommandSpec spec;

  /** ": " and what a pooling means, or "" for one these tools do not make (grid:100). */
  private static String describe(String pooling) {
    try {
      return ": " + Pooling.parse(pooling).describe();
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  @Override
  public Integer call() throws EdgeSslException {
    ModelBundle b = ModelBundle.open(bundle);
    Manifest m = b.manifest();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.print(Json.writePretty(m.toJson()));
      out.flush();
      return 0;
    }
    Preprocessing p = m.preprocessing();
    out.printf(
        Locale.ROOT, "bundle        %s (%s)%n", b.path(), b.isArchive() ? "zip" : "directory");
    out.printf(Locale.ROOT, "format        version %d%n", m.formatVersion());
    out.printf(Locale.ROOT, "name          %s%n", m.name());
    out.printf(Locale.ROOT, "architecture  %s%n", m.architecture());
    out.printf(
        Locale.ROOT,
        "input         '%s' [N, %d, %d, %d], %s%n",
        m.inputName(),
        p.channels(),
        p.height(),
        p.width(),
        p.color().name().toLowerCase(Locale.ROOT));
    out.printf(
        Locale.ROOT,
        "resize        %s, %s%n",
        p.resizePolicy() == ResizePolicy.STRETCH
            ? "stretch to " + p.width() + "x" + p.height()
            : "short side to " + p.shortSide() + ", centre crop " + p.width() + "x" + p.height(),
        p.interpolation().name().toLowerCase(Locale.ROOT));
    out.printf(
        Locale.ROOT,
        "normalize     (pixel / 255 - mean) / std, mean %s, std %s%n",
        Arrays.toString(p.mean()),
        Arrays.toString(p.std()));
    out.printf(
        Locale.ROOT,
        "grid          %s %d -> %d x %d cells%n",
        m.patchSize() > 0 ? "patch size" : "feature stride",
        m.gridStride(),
        m.gridHeight(),
        m.gridWidth());
    out.printf(
        Locale.ROOT,
        "outputs       '%s' [N, %d] (embedding), '%s' [N, %d, %d, %d] (patch grid)%n",
        m.embeddingOutput(),
        m.embeddingSize(),
        m.patchGridOutput(),
        m.gridHeight(),
        m.gridWidth(),
        m.patchFeatureSize());
    if (m.embeddingPooling() != null) {
      out.printf(
          Locale.ROOT,
          "embedding     %s%s%n",
          m.embeddingPooling(),
          describe(m.embeddingPooling()));
    }
    StringBuilder prec = new StringBuilder();
    for (Map.Entry<Precision, String> e : m.precisions().entrySet()) {
      prec.append(prec.length() == 0 ? "" : ", ")
          .append(e.getKey().id())
          .append(" ")
          .append(e.getValue());
    }
    out.printf(Locale.ROOT, "precisions    %s%n", prec);
    Provenance pv = m.provenance();
    out.printf(
        Locale.ROOT,
        "provenance    method %s, data %s, %,d steps, commit %s%n",
        pv.method(),
        pv.data(),
        pv.steps(),
        pv.commit());
    out.printf(Locale.ROOT, "files         (SHA-256 verified)%n");
    for (Map.Entry<String, String> f : m.files().entrySet()) {
      out.printf(
          Locale.ROOT,
          "  %-22s %,14d bytes  %s  ok%n",
          f.getKey(),
          b.sizes().get(f.getKey()),
          f.getValue());
    }
    out.flush();
    return 0;
  }
}
