package io.edgessl.train.method;

import io.edgessl.train.TrainConfig;
import java.util.Map;

/** A method's own knobs (a record next to the method), resolved with their recipe defaults. */
public interface MethodConfig {
  /** Writes the knobs into the flat JSON map of the run's config (snake-case keys). */
  void toJson(Map<String, Object> json);

  /** Checks that need the rest of the run's config (the architecture, the batch); or none. */
  default void check(TrainConfig run) {}
}
