package io.edgessl.train.eval;

import io.edgessl.EdgeSslException;
import io.edgessl.knn.BankPrecision;
import io.edgessl.knn.KnnClassifier;
import io.edgessl.knn.KnnIndex;
import io.edgessl.knn.Neighbors;
import io.edgessl.knn.Prediction;
import io.edgessl.knn.Vote;
import io.edgessl.metrics.ClassificationReport;
import io.edgessl.train.Progress;
import io.edgessl.train.data.LabelledImages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * DINO's k-NN evaluation: embed the training set into a bank, embed the test set, classify every
 * test image by the k-NN vote over the bank and count top-1 / top-5. One search with the largest k
 * serves every requested setting.
 */
public final class KnnEval {
  private static final int EMBED_BATCH = 256;
  private static final int INDEX_CHUNK = 32 * EMBED_BATCH;
  private static final int SEARCH_CHUNK = 512;

  private KnnEval() {}

  /** One k-NN setting: neighbours, temperature, vote rule. */
  public record Setting(int k, double temperature, Vote vote) {
    public Setting {
      if (k <= 0) {
        throw new IllegalArgumentException("k must be positive: " + k);
      }
      if (!(temperature > 0)) {
        throw new IllegalArgumentException("temperature must be positive: " + temperature);
      }
    }
  }

  /** The accuracy of one setting. */
  public record Result(Setting setting, ClassificationReport report) {}

  /** A whole evaluation run. */
  public record Run(
      List<Result> results,
      String encoder,
      int dimension,
      int trainCount,
      int testCount,
      int embeddedCount,
      String kernels,
      int threads,
      double embedSeconds,
      double searchSeconds) {

    /** Embedding throughput over the images embedded in this run. */
    public double imagesPerSecond() {
      return embeddedCount / embedSeconds;
    }

    /** Search throughput: test queries per second against the whole bank. */
    public double queriesPerSecond() {
      return testCount / searchSeconds;
    }
  }

