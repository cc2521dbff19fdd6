package io.edgessl.train.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a run proceeds and is watched: its seed, logging and checkpoint cadence, the online k-NN
 * monitor and the collapse guard.
 *
 * @param seed seed of weights, data order, views and masks
 * @param logEvery log a JSON line every N steps
 * @param checkpointEvery also checkpoint every N steps within an epoch (0: at epoch ends only)
 * @param keepEvery keep a numbered checkpoint copy every N epochs (0: only the latest)
 * @param knnEvery k-NN monitor every N epochs (0: off)
 * @param knnBank k-NN monitor bank: first N labelled training images
 * @param knnQueries k-NN monitor queries: first N held-out images
 * @param knnK k-NN monitor neighbours
 * @param knnT k-NN monitor vote temperature
 * @param collapseStd stop when the embedding's std across the batch, times sqrt(dim), stays below
 * @param collapsePatience consecutive logged steps below {@code collapseStd} before stopping
 */
public record RunConfig(
    long seed,
    int logEvery,
    int checkpointEvery,
    int keepEvery,
    int knnEvery,
    int knnBank,
    int knnQueries,
    int knnK,
    double knnT,
    double collapseStd,
    int collapsePatience) {
  public static final Key<Long> SEED = Key.longValue("seed");
  public static final Key<Integer> LOG_EVERY = Key.integer("log_every");
  public static final Key<Integer> CHECKPOINT_EVERY = Key.integer("checkpoint_every");
  public static final Key<Integer> KEEP_EVERY = Key.integer("keep_every");
  public static final Key<Integer> KNN_EVERY = Key.integer("knn_every");
  public static final Key<Integer> KNN_BANK = Key.integer("knn_bank");
  public static final Key<Integer> KNN_QUERIES = Key.integer("knn_queries");
  public static final Key<Integer> KNN_K = Key.integer("knn_k");
  public static final Key<Double> KNN_T = Key.real("knn_t");
  public static final Key<Double> COLLAPSE_STD = Key.real("collapse_std");
  public static final Key<Integer> COLLAPSE_PATIENCE = Key.integer("collapse_patience");

  /** The keys, in JSON order. */
  public static final List<Key<?>> KEYS =
      List.of(
          SEED,
          LOG_EVERY,
          CHECKPOINT_EVERY,
          KEEP_EVERY,
          KNN_EVERY,
          KNN_BANK,
          KNN_QUERIES,
          KNN_K,
          KNN_T,
          COLLAPSE_STD,
          COLLAPSE_PATIENCE);

  /**
   * The knobs that change only how a run executes, not what it computes: free to change on resume.
   */
  public static final Set<String> RUNTIME =
      Set.of(LOG_EVERY.name(), CHECKPOINT_EVERY.name(), KEEP_EVERY.name());

  /**
   * Defaults: seed 0, a log line every 20 steps, checkpoints at epoch ends, the k-NN monitor every
   * epoch (k 20, T 0.07, bank 10 000, 2 000 queries), collapse below 0.05 for 5 logged steps.
   */
  public static RunConfig resolve(Overrides o) {
    RunConfig r =
        new RunConfig(
            o.get(SEED, 0L),
            o.get(LOG_EVERY, 20),
            o.get(CHECKPOINT_EVERY, 0),
            o.get(KEEP_EVERY, 0),
            o.get(KNN_EVERY, 1),
            o.get(KNN_BANK, 10000),
            o.get(KNN_QUERIES, 2000),
            o.get(KNN_K, 20),
            o.get(KNN_T, 0.07),
            o.get(COLLAPSE_STD, 0.05),
            o.get(COLLAPSE_PATIENCE, 5));
    Checks.positive(LOG_EVERY, r.logEvery);
    Checks.positive(KNN_K, r.knnK);
    Checks.positive(KNN_BANK, r.knnBank);
    Checks.positive(KNN_QUERIES, r.knnQueries);
    Checks.nonNegative(CHECKPOINT_EVERY, r.checkpointEvery);
    Checks.nonNegative(KEEP_EVERY, r.keepEvery);
    Checks.nonNegative(KNN_EVERY, r.knnEvery);
    return r;
  }

  /** Writes the knobs into a flat JSON map. */
  public void toJsonInto(Map<String, Object> m) {
    Object[] v = {
      seed,
      logEvery,
      checkpointEvery,
      keepEvery,
      knnEvery,
      knnBank,
      knnQueries,
      knnK,
      knnT,
      collapseStd,
      collapsePatience
    };
    for (int i = 0; i < v.length; i++) {
      Overrides.put(m, KEYS.get(i), v[i]);
    }
  }
}
