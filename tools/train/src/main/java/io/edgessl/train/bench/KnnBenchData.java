package io.edgessl.train.bench;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.internal.io.AtomicFiles;
import io.edgessl.internal.io.Json;
import io.edgessl.spi.PackedInt8Bank;
import io.edgessl.train.data.LabelledImages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The vectors {@link KnnBench} searches: L2-normalized bank rows and queries, row-major.
 *
 * @param rows {@code count x dim} bank vectors
 * @param queries {@code queries.length / dim} query vectors
 * @param source what they are, in words
 */
public record KnnBenchData(float[] rows, float[] queries, int count, int dim, String source) {

  /** {@code n} gaussian bank vectors of dimension {@code dim} (seed 1) and queries (seed 2). */
  public static KnnBenchData synthetic(int n, int dim, int queries) {
    if (n <= 0 || dim <= 0) {
      throw new IllegalArgumentException("--synthetic takes N,D with both positive");
    }
    return new KnnBenchData(
        random(n, dim, 1), random(queries, dim, 2), n, dim, "synthetic gaussian");
  }

  /** The training images' pixels as the bank, the first {@code queries} test images as queries. */
  public static KnnBenchData pixels(LabelledImages train, LabelledImages test, int queries) {
    int n = train.count();
    int dim = train.height() * train.width();
    if (queries > test.count()) {
      throw new IllegalArgumentException(
          "--queries " + queries + " exceeds the " + test.count() + " test images");
    }
    return new KnnBenchData(pixels(train, n), pixels(test, queries), n, dim, train.name());
  }

  /** The number of queries. */
  public int queryCount() {
    return queries.length / dim;
  }

  /**
   * Writes bank.f32, queries.f32 (row-major little-endian float32), exact.i32 (queries x k int32)
   * and meta.json to {@code dir}, for other libraries to run on.
   */
  public void export(Path dir, int k, int[] exact) throws EdgeSslException {
    writeFloats(dir.resolve("bank.f32"), rows);
    writeFloats(dir.resolve("queries.f32"), queries);
    ByteBuffer b = ByteBuffer.allocate(4 * exact.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(exact);
    write(dir.resolve("exact.i32"), b.array());
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("source", source);
    meta.put("count", (long) count);
    meta.put("dimension", (long) dim);
    meta.put("queries", (long) queryCount());
    meta.put("k", (long) k);
    meta.put("normalized", true);
    write(dir.resolve("meta.json"), Json.writePretty(meta).getBytes(StandardCharsets.UTF_8));
  }

  /** The bank and queries quantized once, outside the timed runs. */
  record Int8(byte[] bank, float[] scales, byte[] queries, float[] queryScales) {
    static Int8 of(KnnBenchData d) {
      int pdim = PackedInt8Bank.paddedDim(d.dim);
      byte[] bank = new byte[PackedInt8Bank.length(d.count, d.dim)];
      float[] scales = new float[d.count];
      byte[] c = new byte[d.dim];
      for (int i = 0; i < d.count; i++) {
        scales[i] = PackedInt8Bank.quantize(d.rows, i * d.dim, d.dim, c, 0);
        PackedInt8Bank.put(bank, i, c, 0, d.dim);
      }
      int nq = d.queryCount();
      byte[] q = new byte[nq * pdim];
      float[] qs = new float[nq];
      for (int i = 0; i < nq; i++) {
        qs[i] = PackedInt8Bank.quantize(d.queries, i * d.dim, d.dim, q, i * pdim);
      }
      return new Int8(bank, scales, q, qs);
    }
  }

  private static void writeFloats(Path file, float[] values) throws EdgeSslException {
    try {
      AtomicFiles.write(
          file,
          ch -> {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < values.length; ) {
              buf.clear();
              int m = Math.min(values.length - i, buf.capacity() / 4);
              buf.asFloatBuffer().put(values, i, m);
              buf.limit(4 * m);
              while (buf.hasRemaining()) {
                ch.write(buf);
              }
              i += m;
            }
          });
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void write(Path file, byte[] bytes) throws EdgeSslException {
    try {
      AtomicFiles.write(file, bytes);
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static float[] pixels(LabelledImages d, int count) {
    int dim = d.height() * d.width();
    float[] out = new float[count * dim];
    byte[] px = d.pixels();
    for (int i = 0; i < count; i++) {
      normalizeRow(px, d.offset(i), out, i * dim, dim);
    }
    return out;
  }

  private static void normalizeRow(byte[] px, int from, float[] out, int at, int dim) {
    double ss = 0;
    for (int p = 0; p < dim; p++) {
      float x = (px[from + p] & 0xff) / 255f;
      out[at + p] = x;
      ss += (double) x * x;
    }
    float norm = (float) Math.max(Math.sqrt(ss), 1e-12);
    for (int p = 0; p < dim; p++) {
      out[at + p] /= norm;
    }
  }

  private static float[] random(int count, int dim, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] out = new float[count * dim];
    for (int i = 0; i < count; i++) {
      double ss = 0;
      for (int d = 0; d < dim; d++) {
        float x = (float) r.nextGaussian();
        out[i * dim + d] = x;
        ss += (double) x * x;
      }
      float norm = (float) Math.sqrt(ss);
      for (int d = 0; d < dim; d++) {
        out[i * dim + d] /= norm;
      }
    }
    return out;
  }
}
