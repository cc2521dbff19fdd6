package io.edgessl.tools.bench;

import io.edgessl.EdgeSslException;
import io.edgessl.image.PixelFormat;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.train.bench.EncoderBench;
import io.edgessl.train.bench.EncoderBenchConfig;
import io.edgessl.train.bench.EncoderBenchResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl bench encoder}: frames per second of preprocessing alone and of preprocessing plus
 * inference, at each batch size and inference thread count, and the share of the end-to-end time
 * that preprocessing takes: maps its flags onto an {@link EncoderBenchConfig} and prints what
 * {@link EncoderBench} measured.
 */
@Command(
    name = "encoder",
    mixinStandardHelpOptions = true,
    description = {
      "Encoder throughput: preprocessing alone vs preprocessing + inference, per batch size and"
          + " thread count, and the preprocessing share of the end-to-end time; --kernels"
          + " java,native compares the preprocessing kernels in the same run.",
      "Default model: ViT-Tiny/16 at 224 x 224 with random weights, generated for the run."
    })
public final class BenchEncoderCommand implements Callable<Integer> {
  @Option(
      names = "--model",
      paramLabel = "BUNDLE",
      description = "Bundle to time. Default: a generated ViT-Tiny/16 (random weights).")
  Path model;

  @Option(
      names = "--frame",
      defaultValue = "640x480",
      paramLabel = "WxH",
      description = "Size of the camera frames fed in. Default: ${DEFAULT-VALUE}.")
  String frame;

  @Option(
      names = "--format",
      defaultValue = "rgb",
      description =
          "Pixel format of the frames: rgb, bgr, rgba, bgra, gray, nv12, nv21, yuyv. Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(
      names = "--batch",
      split = ",",
      defaultValue = "1,8",
      description = "Batch sizes. Default: ${DEFAULT-VALUE}.")
  List<Integer> batches;

  @Option(
      names = "--threads",
      split = ",",
      description = "Inference thread counts. Default: 1 and all processors.")
  List<Integer> threads;

  @Option(
      names = "--frames",
      defaultValue = "32",
      description = "Frames per timed run. Default: ${DEFAULT-VALUE}.")
  int frames;

  @Option(
      names = "--runs",
      defaultValue = "5",
      description = "Timed runs per measurement (median reported). Default: ${DEFAULT-VALUE}.")
  int runs;

  @Option(
      names = "--warmup",
      defaultValue = "2",
      description = "Untimed runs first. Default: ${DEFAULT-VALUE}.")
  int warmup;

  @Option(
      names = "--kernels",
      split = ",",
      paramLabel = "KERNELS",
      description =
          "Preprocessing kernels to compare in the same run, timed in interleaved rounds: java,"
              + " native (the fastest native variant). Default: the kernels this JVM selected.")
  List<String> kernelsOption;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    int[] wh = parseSize(frame);
    EncoderBenchConfig config =
        new EncoderBenchConfig(
            model,
            wh[0],
            wh[1],
            parseFormat(format),
            batches,
            threads,
            frames,
            runs,
            warmup,
            kernelsOption);
    EncoderBenchResult result = EncoderBench.run(config, TerminalProgress.SINK);
    PrintWriter out = spec.commandLine().getOut();
    result.print(out);
    out.flush();
    return 0;
  }

  static int[] parseSize(String s) {
    String[] p = s.toLowerCase(Locale.ROOT).split("x");
    try {
      if (p.length == 2) {
        int w = Integer.parseInt(p[0]);
        int h = Integer.parseInt(p[1]);
        if (w > 0 && h > 0 && (long) w * h <= 1L << 26) {
          return new int[] {w, h};
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--frame takes WIDTHxHEIGHT, e.g. 640x480: " + s);
  }

  static PixelFormat parseFormat(String s) {
    try {
      return PixelFormat.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown pixel format '"
              + s
              + "'; expected rgb, bgr, rgba, bgra, gray, nv12, nv21, yuyv");
    }
  }
}
