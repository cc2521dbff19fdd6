package io.edgessl.train.augment;

import io.edgessl.train.data.ImageSet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Makes the augmented views of training batches on a pool of Java threads, one batch ahead of the
 * model. Batch {@code step} of epoch {@code e} holds the images at positions {@code [step * B,
 * (step + 1) * B)} of a permutation drawn from {@code (seed, e)}; each image's views come from a
 * generator seeded by {@code (seed, e, position)}. A batch is therefore the same whatever the
 * thread count and whether the run was interrupted and resumed. The last incomplete batch of an
 * epoch is dropped (as DINO's loader does).
 */
public final class ViewLoader implements AutoCloseable {
  private final ImageSet data;
  private final List<ViewSpec> views;
  private final float[] mean;
  private final float[] std;
  private final int batch;
  private final long seed;
  private final int threads;
  private final ExecutorService pool;
  private final ExecutorService prefetcher;
  private int[] orderEpoch = null;
  private int cachedEpoch = -1;
  private long pendingKey = -1;
  private CompletableFuture<float[][]> pending;

  /**
   * @param mean per-channel mean subtracted after augmentation
   * @param std per-channel standard deviation divided by
   */
  public ViewLoader(
      ImageSet data,
      List<ViewSpec> views,
      float[] mean,
      float[] std,
      int batch,
      long seed,
      int threads) {
    if (batch <= 0 || batch > data.count()) {
      throw new IllegalArgumentException(
          "batch size " + batch + " must be in 1.." + data.count() + " (the number of images)");
    }
    if (threads <= 0) {
      throw new IllegalArgumentException("loader threads must be positive: " + threads);
    }
    if (mean.length != data.channels() || std.length != data.channels()) {
      throw new IllegalArgumentException(
          "normalization has " + mean.length + " channels, images " + data.channels());
    }
    this.data = data;
    this.views = List.copyOf(views);
    this.mean = mean.clone();
    this.std = std.clone();
    this.batch = batch;
    this.seed = seed;
    this.threads = threads;
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "edgessl-augment");
              t.setDaemon(true);
              return t;
            });
    this.prefetcher =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "edgessl-prefetch");
              t.setDaemon(true);
              return t;
            });
  }

  /** Full batches per epoch. */
  public int stepsPerEpoch() {
    return data.count() / batch;
  }

  /** The views made for each image, in order. */
  public List<ViewSpec> views() {
    return views;
  }

  /** Batch size. */
  public int batch() {
    return batch;
  }

  /**
   * The views of batch {@code step} of {@code epoch}: one array per view, {@code [B, C, S, S]}
   * row-major. Starts making the following batch in the background.
   */
  public float[][] load(int epoch, int step) {
    long key = key(epoch, step);
    CompletableFuture<float[][]> f;
    synchronized (this) {
      f = pendingKey == key ? pending : submit(epoch, step);
      int nextEpoch = step + 1 < stepsPerEpoch() ? epoch : epoch + 1;
      int nextStep = step + 1 < stepsPerEpoch() ? step + 1 : 0;
      pendingKey = key(nextEpoch, nextStep);
      pending = submit(nextEpoch, nextStep);
    }
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while making views", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
  }

  private static long key(int epoch, int step) {
    return ((long) epoch << 32) | step;
  }

  private CompletableFuture<float[][]> submit(int epoch, int step) {
    return CompletableFuture.supplyAsync(() -> make(epoch, step), prefetcher);
  }

  /** Makes one batch now, on the pool. */
  float[][] make(int epoch, int step) {
    int[] order = order(epoch);
    int c = data.channels();
    float[][] out = new float[views.size()][];
    for (int v = 0; v < views.size(); v++) {
      int s = views.get(v).size();
      out[v] = new float[batch * c * s * s];
    }
    int per = (batch + threads - 1) / threads;
    List<Future<?>> parts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int from = t * per;
      int to = Math.min(batch, from + per);
      if (from >= to) {
        break;
      }
      parts.add(
          pool.submit(
              () -> {
                int maxS = views.stream().mapToInt(ViewSpec::size).max().orElse(1);
                float[] scratch = new float[2 * c * maxS * maxS + maxS * maxS];
                for (int i = from; i < to; i++) {
                  int position = step * batch + i;
                  int img = order[position];
                  SplittableRandom rnd = new SplittableRandom(mix(seed, epoch, position));
                  for (int v = 0; v < views.size(); v++) {
                    ViewSpec spec = views.get(v);
                    int s = spec.size();
                    Augment.view(
                        data.pixels(),
                        data.offset(img),
                        c,
                        data.height(),
                        data.width(),
                        spec,
                        rnd,
                        mean,
                        std,
                        out[v],
                        i * c * s * s,
                        scratch);
                  }
                }
              }));
    }
    try {
      for (Future<?> p : parts) {
        p.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while making views", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
    return out;
  }

  /** The image order of an epoch: a permutation drawn from (seed, epoch). */
  public synchronized int[] order(int epoch) {
    if (epoch != cachedEpoch) {
      int n = data.count();
      int[] p = new int[n];
      for (int i = 0; i < n; i++) {
        p[i] = i;
      }
      SplittableRandom r = new SplittableRandom(mix(seed, epoch, -1));
      for (int i = n - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
      orderEpoch = p;
      cachedEpoch = epoch;
    }
    return orderEpoch;
  }

  /** A 64-bit seed from three numbers (SplitMix64 finalizer over a running combination). */
  public static long mix(long seed, long a, long b) {
    long h = seed;
    h = splitmix(h ^ (a * 0x9E3779B97F4A7C15L));
    h = splitmix(h ^ (b * 0xC2B2AE3D27D4EB4FL));
    return h;
  }

  private static long splitmix(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public void close() {
    prefetcher.shutdownNow();
    pool.shutdownNow();
  }
}
