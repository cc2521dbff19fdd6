package io.edgessl.tools.bench;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.io.AtomicFiles;
import io.edgessl.io.Json;
import io.edgessl.kernels.JavaKernels;
import io.edgessl.kernels.KernelSupport;
import io.edgessl.knn.BankPrecision;
import io.edgessl.knn.KnnIndex;
import io.edgessl.knn.Neighbors;
import io.edgessl.nativeaccel.NativeKernels;
import io.edgessl.spi.Kernels;
import io.edgessl.spi.PackedBank;
import io.edgessl.spi.PackedInt8Bank;
import io.edgessl.tools.cli.DatasetOptions;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.tools.eval.KnnEvalCommand;
import io.edgessl.train.bench.Timing;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.method.Method;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
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
 * {@code edgessl bench knn}: exact and INT8 k-NN search throughput (queries per second against the
 * whole bank, one thread) of every kernels implementation against the naive per-query loop, in the
 * same run, on the same normalized vectors, with the recall@k of each against the exact neighbours.
 */
@Command(
    name = "knn",
    mixinStandardHelpOptions = true,
    description = {
      "k-NN search throughput and recall: Java and native kernels, FP32 and INT8, against a naive"
          + " per-query loop in the same run (timed in interleaved rounds).",
      "Lists the native kernel variants this CPU runs; --export writes the bank and queries for"
          + " other libraries (native/bench/knn_vs_faiss.py)."
    })
public final class BenchKnnCommand implements Callable<Integer> {
  @Mixin DatasetOptions dataset;

  @Option(
      names = "--synthetic",
      paramLabel = "N,D",
      split = ",",
      description =
          "Use N random vectors of dimension D (and random queries) instead of a dataset.")
  int[] synthetic;

  @Option(
      names = "--queries",
      defaultValue = "2000",
      description = "Queries for the blocked kernels. Default: ${DEFAULT-VALUE}.")
  int queries;

  @Option(
      names = "--naive-queries",
      defaultValue = "200",
      description = "Queries for the naive loop (it is slow). Default: ${DEFAULT-VALUE}.")
  int naiveQueries;

  @Option(names = "-k", defaultValue = "20", description = "Neighbours. Default: ${DEFAULT-VALUE}.")
  int k;

  @Option(
      names = "--runs",
      defaultValue = "5",
      description = "Timed runs per method (median reported). Default: ${DEFAULT-VALUE}.")
  int runs;

  @Option(
      names = "--warmup",
      defaultValue = "2",
      description = "Untimed runs first. Default: ${DEFAULT-VALUE}.")
  int warmup;

  @Option(
      names = "--bank",
      split = ",",
      defaultValue = "fp32,int8",
      description = "Bank precisions to measure: fp32, int8. Default: ${DEFAULT-VALUE}.")
  List<String> precisions;

  @Option(
      names = "--rerank",
      defaultValue = "2",
      description =
          "Also measure an INT8 KnnIndex that rescores the R*k best INT8 candidates in FP32"
              + " (0: don't). Default: ${DEFAULT-VALUE}.")
  int rerank;

  @Option(
      names = "--kernels",
      split = ",",
      defaultValue = "java,native",
      description =
          "Kernels to measure: java, native (the exact neighbours always come from the Java"
              + " kernels, untimed). Default: ${DEFAULT-VALUE}.")
  List<String> kernelsOption;

  @Option(
      names = "--all-variants",
      description = "Measure every native variant this CPU runs, not only the fastest.")
  boolean allVariants;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Also write the results as JSON to FILE.")
  Path json;

  @Option(
      names = "--export",
      paramLabel = "DIR",
      description =
          "Write the normalized bank, the queries and the exact neighbours to DIR (raw"
              + " little-endian float32 / int32 and meta.json), to run other libraries on them.")
  Path export;

  @Spec CommandSpec spec;

  /** A method to measure: its body, and where its last run leaves the slots it found. */
  record Method(
      String name, String kernels, String precision, int queries, Runnable body, int[] found) {}

  /** One measured method. */
  record Row(
      String method,
      String kernels,
      String precision,
      int queries,
      double[] seconds,
      double recall) {
    double qps() {
      return queries / Timing.median(seconds);
    }
  }

