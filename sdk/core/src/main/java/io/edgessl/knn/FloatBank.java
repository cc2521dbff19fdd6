package io.edgessl.knn;

import io.edgessl.spi.KnnKernels;
import io.edgessl.spi.PackedBank;

/** FP32 vectors in the {@link PackedBank} layout. */
final class FloatBank extends Bank {
  private float[] packed;

  FloatBank(int dim, int capacity) {
    super(dim);
    this.packed = new float[PackedBank.length(capacity, dim)];
  }

  @Override
  BankPrecision precision() {
    return BankPrecision.FP32;
  }

  @Override
  int capacity() {
    return packed.length / dim;
  }

  @Override
  void grow(int capacity, int count) {
    float[] nb = new float[PackedBank.length(capacity, dim)];
    // Whole blocks keep their layout, so a prefix copy moves every vector.
    System.arraycopy(packed, 0, nb, 0, PackedBank.length(count, dim));
    packed = nb;
  }

  @Override
  void put(int slot, float[] normalized) {
    PackedBank.put(packed, slot, normalized, dim);
  }

  @Override
  void get(int slot, float[] out) {
    PackedBank.get(packed, slot, out, dim);
  }

  @Override
  void move(int from, int to) {
    int block = PackedBank.BLOCK;
    int src = (from / block) * dim * block + from % block;
    int dst = (to / block) * dim * block + to % block;
    for (int d = 0; d < dim; d++) {
      packed[dst + d * block] = packed[src + d * block];
    }
  }

  @Override
  void clear(int slot) {
    int block = PackedBank.BLOCK;
    int at = (slot / block) * dim * block + slot % block;
    for (int d = 0; d < dim; d++) {
      packed[at + d * block] = 0f;
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
    kernels.searchPacked(
        packed, count, dim, queries, firstQuery * dim, queryCount, k, scores, slots);
  }
}
