package io.edgessl.encoder;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.bundle.Precision;
import io.edgessl.image.Frame;
import io.edgessl.image.Preprocessor;
import io.edgessl.spi.Backend;
import io.edgessl.spi.InferenceSession;
import io.edgessl.spi.ModelSource;
import io.edgessl.spi.SessionOptions;
import io.edgessl.spi.SessionSpec;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * A vision encoder: turns frames into a global {@link Embedding} and a grid of {@link
 * PatchFeatures}, by the bundle's preprocessing and model, on an inference backend.
 *
 * {@snippet :
 * ModelBundle bundle = ModelBundle.open(Path.of("vit-tiny.edgessl"));
 * try (Encoder encoder = Encoder.open(bundle)) {   // best backend, the bundle's default precision
 *   KnnClassifier classifier = KnnClassifier.builder(encoder.dimension()).k(5).build();
 *   classifier.enroll("mug", encoder.embed(mugFrame).vector());
 *   Prediction p = classifier.classify(encoder.embed(frame).vector());
 *   PatchFeatures grid = encoder.features(frame);            // h x w x D, plus the embedding
 * }
 * }
 *
 * <p>Each frame is preprocessed straight into the session's input buffer and the outputs are read
 * from the session's output buffers: the only per-frame allocations are the result objects. A batch
 * runs up to {@link Builder#maxBatch} frames per inference.
 *
 * <p>Thread-safe: calls are serialized (one inference at a time per encoder; the backend may use
 * several threads for it, see {@link Builder#threads}). For concurrent inference open one encoder
 * per thread. {@link #close()} releases the session; afterwards every method throws {@link
 * IllegalStateException}.
 *
 * <p>Opening logs one INFO line through {@link System.Logger} (logger {@code
 * io.edgessl.encoder.Encoder}): model name, backend, precision, kernels, threads.
 */
public final class Encoder implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Encoder.class.getName());

  private final Manifest manifest;
  private final String backendName;
  private final Precision precision;
  private final Preprocessor preprocessor;
  private final InferenceSession session;
  private final int inputSize;
  private final int dim;
  private final int gridSize;
  private boolean closed;

  private Encoder(
      Manifest manifest,
      String backendName,
      Precision precision,
      Preprocessor preprocessor,
      InferenceSession session) {
    this.manifest = manifest;
    this.backendName = backendName;
    this.precision = precision;
    this.preprocessor = preprocessor;
    this.session = session;
    this.inputSize = preprocessor.outputSize();
    this.dim = manifest.embeddingSize();
    this.gridSize = manifest.gridHeight() * manifest.gridWidth() * manifest.patchFeatureSize();
  }

  /**
   * Opens an encoder on the best backend here, at the bundle's default precision: the one its
   * manifest records ({@link Manifest#defaultPrecision()}), else FP32. The same code thus gives the
   * same features on every machine; {@code builder(bundle).precision("fastest")} asks for the
   * fastest instead.
   *
   * @throws EdgeSslException as {@link Builder#build()}
   * @param bundle the model bundle; its model file is read when the encoder opens
   * @return a new encoder, owned by the caller, who closes it
   */
  public static Encoder open(ModelBundle bundle) throws EdgeSslException {
    return builder(bundle).build();
  }

  /**
   * Options for an encoder on {@code bundle}.
   *
   * @param bundle the model bundle; its model file is read when the encoder opens
   * @return a new builder with the defaults
   */
  public static Builder builder(ModelBundle bundle) {
    return new Builder(Objects.requireNonNull(bundle, "bundle"));
  }

  /**
   * Options for an encoder on one ONNX file that is not in a bundle: {@code description} says what
   * a manifest would (see {@link ModelBundle#fromOnnx}); the file is read and hashed now.
   *
   * @throws EdgeSslException as {@link ModelBundle#fromOnnx}
   * @throws IllegalArgumentException when {@code description} is incomplete or inconsistent
   * @param onnxFile the ONNX model file
   * @param precision the precision the file holds
   * @param description the manifest's fields but the files (name, architecture, provenance may be
   *     left out)
   * @return a new builder with the defaults
   */
  public static Builder builder(Path onnxFile, Precision precision, Manifest.Builder description)
      throws EdgeSslException {
    return builder(ModelBundle.fromOnnx(onnxFile, precision, description));
  }

  /**
   * The bundle's manifest.
   *
   * @return the manifest
   */
  public Manifest manifest() {
    return manifest;
  }

  /**
   * The backend running the model, e.g. {@code onnxruntime}.
   *
   * @return the backend's name
   */
  public String backend() {
    return backendName;
  }

  /**
   * The precision of the model running.
   *
   * @return the precision chosen at open time
   */
  public Precision precision() {
    return precision;
  }

  /**
   * Name of the kernels that preprocess frames, e.g. {@code native-avx512} or {@code java}.
   *
   * @return the preprocessing kernels' full name
   */
  public String kernelsName() {
    return preprocessor.kernelsName();
  }

  /**
   * Dimension of embeddings.
   *
   * @return the number of float components of each {@link Embedding}
   */
  public int dimension() {
    return dim;
  }

  /**
   * Dimension of patch features: {@link #dimension()} unless the embedding pools the feature map
   * into several cells (the manifest's {@code patch_feature_size}).
   *
   * @return the number of float components of each patch feature
   */
  public int patchDimension() {
    return manifest.patchFeatureSize();
  }

  /**
   * The global embedding of one frame.
   *
   * @throws EdgeSslException when the backend fails
   * @throws IllegalStateException after {@link #close()}
   * @param frame the image; read, not kept
   * @return a new embedding of {@link #dimension()} floats, owned by the caller
   */
  public synchronized Embedding embed(Frame frame) throws EdgeSslException {
    Objects.requireNonNull(frame, "frame");
    infer(List.of(frame), 0, 1);
    return embedding(0);
  }

  /**
   * The patch features (and global embedding) of one frame.
   *
   * @param frame the image; read, not kept
   * @return new features: a grid of {@link Manifest#gridHeight()} x {@link Manifest#gridWidth()}
   *     cells of {@link #patchDimension()} floats and the global embedding, owned by the caller
   * @throws EdgeSslException when the backend fails
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized PatchFeatures features(Frame frame) throws EdgeSslException {
    Objects.requireNonNull(frame, "frame");
    infer(List.of(frame), 0, 1);
    return patches(0);
  }

  /**
   * Global embeddings of several frames, in order, batched.
   *
   * @param frames the images; read, not kept
   * @return one new embedding per frame, in order, owned by the caller
   * @throws EdgeSslException when the backend fails
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized List<Embedding> embed(List<Frame> frames) throws EdgeSslException {
    List<Embedding> out = new ArrayList<>(frames.size());
    for (int from = 0; from < frames.size(); from += session.maxBatch()) {
      int n = Math.min(session.maxBatch(), frames.size() - from);
      infer(frames, from, n);
      for (int i = 0; i < n; i++) {
        out.add(embedding(i));
      }
    }
    return out;
  }

  /**
   * Global embeddings of {@code count} frames, in order, batched, without holding them all: frame
   * {@code i} is asked for when its batch is preprocessed and not kept afterwards (a data set, a
   * video). Returns one new array per frame, {@link #dimension()} floats each, owned by the caller.
   *
   * @throws EdgeSslException when the backend fails
   * @param count the number of frames, not negative
   * @param frames gives frame {@code i} for {@code i} from 0 to {@code count - 1}, each once, in
   *     order
   * @return {@code count} embeddings, in order
   */
  public synchronized float[][] embedAll(int count, IntFunction<? extends Frame> frames)
      throws EdgeSslException {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    Objects.requireNonNull(frames, "frames");
    float[][] out = new float[count][];
    List<Frame> batch = new ArrayList<>(session.maxBatch());
    for (int from = 0; from < count; from += session.maxBatch()) {
      int n = Math.min(session.maxBatch(), count - from);
      batch.clear();
      for (int i = 0; i < n; i++) {
        batch.add(frames.apply(from + i));
      }
      infer(batch, 0, n);
      for (int i = 0; i < n; i++) {
        out[from + i] = embedding(i).vector();
      }
    }
    return out;
  }

  /**
   * Patch features of several frames, in order, batched.
   *
   * @param frames the images; read, not kept
   * @return new features per frame, in order, owned by the caller
   * @throws EdgeSslException when the backend fails
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized List<PatchFeatures> features(List<Frame> frames) throws EdgeSslException {
    List<PatchFeatures> out = new ArrayList<>(frames.size());
    for (int from = 0; from < frames.size(); from += session.maxBatch()) {
      int n = Math.min(session.maxBatch(), frames.size() - from);
      infer(frames, from, n);
      for (int i = 0; i < n; i++) {
        out.add(patches(i));
      }
    }
    return out;
  }

  private void infer(List<Frame> frames, int from, int n) throws EdgeSslException {
    if (closed) {
      throw new IllegalStateException("Encoder is closed (" + manifest.name() + ")");
    }
    FloatBuffer input = session.input();
    for (int i = 0; i < n; i++) {
      preprocessor.run(Objects.requireNonNull(frames.get(from + i), "frame"), input, i * inputSize);
    }
    session.run(n);
  }

  private Embedding embedding(int i) {
    float[] v = new float[dim];
    session.output(0).get(i * dim, v);
    return new Embedding(v);
  }

  private PatchFeatures patches(int i) {
    float[] g = new float[gridSize];
    session.output(1).get(i * gridSize, g);
    return new PatchFeatures(
        manifest.gridHeight(), manifest.gridWidth(), patchDimension(), g, embedding(i));
  }

  /** Releases the session; idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      session.close();
    }
  }

  @Override
  public String toString() {
    return "Encoder[" + manifest.name() + ", " + backendName + ", " + precision.id() + "]";
  }

  /** Options of an {@link Encoder}. */
  public static final class Builder {
    private final ModelBundle bundle;
    private String backend;
    private Precision precision;
    private int threads;
    private boolean fastest;
    private OptimizationLevel optimization = OptimizationLevel.ALL;
    private int maxBatch = 8;
    private String kernels;

    private Builder(ModelBundle bundle) {
      this.bundle = bundle;
    }

    /**
     * The backend by name, e.g. {@code onnxruntime} (default: the best one, see {@link Backends}).
     *
     * @param name the backend's name
     * @return this builder
     */
    public Builder backend(String name) {
      this.backend = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * The precision to run (default: the manifest's {@link Manifest#defaultPrecision() recorded
     * default}, else FP32).
     *
     * @param precision the precision; the bundle must hold it
     * @return this builder
     */
    public Builder precision(Precision precision) {
      this.precision = Objects.requireNonNull(precision, "precision");
      this.fastest = false;
      return this;
    }

    /**
     * The precision by name: {@code fp32}, {@code fp16}, {@code int8}, or {@code fastest}: the
     * fastest the bundle has that the backend runs, as the backend ranks them ({@link
     * Backend#rank}; ONNX Runtime measures them on this model at open time, so the choice, and the
     * features, may differ from one machine to another).
     *
     * @throws IllegalArgumentException for any other name
     * @param name {@code fp32}, {@code fp16}, {@code int8} or {@code fastest}
     * @return this builder
     */
    public Builder precision(String name) {
      Objects.requireNonNull(name, "name");
      this.fastest = "fastest".equalsIgnoreCase(name);
      this.precision = fastest ? null : Precision.parse(name);
      return this;
    }

    /**
     * Threads per inference; 0 (the default) lets the backend decide.
     *
     * @param threads the number of threads, 0 or more
     * @return this builder
     * @throws IllegalArgumentException if {@code threads < 0}
     */
    public Builder threads(int threads) {
      if (threads < 0) {
        throw new IllegalArgumentException("threads must not be negative: " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Graph optimization level (default {@link OptimizationLevel#ALL}).
     *
     * @param level the optimization level
     * @return this builder
     */
    public Builder optimization(OptimizationLevel level) {
      this.optimization = Objects.requireNonNull(level, "level");
      return this;
    }

    /**
     * The most frames per inference in the batch methods (default 8).
     *
     * @param maxBatch frames per inference, from 1 to 4096
     * @return this builder
     * @throws IllegalArgumentException outside 1..4096
     */
    public Builder maxBatch(int maxBatch) {
      if (maxBatch < 1 || maxBatch > 4096) {
        throw new IllegalArgumentException("maxBatch must be in 1..4096: " + maxBatch);
      }
      this.maxBatch = maxBatch;
      return this;
    }

    /**
     * The kernels that preprocess frames, by name (default: the selected ones, native where they
     * run, else Java): {@code java}, a provider's name such as {@code native}, or the selected
     * kernels' full name such as {@code native-avx2}; e.g. {@code "java"} to compare
     * implementations. Checked by {@link #build()}.
     *
     * @param name the kernels' name
     * @return this builder
     */
    public Builder kernels(String name) {
      this.kernels = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Chooses the backend and precision, loads the model and checks its input and outputs against
     * the manifest.
     *
     * @throws EdgeSslException {@code UNAVAILABLE} when no backend can run here or the precision is
     *     missing; {@code INVALID_MODEL} when the backend rejects the model; {@code SHAPE_MISMATCH}
     *     when its input or outputs differ from the manifest's; {@code CORRUPT_FILE} when the model
     *     file changed since the bundle was opened
     * @return a new encoder, owned by the caller, who closes it
     */
    public Encoder build() throws EdgeSslException {
      Backend b = backend != null ? Backends.get(backend) : Backends.best();
      Manifest m = bundle.manifest();
      SessionSpec spec = SessionSpec.of(m);
      SessionOptions options = new SessionOptions(threads, optimization, maxBatch);
      Precision p =
          fastest
              ? fastest(b, spec, options)
              : precision != null ? precision : m.defaultPrecision().orElse(Precision.FP32);
      if (!b.precisions().contains(p)) {
        throw new EdgeSslException(
            ErrorCode.UNAVAILABLE, "backend " + b.name() + " does not run " + p.id() + " models");
      }
      Preprocessor pre =
          kernels != null
              ? new Preprocessor(m.preprocessing(), kernels)
              : new Preprocessor(m.preprocessing());
      InferenceSession s = b.open(source(p), spec, options);
      LOG.log(
          System.Logger.Level.INFO,
          "EdgeSSL encoder {0}: backend {1}, precision {2}{3}, kernels {4}, threads {5}",
          m.name(),
          b.name(),
          p.id(),
          fastest ? " (fastest)" : "",
          pre.kernelsName(),
          threads == 0 ? "backend default" : Integer.toString(threads));
      return new Encoder(m, b.name(), p, pre, s);
    }

    private ModelSource source(Precision p) throws EdgeSslException {
      Manifest m = bundle.manifest();
      byte[] model = bundle.model(p);
      String file = m.precisions().get(p);
      return new ModelSource(bundle.describe(file), model, m.files().get(file));
    }

    /** The backend's fastest of the precisions the bundle has (it may measure them). */
    private Precision fastest(Backend b, SessionSpec spec, SessionOptions options)
        throws EdgeSslException {
      Manifest m = bundle.manifest();
      Map<Precision, ModelSource> candidates = new EnumMap<>(Precision.class);
      for (Precision p : b.precisions()) {
        if (m.precisions().containsKey(p)) {
          candidates.put(p, null);
        }
      }
      if (candidates.isEmpty()) {
        throw new EdgeSslException(
            ErrorCode.UNAVAILABLE,
            "backend "
                + b.name()
                + " runs "
                + b.precisions()
                + " but bundle "
                + m.name()
                + " has only "
                + m.precisions().keySet());
      }
      if (candidates.size() == 1) {
        return candidates.keySet().iterator().next();
      }
      for (Precision p : candidates.keySet()) {
        candidates.put(p, source(p));
      }
      List<Precision> ranked = b.rank(candidates, spec, options);
      if (ranked.isEmpty() || !candidates.containsKey(ranked.get(0))) {
        throw new IllegalStateException(
            "backend " + b.name() + " ranked " + ranked + " out of " + candidates.keySet());
      }
      return ranked.get(0);
    }
  }
}
