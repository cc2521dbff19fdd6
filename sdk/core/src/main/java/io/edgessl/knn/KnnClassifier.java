package io.edgessl.knn;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;

/**
 * k-NN classification by DINO's protocol (facebookresearch/dino {@code eval_knn.py}): the {@code k}
 * most cosine-similar enrolled embeddings vote for their labels with weight {@code exp(sim / T)};
 * labels are ranked by the sum of their votes. Defaults k = 20, T = 0.07 as in DINO; DINOv2's
 * softmax vote and plain majority are options ({@link Vote}).
 *
 * <p>Few-shot use: enroll a handful of labelled embeddings at run time, then classify.
 *
 * {@snippet :
 * KnnClassifier classifier = KnnClassifier.builder(384).k(5).openSetThreshold(0.6f).build();
 * classifier.enroll("mug", encoder.embed(mugFrame).vector());
 * classifier.enroll("keys", encoder.embed(keysFrame).vector());
 * Prediction p = classifier.classify(encoder.embed(frame).vector());
 * if (!p.rejected()) {
 *   System.out.println(p.label());
 * }
 * }
 *
 * <p>Ties are broken deterministically: neighbours of equal similarity by enrollment order, labels
 * of equal score by their order in the label table. Thread-safe, like the {@link KnnIndex} under
 * it.
 */
public final class KnnClassifier {
  /** DINO's default number of neighbours. */
  public static final int DEFAULT_K = 20;

  /** DINO's default temperature. */
  public static final double DEFAULT_TEMPERATURE = 0.07;

  private final KnnIndex index;
  private final int k;
  private final double temperature;
  private final Vote vote;
  private final float openSetThreshold;

  private KnnClassifier(Builder b) {
    this.index = b.index != null ? b.index : new KnnIndex(b.dim, b.labels);
    this.k = b.k;
    this.temperature = b.temperature;
    this.vote = b.vote;
    this.openSetThreshold = b.openSetThreshold;
  }

  /** A classifier over a new, empty index of dimension {@code dim}. */
  public static Builder builder(int dim) {
    if (dim <= 0) {
      throw new IllegalArgumentException("dimension must be positive: " + dim);
    }
    Builder b = new Builder();
    b.dim = dim;
    return b;
  }

  /** A classifier over an existing index (shared, not copied). */
  public static Builder builder(KnnIndex index) {
    Builder b = new Builder();
    b.index = Objects.requireNonNull(index, "index");
    b.dim = index.dimension();
    return b;
  }

  /** Options of a {@link KnnClassifier}. */
  public static final class Builder {
    private KnnIndex index;
    private int dim;
    private List<String> labels = List.of();
    private int k = DEFAULT_K;
    private double temperature = DEFAULT_TEMPERATURE;
    private Vote vote = Vote.DINO;
    private float openSetThreshold = Float.NEGATIVE_INFINITY;

    private Builder() {}

    /** Number of neighbours that vote (default 20). */
    public Builder k(int k) {
      if (k <= 0) {
        throw new IllegalArgumentException("k must be positive: " + k);
      }
      this.k = k;
      return this;
    }

    /** Temperature T of the vote weights {@code exp(sim / T)} (default 0.07). */
    public Builder temperature(double t) {
      if (!(t > 0) || Double.isInfinite(t)) {
        throw new IllegalArgumentException("temperature must be positive and finite: " + t);
      }
      this.temperature = t;
      return this;
    }

    /** The vote rule (default {@link Vote#DINO}). */
    public Builder vote(Vote vote) {
      this.vote = Objects.requireNonNull(vote, "vote");
      return this;
    }

    /**
     * Open-set rejection: a prediction is {@link Prediction#rejected() rejected} when the nearest
     * neighbour carrying its best label has a cosine similarity below {@code minSimilarity}.
     */
    public Builder openSetThreshold(float minSimilarity) {
      if (!(minSimilarity >= -1f && minSimilarity <= 1f)) {
        throw new IllegalArgumentException(
            "open-set threshold is a cosine similarity in [-1, 1]: " + minSimilarity);
      }
      this.openSetThreshold = minSimilarity;
      return this;
    }

