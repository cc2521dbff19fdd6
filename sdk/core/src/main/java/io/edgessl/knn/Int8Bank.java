package io.edgessl.knn;

import io.edgessl.spi.KnnKernels;
import io.edgessl.spi.PackedBank;
import io.edgessl.spi.PackedInt8Bank;
import java.util.Arrays;

/**
 * INT8 codes in the {@link PackedInt8Bank} layout with one scale per slot, and, when reranking, the
 * FP32 vectors row-major as well: a search then takes {@code rerank * k} candidates from the INT8
 * kernels and rescores them exactly, the way Faiss's {@code IndexRefine} and Lucene's rescoring of
 * quantized vectors recover the exact order.
 */
final class Int8Bank extends Bank {
  private final int pdim;
  private final int rerank;
  private byte[] codes;
  private float[] scales;
  private float[] rows; // null unless rerank > 0
  private final byte[] scratch; // for writers only: they hold the write lock

  Int8Bank(int dim, int rerank, int capacity) {
    super(dim);
    this.pdim = PackedInt8Bank.paddedDim(dim);
    this.rerank = rerank;
    this.codes = new byte[PackedInt8Bank.length(capacity, dim)];
    this.scales = new float[capacity];
    this.rows = rerank > 0 ? new float[Math.multiplyExact(capacity, dim)] : null;
    this.scratch = new byte[dim];
  }

  @Override
  BankPrecision precision() {
    return BankPrecision.INT8;
  }

  int rerank() {
    return rerank;
  }

  boolean hasRows() {
    return rows != null;
  }

  @Override
  int capacity() {
    return scales.length;
  }

  @Override
  void grow(int capacity, int count) {
    byte[] nc = new byte[PackedInt8Bank.length(capacity, dim)];
    System.arraycopy(codes, 0, nc, 0, PackedBank.blocks(count) * PackedBank.BLOCK * pdim);
    codes = nc;
    scales = Arrays.copyOf(scales, capacity);
    if (rows != null) {
      rows = Arrays.copyOf(rows, Math.multiplyExact(capacity, dim));
    }
  }

  @Override
  void put(int slot, float[] normalized) {
    scales[slot] = PackedInt8Bank.quantize(normalized, 0, dim, scratch, 0);
    PackedInt8Bank.put(codes, slot, scratch, 0, dim);
    if (rows != null) {
      System.arraycopy(normalized, 0, rows, slot * dim, dim);
    }
  }

  /** Restores a stored slot exactly: its codes, scale and (when reranking) FP32 vector. */
  void restore(int slot, byte[] c, float scale, float[] row) {
    PackedInt8Bank.put(codes, slot, c, 0, dim);
    scales[slot] = scale;
    if (rows != null) {
      System.arraycopy(row, 0, rows, slot * dim, dim);
    }
  }

  float scale(int slot) {
    return scales[slot];
  }

  void codes(int slot, byte[] out) {
    PackedInt8Bank.get(codes, slot, out, 0, dim);
  }

  /** The FP32 vector of {@code slot}; only when {@link #hasRows()}. */
  void row(int slot, float[] out) {
    System.arraycopy(rows, slot * dim, out, 0, dim);
  }

  @Override
  void get(int slot, float[] out) {
    if (rows != null) {
      row(slot, out);
      return;
    }
    // A local buffer: readers call this concurrently under the read lock.
    byte[] c = new byte[dim];
    PackedInt8Bank.get(codes, slot, c, 0, dim);
    float s = scales[slot];
    for (int d = 0; d < dim; d++) {
      out[d] = c[d] * s;
    }
  }

  @Override
  void move(int from, int to) {
    PackedInt8Bank.get(codes, from, scratch, 0, dim);
    PackedInt8Bank.put(codes, to, scratch, 0, dim);
    scales[to] = scales[from];
    if (rows != null) {
      System.arraycopy(rows, from * dim, rows, to * dim, dim);
    }
  }

  @Override
  void clear(int slot) {
    Arrays.fill(scratch, (byte) 0);
    PackedInt8Bank.put(codes, slot, scratch, 0, dim);
    scales[slot] = 0f;
    if (rows != null) {
      Arrays.fill(rows, slot * dim, (slot + 1) * dim, 0f);
    }
  }

  @Override
  void search(
      KnnKernels kernels,
      int count,
      float[] queries,
      int firstQuery,
      int queryCount,
      int k,
      float[] scores,
      int[] slots) {
    byte[] q = new byte[Math.multiplyExact(queryCount, pdim)];
    float[] qs = new float[queryCount];
    for (int i = 0; i < queryCount; i++) {
      qs[i] = PackedInt8Bank.quantize(queries, (firstQuery + i) * dim, dim, q, i * pdim);
    }
    if (rows == null) {
      kernels.searchPackedInt8(codes, scales, count, dim, q, qs, 0, queryCount, k, scores, slots);
      return;
    }
    int kc = (int) Math.min(count, (long) k * rerank);
    float[] cs = new float[Math.multiplyExact(queryCount, kc)];
    int[] ci = new int[cs.length];
    kernels.searchPackedInt8(codes, scales, count, dim, q, qs, 0, queryCount, kc, cs, ci);
    for (int i = 0; i < queryCount; i++) {
      rescore(queries, (firstQuery + i) * dim, ci, i * kc, kc, k, scores, slots, i * k);
    }
  }

  /**
   * Rescores {@code kc} candidate slots in FP32 and keeps the best {@code k} in descending order of
   * score, equal scores lower slot first: the order of an exact FP32 search, whose scores these are
   * bit for bit (the same sum, in the same order, as {@code JavaKernels}).
   */
  private void rescore(
      float[] queries,
      int qo,
      int[] cand,
      int from,
      int kc,
      int k,
      float[] outScores,
      int[] outSlots,
      int at) {
    Arrays.fill(outScores, at, at + k, Float.NEGATIVE_INFINITY);
    Arrays.fill(outSlots, at, at + k, -1);
    int filled = 0;
    for (int c = 0; c < kc; c++) {
      int slot = cand[from + c];
      if (slot < 0) {
        continue;
      }
      float s = 0f;
      int ro = slot * dim;
      for (int d = 0; d < dim; d++) {
        s += queries[qo + d] * rows[ro + d];
      }
      if (filled == k && !better(s, slot, outScores[at + k - 1], outSlots[at + k - 1])) {
        continue;
      }
      int pos = at + (filled < k ? filled++ : k - 1);
      while (pos > at && better(s, slot, outScores[pos - 1], outSlots[pos - 1])) {
        outScores[pos] = outScores[pos - 1];
        outSlots[pos] = outSlots[pos - 1];
        pos--;
      }
      outScores[pos] = s;
      outSlots[pos] = slot;
    }
  }

  private static boolean better(float s, int slot, float than, int thanSlot) {
    return s > than || (s == than && slot < thanSlot);
  }
}
