package io.edgessl.internal.kernels;

/** Running top-k selection over scores arriving in increasing slot order. */
final class TopK {
  private TopK() {}

  /**
   * Merges {@code n} scores ({@code scores[from..from+n)}, for slots {@code firstSlot..}) into the
   * sorted top-k list at {@code topScores[at..at+k)}, of which {@code filled} entries are used.
   * Slots arrive in increasing order, so a score equal to one already kept ranks after it: only a
   * strictly greater score displaces an entry, which gives "ties keep the lower slot first".
   *
   * @return the new number of used entries
   */
  static int merge(
      float[] scores,
      int from,
      int n,
      int firstSlot,
      float[] topScores,
      int[] topSlots,
      int at,
      int k,
      int filled) {
    final int last = at + k - 1;
    for (int j = 0; j < n; j++) {
      final float s = scores[from + j];
      if (filled == k && !(s > topScores[last])) {
        continue;
      }
      // Insertion: shift smaller entries one place down, dropping the last when full.
      int pos = at + (filled < k ? filled++ : k - 1);
      while (pos > at && s > topScores[pos - 1]) {
        topScores[pos] = topScores[pos - 1];
        topSlots[pos] = topSlots[pos - 1];
        pos--;
      }
      topScores[pos] = s;
      topSlots[pos] = firstSlot + j;
    }
    return filled;
  }
}
