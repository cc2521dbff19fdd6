package io.edgessl.train.export;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.bundle.BundleWriter;
import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.bundle.Precision;
import io.edgessl.bundle.Provenance;
import io.edgessl.encoder.Backends;
import io.edgessl.encoder.OptimizationLevel;
import io.edgessl.image.ColorMode;
import io.edgessl.image.Interpolation;
import io.edgessl.image.Preprocessing;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.models.Pooling;
import io.edgessl.onnx.models.ResNetGraph;
import io.edgessl.onnx.models.VitGraph;
import io.edgessl.spi.InferenceSession;
import io.edgessl.spi.ModelSource;
import io.edgessl.spi.SessionOptions;
import io.edgessl.spi.SessionSpec;
import io.edgessl.spi.TensorSpec;
import io.edgessl.train.Checkpoint;
import io.edgessl.train.TrainConfig;
import io.edgessl.train.TrainData;
import io.edgessl.train.TrainedEncoder;
import io.edgessl.train.config.DataConfig;
import io.edgessl.train.data.ImageSet;
import io.edgessl.train.model.Encoder;
import io.edgessl.train.model.EncoderSpec;
import io.edgessl.train.model.PoolingOps;
import io.edgessl.train.nn.Ops;
import io.edgessl.train.nn.Torch;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Exports a training checkpoint's evaluated backbone (DINO's teacher, MoCo's momentum encoder, else
 * the encoder) to an FP32 ONNX model in a bundle, after checking that ONNX Runtime computes what
 * libtorch computes on the run's own training images. Nothing is written when the check fails.
 *
 * <p>The graph is built from the weights with the SDK's graph builders ({@link VitGraph}, {@link
 * ResNetGraph}) rather than traced: the Java training layers have no tracer, and the builders write
 * exactly the operators the SDK's backends are tested on. A ViT exported at another resolution than
 * it trained at gets its position embeddings resized as its forward pass resizes them (DINO's
 * bicubic {@code interpolate_pos_encoding}), baked into the graph: interpolation itself does not
 * export (REFERENCE.md).
 */
public final class Exporter {
  /** Largest max-abs difference allowed, relative to the largest feature magnitude. */
  public static final double DEFAULT_TOLERANCE = 1e-4;

  /** The bundle's model file. */
  public static final String MODEL_FILE = "encoder.fp32.onnx";

  private static final int CHUNK = 64;

