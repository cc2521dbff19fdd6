package io.edgessl.tools.bench;

import io.edgessl.EdgeSslException;
import io.edgessl.image.ColorMode;
import io.edgessl.image.Frame;
import io.edgessl.image.Interpolation;
import io.edgessl.image.PixelFormat;
import io.edgessl.image.Preprocessing;
import io.edgessl.image.Preprocessor;
import io.edgessl.spi.ImageKernels;
import io.edgessl.tools.cli.JsonOutputOption;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.train.bench.Timing;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
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
 * ImageNet mean and std, from random camera frames in direct buffers into a direct float buffer.
 * {@code native/bench/preprocess_vs_opencv.py} runs OpenCV on the same job beside it.
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

  /** One measured (format, filter, kernels). */
  record Row(String format, String filter, String kernels, double[] seconds, int frames) {
    double fps() {
      return frames / Timing.median(seconds);
    }
  }

  @Override
  public Integer call() throws EdgeSslException {
    int[] wh = BenchEncoderCommand.parseSize(frame);
    if (frames <= 0 || runs <= 0 || warmup < 0 || size <= 0 || shortSide < size) {
      throw new IllegalArgumentException(
          "--frames, --runs and --size must be positive, --warmup not negative, --short-side at"
              + " least --size");
    }
    List<PixelFormat> pfs = new ArrayList<>();
    for (String f : formats) {
      pfs.add(BenchEncoderCommand.parseFormat(f));
    }
    List<Interpolation> interps = new ArrayList<>();
    for (String f : filters) {
      interps.add(parseFilter(f));
    }
    List<ImageKernels> kernels = BenchKernels.resolve(kernelsOption);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "preprocessing: %dx%d frames (direct buffers) -> short side %d, centre crop %dx%d, RGB"
            + " planes, mean/std; 1 thread, median of %d interleaved runs of %d frames after %d"
            + " warm-up%n",
        wh[0],
        wh[1],
        shortSide,
        size,
        size,
        runs,
        frames,
        warmup);
    out.printf(Locale.ROOT, "  %-6s %-9s", "format", "filter");
    for (ImageKernels k : kernels) {
      out.printf(Locale.ROOT, " %20s", k.name() + " f/s");
    }
    if (kernels.size() > 1) {
      out.printf(Locale.ROOT, " %12s", "ratio");
    }
    out.println();
    List<Row> rows = new ArrayList<>();
    for (PixelFormat pf : pfs) {
      Frame input = randomFrame(pf, wh[0], wh[1]);
      for (Interpolation interp : interps) {
        Preprocessing p =
            Preprocessing.builder(size, size)
                .color(ColorMode.RGB)
                .normalize(
                    new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f})
                .resizeShortSide(shortSide, interp)
                .build();
        List<Runnable> bodies = new ArrayList<>();
        for (ImageKernels k : kernels) {
          Preprocessor pre = new Preprocessor(p, k);
          FloatBuffer buf =
              ByteBuffer.allocateDirect(4 * pre.outputSize())
                  .order(ByteOrder.nativeOrder())
                  .asFloatBuffer();
          bodies.add(
              () -> {
                for (int i = 0; i < frames; i++) {
                  pre.run(input, buf, 0);
                }
              });
        }
        String filter = interp.name().toLowerCase(Locale.ROOT);
        double[][] secs =
            Timing.interleaved(pf + " " + filter, warmup, runs, bodies, TerminalProgress.SINK);
        out.printf(Locale.ROOT, "  %-6s %-9s", pf, filter);
        for (int i = 0; i < kernels.size(); i++) {
          Row r = new Row(pf.name(), filter, kernels.get(i).name(), secs[i], frames);
          rows.add(r);
          out.printf(Locale.ROOT, " %20.1f", r.fps());
        }
        if (kernels.size() > 1) {
          double first = rows.get(rows.size() - kernels.size()).fps();
          out.printf(Locale.ROOT, " %11.2fx", rows.get(rows.size() - 1).fps() / first);
        }
        out.println();
        out.flush();
      }
    }
    if (kernels.size() > 1) {
      out.printf(Locale.ROOT, "  (ratio: last kernels / first, in the same run)%n");
    }
    out.printf(
        Locale.ROOT,
        "  (Java %s, %s, %d processors)%n",
        Runtime.version(),
        System.getProperty("os.arch"),
        Runtime.getRuntime().availableProcessors());
    json.write(toJson(wh, rows), out);
    out.flush();
    return 0;
  }

  /** Random pixels in a direct buffer, as a camera delivers them (seeded: every run alike). */
  static Frame randomFrame(PixelFormat pf, int width, int height) {
    byte[] px = new byte[(int) pf.packedSize(width, height)];
    new SplittableRandom(7).nextBytes(px);
    ByteBuffer direct = ByteBuffer.allocateDirect(px.length).put(px).clear();
    return Frame.builder(pf, width, height).pixels(direct).build();
  }

  static Interpolation parseFilter(String s) {
    try {
      return Interpolation.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown filter '" + s + "'; expected bilinear, bicubic");
    }
  }

  private Map<String, Object> toJson(int[] wh, List<Row> rows) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("width", (long) wh[0]);
    m.put("height", (long) wh[1]);
    m.put("short_side", (long) shortSide);
    m.put("size", (long) size);
    m.put("frames", (long) frames);
    m.put("runs", (long) runs);
    m.put("warmup", (long) warmup);
    m.put("threads", 1L);
    m.put("java", Runtime.version().toString());
    List<Object> list = new ArrayList<>();
    for (Row r : rows) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("format", r.format());
      e.put("filter", r.filter());
      e.put("kernels", r.kernels());
      e.put("frames_per_second", r.fps());
      List<Object> secs = new ArrayList<>();
      for (double s : r.seconds()) {
        secs.add(s / r.frames()); // seconds per frame
      }
      e.put("seconds_per_frame", secs);
      list.add(e);
    }
    m.put("rows", list);
    return m;
  }
}
