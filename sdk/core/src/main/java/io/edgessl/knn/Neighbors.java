package io.edgessl.knn;

import java.util.List;

/**
 * The nearest neighbours of one query, most similar first (equal similarities: the earlier enrolled
 * first), as {@link KnnIndex#search} returns them. Immutable, and independent of later changes to
 * the index: callers may keep it.
 */
public final class Neighbors {
  private final float[] similarities;
  private final long[] ids;
  private final int[] labelIndices;
  private final List<String> labelTable;

  Neighbors(float[] similarities, long[] ids, int[] labelIndices, List<String> labelTable) {
    this.similarities = similarities;
    this.ids = ids;
    this.labelIndices = labelIndices;
    this.labelTable = labelTable;
  }

  /**
   * Number of neighbours: {@code min(k, index size)}.
   *
   * @return the number of neighbours
   */
  public int size() {
    return ids.length;
  }

  /**
   * Cosine similarity of neighbour {@code i} to the query, in [-1, 1] (for an INT8 bank without
   * reranking, approximate: see {@link BankPrecision#INT8}).
   *
   * @param i the rank, from 0 (most similar) to {@code size() - 1}
   * @return the similarity
   */
  public float similarity(int i) {
    return similarities[i];
  }

  /**
   * Id of neighbour {@code i}, as returned by {@link KnnIndex#add}.
   *
   * @param i the rank, from 0 (most similar) to {@code size() - 1}
   * @return the vector's id
   */
  public long id(int i) {
    return ids[i];
  }

  /**
   * Label of neighbour {@code i}.
   *
   * @param i the rank, from 0 (most similar) to {@code size() - 1}
   * @return the label
   */
  public String label(int i) {
    return labelTable.get(labelIndices[i]);
  }

  /**
   * Position of neighbour {@code i}'s label in the index's label table ({@link KnnIndex#labels()}
   * as of the search).
   *
   * @param i the rank, from 0 (most similar) to {@code size() - 1}
   * @return the label's index in the label table
   */
  public int labelIndex(int i) {
    return labelIndices[i];
  }

  /** The neighbours as {@code label#id=similarity}, for logs and tests. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Neighbors[");
    for (int i = 0; i < size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(label(i)).append('#').append(ids[i]).append('=').append(similarities[i]);
    }
    return sb.append(']').toString();
  }
}
