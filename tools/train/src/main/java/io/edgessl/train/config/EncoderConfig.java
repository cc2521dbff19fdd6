package io.edgessl.train.config;

import io.edgessl.train.model.Encoder;
import io.edgessl.train.model.EncoderSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The backbone: a preset ({@link io.edgessl.train.model.Architectures#names}) and what overrides
 * it. The nullable fields keep the preset's value when null.
 *
 * @param arch the preset
 * @param patch ViT patch size, or null (4 at 28 px, else the preset's)
 * @param dim ViT width, or null
 * @param heads ViT heads, or null
 * @param depth ViT blocks, or null
 * @param mlpRatio ViT MLP width ratio, or null
 * @param posEmbed ViT positions: {@code learned} or {@code sincos}
 * @param dropPath ViT stochastic depth of the trained (student) encoder
 * @param widths ResNet stage widths, or null
 * @param blocks ResNet blocks per stage, or null
 * @param fusedAttention ViT: libtorch's fused attention kernel (same function)
 * @param channelsLast ResNet: NHWC activations (same function)
 */
public record EncoderConfig(
    String arch,
    Integer patch,
    Integer dim,
    Integer heads,
    Integer depth,
    Double mlpRatio,
    String posEmbed,
    double dropPath,
    List<Integer> widths,
    List<Integer> blocks,
    boolean fusedAttention,
    boolean channelsLast) {
  public static final Key<String> ARCH = Key.string("arch");
  public static final Key<Integer> PATCH = Key.integer("patch");
  public static final Key<Integer> DIM = Key.integer("dim");
  public static final Key<Integer> HEADS = Key.integer("heads");
  public static final Key<Integer> DEPTH = Key.integer("depth");
  public static final Key<Double> MLP_RATIO = Key.real("mlp_ratio");
  public static final Key<String> POS_EMBED = Key.string("pos_embed");
  public static final Key<Double> DROP_PATH = Key.real("drop_path");
  public static final Key<List<Integer>> WIDTHS = Key.integers("widths");
  public static final Key<List<Integer>> BLOCKS = Key.integers("blocks");
  public static final Key<Boolean> FUSED_ATTENTION = Key.bool("fused_attention");
  public static final Key<Boolean> CHANNELS_LAST = Key.bool("channels_last");

  /** The keys, in JSON order. */
  public static final List<Key<?>> KEYS =
      List.of(
          ARCH,
          PATCH,
          DIM,
          HEADS,
          DEPTH,
          MLP_RATIO,
          POS_EMBED,
          DROP_PATH,
          WIDTHS,
          BLOCKS,
          FUSED_ATTENTION,
          CHANNELS_LAST);

  public EncoderConfig {
    widths = widths == null ? null : List.copyOf(widths);
    blocks = blocks == null ? null : List.copyOf(blocks);
  }

  /** Defaults: vit-tiny, learned positions, no drop path (methods' recipes change these). */
  public static EncoderConfig resolve(Overrides o) {
    String arch = o.get(ARCH, "vit-tiny");
    EncoderSpec.family(arch); // rejects unknown names
    return new EncoderConfig(
        arch,
        o.get(PATCH),
        o.get(DIM),
        o.get(HEADS),
        o.get(DEPTH),
        o.get(MLP_RATIO),
        o.get(POS_EMBED, "learned"),
        o.get(DROP_PATH, 0.0),
        o.get(WIDTHS),
        o.get(BLOCKS),
        o.get(FUSED_ATTENTION, false),
        o.get(CHANNELS_LAST, true));
  }

  /** The encoder these options describe for {@code channels} x {@code imageSize} inputs. */
  public EncoderSpec spec(int channels, int imageSize) {
    EncoderSpec s = EncoderSpec.preset(arch, channels, imageSize);
    Map<String, Object> knobs = new HashMap<>();
    Object[] v = {patch, dim, heads, depth, mlpRatio, posEmbed, dropPath, widths, blocks};
    for (int i = 0; i < v.length; i++) {
      knobs.put(KEYS.get(i + 1).name(), v[i]);
    }
    return s.family().override(s, knobs);
  }

  /**
   * Sets the speed options (fused attention, channels-last) on {@code e} by its family ({@link
   * io.edgessl.train.model.Architecture#configure}); same function.
   */
  public void configure(Encoder e) {
    Map<String, Object> options = new HashMap<>();
    toJsonInto(options);
    e.spec().family().configure(e, options);
  }

  /** Writes the knobs into a flat JSON map. */
  public void toJsonInto(Map<String, Object> m) {
    Object[] v = {
      arch,
      patch,
      dim,
      heads,
      depth,
      mlpRatio,
      posEmbed,
      dropPath,
      widths,
      blocks,
      fusedAttention,
      channelsLast
    };
    for (int i = 0; i < v.length; i++) {
      Overrides.put(m, KEYS.get(i), v[i]);
    }
  }
}
