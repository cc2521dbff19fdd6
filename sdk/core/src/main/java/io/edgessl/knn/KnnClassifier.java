package io.edgessl.knn;

import io.edgessl.EdgeSslException;
import io.edgessl.encoder.Embedding;
import java.nio.file.Path;
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
 * KnnClassifier classifier =
 *     KnnClassifier.builder(encoder.dimension()).k(5).openSetThreshold(0.6f).build();
 * classifier.enroll("mug", encoder.embed(mugFrame));
 * classifier.enroll("keys", encoder.embed(keysFrame));
 * Prediction p = classifier.classify(encoder.embed(frame));
 * if (!p.rejected()) {
 *   System.out.println(p.label());
 * }
 * classifier.save(Path.of("enrolled.knn"));   // the examples and k, T, vote, threshold
 * KnnClassifier again = KnnClassifier.load(Path.of("enrolled.knn"));
 * }
 *
 * <p>Embeddings and vectors passed in are read, never kept or modified: the index stores
 * L2-normalized copies.
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

  /**
   * A classifier over a new, empty index of dimension {@code dim}.
   *
   * @throws IllegalArgumentException unless {@code 1 <= dim <= KnnIndex.MAX_DIMENSION}
   * @param dim the embedding dimension (number of float components), positive
   * @return a new builder with the defaults (k = {@value #DEFAULT_K}, T = {@value
   *     #DEFAULT_TEMPERATURE}, {@link Vote#DINO}, no open-set threshold)
   */
  public static Builder builder(int dim) {
    KnnIndex.checkDimension(dim);
    Builder b = new Builder();
    b.dim = dim;
    return b;
  }

  /**
   * A classifier over an existing index (shared, not copied: examples enrolled through the
   * classifier go into {@code index}, and changes to {@code index} are seen by the classifier).
   *
   * @param index the index to vote over; kept, not copied
   * @return a new builder with the default settings
   */
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

    /**
     * Number of neighbours that vote (default 20).
     *
     * @throws IllegalArgumentException if {@code k <= 0}
     * @param k the number of voting neighbours, positive
     * @return this builder
     */
    public Builder k(int k) {
      if (k <= 0) {
        throw new IllegalArgumentException("k must be positive: " + k);
      }
      this.k = k;
      return this;
    }

    /**
     * Temperature T of the vote weights {@code exp(sim / T)}, in units of cosine similarity
     * (default 0.07; unused by {@link Vote#MAJORITY}).
     *
     * @throws IllegalArgumentException unless {@code t} is positive and finite
     * @param t the temperature, in units of cosine similarity
     * @return this builder
     */
    public Builder temperature(double t) {
      if (!(t > 0) || Double.isInfinite(t)) {
        throw new IllegalArgumentException("temperature must be positive and finite: " + t);
      }
      this.temperature = t;
      return this;
    }

    /**
     * The vote rule (default {@link Vote#DINO}).
     *
     * @param vote the vote rule
     * @return this builder
     */
    public Builder vote(Vote vote) {
      this.vote = Objects.requireNonNull(vote, "vote");
      return this;
    }

    /**
     * Open-set rejection: a prediction is {@link Prediction#rejected() rejected} when the nearest
     * neighbour carrying its best label has a cosine similarity below {@code minSimilarity}.
     * Default: none (negative infinity, which no similarity is below).
     *
     * @throws IllegalArgumentException unless {@code -1 <= minSimilarity <= 1}
     * @param minSimilarity the lowest accepted cosine similarity, in [-1, 1]
     * @return this builder
     */
    public Builder openSetThreshold(float minSimilarity) {
      if (!(minSimilarity >= -1f && minSimilarity <= 1f)) {
        throw new IllegalArgumentException(
            "open-set threshold is a cosine similarity in [-1, 1]: " + minSimilarity);
      }
      this.openSetThreshold = minSimilarity;
      return this;
    }

    /**
     * Declares labels up front, fixing their order (ties go to the earlier). New indexes only.
     *
     * @throws IllegalStateException if the builder was made over an existing index
     * @param labels the labels to declare first, in order; copied
     * @return this builder
     */
    public Builder labels(List<String> labels) {
      if (index != null) {
        throw new IllegalStateException("labels are fixed by the existing index");
      }
      this.labels = List.copyOf(labels);
      return this;
    }

    /**
     * The classifier (over a new index, or the one given to {@link #builder(KnnIndex)}).
     *
     * @return a new classifier
     */
    public KnnClassifier build() {
      return new KnnClassifier(this);
    }
  }

  /**
   * The index the classifier votes over: the classifier's own (not a copy), shared with whoever
   * gave it to {@link #builder(KnnIndex)}.
   *
   * @return the shared index
   */
  public KnnIndex index() {
    return index;
  }

  /**
   * Number of neighbours that vote.
   *
   * @return k, positive
   */
  public int k() {
    return k;
  }

  /**
   * Temperature of the vote weights, in units of cosine similarity.
   *
   * @return the temperature T, positive
   */
  public double temperature() {
    return temperature;
  }

  /**
   * The vote rule.
   *
   * @return the vote rule
   */
  public Vote vote() {
    return vote;
  }

  /**
   * The open-set threshold, a cosine similarity, or {@link Float#NEGATIVE_INFINITY} when none is
   * set (nothing is rejected).
   *
   * @return the threshold, in [-1, 1], or negative infinity
   */
  public float openSetThreshold() {
    return openSetThreshold;
  }

  /**
   * Enrolls a labelled example: the index stores an L2-normalized copy ({@code embedding} is read,
   * neither kept nor modified).
   *
   * @return its id, for {@link #forget}
   * @throws IllegalArgumentException if it has another dimension or a non-finite component
   * @param label the example's class label
   * @param embedding the example's embedding, {@link #index()}'s dimension in floats
   */
  public long enroll(String label, float[] embedding) {
    return index.add(label, embedding);
  }

  /**
   * Enrolls an encoder's embedding, as {@link #enroll(String, float[])} with {@link
   * Embedding#vector()} (read, neither kept nor modified).
   *
   * @return its id, for {@link #forget}
   * @param label the example's class label
   * @param embedding the example's embedding
   * @throws IllegalArgumentException if it has another dimension or a non-finite component
   */
  public long enroll(String label, Embedding embedding) {
    return index.add(label, embedding);
  }

  /**
   * Removes the enrolled example with this id; returns whether it was present.
   *
   * @param id an id returned by {@code enroll}
   * @return true if an example was removed
   */
  public boolean forget(long id) {
    return index.remove(id);
  }

  /**
   * Removes every example of a label; returns how many were removed. The label stays in the label
   * table (ranked with score zero).
   *
   * @param label the label
   * @return the number of examples removed
   */
  public int forgetLabel(String label) {
    return index.removeLabel(label);
  }

  /**
   * Classifies one embedding ({@code embedding} is read, neither kept nor modified).
   *
   * @throws IllegalStateException if nothing is enrolled
   * @throws IllegalArgumentException if it has another dimension or a non-finite component
   * @param embedding the embedding to classify, {@link #index()}'s dimension in floats
   * @return the prediction
   */
  public Prediction classify(float[] embedding) {
    return classify(new float[][] {embedding}, null)[0];
  }

  /**
   * Classifies an encoder's embedding, as {@link #classify(float[])} with {@link
   * Embedding#vector()} (read, neither kept nor modified).
   *
   * @param embedding the embedding to classify
   * @return the prediction
   * @throws IllegalStateException if nothing is enrolled
   * @throws IllegalArgumentException if it has another dimension or a non-finite component
   */
  public Prediction classify(Embedding embedding) {
    return classify(Vectors.of(embedding, "embedding"));
  }

  /**
   * Classifies a batch with one blocked search; one prediction per embedding, in order.
   *
   * @param embeddings the embeddings, each of {@link #index()}'s dimension; read, neither kept nor
   *     modified
   * @return one prediction per embedding, in order
   * @throws IllegalStateException if nothing is enrolled
   * @throws IllegalArgumentException if one has another dimension or a non-finite component
   */
  public Prediction[] classify(float[][] embeddings) {
    return classify(embeddings, null);
  }

  /**
   * Classifies encoders' embeddings with one blocked search, as {@link #classify(float[][])}.
   *
   * @param embeddings the embeddings, each of {@link #index()}'s dimension
   * @return one prediction per embedding, in order
   * @throws IllegalStateException if nothing is enrolled
   * @throws IllegalArgumentException if one has another dimension or a non-finite component
   */
  public Prediction[] classify(List<Embedding> embeddings) {
    return classify(Vectors.of(embeddings), null);
  }

  /**
   * Classifies a batch, searching chunks in parallel on {@code executor} (may be null: the calling
   * thread); one prediction per embedding, in order. The embeddings are read, neither kept nor
   * modified.
   *
   * @throws IllegalStateException if nothing is enrolled
   * @param embeddings the embeddings, each of {@link #index()}'s dimension
   * @param executor runs the search chunks, or null for the calling thread; not shut down
   * @return one prediction per embedding, in order
   */
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
   * Saves the enrolled examples and this classifier's settings (k, temperature, vote rule, open-set
   * threshold) to one file, atomically as {@link KnnIndex#save} does; {@link #load} restores both.
   * The file is format version 3, which {@link KnnIndex#load} also reads (ignoring the settings)
   * and builds before it do not.
   *
   * @throws EdgeSslException naming the file, as {@link KnnIndex#save}
   * @param file the file to write or replace
   */
  public void save(Path file) throws EdgeSslException {
    index.save(file, new ClassifierSettings(k, temperature, vote, openSetThreshold));
  }

  /**
   * Restores a classifier saved by {@link #save}: its examples and settings, in one call. A file
   * written by {@link KnnIndex#save} (format version 1 or 2, which has no settings) gives a
   * classifier with the defaults: k = {@value #DEFAULT_K}, T = {@value #DEFAULT_TEMPERATURE},
   * {@link Vote#DINO}, no open-set threshold.
   *
   * @throws EdgeSslException naming the file, as {@link KnnIndex#load(Path)}; a classifier setting
   *     out of range (k &lt;= 0, T &lt;= 0, an unknown vote rule) or cut short is {@link
   *     io.edgessl.ErrorCode#CORRUPT_FILE} naming the setting
   * @param file a file written by {@link #save} or {@link KnnIndex#save}
   * @return a new classifier over a new index holding the file's examples
   */
  public static KnnClassifier load(Path file) throws EdgeSslException {
    return of(KnnIndexFile.read(Objects.requireNonNull(file, "file"), -1));
  }

  /**
   * Restores a classifier as {@link #load(Path)} does and checks its dimension.
   *
   * @throws EdgeSslException also with {@link io.edgessl.ErrorCode#SHAPE_MISMATCH} when the file
   *     holds vectors of another dimension than {@code expectedDimension}; the message names the
   *     file and both dimensions
   * @throws IllegalArgumentException if {@code expectedDimension <= 0}
   * @param file a file written by {@link #save} or {@link KnnIndex#save}
   * @param expectedDimension the dimension the caller needs, positive
   * @return a new classifier over a new index holding the file's examples
   */
  public static KnnClassifier load(Path file, int expectedDimension) throws EdgeSslException {
    KnnIndexFile.checkExpectedDimension(expectedDimension);
    return of(KnnIndexFile.read(Objects.requireNonNull(file, "file"), expectedDimension));
  }

  private static KnnClassifier of(KnnIndexFile.Contents contents) {
    ClassifierSettings s =
        contents.settings() != null ? contents.settings() : ClassifierSettings.DEFAULTS;
    Builder b = builder(contents.index()).k(s.k()).temperature(s.temperature()).vote(s.vote());
    b.openSetThreshold = s.openSetThreshold(); // -infinity (none) is not a builder value
    return b.build();
  }

  /**
   * Votes over the first {@code min(k, neighbours)} of {@code neighbors} (searched with at least
   * this classifier's k, in this classifier's index); lets one search serve classifiers of several
   * k.
   *
   * @param neighbors a search result of this classifier's index
   * @return the prediction
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
