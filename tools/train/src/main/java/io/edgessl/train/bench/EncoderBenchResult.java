package io.edgessl.train.bench;

import io.edgessl.bundle.Manifest;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * What {@link EncoderBench} measured.
 *
 * @param config what was asked for
 * @param manifest the timed bundle's manifest
 * @param kernels the preprocessing kernels compared, by full name (e.g. {@code native-avx2})
 * @param backend the inference backend and the precision it ran, e.g. {@code onnxruntime fp32}
 * @param rows one per thread count, batch size and kernels, in that order of nesting
 */
public record EncoderBenchResult(
    EncoderBenchConfig config,
    Manifest manifest,
    List<String> kernels,
    String backend,
    List<Row> rows) {

  public EncoderBenchResult {
    kernels = List.copyOf(kernels);
    rows = List.copyOf(rows);
  }

  /**
   * One measurement, in frames per second.
   *
   * @param kernels the preprocessing kernels' name
   * @param threads inference threads
   * @param batch frames per inference
   * @param preprocessFps preprocessing alone, one thread (the same for every thread count and
   *     batch)
   * @param endToEndFps preprocessing plus inference through the encoder
   */
  public record Row(
      String kernels, int threads, int batch, double preprocessFps, double endToEndFps) {
    /** Inference alone: per-frame times subtract. */
    public double inferenceFps() {
      return 1 / (1 / endToEndFps - 1 / preprocessFps);
    }

    /** Share of the end-to-end time that preprocessing takes, 0..1. */
    public double preprocessShare() {
      return endToEndFps / preprocessFps; // (1 / preFps) / (1 / e2eFps)
    }
  }

  /** The header, a line per row and the backend and machine. */
  public void print(PrintWriter out) {
    EncoderBenchConfig c = config;
    out.printf(
        Locale.ROOT,
        "encoder benchmark: %s (%s), %s %dx%d frames -> %s, kernels %s%n",
        manifest.name(),
        manifest.architecture(),
        c.format(),
        c.width(),
        c.height(),
        manifest.preprocessing(),
        String.join(", ", kernels));
    out.printf(
        Locale.ROOT,
        "median of %d runs of %d frames after %d warm-up runs%s; preprocessing on 1 thread%n",
        c.runs(),
        c.frames(),
        c.warmup(),
        kernels.size() > 1 ? ", the kernels interleaved" : "");
    out.printf(
        Locale.ROOT,
        "  %-20s %-7s %5s %16s %18s %14s %16s%n",
        "kernels",
        "threads",
        "batch",
        "preprocess f/s",
        "pre+inference f/s",
        "inference f/s",
        "preprocess share");
    for (Row r : rows) {
      out.printf(
          Locale.ROOT,
          "  %-20s %-7d %5d %16.1f %18.1f %14.1f %15.1f%%%n",
          r.kernels(),
          r.threads(),
          r.batch(),
          r.preprocessFps(),
          r.endToEndFps(),
          r.inferenceFps(),
          100 * r.preprocessShare());
    }
    out.printf(Locale.ROOT, "  (backend %s; %s)%n", backend, Machine.java());
  }
}