  @Override
  public Integer call() throws EdgeSslException {
    if (k <= 0 || queries <= 0 || naiveQueries <= 0 || runs <= 0 || warmup < 0 || rerank < 0) {
      throw new IllegalArgumentException(
          "k, --queries, --naive-queries and --runs must be positive, --warmup and --rerank not"
              + " negative");
    }
    for (String kn : kernelsOption) {
      if (!kn.equals("java") && !kn.equals("native")) {
        throw new IllegalArgumentException("unknown kernels '" + kn + "'; expected java or native");
      }
    }
    for (String p : precisions) {
      if (!p.equals("fp32") && !p.equals("int8")) {
        throw new IllegalArgumentException(
            "unknown bank precision '" + p + "'; expected fp32 or int8");
      }
    }
    if (json != null) {
      KnnEvalCommand.checkWritable(json);
    }
    if (export != null && !Files.isDirectory(export)) {
      throw new EdgeSslException(
          ErrorCode.FILE_NOT_FOUND, "cannot export to " + export + ": not a directory");
    }
    Data data = load();
    int n = data.count;
    int dim = data.dim;
    int kk = Math.min(k, n);
    int nq = Math.min(naiveQueries, queries);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();

    float[] packed = new float[PackedBank.length(n, dim)];
    float[] v = new float[dim];
    for (int i = 0; i < n; i++) {
      System.arraycopy(data.rows, i * dim, v, 0, dim);
      PackedBank.put(packed, i, v, dim);
    }
    // Every method is a body timed in interleaved rounds, and a recall computed afterwards from
    // the slots its last run returned.
    List<Method> methods = new ArrayList<>();
    float[] naiveScores = new float[nq * kk];
    int[] naiveSlots = new int[nq * kk];
    methods.add(
        new Method(
            "naive per-query loop",
            "java",
            "fp32",
            nq,
            () ->
                JavaKernels.searchRowMajor(
                    data.rows, n, dim, data.queries, 0, nq, kk, naiveScores, naiveSlots),
            null)); // exact by definition

    // The exact neighbours every other method is compared with: the Java blocked search, which
    // returns the naive loop's scores bit for bit.
    int[] exact = new int[queries * kk];
    JavaKernels.instance()
        .searchPacked(packed, n, dim, data.queries, 0, queries, kk, new float[queries * kk], exact);

    Int8 int8 = precisions.contains("int8") ? Int8.of(data) : null;
    String nativeLine;
    List<Kernels> kernels = new ArrayList<>();
    if (kernelsOption.contains("java")) {
      kernels.add(KernelSupport.java());
    }
    try {
      List<String> variants = NativeKernels.supportedVariants();
      nativeLine =
          "native kernels: "
              + KernelSupport.get().name()
              + " selected; variants on this CPU: "
              + String.join(", ", variants)
              + " (library from "
              + NativeKernels.libraryOrigin()
              + ")";
      if (kernelsOption.contains("native")) {
        if (allVariants) {
          List<String> fastestFirst = new ArrayList<>(variants);
          Collections.reverse(fastestFirst);
          for (String name : fastestFirst) {
            kernels.add(NativeKernels.of(name));
          }
        } else {
          kernels.add(NativeKernels.best());
        }
      }
    } catch (UnsupportedOperationException e) {
      nativeLine = "native kernels: unavailable (" + e.getMessage() + ")";
    }

    for (Kernels kern : kernels) {
      String name = kern.name();
      if (precisions.contains("fp32")) {
        float[] s = new float[queries * kk];
        int[] sl = new int[queries * kk];
        methods.add(
            new Method(
                name + " fp32",
                name,
                "fp32",
                queries,
                () -> kern.searchPacked(packed, n, dim, data.queries, 0, queries, kk, s, sl),
                sl));
      }
      if (int8 != null) {
        float[] s = new float[queries * kk];
        int[] sl = new int[queries * kk];
        methods.add(
            new Method(
                name + " int8",
                name,
                "int8",
                queries,
                () ->
                    kern.searchPackedInt8(
                        int8.bank,
                        int8.scales,
                        n,
                        dim,
                        int8.queries,
                        int8.queryScales,
                        0,
                        queries,
                        kk,
                        s,
                        sl),
                sl));
        if (rerank > 0) {
          int[] found = new int[queries * kk];
          methods.add(
              new Method(
                  name + " int8+rerank" + rerank + " (index)",
                  name,
                  "int8+rerank" + rerank,
                  queries,
                  rerankBody(kern, data, kk, found),
                  found));
        }
      }
    }

    List<Runnable> bodies = new ArrayList<>();
    for (Method m : methods) {
      bodies.add(m.body());
    }
    double[][] seconds =
        Timing.interleaved("k-NN search", warmup, runs, bodies, TerminalProgress.SINK);
    for (int i = 0; i < nq * kk; i++) {
      if (exact[i] != naiveSlots[i]) {
        err.printf(Locale.ROOT, "warning: the Java blocked search differs from the naive loop%n");
        break;
      }
    }
    List<Row> table = new ArrayList<>();
    for (int i = 0; i < methods.size(); i++) {
      Method m = methods.get(i);
      double recall = m.found() == null ? 1.0 : recall(m.found(), exact, kk);
      table.add(new Row(m.name(), m.kernels(), m.precision(), m.queries(), seconds[i], recall));
    }

    print(out, data, kk, table, nativeLine);
    if (export != null) {
      exportTo(export, data, kk, exact);
      out.println("bank, queries and exact neighbours written to " + export);
    }
    if (json != null) {
      writeJson(json, data, kk, table, nativeLine);
      out.println("results written to " + json);
    }
    out.flush();
    err.flush();
    return 0;
  }

