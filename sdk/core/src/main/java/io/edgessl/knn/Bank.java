package io.edgessl.knn;

import io.edgessl.spi.KnnKernels;

/**
 * The normalized vectors of a {@link KnnIndex} in the layout its kernels search. Slots are dense
 * ({@code 0..count-1}); capacity is a multiple of the block size. Not thread-safe: the index locks.
 */
abstract class Bank {
  final int dim;

  Bank(int dim) {
    this.dim = dim;
  }

  abstract BankPrecision precision();

  /** Slots allocated. */
  abstract int capacity();

  /** Reallocates to {@code capacity} slots, keeping the first {@code count}. */
  abstract void grow(int capacity, int count);

  /** Stores a normalized vector in {@code slot}. */
  abstract void put(int slot, float[] normalized);

  /** The vector in {@code slot} (for INT8 without FP32 vectors: its dequantized codes). */
  abstract void get(int slot, float[] out);

  /** Copies slot {@code from} to slot {@code to} exactly. */
  abstract void move(int from, int to);

  /** Zeroes {@code slot} (unused slots of the last block must stay zero). */
  abstract void clear(int slot);

  /**
   * Top-{@code k} search of {@code queryCount} normalized queries (rows of {@code dim} floats from
   * row {@code firstQuery} of {@code queries}) over the first {@code count} slots.
   */
  abstract void search(
      KnnKernels kernels,
      int count,
      float[] queries,
      int firstQuery,
      int queryCount,
      int k,
      float[] scores,
      int[] slots);

  static Bank create(BankPrecision precision, int dim, int rerank, int capacity) {
    return precision == BankPrecision.INT8
        ? new Int8Bank(dim, rerank, capacity)
        : new FloatBank(dim, capacity);
  }
}
