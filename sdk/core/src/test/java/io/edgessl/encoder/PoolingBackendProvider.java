package io.edgessl.encoder;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.bundle.Precision;
import io.edgessl.spi.Backend;
import io.edgessl.spi.BackendProvider;
import io.edgessl.spi.InferenceSession;
import io.edgessl.spi.ModelSource;
import io.edgessl.spi.SessionOptions;
import io.edgessl.spi.SessionSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test backend in plain Java: its "model" averages each channel over each grid cell (the patch
 * grid) and over the whole input (the embedding), so D equals the input's channels. A model whose
 * bytes start with {@code bad} is rejected.
 */
public final class PoolingBackendProvider implements BackendProvider {
  /** Sessions closed so far, across all instances. */
  static final AtomicInteger CLOSED = new AtomicInteger();

  @Override
  public String name() {
    return "test-pooling";
  }

  @Override
  public int rank() {
    return 1;
  }

  @Override
  public Backend create() {
    return new Backend() {
      @Override
      public String name() {
        return "test-pooling";
      }

      @Override
      public List<Precision> precisions() {
        return List.of(Precision.INT8, Precision.FP32);
      }

      @Override
      public InferenceSession open(ModelSource model, SessionSpec spec, SessionOptions options)
          throws EdgeSslException {
        if (new String(model.bytes(), StandardCharsets.US_ASCII).startsWith("bad")) {
          throw new EdgeSslException(ErrorCode.INVALID_MODEL, model.name() + ": rejected");
        }
        return new Session(spec, options.maxBatch());
      }
    };
  }

  private static final class Session implements InferenceSession {
    final int c;
    final int h;
    final int w;
    final int gh;
    final int gw;
    final int maxBatch;
    final FloatBuffer input;
    final FloatBuffer embedding;
    final FloatBuffer grid;
    boolean closed;

    Session(SessionSpec spec, int maxBatch) {
      long[] in = spec.input().shape();
      c = (int) in[0];
      h = (int) in[1];
      w = (int) in[2];
      long[] g = spec.outputs().get(1).shape();
      gh = (int) g[0];
      gw = (int) g[1];
      this.maxBatch = maxBatch;
      input = direct(maxBatch * c * h * w);
      embedding = direct(maxBatch * c);
      grid = direct(maxBatch * gh * gw * c);
    }

    static FloatBuffer direct(int n) {
      return ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Override
    public int maxBatch() {
      return maxBatch;
    }

    @Override
    public FloatBuffer input() {
      check();
      return input;
    }

    @Override
    public void run(int batch) {
      check();
      int sh = h / gh;
      int sw = w / gw;
      for (int n = 0; n < batch; n++) {
        for (int ch = 0; ch < c; ch++) {
          double total = 0;
          for (int gy = 0; gy < gh; gy++) {
            for (int gx = 0; gx < gw; gx++) {
              double s = 0;
              for (int y = gy * sh; y < (gy + 1) * sh; y++) {
                for (int x = gx * sw; x < (gx + 1) * sw; x++) {
                  s += input.get(((n * c + ch) * h + y) * w + x);
                }
              }
              grid.put(((n * gh + gy) * gw + gx) * c + ch, (float) (s / (sh * sw)));
              total += s;
            }
          }
          embedding.put(n * c + ch, (float) (total / (h * w)));
        }
      }
    }

    @Override
    public FloatBuffer output(int index) {
      check();
      return (index == 0 ? embedding : grid).asReadOnlyBuffer();
    }

    private void check() {
      if (closed) {
        throw new IllegalStateException("Session is closed");
      }
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        CLOSED.incrementAndGet();
      }
    }
  }
}
