package io.edgessl.tools.eval;

import io.edgessl.EdgeSslException;
import io.edgessl.knn.KnnClassifier;
import io.edgessl.knn.KnnIndex;
import io.edgessl.knn.Neighbors;
import io.edgessl.knn.Prediction;
import io.edgessl.knn.Vote;
import io.edgessl.metrics.ClassificationReport;
import io.edgessl.tools.cli.Progress;
import io.edgessl.tools.data.LabelledImages;
import io.edgessl.tools.encode.ImageFeatures;
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
      String kernels,
      int threads,
      double embedSeconds,
      double searchSeconds) {

    /** Embedding throughput over train and test images. */
    public double imagesPerSecond() {
      return (trainCount + testCount) / embedSeconds;
    }

    /** Search throughput: test queries per second against the whole bank. */
    public double queriesPerSecond() {
      return testCount / searchSeconds;
    }
  }

  /** Runs the evaluation with {@code threads} threads (at least one). */
  public static Run run(
      ImageFeatures features,
      LabelledImages train,
      LabelledImages test,
      List<Setting> settings,
      int threads)
      throws EdgeSslException {
    if (settings.isEmpty()) {
      throw new IllegalArgumentException("no k-NN setting to evaluate");
    }
    if (train.count() == 0 || test.count() == 0) {
      throw new IllegalArgumentException(
          "empty split: " + train.count() + " train, " + test.count() + " test");
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      long t0 = System.nanoTime();
      float[][] bank = embedAll(features, train, pool, threads);
      float[][] queries = embedAll(features, test, pool, threads);
      double embedSeconds = (System.nanoTime() - t0) / 1e9;

      KnnIndex index = new KnnIndex(features.dimension(), train.classes());
      List<String> labels = new ArrayList<>(train.count());
      for (int l : train.labels()) {
        labels.add(train.classes().get(l));
      }
      index.addAll(labels, bank);
      bank = null;

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
        reports.add(new ClassificationReport(train.classes()));
      }
      long t1 = System.nanoTime();
      try (Progress p = Progress.start("k-NN search", test.count())) {
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
                ranked[r] = pr.labelIndex(r);
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
          train.count(),
          test.count(),
          index.kernelsName(),
          threads,
          embedSeconds,
          searchSeconds);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Embeds every image of {@code data}, batches spread over the pool. */
  static float[][] embedAll(
      ImageFeatures features, LabelledImages data, ExecutorService pool, int threads)
      throws EdgeSslException {
    float[][] out = new float[data.count()][];
    try (Progress p = Progress.start("embedding " + data.name(), data.count())) {
      List<Future<Void>> futures = new ArrayList<>();
      for (int from = 0; from < data.count(); from += EMBED_BATCH) {
        final int f = from;
        final int n = Math.min(EMBED_BATCH, data.count() - from);
        futures.add(
            pool.submit(
                () -> {
                  float[][] part = new float[n][];
                  features.embed(data, f, n, part);
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
