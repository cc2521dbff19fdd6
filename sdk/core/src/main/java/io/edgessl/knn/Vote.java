package io.edgessl.knn;

/** How the k nearest neighbours vote for their labels. */
public enum Vote {
  /**
   * DINO's k-NN protocol ({@code eval_knn.py}, {@code knn_classifier}): each neighbour votes with
   * weight {@code exp(similarity / T)}; a label's score is the sum of its votes.
   */
  DINO,
  /**
   * DINOv2 ({@code dinov2/eval/knn.py}): weights are {@code softmax(similarities / T)} over the k
   * neighbours. Same ranking as {@link #DINO}; the scores sum to one.
   */
  DINOV2_SOFTMAX,
  /** Plain majority: every neighbour votes with weight one. */
  MAJORITY;

  /**
   * Parses {@code dino}, {@code dinov2} (also {@code dinov2_softmax}, {@code softmax}) or {@code
   * majority}, case-insensitive.
   *
   * @throws IllegalArgumentException for any other name, listing the accepted ones
   * @param s the rule's name
   * @return the vote rule
   */
  public static Vote parse(String s) {
    switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "dino":
        return DINO;
      case "dinov2":
      case "dinov2_softmax":
      case "softmax":
        return DINOV2_SOFTMAX;
      case "majority":
        return MAJORITY;
      default:
        throw new IllegalArgumentException(
            "unknown vote rule '" + s + "'; expected dino, dinov2 or majority");
    }
  }
}
