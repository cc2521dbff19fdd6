package io.edgessl.tools.bench;

import io.edgessl.EdgeSslException;
import io.edgessl.tools.cli.DatasetOptions;
import io.edgessl.tools.cli.JsonOutputOption;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.train.bench.SoakBench;
import io.edgessl.train.bench.SoakConfig;
import io.edgessl.train.bench.SoakResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl bench soak}: frames through encoder and k-NN classifier for a long time, sampling
 * heap, native memory, RSS, file descriptors and threads; exits 1 when a slope breaks its bound.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description = {
      "Pushes Fashion-MNIST test images, in a rotating mix of pixel formats (GRAY, RGB, NV21, GRAY"
          + " in a direct buffer), through Encoder.embed and KnnClassifier.classify, enrolling and"
          + " forgetting periodically; samples heap after GC, native memory (NMT, when the JVM"
          + " runs with -XX:NativeMemoryTracking=summary), RSS, open file descriptors and threads.",
      "Prints the samples and each one's slope per 10 000 frames (least squares after the"
          + " warm-up); exits 1 when a slope exceeds its bound. scripts/soak runs it with NMT on."
    })
public final class BenchSoakCommand implements Callable<Integer> {
  @Mixin DatasetOptions dataset;

  @Option(
      names = "--model",
      defaultValue = "models/fashion-mnist-resnet-tiny.edgessl",
      paramLabel = "BUNDLE",
      description = "The bundle whose encoder embeds the frames. Default: ${DEFAULT-VALUE}.")
  Path model;

  @Option(
      names = "--backend",
      description = "Inference backend, e.g. onnxruntime. Default: the best available.")
  String backend;

  @Option(
      names = "--kernels",
      defaultValue = "native",
      description =
          "SDK kernels for preprocessing and k-NN: native or java. Default: ${DEFAULT-VALUE}.")
  String kernels;

  @Option(
      names = "--frames",
      defaultValue = "100000",
      description = "Frames to push. Default: ${DEFAULT-VALUE}.")
  int frames;

  @Option(
      names = "--sample-every",
      defaultValue = "10000",
      description = "Frames between samples. Default: ${DEFAULT-VALUE}.")
  int sampleEvery;

  @Option(
      names = "--warmup-samples",
      defaultValue = "2",
      description =
          "Samples left out of the slopes (the one before the first frame counts). Default:"
              + " ${DEFAULT-VALUE}.")
  int warmupSamples;

  @Option(
      names = "--bank",
      defaultValue = "1000",
      description = "Examples enrolled first (the first test images). Default: ${DEFAULT-VALUE}.")
  int bank;

  @Option(
      names = "--enroll-every",
      defaultValue = "50",
      description =
          "Frames between enrolling the current frame and forgetting the oldest example; 0: never."
              + " Default: ${DEFAULT-VALUE}.")
  int enrollEvery;

  @Option(
      names = {"-k", "--k"},
      defaultValue = "20",
      description = "Neighbours. Default: ${DEFAULT-VALUE}.")
  int k;

  @Option(
      names = "--max-heap-slope",
      defaultValue = "0.5",
      description = "Bound on the heap slope, MiB per 10 000 frames. Default: ${DEFAULT-VALUE}.")
  double heap;

  @Option(
      names = "--max-native-slope",
      defaultValue = "1.0",
      description =
          "Bound on the NMT committed slope, MiB per 10 000 frames. Default: ${DEFAULT-VALUE}.")
  double nativeMem;

  @Option(
      names = "--max-rss-slope",
      defaultValue = "2.0",
      description = "Bound on the RSS slope, MiB per 10 000 frames. Default: ${DEFAULT-VALUE}.")
  double rss;

  @Option(
      names = "--max-fd-slope",
      defaultValue = "0.1",
      description = "Bound on the open-fd slope per 10 000 frames. Default: ${DEFAULT-VALUE}.")
  double fds;

  @Option(
      names = "--max-thread-slope",
      defaultValue = "0.1",
      description = "Bound on the thread-count slope per 10 000 frames. Default: ${DEFAULT-VALUE}.")
  double threads;

  @Option(names = "--no-bounds", description = "Report the slopes without checking them.")
  boolean noBounds;

  @Mixin JsonOutputOption json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    SoakConfig config =
        new SoakConfig(
            model,
            backend,
            kernels,
            frames,
            sampleEvery,
            warmupSamples,
            bank,
            enrollEvery,
            k,
            noBounds ? null : new SoakConfig.Bounds(heap, nativeMem, rss, fds, threads));
    json.check();
    SoakResult result = SoakBench.run(config, dataset.test(), TerminalProgress.SINK);
    PrintWriter out = spec.commandLine().getOut();
    result.print(out);
    json.write(result.toJson(), out);
    out.flush();
    return result.violations().isEmpty() ? 0 : 1;
  }
}
