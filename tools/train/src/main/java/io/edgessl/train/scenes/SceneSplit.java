package io.edgessl.train.scenes;

/** The three splits of generated scenes, as DAVIS's ImageSets name them. */
public enum SceneSplit {
  TRAIN,
  VAL,
  TEST;

  /** {@code train}, {@code val} or {@code test}. */
  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
