package io.edgessl.segment;

import io.edgessl.EdgeSslException;
import io.edgessl.encoder.Encoder;
import io.edgessl.encoder.PatchFeatures;
import io.edgessl.image.Frame;
import io.edgessl.image.Preprocessing;
import io.edgessl.internal.kernels.KernelSupport;
import io.edgessl.spi.PackedBank;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Unsupervised segmentation by clustering patch features (STEGO's cluster probe, on the features
 * themselves): spherical k-means, fitted on the patches of a set of frames, labels each patch with
 * the id of its nearest centroid, from 0 to {@code clusters - 1}. The ids name no class; to
 * evaluate against ground truth, match them with {@link ConfusionMatrix#matched()}.
 *
 * {@snippet :
 * ClusterSegmenter s = ClusterSegmenter.fit(encoder, trainingFrames, 27, 42);
 * ConfusionMatrix cm = ConfusionMatrix.clusters(27, 27, 255);
 * for (Sample v : validation) {
 *   cm.add(s.segment(v.frame()), v.truth());
 * }
 * double miou = cm.matched().meanIou();
 * }
 *
 * <p>The fit: features are L2-normalized; the centroids start by k-means++ (each next seed drawn
 * with probability proportional to the squared cosine distance {@code (1 - cos)^2} to the nearest
 * seed so far), from a {@link SplittableRandom} of the given seed; then Lloyd iterations assign
 * each patch its centroid of largest cosine similarity and set each centroid to the normalized mean
 * of its patches, until no assignment changes or {@link #MAX_ITERATIONS} iterations have run. A
 * cluster left empty takes the patch least similar to its own centroid. The same features and seed
 * give the same centroids on every machine where the k-NN kernels agree (the Java ones do). Scores
 * are cosine similarities to the centroids.
 */
public final class ClusterSegmenter extends Segmenter {
  /** The most Lloyd iterations of a fit. */
  public static final int MAX_ITERATIONS = 100;

  private final int dim;
  private final int clusters;
  private final float[] centroids; // clusters x dim, normalized
  private final int[] labels;
  private final int iterations;

  private ClusterSegmenter(
      Encoder encoder,
      Preprocessing preprocessing,
      float[] centroids,
      int clusters,
      int dim,
      int iterations) {
    super(encoder, preprocessing);
    this.dim = dim;
    this.clusters = clusters;
    this.centroids = centroids;
    this.iterations = iterations;
    this.labels = new int[clusters];
    for (int c = 0; c < clusters; c++) {
      labels[c] = c;
    }
  }

  /**
   * Fits {@code clusters} centroids to the patches of {@code frames}.
   *
   * @param encoder the encoder; not owned, used for the frames now and every frame later
   * @param frames the frames to fit on; read, not kept
   * @param clusters the number of clusters, from 1 to the number of patches
   * @param seed the seed of the k-means++ initialization
   * @return the segmenter
   * @throws EdgeSslException when the encoder fails
   * @throws IllegalArgumentException when there are no frames or fewer patches than clusters
   */
  public static ClusterSegmenter fit(Encoder encoder, List<Frame> frames, int clusters, long seed)
      throws EdgeSslException {
    Objects.requireNonNull(encoder, "encoder");
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("no frames to fit clusters on");
    }
    return fit(
        encoder, encoder.manifest().preprocessing(), encoder.features(frames), clusters, seed);
  }

  /**
   * Fits {@code clusters} centroids to the patches of precomputed features, without an encoder: the
   * segmenter segments features only ({@link #segment(PatchFeatures, int, int)}).
   *
   * @param preprocessing the preprocessing the features were computed with
   * @param features the patch features of the frames to fit on; read, not kept
   * @param clusters the number of clusters, from 1 to the number of patches
   * @param seed the seed of the k-means++ initialization
   * @return the segmenter
   * @throws IllegalArgumentException when there are no features, they differ in dimension, or there
   *     are fewer patches than clusters
   */
  public static ClusterSegmenter fit(
      Preprocessing preprocessing, List<PatchFeatures> features, int clusters, long seed) {
    return fit(
        null, Objects.requireNonNull(preprocessing, "preprocessing"), features, clusters, seed);
  }

  private static ClusterSegmenter fit(
      Encoder encoder,
      Preprocessing preprocessing,
      List<PatchFeatures> features,
      int clusters,
      long seed) {
    if (features.isEmpty()) {
      throw new IllegalArgumentException("no features to fit clusters on");
    }
    int dim = features.get(0).dimension();
    long n = 0;
    for (PatchFeatures f : features) {
      if (f.dimension() != dim) {
        throw new IllegalArgumentException(
            "features differ in dimension: " + f.dimension() + " and " + dim);
      }
      n += (long) f.height() * f.width();
    }
    if (clusters < 1 || clusters > n) {
      throw new IllegalArgumentException(
          "clusters must be from 1 to the number of patches (" + n + "): " + clusters);
    }
    if (n * dim > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(n + " patches of dimension " + dim + " exceed one array");
    }
    float[] x = new float[(int) (n * dim)];
    int at = 0;
    for (PatchFeatures f : features) {
      int cells = f.height() * f.width();
      PatchLabels.normalize(f.data(), 0, x, at * dim, cells, dim);
      at += cells;
    }
    int count = (int) n;
    float[] c = seeds(x, count, dim, clusters, new SplittableRandom(seed));
    int[] assign = new int[count];
    Arrays.fill(assign, -1);
    float[] sims = new float[count];
    int it = 0;
    while (it < MAX_ITERATIONS) {
      it++;
      boolean changed = assign(x, count, dim, c, clusters, assign, sims);
      if (!changed && it > 1) {
        break;
      }
      update(x, count, dim, c, clusters, assign, sims);
    }
    return new ClusterSegmenter(encoder, preprocessing, c, clusters, dim, it);
  }

  /** k-means++ seeds on the cosine distance. */
  private static float[] seeds(float[] x, int n, int dim, int k, SplittableRandom random) {
    float[] c = new float[k * dim];
    double[] dist = new double[n];
    Arrays.fill(dist, Double.POSITIVE_INFINITY);
    int first = random.nextInt(n);
    System.arraycopy(x, first * dim, c, 0, dim);
    for (int j = 1; j < k; j++) {
      double total = 0;
      for (int i = 0; i < n; i++) {
        double d = 1 - dot(x, i * dim, c, (j - 1) * dim, dim);
        d = Math.max(d, 0);
        dist[i] = Math.min(dist[i], d * d);
        total += dist[i];
      }
      int pick;
      if (total > 0) {
        double r = random.nextDouble() * total;
        pick = n - 1;
        for (int i = 0; i < n; i++) {
          r -= dist[i];
          if (r < 0) {
            pick = i;
            break;
          }
        }
      } else {
        pick = random.nextInt(n); // every patch coincides with a seed: any will do
      }
      System.arraycopy(x, pick * dim, c, j * dim, dim);
    }
    return c;
  }

  /** Assigns each patch its most similar centroid; returns whether any assignment changed. */
  private static boolean assign(
      float[] x, int n, int dim, float[] c, int k, int[] assign, float[] sims) {
    float[] bank = new float[PackedBank.length(k, dim)];
    float[] row = new float[dim];
    for (int j = 0; j < k; j++) {
      System.arraycopy(c, j * dim, row, 0, dim);
      PackedBank.put(bank, j, row, dim);
    }
    int[] slots = new int[n];
    KernelSupport.knn().searchPacked(bank, k, dim, x, 0, n, 1, sims, slots);
    boolean changed = false;
    for (int i = 0; i < n; i++) {
      changed |= assign[i] != slots[i];
      assign[i] = slots[i];
    }
    return changed;
  }

  /** Sets each centroid to the normalized mean of its patches; refills empty clusters. */
  private static void update(
      float[] x, int n, int dim, float[] c, int k, int[] assign, float[] sims) {
    double[] sum = new double[k * dim];
    int[] size = new int[k];
    for (int i = 0; i < n; i++) {
      int j = assign[i];
      size[j]++;
      for (int d = 0; d < dim; d++) {
        sum[j * dim + d] += x[i * dim + d];
      }
    }
    boolean[] taken = new boolean[n];
    for (int j = 0; j < k; j++) {
      if (size[j] == 0) {
        // The patch least similar to its centroid, not yet taken: the worst-served one.
        int worst = -1;
        for (int i = 0; i < n; i++) {
          if (!taken[i] && (worst < 0 || sims[i] < sims[worst])) {
            worst = i;
          }
        }
        taken[worst] = true;
        System.arraycopy(x, worst * dim, c, j * dim, dim);
        continue;
      }
      double norm = 0;
      for (int d = 0; d < dim; d++) {
        norm += sum[j * dim + d] * sum[j * dim + d];
      }
      if (norm == 0) {
        continue; // opposite patches cancel out: keep the centroid
      }
      double inv = 1 / Math.sqrt(norm);
      for (int d = 0; d < dim; d++) {
        c[j * dim + d] = (float) (sum[j * dim + d] * inv);
      }
    }
  }

  private static double dot(float[] a, int ao, float[] b, int bo, int dim) {
    double s = 0;
    for (int d = 0; d < dim; d++) {
      s += (double) a[ao + d] * b[bo + d];
    }
    return s;
  }

  @Override
  public int dimension() {
    return dim;
  }

  /**
   * The cluster ids, 0 to {@code clusters() - 1}.
   *
   * @return a new array of the ids
   */
  @Override
  public int[] labels() {
    return labels.clone();
  }

  /**
   * The number of clusters.
   *
   * @return the clusters
   */
  public int clusters() {
    return clusters;
  }

  /**
   * The Lloyd iterations the fit ran.
   *
   * @return from 1 to {@link #MAX_ITERATIONS}
   */
  public int iterations() {
    return iterations;
  }

  /**
   * The centroids, L2-normalized.
   *
   * @return a new {@code clusters() x dimension()} row-major array, owned by the caller
   */
  public float[] centroids() {
    return centroids.clone();
  }

  /**
   * The cosine similarity of each patch to each centroid; the argmax is the nearest centroid.
   *
   * @param features a frame's patch features
   * @return the scores, one channel per cluster id
   * @throws IllegalArgumentException if the features' dimension is not {@link #dimension()}
   */
  @Override
  public LabelScores scores(PatchFeatures features) {
    checkDimension(features);
    int n = features.height() * features.width();
    float[] x = PatchLabels.normalized(features);
    float[] out = new float[n * clusters];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < clusters; j++) {
        float s = 0;
        for (int d = 0; d < dim; d++) {
          s += x[i * dim + d] * centroids[j * dim + d];
        }
        out[i * clusters + j] = s;
      }
    }
    return LabelScores.wrap(features.height(), features.width(), labels, out);
  }

  @Override
  public String toString() {
    return "ClusterSegmenter[" + clusters + " clusters, dimension " + dim + "]";
  }
}
