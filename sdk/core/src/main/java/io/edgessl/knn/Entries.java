package io.edgessl.knn;

import io.edgessl.spi.PackedBank;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link KnnIndex} holds: the bank of normalized vectors, the id and label of each slot, and
 * the label table. Slots are dense ({@code 0..count-1}) and in enrollment order (ids increase), so
 * removal compacts. Not thread-safe: the index guards it with its lock, and the file reader fills
 * one before the index is published. The fields are read directly by the index's search and the
 * file writer.
 */
final class Entries {
  static final int MIN_CAPACITY = PackedBank.BLOCK;

  final Bank bank;
  long[] ids;
  int[] labelOf;
  int count;
  long nextId;
  private final List<String> labelTable = new ArrayList<>();
  private final Map<String, Integer> labelIndex = new HashMap<>();

  Entries(BankPrecision precision, int dim, int rerank) {
    // Empty until the first entry: an empty index (or a 48-byte file that claims a large
    // dimension) costs nothing per dimension; the first add grows to MIN_CAPACITY.
    this.bank = Bank.create(precision, dim, rerank, 0);
    this.ids = new long[0];
    this.labelOf = new int[0];
  }

  /** The label table, live (callers copy it before it leaves the lock). */
  List<String> labels() {
    return labelTable;
  }

  /** The index of {@code label} in the table, adding it at the end if absent. */
  int labelId(String label) {
    Integer i = labelIndex.get(label);
    if (i == null) {
      i = labelTable.size();
      labelTable.add(label);
      labelIndex.put(label, i);
    }
    return i;
  }

  /** Number of vectors per label, indexed like the label table. */
  int[] labelCounts() {
    int[] c = new int[labelTable.size()];
    for (int i = 0; i < count; i++) {
      c[labelOf[i]]++;
    }
    return c;
  }

  /** The slot of the vector with this id, or a negative number. */
  int slotOf(long id) {
    return Arrays.binarySearch(ids, 0, count, id);
  }

  /** Appends a normalized vector with a new id; returns the id. */
  long add(String label, float[] normalized) {
    ensureCapacity(count + 1);
    int slot = count++;
    bank.put(slot, normalized);
    ids[slot] = nextId;
    labelOf[slot] = labelId(label);
    return nextId++;
  }

  /** Appends one stored FP32 entry as the file holds it. */
  void restore(long id, int label, float[] normalized) {
    ensureCapacity(count + 1);
    bank.put(count, normalized);
    ids[count] = id;
    labelOf[count] = label;
    count++;
  }

  /** Appends one stored INT8 entry exactly ({@code row} only when reranking). */
  void restoreInt8(long id, int label, byte[] codes, float scale, float[] row) {
    ensureCapacity(count + 1);
    ((Int8Bank) bank).restore(count, codes, scale, row);
    ids[count] = id;
    labelOf[count] = label;
    count++;
  }

  /** Removes the vector with this id; returns whether it was present. */
  boolean remove(long id) {
    int slot = slotOf(id);
    if (slot < 0) {
      return false;
    }
    boolean[] drop = new boolean[count];
    drop[slot] = true;
    remove(drop);
    return true;
  }

  /** Removes every vector with this label; returns how many were removed. */
  int removeLabel(String label) {
    Integer li = labelIndex.get(label);
    if (li == null) {
      return 0;
    }
    boolean[] drop = new boolean[count];
    int n = 0;
    for (int i = 0; i < count; i++) {
      if (labelOf[i] == li) {
        drop[i] = true;
        n++;
      }
    }
    if (n > 0) {
      remove(drop);
    }
    return n;
  }

  /** Removes the slots marked in {@code drop}, keeping the order of the others. */
  private void remove(boolean[] drop) {
    int w = 0;
    for (int r = 0; r < count; r++) {
      if (drop[r]) {
        continue;
      }
      if (w != r) {
        bank.move(r, w);
        ids[w] = ids[r];
        labelOf[w] = labelOf[r];
      }
      w++;
    }
    for (int r = w; r < count; r++) {
      bank.clear(r);
    }
    count = w;
  }

  /**
   * The neighbours of {@code n} queries from a search's top-{@code kk} {@code scores} and {@code
   * slots} (row-major, {@code n x kk}), with a snapshot of the label table.
   */
  Neighbors[] neighbors(float[] scores, int[] slots, int n, int kk) {
    List<String> table = Collections.unmodifiableList(new ArrayList<>(labelTable));
    Neighbors[] out = new Neighbors[n];
    for (int q = 0; q < n; q++) {
      float[] s = Arrays.copyOfRange(scores, q * kk, (q + 1) * kk);
      long[] id = new long[kk];
      int[] lab = new int[kk];
      for (int r = 0; r < kk; r++) {
        int slot = slots[q * kk + r];
        id[r] = ids[slot];
        lab[r] = labelOf[slot];
      }
      out[q] = new Neighbors(s, id, lab, table);
    }
    return out;
  }

  /** The INT8 bank, or null for FP32. */
  Int8Bank int8Bank() {
    return bank instanceof Int8Bank ? (Int8Bank) bank : null;
  }

  void ensureCapacity(int needed) {
    if (needed <= ids.length) {
      return;
    }
    int cap = Math.max(Math.max(needed, MIN_CAPACITY), ids.length + (ids.length >> 1));
    cap = PackedBank.blocks(cap) * PackedBank.BLOCK;
    bank.grow(cap, count);
    ids = Arrays.copyOf(ids, cap);
    labelOf = Arrays.copyOf(labelOf, cap);
  }
}