  /**
   * An INT8 {@link KnnIndex} that reranks, end to end (normalization, quantization, search, FP32
   * rescoring, result objects); writes the slots it found to {@code slots}.
   */
  private Runnable rerankBody(Kernels kern, Data data, int kk, int[] slots) {
    int n = data.count;
    int dim = data.dim;
    KnnIndex index =
        KnnIndex.builder(dim).precision(BankPrecision.INT8).rerank(rerank).kernels(kern).build();
    float[][] rows = new float[n][];
    for (int i = 0; i < n; i++) {
      rows[i] = java.util.Arrays.copyOfRange(data.rows, i * dim, (i + 1) * dim);
    }
    index.addAll(Collections.nCopies(n, "x"), rows);
    float[][] q = new float[queries][];
    for (int i = 0; i < queries; i++) {
      q[i] = java.util.Arrays.copyOfRange(data.queries, i * dim, (i + 1) * dim);
    }
    return () -> {
      Neighbors[] result = index.search(q, kk);
      for (int i = 0; i < queries; i++) {
        for (int j = 0; j < kk; j++) {
          slots[i * kk + j] = (int) result[i].id(j); // ids are slots: nothing was removed
        }
      }
    };
  }

  /** Mean fraction of each query's exact k neighbours that a method found. */
  static double recall(int[] found, int[] exact, int k) {
    int queries = exact.length / k;
    long hits = 0;
    java.util.Set<Integer> truth = new java.util.HashSet<>();
    for (int q = 0; q < queries; q++) {
      truth.clear();
      for (int j = 0; j < k; j++) {
        truth.add(exact[q * k + j]);
      }
      for (int j = 0; j < k; j++) {
        if (truth.contains(found[q * k + j])) {
          hits++;
        }
      }
    }
    return (double) hits / ((long) queries * k);
  }

  private void print(PrintWriter out, Data data, int kk, List<Row> table, String nativeLine) {
    out.printf(
        Locale.ROOT,
        "k-NN search: bank %,d x %d (%s), k %d, 1 thread, median of %d interleaved runs after %d"
            + " warm-up%n",
        data.count,
        data.dim,
        data.source,
        kk,
        runs,
        warmup);
    out.printf(
        Locale.ROOT,
        "  %-44s %8s %12s %9s %10s %10s%n",
        "method",
        "queries",
        "queries/s",
        "GOP/s",
        "vs naive",
        "recall@" + kk);
    double base = table.get(0).qps();
    for (Row r : table) {
      out.printf(
          Locale.ROOT,
          "  %-44s %8d %12.1f %9.2f %9.2fx %10.4f%n",
          r.method(),
          r.queries(),
          r.qps(),
          r.qps() * data.count * data.dim * 2 / 1e9,
          r.qps() / base,
          r.recall());
    }
    out.printf(
        Locale.ROOT, "  (GOP/s: 2 x bank size x dimension per query, whatever the precision)%n");
    out.printf(Locale.ROOT, "  %s%n", nativeLine);
    out.printf(
        Locale.ROOT,
        "  (Java %s, %s, %d processors)%n",
        Runtime.version(),
        System.getProperty("os.arch"),
        Runtime.getRuntime().availableProcessors());
  }