  /** Runs the evaluation with {@code threads} threads (at least one): embeds both splits. */
  public static Run run(
      ImageFeatures features,
      LabelledImages train,
      LabelledImages test,
      List<Setting> settings,
      int threads,
      Progress progress)
      throws EdgeSslException {
    if (train.count() == 0) {
      throw new IllegalArgumentException("empty training split");
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      long t0 = System.nanoTime();
      KnnIndex index = buildIndex(features, train, pool, threads, BankPrecision.FP32, 0, progress);
      double embedSeconds = (System.nanoTime() - t0) / 1e9;
      return evaluate(
          features, index, test, settings, threads, pool, embedSeconds, train.count(), progress);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Runs the evaluation against a prebuilt bank (e.g. one loaded from a {@code .knn} file); only
   * the test split is embedded.
   */
  public static Run run(
      ImageFeatures features,
      KnnIndex bank,
      LabelledImages test,
      List<Setting> settings,
      int threads,
      Progress progress)
      throws EdgeSslException {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      return evaluate(features, bank, test, settings, threads, pool, 0, 0, progress);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Embeds every image of {@code data} into a new index labelled with the dataset's classes. */
  public static KnnIndex buildIndex(
      ImageFeatures features, LabelledImages data, int threads, Progress progress)
      throws EdgeSslException {
    return buildIndex(features, data, threads, BankPrecision.FP32, 0, progress);
  }

  /**
   * As {@link #buildIndex(ImageFeatures, LabelledImages, int, Progress)}, with the bank stored in
   * {@code precision} (and an INT8 bank's rerank factor, see {@link KnnIndex.Builder#rerank}).
   */
  public static KnnIndex buildIndex(
      ImageFeatures features,
      LabelledImages data,
      int threads,
      BankPrecision precision,
      int rerank,
      Progress progress)
      throws EdgeSslException {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      return buildIndex(features, data, pool, threads, precision, rerank, progress);
    } finally {
      pool.shutdownNow();
    }
  }

  private static KnnIndex buildIndex(
      ImageFeatures features,
      LabelledImages data,
      ExecutorService pool,
      int threads,
      BankPrecision precision,
      int rerank,
      Progress progress)
      throws EdgeSslException {
    KnnIndex index =
        KnnIndex.builder(features.dimension())
            .labels(data.classes())
            .precision(precision)
            .rerank(rerank)
            .build();
    // Chunk by chunk, in order (ids follow enrollment order, and ties follow ids): the bank is
    // held once, in the index, not also as embeddings (6272-d embeddings of 60k images are 1.5 GB).
    try (Progress.Task p = progress.start("embedding " + data.name(), data.count())) {
      for (int from = 0; from < data.count(); from += INDEX_CHUNK) {
        int n = Math.min(INDEX_CHUNK, data.count() - from);
        float[][] chunk = embedRange(features, data, from, n, pool, p);
        List<String> labels = new ArrayList<>(n);
        for (int i = from; i < from + n; i++) {
          labels.add(data.classes().get(data.labels()[i]));
        }
        index.addAll(labels, chunk);
      }
    }
    return index;
  }

  private static Run evaluate(
      ImageFeatures features,
      KnnIndex index,
      LabelledImages test,
      List<Setting> settings,
      int threads,
      ExecutorService pool,
      double trainEmbedSeconds,
      int trainEmbedded,
      Progress progress)
      throws EdgeSslException {
    if (settings.isEmpty()) {
      throw new IllegalArgumentException("no k-NN setting to evaluate");
    }
    if (test.count() == 0) {
      throw new IllegalArgumentException("empty test split");
    }
    if (index.isEmpty()) {
      throw new IllegalArgumentException("the k-NN bank is empty");
    }
    if (index.dimension() != features.dimension()) {
      throw new IllegalArgumentException(
          "the k-NN bank has dimension "
              + index.dimension()
              + " but encoder "
              + features.name()
              + " embeds "
              + features.dimension());
    }
    long t0 = System.nanoTime();
    float[][] queries = embedAll(features, test, pool, threads, progress);
    double embedSeconds = trainEmbedSeconds + (System.nanoTime() - t0) / 1e9;

    // Report over the dataset's classes plus any other label the bank holds (never right).
    List<String> classes = new ArrayList<>(test.classes());
    List<String> bankLabels = index.labels();
    int[] toReport = new int[bankLabels.size()];
    for (int i = 0; i < bankLabels.size(); i++) {
      int c = classes.indexOf(bankLabels.get(i));
      if (c < 0) {
        c = classes.size();
        classes.add(bankLabels.get(i));
      }
      toReport[i] = c;
    }
    int kmax = settings.stream().mapToInt(Setting::k).max().getAsInt();
    List<KnnClassifier> classifiers = new ArrayList<>();
    List<ClassificationReport> reports = new ArrayList<>();
    for (Setting s : settings) {
      classifiers.add(
          KnnClassifier.builder(index)
              .k(s.k())
              .temperature(s.temperature())
              .vote(s.vote())
              .build());
      reports.add(new ClassificationReport(classes));
    }
    long t1 = System.nanoTime();
    try (Progress.Task p = progress.start("k-NN search", test.count())) {
      for (int from = 0; from < test.count(); from += SEARCH_CHUNK) {
        int n = Math.min(SEARCH_CHUNK, test.count() - from);
        Neighbors[] nn =
            index.search(
                Arrays.copyOfRange(queries, from, from + n), kmax, threads > 1 ? pool : null);
        for (int i = 0; i < n; i++) {
          int truth = test.labels()[from + i];
          for (int c = 0; c < classifiers.size(); c++) {
            Prediction pr = classifiers.get(c).vote(nn[i]);
            int[] ranked = new int[pr.size()];
            for (int r = 0; r < ranked.length; r++) {
              ranked[r] = toReport[pr.labelIndex(r)];
            }
            reports.get(c).add(truth, ranked);
          }
        }
        p.step(n);
      }
    }
    double searchSeconds = (System.nanoTime() - t1) / 1e9;
    List<Result> results = new ArrayList<>();
    for (int c = 0; c < settings.size(); c++) {
      results.add(new Result(settings.get(c), reports.get(c)));
    }
    return new Run(
        results,
        features.name(),
        features.dimension(),
        index.size(),
        test.count(),
        trainEmbedded + test.count(),
        index.kernelsName(),
        threads,
        embedSeconds,
        searchSeconds);
  }

  /** Embeds every image of {@code data}, batches spread over the pool. */
  public static float[][] embedAll(
      ImageFeatures features,
      LabelledImages data,
      ExecutorService pool,
      int threads,
      Progress progress)
      throws EdgeSslException {
    try (Progress.Task p = progress.start("embedding " + data.name(), data.count())) {
      return embedRange(features, data, 0, data.count(), pool, p);
    }
  }

  /** Embeds images {@code [from, from + count)} of {@code data}, batches spread over the pool. */
  private static float[][] embedRange(
      ImageFeatures features,
      LabelledImages data,
      int from,
      int count,
      ExecutorService pool,
      Progress.Task p)
      throws EdgeSslException {
    float[][] out = new float[count][];
    try {
      List<Future<Void>> futures = new ArrayList<>();
      for (int at = 0; at < count; at += EMBED_BATCH) {
        final int f = at;
        final int n = Math.min(EMBED_BATCH, count - at);
        futures.add(
            pool.submit(
                () -> {
                  float[][] part = new float[n][];
                  features.embed(data, from + f, n, part);
                  System.arraycopy(part, 0, out, f, n);
                  p.step(n);
                  return null;
                }));
      }
      for (Future<Void> fu : futures) {
        fu.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while embedding", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof EdgeSslException) {
        throw (EdgeSslException) c;
      }
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      throw new IllegalStateException(c);
    }
    return out;
  }
}
