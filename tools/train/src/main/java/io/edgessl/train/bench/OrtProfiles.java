package io.edgessl.train.bench;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.internal.io.Json;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Summaries of what ONNX Runtime writes under {@code -Dedgessl.ort.dump} ({@link
 * io.edgessl.ort.OrtBackend#DUMP_PROPERTY}): the share of kernel time per operator type, from its
 * profiles, and the operators of its optimized graph (which Q/DQ groups fused into integer
 * kernels).
 */
final class OrtProfiles {
  private OrtProfiles() {}

  private static List<Path> files(Path dir, String part, String suffix) throws EdgeSslException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(
              p -> {
                String n = p.getFileName().toString();
                return n.contains(part) && n.endsWith(suffix);
              })
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot list " + dir + ": " + e, e);
    }
  }

  /** Kernel microseconds per operator type over every profile whose name contains {@code part}. */
  static Map<String, Long> kernelTimes(Path dir, String part) throws EdgeSslException {
    Map<String, Long> t = new TreeMap<>();
    for (Path f : files(dir, part, ".json")) {
      Object doc;
      try {
        doc = Json.parse(Files.readString(f));
      } catch (IOException | Json.ParseException e) {
        throw new EdgeSslException(
            ErrorCode.CORRUPT_FILE, "cannot read profile " + f + ": " + e, e);
      }
      if (!(doc instanceof List<?> events)) {
        continue;
      }
      for (Object o : events) {
        if (o instanceof Map<?, ?> e
            && "Node".equals(e.get("cat"))
            && String.valueOf(e.get("name")).endsWith("_kernel_time")
            && e.get("args") instanceof Map<?, ?> args
            && e.get("dur") instanceof Number dur) {
          t.merge(String.valueOf(args.get("op_name")), dur.longValue(), Long::sum);
        }
      }
    }
    return t;
  }

  /**
   * Operator counts ({@code domain:op}) of the optimized graph whose name contains {@code part}.
   */
  static Map<String, Integer> optimizedOps(Path dir, String part) throws EdgeSslException {
    Map<String, Integer> c = new TreeMap<>();
    List<Path> f = files(dir, part, ".optimized.onnx");
    if (!f.isEmpty()) {
      for (Node n : OnnxGraph.load(f.get(0)).nodes()) {
        String d = n.domain().isEmpty() ? "" : n.domain().replace("com.microsoft", "ms") + ":";
        c.merge(d + n.opType(), 1, Integer::sum);
      }
    }
    return c;
  }

  static void print(
      PrintWriter out, String label, Map<String, Long> times, Map<String, Integer> ops) {
    long total = times.values().stream().mapToLong(Long::longValue).sum();
    List<Map.Entry<String, Long>> top = new ArrayList<>(times.entrySet());
    top.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Long> e : top.subList(0, Math.min(10, top.size()))) {
      sb.append(sb.length() == 0 ? "" : ", ")
          .append(
              String.format(Locale.ROOT, "%s %.1f %%", e.getKey(), 100.0 * e.getValue() / total));
    }
    out.printf(Locale.ROOT, "  %s kernel time: %s%n", label, total == 0 ? "(no profile)" : sb);
    StringBuilder os = new StringBuilder();
    ops.forEach((k, v) -> os.append(os.length() == 0 ? "" : ", ").append(k).append(" ").append(v));
    out.printf(Locale.ROOT, "  %s optimized graph: %s%n", label, ops.isEmpty() ? "(none)" : os);
  }
}