  /**
   * What to export and how to check it.
   *
   * @param name the bundle's name
   * @param imageSize export resolution (square), or 0 for the training resolution
   * @param parityImages how many of the training images the parity check runs
   * @param tolerance bound on max |libtorch - ONNX Runtime| over the largest |feature|
   * @param data where the training images are now, or null for where the run read them
   * @param threads libtorch and ONNX Runtime threads
   * @param embedding how the embedding pools a ResNet's last feature map (gap, grid:N, map), or
   *     null for the encoder's own (a ViT's [CLS], a ResNet's global average)
   */
  public record Options(
      String name,
      int imageSize,
      int parityImages,
      double tolerance,
      Path data,
      int threads,
      Pooling embedding) {
    /** Options exporting the encoder's own embedding. */
    public Options(
        String name, int imageSize, int parityImages, double tolerance, Path data, int threads) {
      this(name, imageSize, parityImages, tolerance, data, threads, null);
    }

    public Options {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("the bundle needs a name");
      }
      if (imageSize < 0 || parityImages < 1 || !(tolerance > 0) || threads < 1) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "image size %d must be >= 0, parity images %d >= 1, tolerance %g > 0, threads"
                    + " %d >= 1",
                imageSize,
                parityImages,
                tolerance,
                threads));
      }
    }
  }

  /**
   * The parity check's outcome.
   *
   * @param images images compared
   * @param maxAbsDiff largest |libtorch - ONNX Runtime| over every embedding value
   * @param scale largest |libtorch embedding value|: the feature scale the bound is relative to
   */
  public record Parity(int images, double maxAbsDiff, double scale) {
    /** {@code maxAbsDiff / scale}. */
    public double relative() {
      return maxAbsDiff / scale;
    }
  }

  /**
   * An export's outcome.
   *
   * @param manifest the manifest written
   * @param parity the check it passed
   */
  public record Result(Manifest manifest, Parity parity) {}

  private Exporter() {}

  /**
   * Exports {@code checkpoint} to the bundle {@code out} (a {@code .edgessl} zip, else a new
   * directory).
   *
   * @throws EdgeSslException when the checkpoint or the training data cannot be read, {@link
   *     ErrorCode#INVALID_MODEL} when the parity check fails, {@link ErrorCode#IO} when writing
   *     fails; in every case nothing is written
   */
  public static Result export(Path checkpoint, Path out, Options o) throws EdgeSslException {
    Torch.threads(o.threads());
    Map<String, Object> meta;
    try (Checkpoint.Reader r = Checkpoint.open(checkpoint)) {
      meta = r.meta();
    }
    if (!(meta.get("step") instanceof Number) || !(meta.get("options") instanceof Map)) {
      throw new EdgeSslException(
          ErrorCode.CORRUPT_FILE, checkpoint + ": checkpoint metadata lacks its step or options");
    }
    TrainedEncoder t = TrainedEncoder.load(checkpoint);
    Encoder enc = t.encoder();
    EncoderSpec spec = enc.spec();
    int size = o.imageSize() > 0 ? o.imageSize() : spec.imageSize();
    int c = spec.channels();
    Pooling pooling = PoolingOps.resolve(o.embedding(), spec, gridCells(spec, size));
    OnnxGraph graph = graph(enc, size, size, pooling);
    graph.producer("edgessl export", String.valueOf(meta.get("commit")));
    byte[] onnx = graph.toBytes();

    DataConfig trained = TrainConfig.fromJson((Map<?, ?>) meta.get("options")).data();
    String trainedOn = data(trained);
    ImageSet train =
        TrainData.load(o.data() != null ? trained.withData(o.data()) : trained, null, o.threads())
            .train();
    int n = Math.min(o.parityImages(), train.count());
    float[] x = inputs(train, n, t.mean(), t.std(), size);
    Parity p = parity(enc, pooling, onnx, checkpoint + " exported", x, n, c, size, o.threads());
    if (!(p.maxAbsDiff() <= o.tolerance() * p.scale())) {
      throw new EdgeSslException(
          ErrorCode.INVALID_MODEL,
          String.format(
              Locale.ROOT,
              "%s: the ONNX export does not reproduce libtorch on %d training images: max |diff|"
                  + " %.3g is %.3g of the feature scale %.4g, above the bound %.3g; nothing"
                  + " written to %s",
              checkpoint,
              p.images(),
              p.maxAbsDiff(),
              p.relative(),
              p.scale(),
              o.tolerance(),
              out));
    }
    Manifest.Builder m =
        manifest(o.name(), spec, size, t, meta, trainedOn)
            .embedding(enc.embedDim(pooling, size), "embedding", "patch_grid")
            .patchFeatureSize(enc.embedDim())
            .embeddingPooling(pooling.id());
    Manifest written = BundleWriter.write(out, m, Map.of(MODEL_FILE, onnx));
    return new Result(written, p);
  }

  /** The encoder's graph for {@code height x width} inputs, with the encoder's current weights. */
  public static OnnxGraph graph(Encoder enc, int height, int width) {
    return graph(enc, height, width, PoolingOps.resolve(null, enc.spec(), 0));
  }

  /**
   * The encoder's graph for {@code height x width} inputs, its embedding pooled by {@code pooling}
   * (cls for a ViT; gap, grid:N or map for a ResNet).
   */
  public static OnnxGraph graph(Encoder enc, int height, int width, Pooling pooling) {
    EncoderSpec s = enc.spec();
    PoolingOps.resolve(pooling, s, gridCells(s, Math.min(height, width))); // refuses one it lacks
    return s.family().graph(enc, height, width, pooling);
  }

  /**
   * The first {@code n} images, normalized as in training, resized bilinearly to {@code size} when
   * that is not the training size.
   */
  static float[] inputs(ImageSet set, int n, float[] mean, float[] std, int size) {
    int c = set.channels();
    int h = set.height();
    int w = set.width();
    int plane = h * w;
    float[] x = new float[n * c * plane];
    byte[] px = set.pixels();
    for (int i = 0; i < n; i++) {
      int off = set.offset(i);
      for (int ch = 0; ch < c; ch++) {
        float m = mean[ch];
        float inv = 1f / std[ch];
        int base = (i * c + ch) * plane;
        for (int p = 0; p < plane; p++) {
          x[base + p] = ((px[off + ch * plane + p] & 0xff) / 255f - m) * inv;
        }
      }
    }
    if (h == size && w == size) {
      return x;
    }
    try (PointerScope scope = new PointerScope()) {
      Tensor t = Ops.fromFloats(x, n, c, h, w);
      return Ops.toFloats(torch.upsample_bilinear2d(t, new long[] {size, size}, false));
    }
  }

  /**
   * Runs {@code x} ({@code n} images {@code c x size x size}) through the libtorch encoder and
   * through ONNX Runtime on {@code onnx}, and compares the embeddings (pooled by {@code pooling} on
   * both sides).
   *
   * @throws EdgeSslException when ONNX Runtime is missing or rejects the model
   */
  static Parity parity(
      Encoder enc,
      Pooling pooling,
      byte[] onnx,
      String name,
      float[] x,
      int n,
      int c,
      int size,
      int threads)
      throws EdgeSslException {
    int d = enc.embedDim(pooling, size);
    int per = c * size * size;
    int grid = gridCells(enc.spec(), size);
    SessionSpec spec =
        new SessionSpec(
            new TensorSpec("pixels", c, size, size),
            List.of(
                new TensorSpec("embedding", d),
                new TensorSpec("patch_grid", grid, grid, enc.embedDim())));
    ModelSource src = new ModelSource(name, onnx, ModelBundle.sha256(onnx));
    double maxDiff = 0;
    double scale = 0;
    boolean wasTraining = enc.isTraining();
    enc.train(false);
    try (InferenceSession s =
        Backends.get("onnxruntime")
            .open(src, spec, new SessionOptions(threads, OptimizationLevel.ALL, CHUNK))) {
      for (int from = 0; from < n; from += CHUNK) {
        int b = Math.min(CHUNK, n - from);
        float[] chunk = Arrays.copyOfRange(x, from * per, (from + b) * per);
        float[] ref;
        try (PointerScope scope = new PointerScope();
            NoGradGuard g = new NoGradGuard()) {
          ref = Ops.toFloats(enc.embed(Ops.fromFloats(chunk, b, c, size, size), pooling));
        }
        FloatBuffer in = s.input();
        in.clear();
        in.put(chunk);
        s.run(b);
        FloatBuffer outBuf = s.output(0);
        for (int i = 0; i < b * d; i++) {
          float r = ref[i];
          scale = Math.max(scale, Math.abs(r));
          double diff = Math.abs(r - outBuf.get(i));
          maxDiff = Double.isNaN(diff) ? Double.NaN : Math.max(maxDiff, diff);
        }
      }
    } finally {
      enc.train(wasTraining);
    }
    return new Parity(n, maxDiff, scale);
  }

  private static int gridCells(EncoderSpec s, int size) {
    return s.family().featureCells(s, size);
  }

  /** The manifest of an export: architecture, input, normalization, outputs, provenance. */
  static Manifest.Builder manifest(
      String name,
      EncoderSpec s,
      int size,
      TrainedEncoder t,
      Map<String, Object> meta,
      String trainedOn) {
    Preprocessing pre =
        Preprocessing.builder(size, size)
            .color(s.channels() == 1 ? ColorMode.GRAY : ColorMode.RGB)
            .normalize(t.mean(), t.std())
            .stretch(Interpolation.BILINEAR)
            .build();
    Manifest.Builder m =
        Manifest.builder()
            .name(name)
            .inputName("pixels")
            .preprocessing(pre)
            .embedding(s.family().embedDim(s), "embedding", "patch_grid")
            .precision(Precision.FP32, MODEL_FILE)
            .provenance(
                new Provenance(
                    t.method(),
                    trainedOn,
                    ((Number) meta.get("step")).longValue(),
                    String.valueOf(meta.get("commit"))));
    return s.family().manifest(s, m);
  }

  /**
   * What the run trained on, e.g. {@code fashion-mnist/train} or {@code folder photos, first 500}.
   */
  private static String data(DataConfig d) {
    String s =
        d.dataset().equals("fashion-mnist")
            ? "fashion-mnist/train"
            : d.dataset() + " " + (d.data() == null ? "?" : d.data().getFileName());
    return d.trainLimit() != null ? s + ", first " + d.trainLimit() : s;
  }
}
