package io.edgessl.tools.export;

import io.edgessl.EdgeSslException;
import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.onnx.models.Pooling;
import io.edgessl.tools.cli.ThreadsOption;
import io.edgessl.train.Trainer;
import io.edgessl.train.export.Exporter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl export}: a training checkpoint's encoder as an FP32 ONNX model bundle, checked
 * against libtorch on the run's training images before anything is written.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Export a training checkpoint's encoder (DINO's teacher, MoCo's momentum encoder, else the"
          + " encoder) as an FP32 ONNX model in a bundle that the SDK loads. The manifest records"
          + " the architecture, input size, normalization, colour mode, outputs and provenance"
          + " (method, data, steps, commit).",
      "Before writing, the export runs the first training images through libtorch and through ONNX"
          + " Runtime and fails, writing nothing, when the embeddings differ by more than"
          + " --tolerance times the largest embedding value.",
      "--threads: libtorch and ONNX Runtime threads; default 1."
    })
public final class ExportCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "CHECKPOINT",
      description = "A checkpoint file, or a run directory (its checkpoint.pt).")
  Path checkpoint;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "BUNDLE",
      description = "Where to write: a .edgessl file (zip), else a new directory.")
  Path out;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "The bundle's name. Default: the output's file name without .edgessl.")
  String name;

  @Option(
      names = "--image-size",
      defaultValue = "0",
      paramLabel = "PIXELS",
      description =
          "Export resolution (square); a ViT's position embeddings are resized for it. Default:"
              + " the training resolution.")
  int imageSize;

  @Option(
      names = "--embedding",
      paramLabel = "POOLING",
      description =
          "The bundle's global embedding, from a ResNet's final feature map [D, h, w]: gap (global"
              + " average, D values), grid:N (adaptive average pooling to N x N cells, flattened"
              + " channel-major, D N^2 values), map (the whole map flattened channel-major, D h w"
              + " values). The patch grid stays the map. A ViT's is its [CLS] token (cls)."
              + " Default: gap for a ResNet, cls for a ViT.")
  String embedding;

  @Option(
      names = "--parity-images",
      defaultValue = "256",
      description = "Training images the parity check runs. Default: ${DEFAULT-VALUE}.")
  int parityImages;

  @Option(
      names = "--tolerance",
      defaultValue = "1e-4",
      description =
          "Largest max |libtorch - ONNX Runtime| allowed, relative to the largest |embedding value|."
              + " Default: ${DEFAULT-VALUE}.")
  double tolerance;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "Where the run's training images are now, when they moved. Default: where it read them.")
  Path data;

  @Mixin ThreadsOption threads;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    Pooling pooling = embedding == null ? null : Pooling.parse(embedding);
    Path file = Files.isDirectory(checkpoint) ? checkpoint.resolve(Trainer.CHECKPOINT) : checkpoint;
    String fileName = out.getFileName() == null ? "" : out.getFileName().toString();
    if (!fileName.endsWith(ModelBundle.EXTENSION) && Files.exists(out)) {
      throw new IllegalArgumentException(
          out + " exists; remove it first, or write a " + ModelBundle.EXTENSION + " file");
    }
    Path parent = out.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new IllegalArgumentException("directory " + parent + " does not exist");
    }
    String bundleName =
        name != null
            ? name
            : fileName.endsWith(ModelBundle.EXTENSION)
                ? fileName.substring(0, fileName.length() - ModelBundle.EXTENSION.length())
                : fileName;
    Exporter.Result r =
        Exporter.export(
            file,
            out,
            new Exporter.Options(
                bundleName, imageSize, parityImages, tolerance, data, threads.or(1), pooling));
    Manifest m = r.manifest();
    PrintWriter w = spec.commandLine().getOut();
    w.printf(
        Locale.ROOT,
        "parity on %d training images: max |libtorch - onnxruntime| %.3g, %.3g of the feature"
            + " scale %.4g (bound %.1e)%n",
        r.parity().images(),
        r.parity().maxAbsDiff(),
        r.parity().relative(),
        r.parity().scale(),
        tolerance);
    w.printf(
        Locale.ROOT,
        "wrote %s: %s, %s, %dx%d %s, embedding %d (%s), patch features %d%n",
        out,
        m.name(),
        m.architecture(),
        m.preprocessing().width(),
        m.preprocessing().height(),
        m.preprocessing().color(),
        m.embeddingSize(),
        m.embeddingPooling(),
        m.patchFeatureSize());
    w.printf(
        Locale.ROOT,
        "  provenance: %s on %s, %d steps, commit %s%n",
        m.provenance().method(),
        m.provenance().data(),
        m.provenance().steps(),
        m.provenance().commit());
    w.flush();
    return 0;
  }
}
