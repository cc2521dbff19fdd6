package io.edgessl.ort;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.bundle.Precision;
import io.edgessl.encoder.OptimizationLevel;
import io.edgessl.spi.Backend;
import io.edgessl.spi.InferenceSession;
import io.edgessl.spi.ModelSource;
import io.edgessl.spi.SessionOptions;
import io.edgessl.spi.SessionSpec;
import io.edgessl.spi.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * ONNX Runtime on the CPU. Sessions run one inference at a time on {@code threads} intra-op threads
 * (ONNX Runtime's default when 0: one per physical core) and no inter-op parallelism, which
 * encoders (a chain of large operators) do not benefit from.
 */
public final class OrtBackend implements Backend {
  /**
   * System property naming an existing directory where every session opened from then on writes,
   * for diagnosis, ONNX Runtime's optimized graph ({@code NAME.optimized.onnx}: which operators
   * fused, e.g. which Q/DQ groups became MatMulIntegerToFloat or QLinearConv) and its profile
   * ({@code NAME_DATE.json}: every node's kernel time, written when the session closes); NAME is
   * the model's name with characters other than letters, digits, {@code .-_} replaced. Unset by
   * default; profiling slows inference a little.
   */
  public static final String DUMP_PROPERTY = "edgessl.ort.dump";

  private static final Logger LOG = Logger.getLogger(OrtBackend.class.getName());

  private final OrtEnvironment env;

  OrtBackend(OrtEnvironment env) {
    this.env = env;
  }

  @Override
  public String name() {
    return OrtBackendProvider.NAME;
  }

  /**
   * INT8, then FP32, then FP16, as measured (docs/BENCHMARKS.md, "INT8 and FP16 encoders"): QDQ
   * graphs run as integer kernels (MatMulIntegerToFloat, QLinearConv; VNNI where present), about
   * twice as fast as FP32 for ViT-Tiny and a 224 x 224 CNN on an AVX-512 VNNI CPU; the CPU provider
   * has no FP16 kernels for most operators and runs them through casts to FP32, so FP16 is the
   * slowest (ViT-Tiny at 0.4x FP32's speed). Models as small as a 28 x 28 CNN are bound by
   * per-operator overhead: there INT8 is no faster, or slower. Measured on x86-64 only. {@link
   * #rank} measures the variants of the model at hand instead of trusting this order.
   */
  @Override
  public List<Precision> precisions() {
    return List.of(Precision.INT8, Precision.FP32, Precision.FP16);
  }

  /** Rankings measured in this JVM, by the variants' hashes and the thread count. */
  private final Map<String, List<Precision>> ranked = new ConcurrentHashMap<>();

  /**
   * Measures the variants on this machine: opens each with the given options (batch 1), runs each
   * on a zero input twice to warm up, then round-robin until every one has run at least 5 times and
   * 50 ms, and ranks them by their median time (ties keep {@link #precisions()}'s order). Rankings
   * are kept for the life of the backend, per set of models and thread count, so later encoders of
   * the same bundle start without measuring. About a second for ViT-Tiny's three variants; a few
   * milliseconds for small models.
   */
  @Override
  public List<Precision> rank(
      Map<Precision, ModelSource> models, SessionSpec spec, SessionOptions options)
      throws EdgeSslException {
    List<Precision> order = Backend.super.rank(models, spec, options);
    if (order.size() < 2) {
      return order;
    }
    StringBuilder key = new StringBuilder().append(options.threads());
    for (Precision p : order) {
      key.append(' ').append(p.id()).append(':').append(models.get(p).sha256());
    }
    List<Precision> cached = ranked.get(key.toString());
    if (cached != null) {
      return cached;
    }
    SessionOptions one = new SessionOptions(options.threads(), options.optimization(), 1);
    List<InferenceSession> sessions = new ArrayList<>();
    try {
      for (Precision p : order) {
        sessions.add(open(models.get(p), spec, one));
      }
      List<List<Long>> times = new ArrayList<>();
      for (InferenceSession s : sessions) {
        s.run(1);
        s.run(1);
        times.add(new ArrayList<>());
      }
      long start = System.nanoTime();
      for (int round = 0;
          round < 5 || System.nanoTime() - start < 50_000_000L * order.size();
          round++) {
        for (int i = 0; i < sessions.size(); i++) {
          long t0 = System.nanoTime();
          sessions.get(i).run(1);
          times.get(i).add(System.nanoTime() - t0);
        }
        if (round >= 1000) {
          break;
        }
      }
      long[] median = new long[order.size()];
      for (int i = 0; i < median.length; i++) {
        List<Long> t = times.get(i);
        Collections.sort(t);
        median[i] = t.get(t.size() / 2);
      }
      Integer[] idx = new Integer[order.size()];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = i;
      }
      Arrays.sort(idx, (x, y) -> Long.compare(median[x], median[y])); // stable: ties keep order
      List<Precision> result = new ArrayList<>();
      StringBuilder log = new StringBuilder();
      for (int i : idx) {
        result.add(order.get(i));
        log.append(String.format(Locale.ROOT, " %s %.3f ms", order.get(i).id(), median[i] / 1e6));
      }
      LOG.fine(() -> "EdgeSSL: ONNX Runtime precisions measured, fastest first:" + log);
      List<Precision> r = List.copyOf(result);
      ranked.put(key.toString(), r);
      return r;
    } finally {
      for (InferenceSession s : sessions) {
        s.close();
      }
    }
  }

  /** {@return the version of the ONNX Runtime library loaded, e.g. {@code 1.29.0}} */
  public String version() {
    return env.getVersion();
  }

  @Override
  public InferenceSession open(ModelSource model, SessionSpec spec, SessionOptions options)
      throws EdgeSslException {
    OrtSession session;
    boolean profiling = false;
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setOptimizationLevel(level(options.optimization()));
      if (options.threads() > 0) {
        so.setIntraOpNumThreads(options.threads());
      }
      so.setInterOpNumThreads(1);
      so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      String dump = System.getProperty(DUMP_PROPERTY, "");
      if (!dump.isEmpty()) {
        String base =
            java.nio.file.Path.of(dump)
                .resolve(model.name().replaceAll("[^A-Za-z0-9._-]", "_"))
                .toString();
        so.setOptimizedModelFilePath(base + ".optimized.onnx");
        so.enableProfiling(base);
        profiling = true;
      }
      session = env.createSession(model.bytes(), so);
    } catch (OrtException e) {
      throw OrtErrors.onLoad(e, model.name());
    }
    // From here the session is ours: closed on every path that does not hand it on.
    try {
      int maxBatch = check(session, model.name(), spec, options.maxBatch());
      return new OrtInferenceSession(env, session, model.name(), spec, maxBatch, profiling);
    } catch (EdgeSslException | RuntimeException e) {
      closeQuietly(session, e);
      throw e;
    } catch (OrtException e) {
      EdgeSslException x = OrtErrors.onLoad(e, model.name());
      closeQuietly(session, x);
      throw x;
    }
  }

  private static void closeQuietly(OrtSession s, Exception cause) {
    try {
      s.close();
    } catch (OrtException e) {
      cause.addSuppressed(e);
    }
  }

  private static OrtSession.SessionOptions.OptLevel level(OptimizationLevel l) {
    switch (l) {
      case NONE:
        return OrtSession.SessionOptions.OptLevel.NO_OPT;
      case BASIC:
        return OrtSession.SessionOptions.OptLevel.BASIC_OPT;
      case EXTENDED:
        return OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
      default:
        return OrtSession.SessionOptions.OptLevel.ALL_OPT;
    }
  }

  /** Checks the model's input and outputs against the spec; returns the largest batch it takes. */
  private static int check(OrtSession s, String model, SessionSpec spec, int maxBatch)
      throws OrtException, EdgeSslException {
    Map<String, NodeInfo> inputs = s.getInputInfo();
    TensorSpec in = spec.input();
    if (inputs.size() != 1 || !inputs.containsKey(in.name())) {
      throw new EdgeSslException(
          ErrorCode.SHAPE_MISMATCH,
          model
              + " has inputs "
              + inputs.keySet()
              + "; EdgeSSL feeds exactly one, '"
              + in.name()
              + "'");
    }
    long batch = checkTensor(model, "input", in, inputs.get(in.name()));
    Map<String, NodeInfo> outputs = s.getOutputInfo();
    for (TensorSpec out : spec.outputs()) {
      NodeInfo info = outputs.get(out.name());
      if (info == null) {
        throw new EdgeSslException(
            ErrorCode.SHAPE_MISMATCH,
            model + " has no output '" + out.name() + "'; its outputs are " + outputs.keySet());
      }
      long b = checkTensor(model, "output", out, info);
      if (b > 0 && batch > 0 && b != batch) {
        batch = -2; // fixed and different: reported below
      }
    }
    if (batch == -1) {
      return maxBatch;
    }
    if (batch == 1) {
      return 1;
    }
    throw new EdgeSslException(
        ErrorCode.SHAPE_MISMATCH,
        model
            + " fixes its batch dimension to "
            + (batch == -2 ? "different sizes" : String.valueOf(batch))
            + "; EdgeSSL needs a dynamic batch dimension, or 1");
  }

  /** Checks one tensor's type and per-sample shape; returns its batch dimension (-1: dynamic). */
  private static long checkTensor(String model, String role, TensorSpec want, NodeInfo info)
      throws EdgeSslException {
    if (!(info.getInfo() instanceof TensorInfo)) {
      throw new EdgeSslException(
          ErrorCode.SHAPE_MISMATCH, model + ": " + role + " '" + want.name() + "' is not a tensor");
    }
    TensorInfo t = (TensorInfo) info.getInfo();
    if (t.type != OnnxJavaType.FLOAT) {
      throw new EdgeSslException(
          ErrorCode.SHAPE_MISMATCH,
          model
              + ": "
              + role
              + " '"
              + want.name()
              + "' is "
              + t.type
              + "; EdgeSSL exchanges float32 tensors (cast inside the graph)");
    }
    long[] shape = t.getShape();
    long[] per = want.shape();
    boolean ok = shape.length == per.length + 1;
    for (int i = 0; ok && i < per.length; i++) {
      ok = shape[i + 1] == per[i] || shape[i + 1] < 0;
    }
    if (!ok) {
      throw new EdgeSslException(
          ErrorCode.SHAPE_MISMATCH,
          model
              + ": "
              + role
              + " '"
              + want.name()
              + "' has shape "
              + describe(shape)
              + " but the manifest implies "
              + want);
    }
    return shape[0] < 0 ? -1 : shape[0];
  }

  /** A shape with symbolic dimensions as {@code ?}. */
  static String describe(long[] shape) {
    String[] s = new String[shape.length];
    for (int i = 0; i < shape.length; i++) {
      s[i] = shape[i] < 0 ? "?" : Long.toString(shape[i]);
    }
    return Arrays.toString(s);
  }

  @Override
  public String toString() {
    return "OrtBackend[" + env.getVersion() + "]";
  }
}
