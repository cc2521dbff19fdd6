package io.edgessl.train.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that defines an encoder's architecture, saved in checkpoints (and later in bundle
 * manifests) so the weights can be rebuilt into the same graph.
 *
 * <p>The fields are those of the built-in families; a family ({@link Architecture}) reads the ones
 * it needs and writes only those to JSON.
 *
 * @param arch the preset name it started from ({@link Architectures#names}: {@code vit-tiny},
 *     {@code vit-small}, {@code resnet-tiny}, {@code resnet-small})
 * @param channels input channels: 1 (grey) or 3 (RGB)
 * @param imageSize the training resolution (square); ViT position embeddings are made for it
 * @param patch ViT patch size
 * @param dim ViT width
 * @param depth ViT blocks
 * @param heads ViT attention heads
 * @param mlpRatio ViT MLP width / model width
 * @param posEmbed ViT position embeddings: {@code learned} (DINO; bicubically resized for other
 *     input sizes) or {@code sincos} (MAE's fixed 2-D sine-cosine, computed for any grid)
 * @param dropPath ViT stochastic depth rate of the last block (linearly increasing from 0)
 * @param widths ResNet stage widths
 * @param blocks ResNet basic blocks per stage
 */
public record EncoderSpec(
    String arch,
    int channels,
    int imageSize,
    int patch,
    int dim,
    int depth,
    int heads,
    double mlpRatio,
    String posEmbed,
    double dropPath,
    int[] widths,
    int[] blocks) {

  /**
   * Checks the spec (channels, size, then the family's fields: {@link Architecture#validate}).
   *
   * @throws IllegalArgumentException for a bad field or an unknown architecture
   */
  public EncoderSpec(
      String arch,
      int channels,
      int imageSize,
      int patch,
      int dim,
      int depth,
      int heads,
      double mlpRatio,
      String posEmbed,
      double dropPath,
      int[] widths,
      int[] blocks) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3: " + channels);
    }
    if (imageSize <= 0) {
      throw new IllegalArgumentException("image size must be positive: " + imageSize);
    }
    this.arch = arch;
    this.channels = channels;
    this.imageSize = imageSize;
    this.patch = patch;
    this.dim = dim;
    this.depth = depth;
    this.heads = heads;
    this.mlpRatio = mlpRatio;
    this.posEmbed = posEmbed;
    this.dropPath = dropPath;
    this.widths = widths.clone();
    this.blocks = blocks.clone();
    family(arch).validate(this);
  }

  /** The family of an architecture name ({@link Architectures#family}). */
  public static Architecture family(String arch) {
    return Architectures.family(arch);
  }

  /** This spec's family. */
  public Architecture family() {
    return family(arch);
  }

  /**
   * A registered preset ({@link Architectures#names}): {@code vit-tiny} (width 192, 3 heads, 12
   * blocks: ViT-Ti), {@code vit-small} (384, 6 heads, 12 blocks: ViT-S), both with patch 16 and
   * learned position embeddings unless changed; {@code resnet-tiny} (widths 32, 64, 128; one block
   * each) and {@code resnet-small} (64, 128, 256; two blocks each), basic blocks, stride 2 between
   * stages.
   */
  public static EncoderSpec preset(String arch, int channels, int imageSize) {
    return Architectures.preset(arch, channels, imageSize);
  }

  public EncoderSpec withPatch(int p) {
    return new EncoderSpec(
        arch, channels, imageSize, p, dim, depth, heads, mlpRatio, posEmbed, dropPath, widths,
        blocks);
  }

  public EncoderSpec withWidth(int d, int h) {
    return new EncoderSpec(
        arch, channels, imageSize, patch, d, depth, h, mlpRatio, posEmbed, dropPath, widths,
        blocks);
  }

  public EncoderSpec withDepth(int n) {
    return new EncoderSpec(
        arch, channels, imageSize, patch, dim, n, heads, mlpRatio, posEmbed, dropPath, widths,
        blocks);
  }

  public EncoderSpec withPosEmbed(String p) {
    return new EncoderSpec(
        arch, channels, imageSize, patch, dim, depth, heads, mlpRatio, p, dropPath, widths, blocks);
  }

  public EncoderSpec withDropPath(double r) {
    return new EncoderSpec(
        arch, channels, imageSize, patch, dim, depth, heads, mlpRatio, posEmbed, r, widths, blocks);
  }

  public EncoderSpec withStages(int[] w, int[] b) {
    return new EncoderSpec(
        arch, channels, imageSize, patch, dim, depth, heads, mlpRatio, posEmbed, dropPath, w, b);
  }

  /** The fields as a JSON-ready map (only those of the family). */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("arch", arch);
    m.put("channels", channels);
    m.put("image_size", imageSize);
    family().toJson(this, m);
    return m;
  }

  /** Reads {@link #toJson()}'s map back. */
  public static EncoderSpec fromJson(Map<?, ?> m) {
    String arch = (String) m.get("arch");
    int channels = num(m, "channels");
    int size = num(m, "image_size");
    return family(arch).fromJson(arch, channels, size, m);
  }

  static int num(Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException("encoder spec: missing number '" + key + "'");
    }
    return Math.toIntExact(n.longValue());
  }

  /** A one-line description, e.g. {@code vit-tiny/4 (192 wide, 6 blocks, 3 heads) at 28x28x1}. */
  public String describe() {
    return family().describe(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncoderSpec s && toJson().equals(s.toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  @Override
  public String toString() {
    return describe();
  }
}
