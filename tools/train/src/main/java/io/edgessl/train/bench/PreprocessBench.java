package io.edgessl.train.bench;

import io.edgessl.EdgeSslException;
import io.edgessl.image.ColorMode;
import io.edgessl.image.Frame;
import io.edgessl.image.Interpolation;
import io.edgessl.image.PixelFormat;
import io.edgessl.image.Preprocessing;
import io.edgessl.image.Preprocessor;
import io.edgessl.spi.ImageKernels;
import io.edgessl.train.Progress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Preprocessing throughput per pixel format and filter, one thread, each kernels implementation in
 * the same run (interleaved rounds): random camera frames in direct buffers into a direct float
 * buffer, as a camera and a backend hold them. {@code native/bench/preprocess_vs_opencv.py} runs
 * OpenCV on the same job beside it.
 */
public final class PreprocessBench {
  /** Told of the run as it goes, e.g. to print each line as soon as it is measured. */
  public interface Listener {
    /** Before the first measurement, with the full names of the kernels compared. */
    default void starting(List<String> kernels) {}

    /** A (format, filter) measured, with every kernels' row. */
    void measured(PreprocessBenchResult.Line line);
  }

  private PreprocessBench() {}

  /**
   * Measures every format and filter of {@code config}.
   *
   * @throws EdgeSslException {@code UNAVAILABLE} when native kernels are asked for and cannot run
   *     here
   */
  public static PreprocessBenchResult run(
      PreprocessBenchConfig config, Progress progress, Listener listener) throws EdgeSslException {
    List<ImageKernels> kernels = BenchKernels.image(config.kernels());
    List<String> names = kernels.stream().map(ImageKernels::name).toList();
    listener.starting(names);
    List<PreprocessBenchResult.Line> lines = new ArrayList<>();
    for (PixelFormat pf : config.formats()) {
      List<Frame> input = List.of(randomFrame(pf, config.width(), config.height()));
      for (Interpolation interp : config.filters()) {
        Preprocessing p =
            Preprocessing.builder(config.size(), config.size())
                .color(ColorMode.RGB)
                .normalize(
                    new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f})
                .resizeShortSide(config.shortSide(), interp)
                .build();
        List<Runnable> bodies = new ArrayList<>();
        for (ImageKernels k : kernels) {
          bodies.add(Throughput.preprocessing(new Preprocessor(p, k), input, config.frames(), 1));
        }
        String filter = interp.name().toLowerCase(Locale.ROOT);
        double[][] secs =
            Timing.interleaved(pf + " " + filter, config.warmup(), config.runs(), bodies, progress);
        List<PreprocessBenchResult.Row> rows = new ArrayList<>();
        for (int i = 0; i < kernels.size(); i++) {
          rows.add(
              new PreprocessBenchResult.Row(
                  pf.name(), filter, names.get(i), secs[i], config.frames()));
        }
        PreprocessBenchResult.Line line = new PreprocessBenchResult.Line(pf, filter, rows);
        lines.add(line);
        listener.measured(line);
      }
    }
    return new PreprocessBenchResult(config, names, lines);
  }

  /** Random pixels in a direct buffer, as a camera delivers them (seeded: every run alike). */
  static Frame randomFrame(PixelFormat pf, int width, int height) {
    byte[] px = new byte[(int) pf.packedSize(width, height)];
    new SplittableRandom(7).nextBytes(px);
    ByteBuffer direct = ByteBuffer.allocateDirect(px.length).put(px).clear();
    return Frame.builder(pf, width, height).pixels(direct).build();
  }
}
