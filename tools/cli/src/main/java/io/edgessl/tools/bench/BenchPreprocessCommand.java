package io.edgessl.tools.bench;

import io.edgessl.EdgeSslException;
import io.edgessl.image.Interpolation;
import io.edgessl.image.PixelFormat;
import io.edgessl.tools.cli.JsonOutputOption;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.train.bench.PreprocessBench;
import io.edgessl.train.bench.PreprocessBenchConfig;
import io.edgessl.train.bench.PreprocessBenchResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl bench preprocess}: frames per second of preprocessing alone, per pixel format and
 * filter, for each kernels implementation in the same run (interleaved rounds), one thread. The job
 * is DINO's evaluation transform by default: short side to 256, centre crop 224 x 224, RGB planes,
 * ImageNet mean and std: maps its flags onto a {@link PreprocessBenchConfig} and prints each line
 * of {@link PreprocessBench} as it is measured.
 */
@Command(
    name = "preprocess",
    mixinStandardHelpOptions = true,
    description = {
      "Preprocessing throughput per pixel format and filter: the Java and native kernels in the"
          + " same run (interleaved rounds), one thread.",
      "Job: camera frame -> short side --short-side, centre crop --size, RGB planes, ImageNet"
          + " mean/std."
    })
public final class BenchPreprocessCommand implements Callable<Integer> {
  @Option(
      names = "--frame",
      defaultValue = "1280x720",
      paramLabel = "WxH",
      description = "Size of the camera frames. Default: ${DEFAULT-VALUE}.")
  String frame;

  @Option(
      names = "--formats",
      split = ",",
      defaultValue = "rgb,bgr,rgba,bgra,gray,nv12,nv21,yuyv",
      description = "Pixel formats. Default: ${DEFAULT-VALUE}.")
  List<String> formats;

  @Option(
      names = "--filters",
      split = ",",
      defaultValue = "bilinear,bicubic",
      description = "Resampling filters: bilinear, bicubic. Default: ${DEFAULT-VALUE}.")
  List<String> filters;

  @Option(
      names = "--kernels",
      split = ",",
      defaultValue = "java,native",
      description =
          "Kernels: java, native (the fastest native variant). Default: ${DEFAULT-VALUE}.")
  List<String> kernelsOption;

  @Option(
      names = "--size",
      defaultValue = "224",
      description = "Output size (square crop). Default: ${DEFAULT-VALUE}.")
  int size;

  @Option(
      names = "--short-side",
      defaultValue = "256",
      description =
          "Short side the frame is resized to before the crop. Default: ${DEFAULT-VALUE}.")
  int shortSide;

  @Option(
      names = "--frames",
      defaultValue = "20",
      description = "Frames per timed run. Default: ${DEFAULT-VALUE}.")
  int frames;

  @Option(
      names = "--runs",
      defaultValue = "7",
      description = "Timed runs per kernels (median reported). Default: ${DEFAULT-VALUE}.")
  int runs;

  @Option(
      names = "--warmup",
      defaultValue = "3",
      description = "Untimed runs first. Default: ${DEFAULT-VALUE}.")
  int warmup;

  @Mixin JsonOutputOption json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    int[] wh = BenchEncoderCommand.parseSize(frame);
    List<PixelFormat> pfs = new ArrayList<>();
    for (String f : formats) {
      pfs.add(BenchEncoderCommand.parseFormat(f));
    }
    List<Interpolation> interps = new ArrayList<>();
    for (String f : filters) {
      interps.add(parseFilter(f));
    }
    PreprocessBenchConfig config =
        new PreprocessBenchConfig(
            wh[0], wh[1], pfs, interps, kernelsOption, size, shortSide, frames, runs, warmup);
    PrintWriter out = spec.commandLine().getOut();
    PreprocessBenchResult result =
        PreprocessBench.run(
            config,
            TerminalProgress.SINK,
            new PreprocessBench.Listener() {
              @Override
              public void starting(List<String> kernels) {
                PreprocessBenchResult.printHeader(out, config, kernels);
              }

              @Override
              public void measured(PreprocessBenchResult.Line line) {
                line.print(out);
                out.flush();
              }
            });
    result.printFooter(out);
    json.write(result.toJson(), out);
    out.flush();
    return 0;
  }

  static Interpolation parseFilter(String s) {
    try {
      return Interpolation.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown filter '" + s + "'; expected bilinear, bicubic");
    }
  }
}
