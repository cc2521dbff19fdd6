package io.edgessl.benchmarks;

import io.edgessl.spi.PackedBank;
import io.edgessl.spi.PackedInt8Bank;
import java.util.SplittableRandom;

/** A synthetic bank of L2-normalized Gaussian vectors and queries, in both packed layouts. */
final class Banks {
  /** Queries per batch. */
  static final int BATCH = 64;

  final float[] fp32;
  final byte[] int8;
  final float[] scales;
  final float[] queries;
  final byte[] queries8;
  final float[] queryScales;

  private Banks(
      float[] fp32, byte[] int8, float[] scales, float[] queries, byte[] queries8, float[] qs) {
    this.fp32 = fp32;
    this.int8 = int8;
    this.scales = scales;
    this.queries = queries;
    this.queries8 = queries8;
    this.queryScales = qs;
  }

  static Banks gaussian(int count, int dim, int queryCount, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] fp32 = new float[PackedBank.length(count, dim)];
    byte[] int8 = new byte[PackedInt8Bank.length(count, dim)];
    float[] scales = new float[count];
    float[] v = new float[dim];
    byte[] c = new byte[dim];
    for (int i = 0; i < count; i++) {
      unit(r, v);
      PackedBank.put(fp32, i, v, dim);
      scales[i] = PackedInt8Bank.quantize(v, 0, dim, c, 0);
      PackedInt8Bank.put(int8, i, c, 0, dim);
    }
    int pdim = PackedInt8Bank.paddedDim(dim);
    float[] q = new float[queryCount * dim];
    byte[] q8 = new byte[queryCount * pdim];
    float[] qs = new float[queryCount];
    for (int i = 0; i < queryCount; i++) {
      unit(r, v);
      System.arraycopy(v, 0, q, i * dim, dim);
      qs[i] = PackedInt8Bank.quantize(v, 0, dim, q8, i * pdim);
    }
    return new Banks(fp32, int8, scales, q, q8, qs);
  }

  private static void unit(SplittableRandom r, float[] v) {
    double ss = 0;
    for (int d = 0; d < v.length; d++) {
      v[d] = (float) r.nextGaussian();
      ss += (double) v[d] * v[d];
    }
    float norm = (float) Math.sqrt(ss);
    for (int d = 0; d < v.length; d++) {
      v[d] /= norm;
    }
  }
}
