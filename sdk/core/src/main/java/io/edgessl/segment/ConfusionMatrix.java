package io.edgessl.segment;

/**
 * Pixel counts of (true class, predicted label) pairs accumulated over pairs of masks, and the
 * segmentation metrics computed from them: per-class IoU, mean IoU, pixel accuracy; for
 * unsupervised segmentation, the Hungarian matching of cluster ids to classes.
 *
 * {@snippet :
 * ConfusionMatrix cm = new ConfusionMatrix(21, 255);        // VOC: 21 classes, 255 ignored
 * for (Sample s : validation) {
 *   cm.add(segmenter.segment(s.frame()), s.truth());
 * }
 * double miou = cm.meanIou();
 *
 * ConfusionMatrix clusters = ConfusionMatrix.clusters(27, 27, 255);   // cluster ids vs classes
 * ...
 * double unsupervisedMiou = clusters.matched().meanIou();  // after Hungarian matching
 * }
 *
 * <p>Conventions (those of STEGO's {@code UnsupervisedMetrics} and mmsegmentation's {@code
 * IoUMetric}): the counts are summed over the whole data set before any ratio is taken (not
 * averaged per image); the IoU of class {@code c} is {@code TP / (TP + FP + FN)} and is NaN when
 * the class occurs in neither the truth nor the prediction; {@link #meanIou()} averages the IoUs
 * that are not NaN, i.e. over the classes present in the ground truth or the prediction of the data
 * set. {@link #meanIouOverTruthClasses()} averages over the classes present in the ground truth
 * only. Pixel accuracy is the fraction of counted pixels whose prediction equals the truth. Pixels
 * whose truth is the ignore label are not counted.
 *
 * <p>Not thread-safe: accumulate from one thread, or fill one matrix per thread and sum them with
 * {@link #add(ConfusionMatrix)}.
 */
public final class ConfusionMatrix {
  /** The value of {@code ignoreLabel} that ignores nothing. */
  public static final int NO_IGNORE = -1;

  private final int classes;
  private final int predicted;
  private final int ignore;
  private final long[] counts; // [truth * predicted + prediction]

  /**
   * A square matrix: predictions and truths are both labels from 0 to {@code classes - 1}; nothing
   * ignored.
   *
   * @param classes the number of classes, positive
   * @throws IllegalArgumentException if {@code classes} is not positive
   */
  public ConfusionMatrix(int classes) {
    this(classes, classes, NO_IGNORE);
  }

  /**
   * A square matrix that ignores pixels whose truth is {@code ignoreLabel}.
   *
   * @param classes the number of classes, positive
   * @param ignoreLabel a truth label not counted (e.g. 255), or {@link #NO_IGNORE}
   * @throws IllegalArgumentException if {@code classes} is not positive or {@code ignoreLabel} is
   *     one of the classes
   */
  public ConfusionMatrix(int classes, int ignoreLabel) {
    this(classes, classes, ignoreLabel);
  }

