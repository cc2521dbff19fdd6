package io.edgessl.train.model;

import io.edgessl.bundle.Manifest;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.models.Pooling;
import io.edgessl.onnx.models.VitGraph;
import io.edgessl.train.nn.Init;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * The {@link VisionTransformer} family ({@code vit-*}): fields patch, dim, depth, heads, mlpRatio,
 * posEmbed and dropPath of the {@link EncoderSpec}; [CLS] embedding; exported by {@link VitGraph}.
 */
public final class VitArchitecture implements Architecture {
  /** The family. */
  public static final VitArchitecture INSTANCE = new VitArchitecture();

  private VitArchitecture() {}

  /** A preset of width {@code dim} and {@code heads} heads: 12 blocks, MLP ratio 4. */
  static EncoderSpec preset(String arch, int channels, int imageSize, int dim, int heads) {
    int[] none = {};
    return new EncoderSpec(
        arch,
        channels,
        imageSize,
        patchFor(imageSize),
        dim,
        12,
        heads,
        4,
        "learned",
        0,
        none,
        none);
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

  @Override
  public String name() {
    return "vit";
  }

  @Override
  public Encoder create(EncoderSpec spec, long seed) {
    return new VisionTransformer(spec, new Init(seed));
  }

  @Override
  public Pooling defaultPooling() {
    return Pooling.CLS;
  }

  @Override
  public void validate(EncoderSpec s) {
    if (s.patch() <= 0 || s.imageSize() % s.patch() != 0) {
      throw new IllegalArgumentException(
          "image size " + s.imageSize() + " is not a multiple of the patch size " + s.patch());
    }
    if (s.dim() <= 0 || s.depth() <= 0 || s.heads() <= 0 || s.dim() % s.heads() != 0) {
      throw new IllegalArgumentException(
          "ViT width " + s.dim() + " must be a positive multiple of its " + s.heads() + " heads");
    }
    if (!(s.mlpRatio() > 0)) {
      throw new IllegalArgumentException("MLP ratio must be positive: " + s.mlpRatio());
    }
    if (!s.posEmbed().equals("learned") && !s.posEmbed().equals("sincos")) {
      throw new IllegalArgumentException(
          "unknown position embedding '" + s.posEmbed() + "'; expected learned or sincos");
    }
    if (!(s.dropPath() >= 0 && s.dropPath() < 1)) {
      throw new IllegalArgumentException("drop path rate must be in [0, 1): " + s.dropPath());
    }
  }

  @Override
  public void toJson(EncoderSpec s, Map<String, Object> m) {
    m.put("patch", s.patch());
    m.put("dim", s.dim());
    m.put("depth", s.depth());
    m.put("heads", s.heads());
    m.put("mlp_ratio", s.mlpRatio());
    m.put("pos_embed", s.posEmbed());
    m.put("drop_path", s.dropPath());
  }

  @Override
  public EncoderSpec fromJson(String arch, int channels, int size, Map<?, ?> m) {
    return new EncoderSpec(
        arch,
        channels,
        size,
        EncoderSpec.num(m, "patch"),
        EncoderSpec.num(m, "dim"),
        EncoderSpec.num(m, "depth"),
        EncoderSpec.num(m, "heads"),
        ((Number) m.get("mlp_ratio")).doubleValue(),
        (String) m.get("pos_embed"),
        ((Number) m.get("drop_path")).doubleValue(),
        new int[0],
        new int[0]);
  }

  @Override
  public EncoderSpec override(EncoderSpec s, Map<String, ?> k) {
    Integer patch = (Integer) k.get("patch");
    Integer dim = (Integer) k.get("dim");
    Integer heads = (Integer) k.get("heads");
    Integer depth = (Integer) k.get("depth");
    Double mlpRatio = (Double) k.get("mlp_ratio");
    if (patch != null) {
      s = s.withPatch(patch);
    } else if (s.imageSize() == 28) {
      s = s.withPatch(4);
    }
    if (dim != null || heads != null) {
      s = s.withWidth(dim != null ? dim : s.dim(), heads != null ? heads : s.heads());
    }
    if (depth != null) {
      s = s.withDepth(depth);
    }
    if (mlpRatio != null) {
      s =
          new EncoderSpec(
              s.arch(),
              s.channels(),
              s.imageSize(),
              s.patch(),
              s.dim(),
              s.depth(),
              s.heads(),
              mlpRatio,
              s.posEmbed(),
              s.dropPath(),
              s.widths(),
              s.blocks());
    }
    return s.withPosEmbed((String) k.get("pos_embed"))
        .withDropPath(((Number) k.get("drop_path")).doubleValue());
  }

  @Override
  public String describe(EncoderSpec s) {
    return String.format(
        Locale.ROOT,
        "%s/%d (%d wide, %d blocks, %d heads, %s positions) at %dx%dx%d",
        s.arch(),
        s.patch(),
        s.dim(),
        s.depth(),
        s.heads(),
        s.posEmbed(),
        s.imageSize(),
        s.imageSize(),
        s.channels());
  }

  @Override
  public String label(EncoderSpec s) {
    return s.arch() + "/" + s.patch();
  }

  @Override
  public void checkPooling(Pooling value) {
    if (value.kind() != Pooling.Kind.CLS) {
      throw new IllegalArgumentException(
          "--embedding "
              + value.id()
              + ": a ViT's embedding is its [CLS] token (cls); gap, grid:N and map pool a"
              + " ResNet's feature map");
    }
  }

  @Override
  public int sizeUnit(EncoderSpec s) {
    return s.patch();
  }

  @Override
  public int featureCells(EncoderSpec s, int size) {
    return size / s.patch();
  }

  @Override
  public int embedDim(EncoderSpec s) {
    return s.dim();
  }

  @Override
  public void configure(Encoder e, Map<?, ?> options) {
    ((VisionTransformer) e).setFusedAttention(Boolean.TRUE.equals(options.get("fused_attention")));
  }

  @Override
  public OnnxGraph graph(Encoder enc, int height, int width, Pooling pooling) {
    EncoderSpec s = enc.spec();
    if (s.mlpRatio() != Math.rint(s.mlpRatio())) {
      throw new IllegalArgumentException(
          "only whole MLP ratios export (VitGraph): " + s.mlpRatio());
    }
    if (height % s.patch() != 0 || width % s.patch() != 0) {
      throw new IllegalArgumentException(
          "export size "
              + width
              + "x"
              + height
              + " is not a multiple of the patch size "
              + s.patch());
    }
    VitGraph.Config cfg =
        new VitGraph.Config(
            height,
            width,
            s.channels(),
            s.patch(),
            s.dim(),
            s.depth(),
            s.heads(),
            (int) s.mlpRatio());
    Map<String, Tensor> state = new HashMap<>(enc.state());
    try (PointerScope scope = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      // The positions the forward pass adds at this grid: the trained ones, resized, or
      // sine-cosine ones computed for it. Read inside the scope, as floats.
      Tensor pos =
          ((VisionTransformer) enc).positionEmbedding(height / s.patch(), width / s.patch());
      return VitGraph.build(cfg, GraphWeights.of(state, "pos_embed", pos));
    }
  }

  @Override
  public Manifest.Builder manifest(EncoderSpec s, Manifest.Builder m) {
    return m.architecture(
            String.format(
                Locale.ROOT,
                "%s/%d, %d blocks, width %d, %d heads",
                s.arch(),
                s.patch(),
                s.depth(),
                s.dim(),
                s.heads()))
        .patchSize(s.patch());
  }
}
