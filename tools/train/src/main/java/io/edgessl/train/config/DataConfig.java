package io.edgessl.train.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a run trains on and how its pixels are normalized.
 *
 * @param dataset {@code fashion-mnist}, {@code folder} or {@code video}
 * @param data the Fashion-MNIST directory, image folder, or video file or directory; null: the
 *     installed Fashion-MNIST
 * @param trainLimit train on the first N images, or null for all
 * @param frameStep videos: every N-th frame (null for other datasets)
 * @param maxFrames videos: at most N frames per video, or null
 * @param imageSize training resolution (global crops)
 * @param channels 1 or 3
 * @param mean per-channel normalization mean
 * @param std per-channel normalization standard deviation
 */
public record DataConfig(
    String dataset,
    Path data,
    Integer trainLimit,
    Integer frameStep,
    Integer maxFrames,
    int imageSize,
    int channels,
    List<Double> mean,
    List<Double> std) {
  public static final Key<String> DATASET = Key.string("dataset");
  public static final Key<Path> DATA = Key.path("data");
  public static final Key<Integer> TRAIN_LIMIT = Key.integer("train_limit");
  public static final Key<Integer> FRAME_STEP = Key.integer("frame_step");
  public static final Key<Integer> MAX_FRAMES = Key.integer("max_frames");
  public static final Key<Integer> IMAGE_SIZE = Key.integer("image_size");
  public static final Key<Integer> CHANNELS = Key.integer("channels");
  public static final Key<List<Double>> MEAN = Key.reals("mean");
  public static final Key<List<Double>> STD = Key.reals("std");

  /** The keys, in JSON order. */
  public static final List<Key<?>> KEYS =
      List.of(DATASET, DATA, TRAIN_LIMIT, FRAME_STEP, MAX_FRAMES, IMAGE_SIZE, CHANNELS, MEAN, STD);

  private static final List<Double> IMAGENET_MEAN = List.of(0.485, 0.456, 0.406);
  private static final List<Double> IMAGENET_STD = List.of(0.229, 0.224, 0.225);

  /** Fashion-MNIST's training-set pixel mean and standard deviation (of pixel / 255). */
  static final double FMNIST_MEAN = 0.2860;

  static final double FMNIST_STD = 0.3530;

  public DataConfig {
    mean = List.copyOf(mean);
    std = List.copyOf(std);
  }

  /** Defaults: Fashion-MNIST at 28 px grey; folders and videos at 64 px RGB (ImageNet's mean). */
  public static DataConfig resolve(Overrides o) {
    String dataset = o.get(DATASET, "fashion-mnist");
    if (!List.of("fashion-mnist", "folder", "video").contains(dataset)) {
      throw new IllegalArgumentException(
          "unknown dataset '" + dataset + "'; expected fashion-mnist, folder or video");
    }
    boolean fm = dataset.equals("fashion-mnist");
    boolean video = dataset.equals("video");
    Path data = o.get(DATA);
    if (!fm && data == null) {
      throw new IllegalArgumentException(
          "--dataset " + dataset + " needs --data " + (video ? "PATH" : "DIR"));
    }
    Integer frameStep = o.get(FRAME_STEP);
    Integer maxFrames = o.get(MAX_FRAMES);
    if (video) {
      frameStep = frameStep != null ? frameStep : 1;
      if (frameStep <= 0) {
        throw new IllegalArgumentException("--frame-step must be positive: " + frameStep);
      }
      if (maxFrames != null && maxFrames <= 0) {
        throw new IllegalArgumentException("--max-frames must be positive: " + maxFrames);
      }
    } else if (frameStep != null || maxFrames != null) {
      throw new IllegalArgumentException(
          "--frame-step and --max-frames apply to --dataset video, not " + dataset);
    }
    int imageSize = o.get(IMAGE_SIZE, fm ? 28 : 64);
    int channels = o.get(CHANNELS, fm ? 1 : 3);
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("--channels must be 1 or 3: " + channels);
    }
    List<Double> mean =
        o.get(MEAN, channels == 1 ? List.of(fm ? FMNIST_MEAN : 0.449) : IMAGENET_MEAN);
    List<Double> std = o.get(STD, channels == 1 ? List.of(fm ? FMNIST_STD : 0.226) : IMAGENET_STD);
    if (mean.size() != channels || std.size() != channels) {
      throw new IllegalArgumentException(
          "--mean and --std need " + channels + " values: " + mean + ", " + std);
    }
    return new DataConfig(
        dataset, data, o.get(TRAIN_LIMIT), frameStep, maxFrames, imageSize, channels, mean, std);
  }

  /** This config reading {@code data} instead (e.g. where the data moved since training). */
  public DataConfig withData(Path data) {
    return new DataConfig(
        dataset, data, trainLimit, frameStep, maxFrames, imageSize, channels, mean, std);
  }

  /** The mean as floats. */
  public float[] meanFloats() {
    return floats(mean);
  }

  /** The standard deviation as floats. */
  public float[] stdFloats() {
    return floats(std);
  }

  private static float[] floats(List<Double> l) {
    float[] f = new float[l.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = l.get(i).floatValue();
    }
    return f;
  }

  /** Writes the knobs into a flat JSON map. */
  public void toJsonInto(Map<String, Object> m) {
    Object[] v = {dataset, data, trainLimit, frameStep, maxFrames, imageSize, channels, mean, std};
    for (int i = 0; i < v.length; i++) {
      Overrides.put(m, KEYS.get(i), v[i]);
    }
  }
}
