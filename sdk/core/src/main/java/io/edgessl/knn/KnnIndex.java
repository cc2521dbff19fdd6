package io.edgessl.knn;

import io.edgessl.EdgeSslException;
import io.edgessl.encoder.Embedding;
import io.edgessl.internal.kernels.KernelSupport;
import io.edgessl.spi.KnnKernels;
import io.edgessl.spi.PackedInt8Bank;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A memory bank of L2-normalized embeddings with labels, searched exactly by cosine similarity.
 *
 * <p>Vectors are normalized when added and queries when searched, so the inner product the search
 * maximizes is the cosine similarity (DINO's k-NN protocol). A zero vector stays zero, as with
 * PyTorch's {@code F.normalize}.
 *
 * <p>Each added vector gets an id, increasing in the order of enrollment. Slots in the bank keep
 * that order (removal compacts), so equal similarities rank the earlier enrolled vector first, and
 * results do not depend on the history of removals.
 *
 * <p>Thread safety: any number of threads may search while others add or remove; a search sees the
 * index either before or after each change. Batched search ({@link #search(float[][], int)}) is a
 * blocked matrix product run by the selected k-NN kernels (native where they run, else Java).
 *
 * <p>The bank is kept in FP32 (the default) or in INT8 ({@link BankPrecision}), chosen with {@link
 * #builder(int)}; an INT8 index may also keep the FP32 vectors to rescore its candidates exactly
 * ({@link Builder#rerank}).
 *
 * {@snippet :
 * KnnIndex index = new KnnIndex(384);
 * index.add("mug", embeddingOfMug);
 * index.add("keys", embeddingOfKeys);
 * Neighbors nn = index.search(embeddingOfFrame, 1);
 * String label = nn.label(0);
 * index.save(Path.of("enrolled.knn"));   // atomic: a crash leaves the previous file intact
 * KnnIndex again = KnnIndex.load(Path.of("enrolled.knn"));   // its dimension comes from the file
 * }
 *
 * <p>Vectors and {@link Embedding}s passed in are read, never kept or modified; arrays returned
 * belong to the caller.
 */
public final class KnnIndex {
  /** The largest {@link Builder#rerank} factor. */
  public static final int MAX_RERANK = 64;

  /**
   * The largest vector dimension an index holds (and its file format reads back): 131 072
   * components, 512 KiB per FP32 vector; the INT8 kernels' integer dot products are exact up to it.
   */
  public static final int MAX_DIMENSION = PackedInt8Bank.MAX_DIM;

  private final int dim;
  private final KnnKernels kernels;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  // Guarded by lock.
  private final Entries entries;

  /**
   * An empty FP32 index for vectors of {@code dim} components, searched by the {@link
   * KernelSupport#knn() selected kernels}.
   *
   * @throws IllegalArgumentException unless {@code 1 <= dim <= MAX_DIMENSION}
   * @param dim the vector dimension (number of float components), fixed for the index's life
   */
  public KnnIndex(int dim) {
    this(dim, List.of());
  }

  /**
   * An empty index whose label table starts with {@code labels}, in that order. The order decides
   * ties between classes of equal score in {@link KnnClassifier} (the first wins), so an evaluation
   * that lists its classes in dataset order matches reference implementations. The list is read,
   * not kept.
   *
   * @param dim the vector dimension (number of float components)
   * @param labels the labels to declare first, in order; read, not kept
   * @throws IllegalArgumentException unless {@code 1 <= dim <= MAX_DIMENSION}
   */
  public KnnIndex(int dim, List<String> labels) {
    this(dim, labels, KernelSupport.knn());
  }

  KnnIndex(int dim, List<String> labels, KnnKernels kernels) {
    this(dim, labels, kernels, BankPrecision.FP32, 0);
  }

  KnnIndex(int dim, List<String> labels, KnnKernels kernels, BankPrecision precision, int rerank) {
    checkDimension(dim);
    this.dim = dim;
    this.kernels = Objects.requireNonNull(kernels, "kernels");
    this.entries = new Entries(Objects.requireNonNull(precision, "precision"), dim, rerank);
    for (String l : labels) {
      entries.labelId(l);
    }
  }

  /**
   * A builder for an index of vectors of {@code dim} components, to choose the label order, the
   * bank precision and reranking.
   *
   * {@snippet :
   * KnnIndex index = KnnIndex.builder(384)
   *     .precision(BankPrecision.INT8)   // a quarter of the memory, faster search
   *     .rerank(2)                       // keep FP32 too; rescore the best 2k candidates exactly
   *     .build();
   * }
   *
   * @param dim the vector dimension (number of float components)
   * @return a new builder with the defaults: FP32 bank, no reranking, the selected kernels
   */
  public static Builder builder(int dim) {
    checkDimension(dim);
    return new Builder(dim);
  }

  /** Options of a new {@link KnnIndex}. */
  public static final class Builder {
    private final int dim;
    private List<String> labels = List.of();
    private BankPrecision precision = BankPrecision.FP32;
    private int rerank;
    private KnnKernels kernels;

    private Builder(int dim) {
      this.dim = dim;
    }

    /**
     * Declares labels up front, fixing their order (see {@link KnnIndex#KnnIndex(int, List)}). The
     * list is copied.
     *
     * @param labels the labels to declare first, in order
     * @return this builder
     */
    public Builder labels(List<String> labels) {
      this.labels = List.copyOf(labels);
      return this;
    }

    /**
     * How the bank stores vectors (default {@link BankPrecision#FP32}).
     *
     * @param precision FP32 (4 bytes per component) or INT8 (1 byte per component plus a scale)
     * @return this builder
     */
    public Builder precision(BankPrecision precision) {
      this.precision = Objects.requireNonNull(precision, "precision");
      return this;
    }

    /**
     * For an INT8 bank: keep the FP32 vectors as well (memory: 1.25 times an FP32 index) and let
     * each search take the {@code factor * k} best INT8 candidates and return the {@code k} best of
     * them by exact FP32 similarity. 0 (the default) keeps only the INT8 codes. With factor 2 the
     * results equal an FP32 search unless a true neighbour ranks below {@code 2k} in INT8 (on
     * Fashion-MNIST's raw pixels, recall@20 rises from about 0.97 to above 0.999).
     *
     * @throws IllegalArgumentException unless {@code 0 <= factor <= MAX_RERANK}
     * @param factor candidates examined per result in INT8, 0 for no reranking
     * @return this builder
     */
    public Builder rerank(int factor) {
      if (factor < 0 || factor > MAX_RERANK) {
        throw new IllegalArgumentException(
            "rerank factor must be in 0.." + MAX_RERANK + ": " + factor);
      }
      this.rerank = factor;
      return this;
    }

    /**
     * The kernels that search, by name (default: the selected ones, native where they run, else
     * Java): {@code java}, a provider's name such as {@code native}, or the selected kernels' full
     * name such as {@code native-avx2}; e.g. {@code "java"} to compare implementations.
     *
     * @throws IllegalArgumentException when no kernels have that name or they cannot run here
     * @param name the kernels' name
     * @return this builder
     */
    public Builder kernels(String name) {
      this.kernels = KernelSupport.knn(Objects.requireNonNull(name, "name"));
      return this;
    }

    /**
     * The kernels that search, as an SPI implementation (for kernel implementers' tests).
     *
     * @param kernels the kernels to search with; kept and used by the index
     * @return this builder
     */
    public Builder kernels(KnnKernels kernels) {
      this.kernels = Objects.requireNonNull(kernels, "kernels");
      return this;
    }

    /**
     * The index.
     *
     * @throws IllegalStateException if a rerank factor is set for an FP32 bank
     * @return a new, empty index; the builder may be reused
     */
    public KnnIndex build() {
      if (rerank > 0 && precision != BankPrecision.INT8) {
        throw new IllegalStateException("rerank applies to INT8 banks only");
      }
      return new KnnIndex(
          dim, labels, kernels != null ? kernels : KernelSupport.knn(), precision, rerank);
    }
  }

  /**
   * Vector dimension: the number of components of every vector added or searched.
   *
   * @return the number of float components per vector
   */
  public int dimension() {
    return dim;
  }

  /**
   * How the bank stores vectors.
   *
   * @return the bank's storage precision
   */
  public BankPrecision precision() {
    return entries.bank.precision();
  }

  /**
   * The INT8 rerank factor (0: none; always 0 for FP32).
   *
   * @return the rerank factor
   */
  public int rerank() {
    Int8Bank int8 = entries.int8Bank();
    return int8 != null ? int8.rerank() : 0;
  }

  /**
   * Number of vectors in the index now.
   *
   * @return the number of vectors now held
   */
  public int size() {
    lock.readLock().lock();
    try {
      return entries.count;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Whether the index holds no vector.
   *
   * @return true when {@link #size()} is 0
   */
  public boolean isEmpty() {
    return size() == 0;
  }

  /**
   * Name of the kernels that search this index.
   *
   * @return the kernels' full name, e.g. {@code java} or {@code native-avx2}
   */
  public String kernelsName() {
    return kernels.name();
  }

  /**
   * The label table: every label ever added or declared, in order of first appearance. Labels stay
   * in the table when their last vector is removed. An immutable snapshot: later additions do not
   * show in it.
   *
   * @return the labels in order of first appearance; immutable
   */
  public List<String> labels() {
    lock.readLock().lock();
    try {
      return List.copyOf(entries.labels());
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Number of vectors per label, indexed like {@link #labels()}: a new array the caller owns.
   *
   * @return the counts, one per label of {@link #labels()}
   */
  public int[] labelCounts() {
    lock.readLock().lock();
    try {
      return entries.labelCounts();
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Adds a vector under {@code label}. The index stores an L2-normalized copy: {@code vector} is
   * read, neither kept nor modified.
   *
   * @return its id
   * @throws IllegalArgumentException if the vector has another dimension or a non-finite component
   * @param label the vector's class label, added to the label table when new
   * @param vector the vector, {@link #dimension()} floats
   */
  public long add(String label, float[] vector) {
    return addAll(List.of(label), new float[][] {vector})[0];
  }

  /**
   * Adds an encoder's embedding: {@link #add(String, float[])} of its (unmodified) vector.
   *
   * @param label the vector's class label
   * @param embedding the embedding, of {@link #dimension()} components
   * @return its id
   */
  public long add(String label, Embedding embedding) {
    return add(label, Vectors.of(embedding, "embedding"));
  }

  /**
   * Adds vectors with their labels, all or none. The index stores L2-normalized copies; the arrays
   * are read, neither kept nor modified.
   *
   * @return their ids, in order
   * @throws IllegalArgumentException if the lists differ in size, or a vector has another dimension
   *     or a non-finite component (nothing is added then)
   * @param labels one label per vector
   * @param vectors the vectors, each of {@link #dimension()} floats
   */
  public long[] addAll(List<String> labels, float[][] vectors) {
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(vectors, "vectors");
    if (labels.size() != vectors.length) {
      throw new IllegalArgumentException(
          "labels and vectors differ in number: " + labels.size() + " != " + vectors.length);
    }
    float[][] normalized = new float[vectors.length][];
    for (int i = 0; i < vectors.length; i++) {
      Objects.requireNonNull(labels.get(i), "label");
      normalized[i] = Vectors.normalizedCopy(vectors[i], dim, "vector " + i);
    }
    lock.writeLock().lock();
    try {
      entries.ensureCapacity(entries.count + vectors.length);
      long[] added = new long[vectors.length];
      for (int i = 0; i < vectors.length; i++) {
        added[i] = entries.add(labels.get(i), normalized[i]);
      }
      return added;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Adds encoders' embeddings: {@link #addAll(List, float[][])} of their (unmodified) vectors.
   *
   * @param labels one label per embedding
   * @param embeddings the embeddings, each of {@link #dimension()} components
   * @return their ids, in order
   */
  public long[] addAll(List<String> labels, List<Embedding> embeddings) {
    return addAll(labels, Vectors.of(embeddings));
  }

  /**
   * Removes the vector with this id; returns whether it was present.
   *
   * @param id an id returned by {@code add}
   * @return true if a vector was removed
   */
  public boolean remove(long id) {
    lock.writeLock().lock();
    try {
      return entries.remove(id);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Removes every vector with this label; returns how many were removed.
   *
   * @param label the label; it stays in the label table
   * @return the number of vectors removed
   */
  public int removeLabel(String label) {
    lock.writeLock().lock();
    try {
      return entries.removeLabel(label);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * The normalized (unit-length) vector with this id, or empty if there is none: a new array the
   * caller owns. For an INT8 bank without reranking, the vector its codes stand for ({@code code *
   * scale}).
   *
   * @param id an id returned by {@code add}
   * @return the vector of {@link #dimension()} floats, or empty
   */
  public java.util.Optional<float[]> vector(long id) {
    lock.readLock().lock();
    try {
      int slot = entries.slotOf(id);
      if (slot < 0) {
        return java.util.Optional.empty();
      }
      float[] out = new float[dim];
      entries.bank.get(slot, out);
      return java.util.Optional.of(out);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * The {@code min(k, size())} vectors most similar to {@code query} by cosine similarity. The
   * query is normalized into a scratch array: {@code query} is read, neither kept nor modified.
   *
   * @throws IllegalArgumentException if {@code k <= 0} or the query has another dimension or a
   *     non-finite component
   * @param query the query vector, {@link #dimension()} floats
   * @param k the number of neighbours wanted, positive
   * @return the neighbours, most similar first
   */
  public Neighbors search(float[] query, int k) {
    return search(new float[][] {query}, k)[0];
  }

  /**
   * Searches with an encoder's embedding: {@link #search(float[], int)} of its vector.
   *
   * @param query the query embedding, of {@link #dimension()} components
   * @param k the number of neighbours wanted, positive
   * @return the neighbours, most similar first
   * @throws IllegalArgumentException as {@link #search(float[], int)}
   */
  public Neighbors search(Embedding query, int k) {
    return search(Vectors.of(query, "query"), k);
  }

  /**
   * Batched search on the calling thread: one blocked matrix product for all queries. Returns one
   * {@link Neighbors} per query, in order; the queries are read, neither kept nor modified.
   *
   * @param queries the query vectors, each of {@link #dimension()} floats
   * @param k the number of neighbours wanted per query, positive
   * @return one result per query, in order, each most similar first
   * @throws IllegalArgumentException if {@code k <= 0} or a query has another dimension or a
   *     non-finite component
   */
  public Neighbors[] search(float[][] queries, int k) {
    return search(queries, k, null);
  }

  /**
   * Batched search of encoders' embeddings, as {@link #search(float[][], int)}.
   *
   * @param queries the query embeddings, each of {@link #dimension()} components
   * @param k the number of neighbours wanted per query, positive
   * @return one result per query, in order, each most similar first
   * @throws IllegalArgumentException as {@link #search(float[][], int)}
   */
  public Neighbors[] search(List<Embedding> queries, int k) {
    return search(Vectors.of(queries), k, null);
  }

  /**
   * Batched search; with an executor (may be null: the calling thread), chunks of queries run in
   * parallel on it. The index is read locked for the whole search. Returns one {@link Neighbors}
   * per query, in order; the queries are read, neither kept nor modified.
   *
   * @throws IllegalArgumentException if {@code k <= 0} or a query has another dimension or a
   *     non-finite component
   * @param queries the query vectors, each of {@link #dimension()} floats
   * @param k the number of neighbours wanted per query, positive
   * @param executor runs the chunks, or null for the calling thread; not shut down
   * @return one result per query, in order, each most similar first
   */
  public Neighbors[] search(float[][] queries, int k, ExecutorService executor) {
    Objects.requireNonNull(queries, "queries");
    if (k <= 0) {
      throw new IllegalArgumentException("k must be positive: " + k);
    }
    int n = queries.length;
    float[] packed = new float[Math.multiplyExact(n, dim)];
    for (int i = 0; i < n; i++) {
      Vectors.normalizeInto(queries[i], dim, "query " + i, packed, i * dim);
    }
    lock.readLock().lock();
    try {
      Bank bank = entries.bank;
      int count = entries.count;
      int kk = Math.min(k, count);
      if (kk == 0) {
        Neighbors[] out = new Neighbors[n];
        Arrays.fill(out, new Neighbors(new float[0], new long[0], new int[0], List.of()));
        return out;
      }
      float[] scores = new float[Math.multiplyExact(n, kk)];
      int[] slots = new int[scores.length];
      int chunks = executor == null ? 1 : Math.max(1, Math.min(n / 64, 64));
      if (chunks <= 1) {
        bank.search(kernels, count, packed, 0, n, kk, scores, slots);
      } else {
        runChunks(executor, chunks, n, packed, kk, scores, slots);
      }
      return entries.neighbors(scores, slots, n, kk);
    } finally {
      lock.readLock().unlock();
    }
  }

  private void runChunks(
      ExecutorService executor,
      int chunks,
      int n,
      float[] packed,
      int kk,
      float[] scores,
      int[] slots) {
    Bank bank = entries.bank;
    int count = entries.count;
    List<Future<?>> futures = new ArrayList<>(chunks);
    int per = (n + chunks - 1) / chunks;
    for (int c = 0; c < chunks; c++) {
      final int from = c * per;
      final int len = Math.min(per, n - from);
      if (len <= 0) {
        break;
      }
      futures.add(
          executor.submit(
              () -> {
                float[] s = new float[len * kk];
                int[] sl = new int[len * kk];
                bank.search(kernels, count, packed, from, len, kk, s, sl);
                System.arraycopy(s, 0, scores, from * kk, s.length);
                System.arraycopy(sl, 0, slots, from * kk, sl.length);
              }));
    }
    Futures.awaitAll(futures, "search");
  }

  /**
   * Saves the index atomically: the file is written beside {@code file} under a temporary name,
   * forced to disk, and renamed over it, so a crash leaves either the old or the new file whole,
   * and a failed save leaves no temporary file behind. FP32 indexes are written in format version
   * 1, INT8 indexes in version 2, as earlier builds wrote them. Searches may run meanwhile; changes
   * wait until the file is written.
   *
   * @throws EdgeSslException naming the file: {@link io.edgessl.ErrorCode#FILE_NOT_FOUND} if its
   *     directory does not exist, {@link io.edgessl.ErrorCode#IO} if writing or renaming fails
   * @param file the file to write or replace
   */
  public void save(Path file) throws EdgeSslException {
    save(file, null);
  }

  /** Saves with a classifier's settings (format version 3), or without them when null. */
  void save(Path file, ClassifierSettings settings) throws EdgeSslException {
    Objects.requireNonNull(file, "file");
    lock.readLock().lock();
    try {
      KnnIndexFile.write(file, this, settings);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Loads an index saved by {@link #save} or {@link KnnClassifier#save}, of the dimension the file
   * holds. The classifier settings a {@link KnnClassifier#save} file also holds are checked but not
   * used here: {@link KnnClassifier#load} restores them.
   *
   * @throws EdgeSslException naming the file: {@link io.edgessl.ErrorCode#FILE_NOT_FOUND} if it is
   *     missing or unreadable, {@link io.edgessl.ErrorCode#CORRUPT_FILE} if it is truncated, of
   *     another format, holds an invalid field (named) or fails its checksum, {@link
   *     io.edgessl.ErrorCode#UNSUPPORTED_VERSION} if a newer build wrote it
   * @param file a file written by {@link #save} or {@link KnnClassifier#save}
   * @return a new index holding the file's vectors, labels, ids and bank precision
   */
  public static KnnIndex load(Path file) throws EdgeSslException {
    return KnnIndexFile.read(Objects.requireNonNull(file, "file"), -1).index();
  }

  /**
   * Loads an index as {@link #load(Path)} does and checks its dimension.
   *
   * @throws EdgeSslException also with {@link io.edgessl.ErrorCode#SHAPE_MISMATCH} when the file
   *     holds vectors of another dimension than {@code expectedDimension}; the message names the
   *     file and both dimensions
   * @throws IllegalArgumentException if {@code expectedDimension <= 0}
   * @param file a file written by {@link #save} or {@link KnnClassifier#save}
   * @param expectedDimension the dimension the caller needs, positive
   * @return a new index holding the file's vectors
   */
  public static KnnIndex load(Path file, int expectedDimension) throws EdgeSslException {
    KnnIndexFile.checkExpectedDimension(expectedDimension);
    return KnnIndexFile.read(Objects.requireNonNull(file, "file"), expectedDimension).index();
  }

  /** The entries, for {@link KnnIndexFile}: read under the read lock or before publication. */
  Entries entries() {
    return entries;
  }

  static void checkDimension(int dim) {
    if (dim <= 0 || dim > MAX_DIMENSION) {
      throw new IllegalArgumentException("dimension must be in 1.." + MAX_DIMENSION + ": " + dim);
    }
  }
}
