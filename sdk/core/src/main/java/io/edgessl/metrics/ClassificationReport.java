package io.edgessl.metrics;

import java.util.List;
import java.util.Objects;

/**
 * Accuracy of a classifier over a labelled test set: top-1, top-5, per-class accuracy and the
 * confusion matrix. Built incrementally with {@link #add}; not thread-safe.
 */
public final class ClassificationReport {
  private final List<String> classes;
  private final long[][] confusion;
  private long total;
  private long top1;
  private long top5;

  /**
   * An empty report over these classes (the label table of the classifier, in its order). The list
   * is copied.
   *
   * @throws IllegalArgumentException if there is no class
   * @param classes the class names; index {@code i} is class {@code i}
   */
  public ClassificationReport(List<String> classes) {
    this.classes = List.copyOf(Objects.requireNonNull(classes, "classes"));
    if (this.classes.isEmpty()) {
      throw new IllegalArgumentException("a classification report needs at least one class");
    }
    this.confusion = new long[this.classes.size()][this.classes.size()];
  }

  /**
   * Records one test example.
   *
   * @param truth class index of the true label
   * @param ranked class indices ranked best first (at least one); read, not kept
   * @throws IllegalArgumentException if {@code truth} or {@code ranked[0]} is not a class index
   */
  public void add(int truth, int[] ranked) {
    int n = classes.size();
    if (truth < 0 || truth >= n) {
      throw new IllegalArgumentException("true class " + truth + " outside [0, " + n + ")");
    }
    if (ranked.length == 0 || ranked[0] < 0 || ranked[0] >= n) {
      throw new IllegalArgumentException("no valid prediction for an example of class " + truth);
    }
    total++;
    confusion[truth][ranked[0]]++;
    if (ranked[0] == truth) {
      top1++;
    }
    for (int r = 0; r < Math.min(5, ranked.length); r++) {
      if (ranked[r] == truth) {
        top5++;
        break;
      }
    }
  }

  /**
   * The classes, in the order their indices refer to (immutable).
   *
   * @return the class names
   */
  public List<String> classes() {
    return classes;
  }

  /**
   * Number of examples recorded.
   *
   * @return the number of examples
   */
  public long total() {
    return total;
  }

  /**
   * Fraction of examples whose best prediction is right, in [0, 1]; NaN before any example.
   *
   * @return the top-1 accuracy
   */
  public double top1() {
    return total == 0 ? Double.NaN : (double) top1 / total;
  }

  /**
   * Fraction of examples whose true class is among the first five predictions (meaningless when the
   * classifier ranks fewer than five labels with votes, as DINO notes for k &lt; 5), in [0, 1]; NaN
   * before any example.
   *
   * @return the top-5 accuracy
   */
  public double top5() {
    return total == 0 ? Double.NaN : (double) top5 / total;
  }

  /**
   * Number of examples counted correct at top-1.
   *
   * @return the count
   */
  public long top1Count() {
    return top1;
  }

  /**
   * Number of examples counted correct at top-5.
   *
   * @return the count
   */
  public long top5Count() {
    return top5;
  }

  /**
   * Accuracy on the examples of class {@code c}, in [0, 1]; NaN when there are none.
   *
   * @param c the class index
   * @return the class's accuracy
   */
  public double classAccuracy(int c) {
    long n = 0;
    for (long x : confusion[c]) {
      n += x;
    }
    return n == 0 ? Double.NaN : (double) confusion[c][c] / n;
  }

  /**
   * Mean of the per-class accuracies over classes with examples.
   *
   * @return the mean, in [0, 1]; NaN when no class has examples
   */
  public double meanClassAccuracy() {
    double sum = 0;
    int n = 0;
    for (int c = 0; c < classes.size(); c++) {
      double a = classAccuracy(c);
      if (!Double.isNaN(a)) {
        sum += a;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /**
   * {@code confusion()[truth][predicted]}: counts of examples by true and best-predicted class; a
   * new array the caller owns.
   *
   * @return the confusion matrix, classes x classes
   */
  public long[][] confusion() {
    long[][] c = new long[confusion.length][];
    for (int i = 0; i < c.length; i++) {
      c[i] = confusion[i].clone();
    }
    return c;
  }
}
