package io.edgessl.tools.bundle;

import io.edgessl.EdgeSslException;
import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.onnx.models.RandomModels;
import io.edgessl.tools.cli.SeedOption;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl bundle random}: writes an encoder with seeded random weights as a model bundle:
 * the test and benchmark models, for trying the SDK end to end before a model is trained.
 */
@Command(
    name = "random",
    mixinStandardHelpOptions = true,
    description = {
      "Write an untrained encoder with seeded random weights as a model bundle (tests, benchmarks,"
          + " trying the SDK). The same seed writes the same bytes (--seed, default 1).",
      "Models: vit-tiny (ViT-Tiny/16, 224 x 224, RGB), vit-test (2 blocks, 32 x 32), conv-test"
          + " (CNN, 24 x 32, BGR), conv-mnist (CNN, 28 x 28 grey), conv-small (CNN, 224 x 224,"
          + " RGB)."
    })
public final class RandomBundleCommand implements Callable<Integer> {
  @Option(
      names = "--model",
      defaultValue = "vit-tiny",
      description =
          "Architecture: vit-tiny, vit-test, conv-test, conv-mnist, conv-small. Default: ${DEFAULT-VALUE}.")
  String model;

  @Mixin SeedOption seed;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "PATH",
      description = "Where to write: a .edgessl file (zip), else a new directory.")
  Path out;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    RandomModels.Preset preset = RandomModels.Preset.parse(model);
    Manifest m = RandomModels.writeBundle(preset, seed.or(1), out);
    PrintWriter w = spec.commandLine().getOut();
    w.printf(Locale.ROOT, "wrote %s: %s, %s%n", out, m.name(), m.architecture());
    for (Map.Entry<String, Long> f : ModelBundle.open(out).sizes().entrySet()) {
      w.printf(
          Locale.ROOT,
          "  %s %,d bytes, sha256 %s%n",
          f.getKey(),
          f.getValue(),
          m.files().get(f.getKey()));
    }
    w.flush();
    return 0;
  }
}