  private void writeJson(Path file, Data data, int kk, List<Row> table, String nativeLine)
      throws EdgeSslException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bank", data.source);
    m.put("count", (long) data.count);
    m.put("dimension", (long) data.dim);
    m.put("k", (long) kk);
    m.put("runs", (long) runs);
    m.put("warmup", (long) warmup);
    m.put("threads", 1L);
    m.put("java", Runtime.version().toString());
    m.put("native", nativeLine);
    List<Object> rows = new ArrayList<>();
    for (Row r : table) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("method", r.method());
      e.put("kernels", r.kernels());
      e.put("precision", r.precision());
      e.put("queries", (long) r.queries());
      e.put("queries_per_second", r.qps());
      e.put("recall", r.recall());
      List<Object> secs = new ArrayList<>();
      for (double s : r.seconds()) {
        secs.add(s);
      }
      e.put("seconds", secs);
      rows.add(e);
    }
    m.put("rows", rows);
    write(file, Json.writePretty(m).getBytes(StandardCharsets.UTF_8));
  }

  /** bank.f32, queries.f32 (row-major float32), exact.i32 (queries x k int32), meta.json. */
  private void exportTo(Path dir, Data data, int kk, int[] exact) throws EdgeSslException {
    writeFloats(dir.resolve("bank.f32"), data.rows);
    writeFloats(dir.resolve("queries.f32"), data.queries);
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(4 * exact.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(exact);
    write(dir.resolve("exact.i32"), b.array());
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("source", data.source);
    meta.put("count", (long) data.count);
    meta.put("dimension", (long) data.dim);
    meta.put("queries", (long) queries);
    meta.put("k", (long) kk);
    meta.put("normalized", true);
    write(dir.resolve("meta.json"), Json.writePretty(meta).getBytes(StandardCharsets.UTF_8));
  }

  private static void writeFloats(Path file, float[] values) throws EdgeSslException {
    try {
      AtomicFiles.write(
          file,
          ch -> {
            java.nio.ByteBuffer buf =
                java.nio.ByteBuffer.allocate(1 << 20).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < values.length; ) {
              buf.clear();
              int m = Math.min(values.length - i, buf.capacity() / 4);
              buf.asFloatBuffer().put(values, i, m);
              buf.limit(4 * m);
              while (buf.hasRemaining()) {
                ch.write(buf);
              }
              i += m;
            }
          });
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void write(Path file, byte[] bytes) throws EdgeSslException {
    try {
      AtomicFiles.write(file, bytes);
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Normalized bank rows and queries, row-major. */
  record Data(float[] rows, float[] queries, int count, int dim, String source) {}

  private Data load() throws EdgeSslException {
    if (synthetic != null) {
      if (synthetic.length != 2 || synthetic[0] <= 0 || synthetic[1] <= 0) {
        throw new IllegalArgumentException("--synthetic takes N,D with both positive");
      }
      int n = synthetic[0];
      int dim = synthetic[1];
      return new Data(random(n, dim, 1), random(queries, dim, 2), n, dim, "synthetic gaussian");
    }
    LabelledImages train = dataset.train();
    LabelledImages test = dataset.test();
    int n = train.count();
    int dim = train.height() * train.width();
    if (queries > test.count()) {
      throw new IllegalArgumentException(
          "--queries " + queries + " exceeds the " + test.count() + " test images");
    }
    return new Data(pixels(train, n), pixels(test, queries), n, dim, train.name());
  }

  /** The bank and queries quantized once, outside the timed runs. */
  record Int8(byte[] bank, float[] scales, byte[] queries, float[] queryScales) {
    static Int8 of(Data d) {
      int pdim = PackedInt8Bank.paddedDim(d.dim);
      byte[] bank = new byte[PackedInt8Bank.length(d.count, d.dim)];
      float[] scales = new float[d.count];
      byte[] c = new byte[d.dim];
      for (int i = 0; i < d.count; i++) {
        scales[i] = PackedInt8Bank.quantize(d.rows, i * d.dim, d.dim, c, 0);
        PackedInt8Bank.put(bank, i, c, 0, d.dim);
      }
      int nq = d.queries.length / d.dim;
      byte[] q = new byte[nq * pdim];
      float[] qs = new float[nq];
      for (int i = 0; i < nq; i++) {
        qs[i] = PackedInt8Bank.quantize(d.queries, i * d.dim, d.dim, q, i * pdim);
      }
      return new Int8(bank, scales, q, qs);
    }
  }

  private static float[] pixels(LabelledImages d, int count) {
    int dim = d.height() * d.width();
    float[] out = new float[count * dim];
    byte[] px = d.pixels();
    for (int i = 0; i < count; i++) {
      normalizeRow(px, d.offset(i), out, i * dim, dim);
    }
    return out;
  }

  private static void normalizeRow(byte[] px, int from, float[] out, int at, int dim) {
    double ss = 0;
    for (int p = 0; p < dim; p++) {
      float x = (px[from + p] & 0xff) / 255f;
      out[at + p] = x;
      ss += (double) x * x;
    }
    float norm = (float) Math.max(Math.sqrt(ss), 1e-12);
    for (int p = 0; p < dim; p++) {
      out[at + p] /= norm;
    }
  }

  private static float[] random(int count, int dim, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] out = new float[count * dim];
    for (int i = 0; i < count; i++) {
      double ss = 0;
      for (int d = 0; d < dim; d++) {
        float x = (float) r.nextGaussian();
        out[i * dim + d] = x;
        ss += (double) x * x;
      }
      float norm = (float) Math.sqrt(ss);
      for (int d = 0; d < dim; d++) {
        out[i * dim + d] /= norm;
      }
    }
    return out;
  }
}