  private ConfusionMatrix(int predicted, int classes, int ignoreLabel) {
    if (classes <= 0 || predicted <= 0) {
      throw new IllegalArgumentException(
          "classes and predicted labels must be positive: " + classes + ", " + predicted);
    }
    if (ignoreLabel != NO_IGNORE && (ignoreLabel < 0 || ignoreLabel < classes)) {
      throw new IllegalArgumentException(
          "ignore label "
              + ignoreLabel
              + " must be "
              + NO_IGNORE
              + " or at least the number of classes ("
              + classes
              + ")");
    }
    if ((long) classes * predicted > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "confusion matrix " + classes + "x" + predicted + " is too large");
    }
    this.classes = classes;
    this.predicted = predicted;
    this.ignore = ignoreLabel;
    this.counts = new long[classes * predicted];
  }

  /**
   * A rectangular matrix for unsupervised segmentation: predictions are cluster ids from 0 to
   * {@code clusters - 1}, truths classes from 0 to {@code classes - 1}. Match them with {@link
   * #matched()} before reading IoUs.
   *
   * @param clusters the number of cluster ids, positive
   * @param classes the number of classes, positive
   * @param ignoreLabel a truth label not counted (e.g. 255), or {@link #NO_IGNORE}
   * @return a new, empty matrix
   * @throws IllegalArgumentException if a count is not positive or {@code ignoreLabel} is one of
   *     the classes
   */
  public static ConfusionMatrix clusters(int clusters, int classes, int ignoreLabel) {
    return new ConfusionMatrix(clusters, classes, ignoreLabel);
  }

  /**
   * Counts every pixel of a (prediction, truth) pair whose truth is not the ignore label.
   *
   * @param prediction the predicted labels, each below {@link #predictedLabels()} where the truth
   *     is counted
   * @param truth the true labels, each below {@link #classes()} or the ignore label
   * @throws IllegalArgumentException if the masks differ in size (the message names both sizes) or
   *     a label is out of range (the message names the pixel); nothing is counted then
   */
  public void add(Mask prediction, Mask truth) {
    if (prediction.height() != truth.height() || prediction.width() != truth.width()) {
      throw new IllegalArgumentException(
          "prediction is "
              + prediction.height()
              + "x"
              + prediction.width()
              + " but truth is "
              + truth.height()
              + "x"
              + truth.width()
              + " (height x width); resize one (Mask.resizeNearest) first");
    }
    int n = truth.height() * truth.width();
    for (int i = 0; i < n; i++) {
      int t = truth.at(i);
      if (t == ignore) {
        continue;
      }
      if (t >= classes) {
        throw outOfRange("truth", t, i, truth.width(), classes);
      }
      int p = prediction.at(i);
      if (p >= predicted) {
        throw outOfRange("prediction", p, i, truth.width(), predicted);
      }
    }
    for (int i = 0; i < n; i++) {
      int t = truth.at(i);
      if (t != ignore) {
        counts[t * predicted + prediction.at(i)]++;
      }
    }
  }

  private IllegalArgumentException outOfRange(String what, int label, int i, int width, int n) {
    return new IllegalArgumentException(
        what
            + " label "
            + label
            + " at pixel ("
            + i / width
            + ", "
            + i % width
            + ") outside 0.."
            + (n - 1)
            + (what.equals("truth") && ignore != NO_IGNORE
                ? " (ignore label " + ignore + ")"
                : ""));
  }

  /**
   * Adds another matrix's counts (e.g. one accumulated by another thread).
   *
   * @param other a matrix of the same shape and ignore label
   * @throws IllegalArgumentException if the shapes or ignore labels differ
   */
  public void add(ConfusionMatrix other) {
    if (other.classes != classes || other.predicted != predicted || other.ignore != ignore) {
      throw new IllegalArgumentException(
          "cannot add a " + other.shape() + " confusion matrix to a " + shape() + " one");
    }
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
  }

  private String shape() {
    return classes + "x" + predicted + (ignore == NO_IGNORE ? "" : " ignoring " + ignore);
  }

  /**
   * The number of true classes (rows).
   *
   * @return the classes
   */
  public int classes() {
    return classes;
  }

  /**
   * The number of predicted labels (columns): {@link #classes()} for a square matrix, the number of
   * clusters for {@link #clusters}.
   *
   * @return the predicted labels
   */
  public int predictedLabels() {
    return predicted;
  }

  /**
   * The truth label not counted.
   *
   * @return the ignore label, or {@link #NO_IGNORE}
   */
  public int ignoreLabel() {
    return ignore;
  }

  /**
   * Pixels of true class {@code truth} predicted as {@code prediction}.
   *
   * @param truth the true class
   * @param prediction the predicted label
   * @return the count
   * @throws IndexOutOfBoundsException outside the matrix
   */
  public long count(int truth, int prediction) {
    if (truth < 0 || truth >= classes || prediction < 0 || prediction >= predicted) {
      throw new IndexOutOfBoundsException(
          "(" + truth + ", " + prediction + ") outside " + classes + "x" + predicted);
    }
    return counts[truth * predicted + prediction];
  }

  /**
   * The counts, rows the true classes and columns the predicted labels (mmsegmentation's and
   * scikit-learn's orientation).
   *
   * @return a new {@code classes() x predictedLabels()} array, owned by the caller
   */
  public long[][] matrix() {
    long[][] m = new long[classes][predicted];
    for (int t = 0; t < classes; t++) {
      System.arraycopy(counts, t * predicted, m[t], 0, predicted);
    }
    return m;
  }

  /**
   * Pixels counted.
   *
   * @return the total count
   */
  public long total() {
    long s = 0;
    for (long c : counts) {
      s += c;
    }
    return s;
  }

  /**
   * Pixels whose truth is {@code c}.
   *
   * @param c the class
   * @return the row sum
   */
  public long truthCount(int c) {
    long s = 0;
    for (int p = 0; p < predicted; p++) {
      s += counts[c * predicted + p];
    }
    return s;
  }

  /**
   * Pixels predicted as {@code label}.
   *
   * @param label the predicted label
   * @return the column sum
   */
  public long predictedCount(int label) {
    long s = 0;
    for (int t = 0; t < classes; t++) {
      s += counts[t * predicted + label];
    }
    return s;
  }

  /**
   * Intersection over union of class {@code c}, taking prediction label {@code c} as class {@code
   * c}: {@code TP / (TP + FP + FN)}.
   *
   * @param c the class, from 0 to {@code classes() - 1}
   * @return the IoU in [0, 1], or NaN when the class occurs in neither truth nor prediction
   * @throws IndexOutOfBoundsException outside the classes
   */
  public double iou(int c) {
    if (c < 0 || c >= classes) {
      throw new IndexOutOfBoundsException("class " + c + " outside 0.." + (classes - 1));
    }
    long tp = c < predicted ? counts[c * predicted + c] : 0;
    long fp = c < predicted ? predictedCount(c) - tp : 0;
    long fn = truthCount(c) - tp;
    long union = tp + fp + fn;
    return union == 0 ? Double.NaN : (double) tp / union;
  }

  /**
   * Per-class IoU.
   *
   * @return a new array of {@link #classes()} IoUs, NaN for classes in neither truth nor prediction
   */
  public double[] ious() {
    double[] out = new double[classes];
    for (int c = 0; c < classes; c++) {
      out[c] = iou(c);
    }
    return out;
  }

  /**
   * Mean IoU over the classes present in the truth or the prediction (the mean of the IoUs that are
   * not NaN: STEGO's and mmsegmentation's {@code nanmean}).
   *
   * @return the mean IoU, or NaN when nothing was counted
   */
  public double meanIou() {
    double sum = 0;
    int n = 0;
    for (int c = 0; c < classes; c++) {
      double iou = iou(c);
      if (!Double.isNaN(iou)) {
        sum += iou;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /**
   * Mean IoU over the classes present in the truth only: a class predicted but absent from the
   * truth does not lower it.
   *
   * @return the mean IoU, or NaN when nothing was counted
   */
  public double meanIouOverTruthClasses() {
    double sum = 0;
    int n = 0;
    for (int c = 0; c < classes; c++) {
      if (truthCount(c) > 0) {
        sum += iou(c);
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /**
   * Fraction of counted pixels predicted right (prediction label {@code c} taken as class {@code
   * c}).
   *
   * @return the pixel accuracy in [0, 1], or NaN when nothing was counted
   */
  public double pixelAccuracy() {
    long right = 0;
    for (int c = 0; c < Math.min(classes, predicted); c++) {
      right += counts[c * predicted + c];
    }
    long total = total();
    return total == 0 ? Double.NaN : (double) right / total;
  }

  /**
   * The one-to-one matching of predicted labels (cluster ids) to classes that maximizes the pixels
   * matched ({@link Hungarian}).
   *
   * @return for each predicted label, its class, or -1 when there are more predicted labels than
   *     classes and this one is left unmatched
   */
  public int[] matchClusters() {
    long[][] w = new long[predicted][classes];
    for (int t = 0; t < classes; t++) {
      for (int p = 0; p < predicted; p++) {
        w[p][t] = counts[t * predicted + p];
      }
    }
    return Hungarian.maximize(w);
  }

  /**
   * This matrix with its predicted labels mapped to classes by {@link #matchClusters()}: the
   * evaluation of unsupervised segmentation.
   *
   * @return a new matrix; see {@link #remap}
   */
  public ConfusionMatrix matched() {
    return remap(matchClusters());
  }

  /**
   * This matrix with predicted label {@code p} counted as class {@code mapping[p]} (several labels
   * may map to one class). Pixels of a label mapped to {@code -1} count as wrong: they go to an
   * extra column, {@code classes()}, that matches no class.
   *
   * @param mapping for each predicted label, a class or -1
   * @return a new matrix with {@link #classes()} rows, and {@link #classes()} columns (one more
   *     when a label maps to -1), the same ignore label
   * @throws IllegalArgumentException if the mapping has another length or maps outside the classes
   */
  public ConfusionMatrix remap(int[] mapping) {
    if (mapping.length != predicted) {
      throw new IllegalArgumentException(
          "mapping has "
              + mapping.length
              + " entries, one per predicted label needed: "
              + predicted);
    }
    boolean unmatched = false;
    for (int p = 0; p < predicted; p++) {
      if (mapping[p] < -1 || mapping[p] >= classes) {
        throw new IllegalArgumentException(
            "label " + p + " maps to " + mapping[p] + ", outside -1.." + (classes - 1));
      }
      unmatched |= mapping[p] == -1;
    }
    ConfusionMatrix out = new ConfusionMatrix(classes + (unmatched ? 1 : 0), classes, ignore);
    for (int t = 0; t < classes; t++) {
      for (int p = 0; p < predicted; p++) {
        int q = mapping[p] < 0 ? classes : mapping[p];
        out.counts[t * out.predicted + q] += counts[t * predicted + p];
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "ConfusionMatrix[" + shape() + ", " + total() + " pixels]";
  }
}
