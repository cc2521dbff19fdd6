package io.edgessl.knn;

import java.util.List;

/**
 * The labels of a k-NN classification ranked by score, best first. Every label of the index's label
 * table is ranked: labels that received no vote follow with score zero, in table order, as in
 * DINO's evaluation (where every class has a score), so top-5 is defined even when fewer than five
 * labels were voted for.
 *
 * <p>Scores are the vote shares: they sum to one over the labels (for every {@link Vote} rule the
 * ranking is the reference one; DINO's raw scores are these shares times a common factor).
 *
 * <p>Immutable, and independent of later changes to the index: callers may keep it.
 */
public final class Prediction {
  private final List<String> labelTable;
  private final int[] ranked;
  private final double[] shares;
  private final float nearestSimilarity;
  private final boolean rejected;
  private final Neighbors neighbors;

  Prediction(
      List<String> labelTable,
      int[] ranked,
      double[] shares,
      float nearestSimilarity,
      boolean rejected,
      Neighbors neighbors) {
    this.labelTable = labelTable;
    this.ranked = ranked;
    this.shares = shares;
    this.nearestSimilarity = nearestSimilarity;
    this.rejected = rejected;
    this.neighbors = neighbors;
  }

  /**
   * The best label (even when {@link #rejected()}: it is then the best guess).
   *
   * @return the label ranked first
   */
  public String label() {
    return labelTable.get(ranked[0]);
  }

  /**
   * Index of the best label in the label table.
   *
   * @return the label-table index of the label ranked first
   */
  public int labelIndex() {
    return ranked[0];
  }

  /**
   * Number of ranked labels (the size of the label table).
   *
   * @return the number of ranks
   */
  public int size() {
    return ranked.length;
  }

  /**
   * The label at rank {@code r} (0 = best).
   *
   * @param r the rank, from 0 to {@code size() - 1}
   * @return the label
   */
  public String label(int r) {
    return labelTable.get(ranked[r]);
  }

  /**
   * Label-table index of the label at rank {@code r}.
   *
   * @param r the rank, from 0 to {@code size() - 1}
   * @return the label's index in the label table
   */
  public int labelIndex(int r) {
    return ranked[r];
  }

  /**
   * Vote share of the label at rank {@code r}, in [0, 1].
   *
   * @param r the rank, from 0 to {@code size() - 1}
   * @return the vote share; the shares of all ranks sum to 1
   */
  public double score(int r) {
    return shares[r];
  }

  /**
   * Whether the label-table index {@code label} is among the first {@code n} ranks.
   *
   * @param label a label-table index
   * @param n the number of ranks to look at
   * @return true if {@code label} ranks before {@code n}
   */
  public boolean inTop(int label, int n) {
    for (int r = 0; r < Math.min(n, ranked.length); r++) {
      if (ranked[r] == label) {
        return true;
      }
    }
    return false;
  }

  /**
   * Cosine similarity, in [-1, 1], of the nearest neighbour that carries the best label.
   *
   * @return the similarity
   */
  public float nearestSimilarity() {
    return nearestSimilarity;
  }

  /**
   * Whether the open-set rule rejected this prediction: the nearest neighbour carrying the best
   * label is less similar than the classifier's threshold, so the input is likely none of the
   * enrolled labels.
   *
   * @return true when rejected
   */
  public boolean rejected() {
    return rejected;
  }

  /**
   * The neighbours that voted (the first {@code k} of them, most similar first).
   *
   * @return the voting neighbours
   */
  public Neighbors neighbors() {
    return neighbors;
  }

  /** The best label, whether it was rejected, its share and nearest similarity, for logs. */
  @Override
  public String toString() {
    return String.format(
        "Prediction[%s%s, share %.3f, nearest %.3f]",
        label(), rejected ? " (rejected)" : "", shares[0], nearestSimilarity);
  }
}
