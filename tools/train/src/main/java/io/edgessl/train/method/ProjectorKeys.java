package io.edgessl.train.method;

import io.edgessl.train.config.Key;

/**
 * The knobs the contrastive methods (SimCLR, MoCo v2, MoCo v3) share: projector and temperature.
 */
public final class ProjectorKeys {
  public static final Key<Integer> PROJ_LAYERS = Key.integer("proj_layers");
  public static final Key<Integer> PROJ_HIDDEN = Key.integer("proj_hidden");
  public static final Key<Integer> PROJ_DIM = Key.integer("proj_dim");
  public static final Key<Boolean> PROJ_BN = Key.bool("proj_bn");
  public static final Key<Double> TEMPERATURE = Key.real("temperature");

  private ProjectorKeys() {}
}
