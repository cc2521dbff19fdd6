package io.edgessl.train.eval;

import io.edgessl.onnx.models.Pooling;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.model.Encoder;
import io.edgessl.train.model.PoolingOps;
import io.edgessl.train.nn.Ops;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * Embeddings by a libtorch encoder (a training checkpoint's, or a model being trained): images
 * scaled to [0, 1], normalized with the training mean and std, run in evaluation mode (batch norm
 * on running statistics, no drop path) without gradients. The feature is the encoder's embedding
 * (ViT: [CLS] after the final norm; ResNet: the feature map pooled by a {@link Pooling}, global
 * average unless chosen), or with {@code lastBlocks > 1} or {@code avgPool} the linear-probe
 * features of {@link Encoder#features}.
 *
 * <p>Calls are serialized: libtorch parallelizes inside each batch with the threads it was given.
 */
public final class ModelFeatures implements ImageFeatures {
  private final String name;
  private final Encoder encoder;
  private final float mean;
  private final float std;
  private final int lastBlocks;
  private final boolean avgPool;
  private final Pooling pooling;

  /** The embedding of {@code encoder} for grey images normalized by {@code mean}, {@code std}. */
  public ModelFeatures(String name, Encoder encoder, float mean, float std) {
    this(name, encoder, mean, std, 1, false, null);
  }

  /**
   * The embedding of {@code encoder} by {@code pooling} (see {@link Pooling#of}; null: the
   * encoder's own).
   *
   * @throws IllegalArgumentException when the encoder has no such embedding
   */
  public ModelFeatures(String name, Encoder encoder, float mean, float std, Pooling pooling) {
    this(name, encoder, mean, std, 1, false, pooling);
  }

  /** Linear-probe features: the last {@code lastBlocks} [CLS] tokens, plus the mean patch token. */
  public ModelFeatures(
      String name, Encoder encoder, float mean, float std, int lastBlocks, boolean avgPool) {
    this(name, encoder, mean, std, lastBlocks, avgPool, null);
  }

  private ModelFeatures(
      String name,
      Encoder encoder,
      float mean,
      float std,
      int lastBlocks,
      boolean avgPool,
      Pooling pooling) {
    if (encoder.spec().channels() != 1) {
      throw new IllegalArgumentException(
          "this evaluation reads grey images; the encoder takes "
              + encoder.spec().channels()
              + " channels");
    }
    this.name = name;
    this.encoder = encoder;
    this.mean = mean;
    this.std = std;
    this.lastBlocks = lastBlocks;
    this.avgPool = avgPool;
    if (pooling != null) {
      int size = encoder.spec().imageSize();
      int cells = encoder.spec().family().featureCells(encoder.spec(), size);
      pooling = PoolingOps.resolve(pooling, encoder.spec(), cells);
    }
    this.pooling = pooling;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int dimension() {
    return pooling != null
        ? encoder.embedDim(pooling, encoder.spec().imageSize())
        : encoder.featureDim(lastBlocks, avgPool);
  }

  /** The encoder. */
  public Encoder encoder() {
    return encoder;
  }

  @Override
  public synchronized void embed(LabelledImages images, int from, int n, float[][] out) {
    int h = images.height();
    int w = images.width();
    if (h != encoder.spec().imageSize() || w != encoder.spec().imageSize()) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "images are %dx%d, the encoder was trained at %dx%d",
              h,
              w,
              encoder.spec().imageSize(),
              encoder.spec().imageSize()));
    }
    int plane = h * w;
    float[] x = new float[n * plane];
    byte[] px = images.pixels();
    float inv = 1f / std;
    for (int i = 0; i < n; i++) {
      int off = images.offset(from + i);
      for (int p = 0; p < plane; p++) {
        x[i * plane + p] = ((px[off + p] & 0xff) / 255f - mean) * inv;
      }
    }
    boolean wasTraining = encoder.isTraining();
    encoder.train(false);
    try (PointerScope scope = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      Tensor in = Ops.fromFloats(x, n, 1, h, w);
      Tensor f =
          pooling != null ? encoder.embed(in, pooling) : encoder.features(in, lastBlocks, avgPool);
      float[] all = Ops.toFloats(f);
      int d = dimension();
      for (int i = 0; i < n; i++) {
        float[] v = out[i] != null && out[i].length == d ? out[i] : new float[d];
        System.arraycopy(all, i * d, v, 0, d);
        out[i] = v;
      }
    } finally {
      encoder.train(wasTraining);
    }
  }
}
