package io.edgessl.train.scenes;

/**
 * What {@link SceneGenerator} makes: the scene size, how many still scenes and videos each split
 * gets, and the seed. The same config and inputs give the same files, byte for byte (on one JDK:
 * the JPEG and PNG encoders are javax.imageio's).
 *
 * @param height scene height in pixels
 * @param width scene width in pixels
 * @param train still scenes (one-frame sequences) in the train split
 * @param val still scenes in the val split
 * @param test still scenes in the test split
 * @param videos videos in each split (0: none)
 * @param frames frames of each video
 * @param seed the seed of every random choice
 * @param minObjects fewest objects in a scene or video
 * @param maxObjects most objects in a scene or video
 */
public record SceneConfig(
    int height,
    int width,
    int train,
    int val,
    int test,
    int videos,
    int frames,
    long seed,
    int minObjects,
    int maxObjects) {

  /** Most objects a scene may hold (annotations are 8-bit; 30 is far beyond what is useful). */
  public static final int MAX_OBJECTS = 30;

  /** Smallest and largest scene side. */
  public static final int MIN_SIDE = 32;

  public static final int MAX_SIDE = 4096;

  /**
   * @throws IllegalArgumentException naming the command-line option of a value out of range
   */
  public SceneConfig {
    if (height < MIN_SIDE || width < MIN_SIDE || height > MAX_SIDE || width > MAX_SIDE) {
      throw new IllegalArgumentException(
          "--size "
              + height
              + "x"
              + width
              + ": each side must be in "
              + MIN_SIDE
              + ".."
              + MAX_SIDE);
    }
    check("--train", train);
    check("--val", val);
    check("--test", test);
    check("--videos", videos);
    if (videos > 0 && frames < 2) {
      throw new IllegalArgumentException("--frames must be at least 2: " + frames);
    }
    if (frames < 1 || frames > 100_000) {
      throw new IllegalArgumentException("--frames must be in 1..100000: " + frames);
    }
    if (train + val + test + videos == 0) {
      throw new IllegalArgumentException(
          "nothing to make: --train, --val, --test and --videos are 0");
    }
    if (minObjects < 1 || maxObjects < minObjects || maxObjects > MAX_OBJECTS) {
      throw new IllegalArgumentException(
          "--objects "
              + minObjects
              + ","
              + maxObjects
              + ": need 1 <= MIN <= MAX <= "
              + MAX_OBJECTS);
    }
  }

  private static void check(String option, int n) {
    if (n < 0 || n > 1_000_000) {
      throw new IllegalArgumentException(option + " must be in 0..1000000: " + n);
    }
  }

  /** 224 x 224, 200 / 50 / 100 still scenes, no videos (30 frames if asked), 1 to 4 objects. */
  public static SceneConfig defaults(long seed) {
    return new SceneConfig(224, 224, 200, 50, 100, 0, 30, seed, 1, 4);
  }

  /** Still scenes of {@code split}. */
  public int stills(SceneSplit split) {
    return switch (split) {
      case TRAIN -> train;
      case VAL -> val;
      case TEST -> test;
    };
  }

  public SceneConfig withCounts(int train, int val, int test) {
    return new SceneConfig(
        height, width, train, val, test, videos, frames, seed, minObjects, maxObjects);
  }

  public SceneConfig withVideos(int videos, int frames) {
    return new SceneConfig(
        height, width, train, val, test, videos, frames, seed, minObjects, maxObjects);
  }

  public SceneConfig withSize(int height, int width) {
    return new SceneConfig(
        height, width, train, val, test, videos, frames, seed, minObjects, maxObjects);
  }

  public SceneConfig withObjects(int min, int max) {
    return new SceneConfig(height, width, train, val, test, videos, frames, seed, min, max);
  }
}
