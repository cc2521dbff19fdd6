package io.edgessl.train.quantize;

import io.edgessl.EdgeSslException;
import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.encoder.OptimizationLevel;
import io.edgessl.image.Preprocessor;
import io.edgessl.spi.Backend;
import io.edgessl.spi.InferenceSession;
import io.edgessl.spi.ModelSource;
import io.edgessl.spi.SessionOptions;
import io.edgessl.spi.SessionSpec;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.eval.ImageFeatures;
import io.edgessl.train.eval.Samples;
import java.nio.FloatBuffer;

/**
 * Runs a candidate model (bytes not yet in any bundle, with the bundle's input and outputs) on an
 * inference backend, as an {@link io.edgessl.encoder.Encoder} would: the bundle's preprocessing
 * into the session's input buffer, the global embedding read back. Thread-safe (calls are
 * serialized); closing it closes the session.
 */
final class GraphRunner implements ImageFeatures {
  private final String name;
  private final Manifest manifest;
  private final Preprocessor pre;
  private final InferenceSession session;
  private final int dim;

  /**
   * Opens a session on {@code model}.
   *
   * @throws EdgeSslException when the backend rejects the model or its input and outputs differ
   *     from the manifest's
   */
  GraphRunner(Backend backend, Manifest m, byte[] model, String name, int threads, int maxBatch)
      throws EdgeSslException {
    this.name = name;
    this.manifest = m;
    this.pre = new Preprocessor(m.preprocessing());
    this.dim = m.embeddingSize();
    this.session =
        backend.open(
            new ModelSource(name, model, ModelBundle.sha256(model)),
            SessionSpec.of(m),
            new SessionOptions(threads, OptimizationLevel.ALL, maxBatch));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int dimension() {
    return dim;
  }

  /** The embeddings of every sample, in order. */
  synchronized float[][] embed(Samples samples) throws EdgeSslException {
    float[][] out = new float[samples.count()][];
    int size = pre.outputSize();
    FloatBuffer in = session.input();
    for (int from = 0; from < out.length; from += session.maxBatch()) {
      int n = Math.min(session.maxBatch(), out.length - from);
      for (int i = 0; i < n; i++) {
        samples.fill(from + i, pre, in, i * size);
      }
      session.run(n);
      FloatBuffer emb = session.output(0);
      for (int i = 0; i < n; i++) {
        float[] v = new float[dim];
        emb.get(i * dim, v);
        out[from + i] = v;
      }
    }
    return out;
  }

  @Override
  public void embed(LabelledImages images, int from, int n, float[][] out) throws EdgeSslException {
    float[][] e = embed(Samples.of(images).slice(from, n, images.name()));
    System.arraycopy(e, 0, out, 0, n);
  }

  /** The manifest the model follows. */
  Manifest manifest() {
    return manifest;
  }

  @Override
  public void close() {
    session.close();
  }
}
