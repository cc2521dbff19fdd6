package io.edgessl.train.method;

import io.edgessl.train.TrainConfig;
import io.edgessl.train.config.Key;
import java.util.List;
import java.util.Map;

/** A method's own knobs (a record next to the method), resolved with their recipe defaults. */
public interface MethodConfig {
  /** Writes the knobs into the flat JSON map of the run's config (snake-case keys). */
  void toJson(Map<String, Object> json);

  /** Checks that need the rest of the run's config (the architecture, the batch); or none. */
  default void check(TrainConfig run) {}

  /**
   * Puts {@code values} into {@code json} under {@code keys}' names, pairwise in order: how a
   * method's config record writes its knobs.
   *
   * @throws IllegalStateException when there are not as many values as keys
   */
  static void put(Map<String, Object> json, List<Key<?>> keys, Object... values) {
    if (values.length != keys.size()) {
      throw new IllegalStateException(values.length + " values for " + keys.size() + " keys");
    }
    for (int i = 0; i < values.length; i++) {
      json.put(keys.get(i).name(), values[i]);
    }
  }
}
