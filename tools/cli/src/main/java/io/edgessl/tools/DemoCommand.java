package io.edgessl.tools;

import io.edgessl.EdgeSslException;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.encoder.Encoder;
import io.edgessl.knn.Vote;
import io.edgessl.tools.cli.DatasetOptions;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.eval.EncoderFeatures;
import io.edgessl.train.eval.ImageFeatures;
import io.edgessl.train.eval.KnnEval;
import io.edgessl.train.eval.KnnReport;
import io.edgessl.train.eval.PixelsFeatures;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl demo}: the main job. Runs the k-NN evaluation on Fashion-MNIST with the DINO
 * protocol (k 20, T 0.07) and the lightly/InstDisc variant (k 200, T 0.1): raw pixels, the
 * baseline, then every model bundle given (by default the model trained here without labels, {@link
 * #DEFAULT_MODEL}, when the working directory is a checkout), run by the SDK on ONNX Runtime.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "The main job: k-NN classification of Fashion-MNIST with the available encoders.")
public final class DemoCommand implements Callable<Integer> {
  /** The default Fashion-MNIST model, relative to a checkout's root (see models/README.md). */
  public static final Path DEFAULT_MODEL = Path.of("models/fashion-mnist-resnet-tiny.edgessl");

  @Mixin DatasetOptions dataset;

  @Option(
      names = "--model",
      paramLabel = "BUNDLE",
      split = ",",
      description =
          "Model bundles to evaluate after raw pixels. Default: "
              + "models/fashion-mnist-resnet-tiny.edgessl when it exists here.")
  List<Path> models;

  @Option(names = "--pixels-only", description = "Evaluate raw pixels only (no model).")
  boolean pixelsOnly;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    PrintWriter out = spec.commandLine().getOut();
    LabelledImages train = dataset.train();
    LabelledImages test = dataset.test();
    List<KnnEval.Setting> settings =
        List.of(new KnnEval.Setting(20, 0.07, Vote.DINO), new KnnEval.Setting(200, 0.1, Vote.DINO));
    int threads = Runtime.getRuntime().availableProcessors();
    out.println("== Encoder: raw pixels (the baseline every learned encoder must beat)");
    out.flush();
    try (ImageFeatures pixels = new PixelsFeatures(train.height(), train.width())) {
      KnnEval.Run run = KnnEval.run(pixels, train, test, settings, threads, TerminalProgress.SINK);
      KnnReport.print(out, run, dataset.directory().toString(), true);
    }
    out.flush();
    List<Path> bundles = new ArrayList<>();
    if (models != null) {
      bundles.addAll(models);
    } else if (!pixelsOnly && Files.isRegularFile(DEFAULT_MODEL)) {
      bundles.add(DEFAULT_MODEL);
    }
    for (Path bundle : pixelsOnly ? List.<Path>of() : bundles) {
      out.println();
      // The bundle's default precision: FP32 for the default model, which also carries INT8
      // (0.11 point lower top-1) and FP16 (docs/BENCHMARKS.md).
      Encoder encoder = Encoder.builder(ModelBundle.open(bundle)).maxBatch(64).build();
      out.println(
          "== Encoder: "
              + bundle
              + " (trained without labels; "
              + (encoder.backend().equals("onnxruntime") ? "ONNX Runtime" : encoder.backend())
              + ", "
              + encoder.precision().id().toUpperCase(java.util.Locale.ROOT)
              + ")");
      out.flush();
      try (ImageFeatures features = new EncoderFeatures(encoder)) {
        KnnEval.Run run =
            KnnEval.run(features, train, test, settings, threads, TerminalProgress.SINK);
        KnnReport.print(out, run, dataset.directory().toString(), true);
      }
      out.flush();
    }
    return 0;
  }
}