    /** Declares labels up front, fixing their order (ties go to the earlier). New indexes only. */
    public Builder labels(List<String> labels) {
      if (index != null) {
        throw new IllegalStateException("labels are fixed by the existing index");
      }
      this.labels = List.copyOf(labels);
      return this;
    }

    public KnnClassifier build() {
      return new KnnClassifier(this);
    }
  }

  /** The index the classifier votes over. */
  public KnnIndex index() {
    return index;
  }

  public int k() {
    return k;
  }

  public double temperature() {
    return temperature;
  }

  public Vote vote() {
    return vote;
  }

  /** Enrolls a labelled example; returns its id. */
  public long enroll(String label, float[] embedding) {
    return index.add(label, embedding);
  }

  /** Removes one enrolled example. */
  public boolean forget(long id) {
    return index.remove(id);
  }

  /** Removes every example of a label. */
  public int forgetLabel(String label) {
    return index.removeLabel(label);
  }

  /**
   * Classifies one embedding.
   *
   * @throws IllegalStateException if nothing is enrolled
   */
  public Prediction classify(float[] embedding) {
    return classify(new float[][] {embedding}, null)[0];
  }

  /** Classifies a batch with one blocked search. */
  public Prediction[] classify(float[][] embeddings) {
    return classify(embeddings, null);
  }

  /** Classifies a batch, searching chunks in parallel on {@code executor} (may be null). */
  public Prediction[] classify(float[][] embeddings, ExecutorService executor) {
    if (index.isEmpty()) {
      throw new IllegalStateException(
          "the k-NN index is empty: enroll examples before classifying");
    }
    Neighbors[] nn = index.search(embeddings, k, executor);
    Prediction[] out = new Prediction[nn.length];
    List<String> table = index.labels();
    for (int i = 0; i < nn.length; i++) {
      out[i] = vote(nn[i], table);
    }
    return out;
  }

  /**
   * Votes over the first {@code min(k, neighbours)} of {@code neighbors} (searched with at least
   * this classifier's k); lets one search serve classifiers of several k.
   */
  public Prediction vote(Neighbors neighbors) {
    return vote(neighbors, index.labels());
  }

  private Prediction vote(Neighbors nn, List<String> table) {
    int n = Math.min(k, nn.size());
    int labels = table.size();
    double[] score = new double[labels];
    float[] nearest = new float[labels];
    java.util.Arrays.fill(nearest, Float.NEGATIVE_INFINITY);
    // exp((s - s0) / T) = exp(s / T) / exp(s0 / T): DINO's weights up to a common factor, which
    // the shares cancel, without overflow for small T.
    double s0 = n > 0 ? nn.similarity(0) : 0;
    for (int i = 0; i < n; i++) {
      int l = nn.labelIndex(i);
      double w = vote == Vote.MAJORITY ? 1.0 : Math.exp((nn.similarity(i) - s0) / temperature);
      score[l] += w;
      if (nn.similarity(i) > nearest[l]) {
        nearest[l] = nn.similarity(i);
      }
    }
    double total = 0;
    for (double s : score) {
      total += s;
    }
    Integer[] order = new Integer[labels];
    for (int i = 0; i < labels; i++) {
      order[i] = i;
    }
    // Stable sort: equal scores keep table order, as torch's stable descending sort does.
    java.util.Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
    int[] ranked = new int[labels];
    double[] shares = new double[labels];
    for (int r = 0; r < labels; r++) {
      ranked[r] = order[r];
      shares[r] = total > 0 ? score[order[r]] / total : 0;
    }
    float best = nearest[ranked[0]];
    boolean rejected = best < openSetThreshold;
    return new Prediction(table, ranked, shares, best, rejected, nn);
  }
}
