package io.edgessl.train.method;

import io.edgessl.train.model.EncoderSpec;
import java.util.Map;

/** Builds a method from resolved options (as a map of snake-case keys, see TrainOptions). */
public final class Methods {
  private Methods() {}

  /** The method {@code name} with its options read from {@code o}. */
  public static Method create(String name, EncoderSpec spec, long seed, Map<String, Object> o) {
    return switch (name) {
      case "dino" ->
          new Dino(
              spec,
              seed,
              i(o, "out_dim"),
              i(o, "head_hidden"),
              i(o, "head_bottleneck"),
              i(o, "head_layers"),
              (Boolean) o.get("head_bn"),
              (Boolean) o.get("norm_last_layer"),
              d(o, "student_temp"),
              d(o, "center_momentum"),
              i(o, "freeze_last_layer"));
      case "simclr" ->
          new SimClr(
              spec,
              seed,
              i(o, "proj_layers"),
              i(o, "proj_hidden"),
              i(o, "proj_dim"),
              (Boolean) o.get("proj_bn"),
              d(o, "temperature"));
      case "mocov3" ->
          new MocoV3(
              spec,
              seed,
              i(o, "proj_layers"),
              i(o, "proj_hidden"),
              i(o, "proj_dim"),
              i(o, "pred_hidden"),
              d(o, "temperature"));
      case "mocov2" ->
          new MocoV2(
              spec,
              seed,
              i(o, "proj_layers"),
              i(o, "proj_hidden"),
              i(o, "proj_dim"),
              (Boolean) o.get("proj_bn"),
              i(o, "queue"),
              d(o, "temperature"));
      case "mae" ->
          new Mae(
              spec,
              seed,
              d(o, "mask_ratio"),
              (Boolean) o.get("norm_pix_loss"),
              i(o, "decoder_dim"),
              i(o, "decoder_depth"),
              i(o, "decoder_heads"));
      default ->
          throw new IllegalArgumentException(
              "unknown method '" + name + "'; expected dino, simclr, mocov3, mocov2 or mae");
    };
  }

  private static int i(Map<String, Object> o, String k) {
    return ((Number) o.get(k)).intValue();
  }

  private static double d(Map<String, Object> o, String k) {
    return ((Number) o.get(k)).doubleValue();
  }
}
