package io.edgessl.train.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything that defines an encoder's architecture, saved in checkpoints (and later in bundle
 * manifests) so the weights can be rebuilt into the same graph.
 *
 * @param arch the preset name it started from ({@code vit-tiny}, {@code vit-small}, {@code
 *     resnet-tiny}, {@code resnet-small})
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

  /** The two families of architectures. */
  public enum Family {
    VIT,
    RESNET
  }

  /** The presets {@link #preset} knows. */
  public static final List<String> PRESETS =
      List.of("vit-tiny", "vit-small", "resnet-tiny", "resnet-small");

  public EncoderSpec {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3: " + channels);
    }
    if (imageSize <= 0) {
      throw new IllegalArgumentException("image size must be positive: " + imageSize);
    }
    widths = widths.clone();
    blocks = blocks.clone();
    if (family(arch) == Family.VIT) {
      if (patch <= 0 || imageSize % patch != 0) {
        throw new IllegalArgumentException(
            "image size " + imageSize + " is not a multiple of the patch size " + patch);
      }
      if (dim <= 0 || depth <= 0 || heads <= 0 || dim % heads != 0) {
        throw new IllegalArgumentException(
            "ViT width " + dim + " must be a positive multiple of its " + heads + " heads");
      }
      if (!(mlpRatio > 0)) {
        throw new IllegalArgumentException("MLP ratio must be positive: " + mlpRatio);
      }
      if (!posEmbed.equals("learned") && !posEmbed.equals("sincos")) {
        throw new IllegalArgumentException(
            "unknown position embedding '" + posEmbed + "'; expected learned or sincos");
      }
      if (!(dropPath >= 0 && dropPath < 1)) {
        throw new IllegalArgumentException("drop path rate must be in [0, 1): " + dropPath);
      }
    } else {
      if (widths.length == 0 || widths.length != blocks.length) {
        throw new IllegalArgumentException(
            "ResNet widths "
                + Arrays.toString(widths)
                + " and blocks "
                + Arrays.toString(blocks)
                + " must be non-empty and of equal length");
      }
      for (int i = 0; i < widths.length; i++) {
        if (widths[i] <= 0 || blocks[i] <= 0) {
          throw new IllegalArgumentException(
              "ResNet widths and blocks must be positive: "
                  + Arrays.toString(widths)
                  + " "
                  + Arrays.toString(blocks));
        }
      }
    }
  }

  /** The family of an architecture name. */
  public static Family family(String arch) {
    if (arch.startsWith("vit")) {
      return Family.VIT;
    }
    if (arch.startsWith("resnet")) {
      return Family.RESNET;
    }
    throw unknown(arch);
  }

  private static IllegalArgumentException unknown(String arch) {
    return new IllegalArgumentException(
        "unknown architecture '" + arch + "'; expected one of " + String.join(", ", PRESETS));
  }

  /** This spec's family. */
  public Family family() {
    return family(arch);
  }

  /**
   * A preset: {@code vit-tiny} (width 192, 3 heads, 12 blocks: ViT-Ti), {@code vit-small} (384, 6
   * heads, 12 blocks: ViT-S), both with patch 16 and learned position embeddings unless changed;
   * {@code resnet-tiny} (widths 32, 64, 128; one block each) and {@code resnet-small} (64, 128,
   * 256; two blocks each), basic blocks, stride 2 between stages.
   */
  public static EncoderSpec preset(String arch, int channels, int imageSize) {
    int[] none = {};
    return switch (arch) {
      case "vit-tiny" ->
          new EncoderSpec(
              arch,
              channels,
              imageSize,
              patchFor(imageSize),
              192,
              12,
              3,
              4,
              "learned",
              0,
              none,
              none);
      case "vit-small" ->
          new EncoderSpec(
              arch,
              channels,
              imageSize,
              patchFor(imageSize),
              384,
              12,
              6,
              4,
              "learned",
              0,
              none,
              none);
      case "resnet-tiny" ->
          new EncoderSpec(
              arch,
              channels,
              imageSize,
              0,
              0,
              0,
              0,
              0,
              "learned",
              0,
              new int[] {32, 64, 128},
              new int[] {1, 1, 1});
      case "resnet-small" ->
          new EncoderSpec(
              arch,
              channels,
              imageSize,
              0,
              0,
              0,
              0,
              0,
              "learned",
              0,
              new int[] {64, 128, 256},
              new int[] {2, 2, 2});
      default -> throw unknown(arch);
    };
  }

  /** Patch 16 where the image allows it, else the largest of 8 and 4 that divides it. */
  private static int patchFor(int imageSize) {
    for (int p : new int[] {16, 8, 4}) {
      if (imageSize % p == 0 && imageSize / p >= 4) {
        return p;
      }
    }
    return imageSize % 4 == 0 ? 4 : 1;
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
    if (family() == Family.VIT) {
      m.put("patch", patch);
      m.put("dim", dim);
      m.put("depth", depth);
      m.put("heads", heads);
      m.put("mlp_ratio", mlpRatio);
      m.put("pos_embed", posEmbed);
      m.put("drop_path", dropPath);
    } else {
      m.put("widths", toList(widths));
      m.put("blocks", toList(blocks));
    }
    return m;
  }

  /** Reads {@link #toJson()}'s map back. */
  public static EncoderSpec fromJson(Map<?, ?> m) {
    String arch = (String) m.get("arch");
    int channels = num(m, "channels");
    int size = num(m, "image_size");
    if (family(arch) == Family.VIT) {
      return new EncoderSpec(
          arch,
          channels,
          size,
          num(m, "patch"),
          num(m, "dim"),
          num(m, "depth"),
          num(m, "heads"),
          ((Number) m.get("mlp_ratio")).doubleValue(),
          (String) m.get("pos_embed"),
          ((Number) m.get("drop_path")).doubleValue(),
          new int[0],
          new int[0]);
    }
    return new EncoderSpec(
        arch,
        channels,
        size,
        0,
        0,
        0,
        0,
        0,
        "learned",
        0,
        ints(m.get("widths")),
        ints(m.get("blocks")));
  }

  private static int num(Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException("encoder spec: missing number '" + key + "'");
    }
    return Math.toIntExact(n.longValue());
  }

  private static int[] ints(Object o) {
    List<?> l = (List<?>) o;
    int[] out = new int[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.toIntExact(((Number) l.get(i)).longValue());
    }
    return out;
  }

  private static List<Integer> toList(int[] a) {
    List<Integer> l = new ArrayList<>();
    for (int v : a) {
      l.add(v);
    }
    return l;
  }

  /** A one-line description, e.g. {@code vit-tiny/4 (192 wide, 6 blocks, 3 heads) at 28x28x1}. */
  public String describe() {
    if (family() == Family.VIT) {
      return String.format(
          Locale.ROOT,
          "%s/%d (%d wide, %d blocks, %d heads, %s positions) at %dx%dx%d",
          arch,
          patch,
          dim,
          depth,
          heads,
          posEmbed,
          imageSize,
          imageSize,
          channels);
    }
    return String.format(
        Locale.ROOT,
        "%s (widths %s, blocks %s) at %dx%dx%d",
        arch,
        Arrays.toString(widths),
        Arrays.toString(blocks),
        imageSize,
        imageSize,
        channels);
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
