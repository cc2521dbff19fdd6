package io.edgessl.train.bench;

import io.edgessl.image.PixelFormat;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link PreprocessBench} measured.
 *
 * @param config what was asked for
 * @param kernels the kernels compared, by full name (e.g. {@code native-avx2}), in the order of
 *     every line's rows
 * @param lines one per format and filter, in the order measured
 */
public record PreprocessBenchResult(
    PreprocessBenchConfig config, List<String> kernels, List<Line> lines) {

  public PreprocessBenchResult {
    kernels = List.copyOf(kernels);
    lines = List.copyOf(lines);
  }

  /**
   * One measured (format, filter, kernels).
   *
   * @param format the pixel format's name, e.g. {@code NV12}
   * @param filter the filter, e.g. {@code bilinear}
   * @param kernels the kernels' full name
   * @param seconds seconds per timed run
   * @param frames frames per run
   */
  public record Row(String format, String filter, String kernels, double[] seconds, int frames) {
    /** Frames per second, from the median run. */
    public double fps() {
      return frames / Timing.median(seconds);
    }
  }

  /** The rows of one format and filter, one per kernels in the order compared. */
  public record Line(PixelFormat format, String filter, List<Row> rows) {
    public Line {
      rows = List.copyOf(rows);
    }

    /** The last kernels' frames per second over the first's. */
    public double ratio() {
      return rows.get(rows.size() - 1).fps() / rows.get(0).fps();
    }

    /** The line of the table. */
    public void print(PrintWriter out) {
      out.printf(Locale.ROOT, "  %-6s %-9s", format, filter);
      for (Row r : rows) {
        out.printf(Locale.ROOT, " %20.1f", r.fps());
      }
      if (rows.size() > 1) {
        out.printf(Locale.ROOT, " %11.2fx", ratio());
      }
      out.println();
    }
  }

  /** What is measured, and the table's header, before any line. */
  public static void printHeader(PrintWriter out, PreprocessBenchConfig c, List<String> kernels) {
    out.printf(
        Locale.ROOT,
        "preprocessing: %dx%d frames (direct buffers) -> short side %d, centre crop %dx%d, RGB"
            + " planes, mean/std; 1 thread, median of %d interleaved runs of %d frames after %d"
            + " warm-up%n",
        c.width(),
        c.height(),
        c.shortSide(),
        c.size(),
        c.size(),
        c.runs(),
        c.frames(),
        c.warmup());
    out.printf(Locale.ROOT, "  %-6s %-9s", "format", "filter");
    for (String k : kernels) {
      out.printf(Locale.ROOT, " %20s", k + " f/s");
    }
    if (kernels.size() > 1) {
      out.printf(Locale.ROOT, " %12s", "ratio");
    }
    out.println();
  }

  /** What the ratio means, and the machine, after the lines. */
  public void printFooter(PrintWriter out) {
    if (kernels.size() > 1) {
      out.printf(Locale.ROOT, "  (ratio: last kernels / first, in the same run)%n");
    }
    out.printf(Locale.ROOT, "  (%s)%n", Machine.java());
  }

  /** The JSON report: the settings, then a row per format, filter and kernels. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("width", (long) config.width());
    m.put("height", (long) config.height());
    m.put("short_side", (long) config.shortSide());
    m.put("size", (long) config.size());
    m.put("frames", (long) config.frames());
    m.put("runs", (long) config.runs());
    m.put("warmup", (long) config.warmup());
    m.put("threads", 1L);
    m.put("java", Runtime.version().toString());
    List<Object> list = new ArrayList<>();
    for (Line line : lines) {
      for (Row r : line.rows()) {
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
    }
    m.put("rows", list);
    return m;
  }
}
