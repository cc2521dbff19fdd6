package io.edgessl.train.bench;

import io.edgessl.internal.kernels.JavaKernels;
import io.edgessl.internal.kernels.KernelSupport;
import io.edgessl.knn.BankPrecision;
import io.edgessl.knn.KnnIndex;
import io.edgessl.knn.Neighbors;
import io.edgessl.nativeaccel.NativeKernels;
import io.edgessl.spi.KnnKernels;
import io.edgessl.spi.PackedBank;
import io.edgessl.train.Progress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Exact and INT8 k-NN search throughput (queries per second against the whole bank, one thread) of
 * every kernels implementation against the naive per-query loop, in the same run, on the same
 * normalized vectors, with the recall@k of each against the exact neighbours.
 */
public final class KnnBench {
  private KnnBench() {}

  /** A method to measure: its body, and where its last run leaves the slots it found. */
  private record Method(
      String name, String kernels, String precision, int queries, Runnable body, int[] found) {}

  /** Measures every method {@code config} names on {@code data}, timed in interleaved rounds. */
  public static KnnBenchResult run(KnnBenchConfig config, KnnBenchData data, Progress progress) {
    int n = data.count();
    int dim = data.dim();
    int queries = config.queries();
    int kk = Math.min(config.k(), n);
    int nq = Math.min(config.naiveQueries(), queries);

    float[] packed = new float[PackedBank.length(n, dim)];
    float[] v = new float[dim];
    for (int i = 0; i < n; i++) {
      System.arraycopy(data.rows(), i * dim, v, 0, dim);
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
                    data.rows(), n, dim, data.queries(), 0, nq, kk, naiveScores, naiveSlots),
            null)); // exact by definition

    // The exact neighbours every other method is compared with: the Java blocked search, which
    // returns the naive loop's scores bit for bit.
    int[] exact = new int[queries * kk];
    JavaKernels.instance()
        .searchPacked(
            packed, n, dim, data.queries(), 0, queries, kk, new float[queries * kk], exact);

    KnnBenchData.Int8 int8 =
        config.precisions().contains("int8") ? KnnBenchData.Int8.of(data) : null;
    String nativeLine;
    List<KnnKernels> kernels = new ArrayList<>();
    if (config.kernels().contains("java")) {
      kernels.add(KernelSupport.javaKnn());
    }
    try {
      List<String> variants = NativeKernels.supportedVariants();
      nativeLine =
          "native kernels: "
              + KernelSupport.knn().name()
              + " selected; variants on this CPU: "
              + String.join(", ", variants)
              + " (library from "
              + NativeKernels.libraryOrigin()
              + ")";
      if (config.kernels().contains("native")) {
        if (config.allVariants()) {
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

    for (KnnKernels kern : kernels) {
      String name = kern.name();
      if (config.precisions().contains("fp32")) {
        float[] s = new float[queries * kk];
        int[] sl = new int[queries * kk];
        methods.add(
            new Method(
                name + " fp32",
                name,
                "fp32",
                queries,
                () -> kern.searchPacked(packed, n, dim, data.queries(), 0, queries, kk, s, sl),
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
                        int8.bank(),
                        int8.scales(),
                        n,
                        dim,
                        int8.queries(),
                        int8.queryScales(),
                        0,
                        queries,
                        kk,
                        s,
                        sl),
                sl));
        int rerank = config.rerank();
        if (rerank > 0) {
          int[] found = new int[queries * kk];
          methods.add(
              new Method(
                  name + " int8+rerank" + rerank + " (index)",
                  name,
                  "int8+rerank" + rerank,
                  queries,
                  rerankBody(kern, data, queries, kk, rerank, found),
                  found));
        }
      }
    }

    List<Runnable> bodies = new ArrayList<>();
    for (Method m : methods) {
      bodies.add(m.body());
    }
    double[][] seconds =
        Timing.interleaved("k-NN search", config.warmup(), config.runs(), bodies, progress);
    boolean blockedIsNaive = true;
    for (int i = 0; i < nq * kk; i++) {
      if (exact[i] != naiveSlots[i]) {
        blockedIsNaive = false;
        break;
      }
    }
    List<KnnBenchResult.Row> table = new ArrayList<>();
    for (int i = 0; i < methods.size(); i++) {
      Method m = methods.get(i);
      double recall = m.found() == null ? 1.0 : recall(m.found(), exact, kk);
      table.add(
          new KnnBenchResult.Row(
              m.name(), m.kernels(), m.precision(), m.queries(), seconds[i], recall));
    }
    return new KnnBenchResult(
        data.source(),
        n,
        dim,
        kk,
        config.runs(),
        config.warmup(),
        table,
        nativeLine,
        blockedIsNaive,
        exact);
  }

  /**
   * An INT8 {@link KnnIndex} that reranks, end to end (normalization, quantization, search, FP32
   * rescoring, result objects); writes the slots it found to {@code slots}.
   */
  private static Runnable rerankBody(
      KnnKernels kern, KnnBenchData data, int queries, int kk, int rerank, int[] slots) {
    int n = data.count();
    int dim = data.dim();
    KnnIndex index =
        KnnIndex.builder(dim).precision(BankPrecision.INT8).rerank(rerank).kernels(kern).build();
    float[][] rows = new float[n][];
    for (int i = 0; i < n; i++) {
      rows[i] = Arrays.copyOfRange(data.rows(), i * dim, (i + 1) * dim);
    }
    index.addAll(Collections.nCopies(n, "x"), rows);
    float[][] q = new float[queries][];
    for (int i = 0; i < queries; i++) {
      q[i] = Arrays.copyOfRange(data.queries(), i * dim, (i + 1) * dim);
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
    Set<Integer> truth = new HashSet<>();
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
}
