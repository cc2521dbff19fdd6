package io.edgessl.train.model;

import io.edgessl.bundle.Manifest;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.models.Pooling;
import io.edgessl.onnx.models.ResNetGraph;
import io.edgessl.train.nn.Init;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;

/**
 * The {@link ResNet} family ({@code resnet-*}): fields widths and blocks of the {@link
 * EncoderSpec}; global-average-pooled embedding (also gap, grid:N, map of its feature map);
 * exported by {@link ResNetGraph}.
 */
public final class ResNetArchitecture implements Architecture {
  /** The family. */
  public static final ResNetArchitecture INSTANCE = new ResNetArchitecture();

  private ResNetArchitecture() {}

  /** A preset of these stage widths and blocks per stage. */
  static EncoderSpec preset(String arch, int channels, int imageSize, int[] widths, int[] blocks) {
    return new EncoderSpec(arch, channels, imageSize, 0, 0, 0, 0, 0, "learned", 0, widths, blocks);
  }

  @Override
  public String name() {
    return "resnet";
  }

  @Override
  public Encoder create(EncoderSpec spec, long seed) {
    return new ResNet(spec, new Init(seed));
  }

  @Override
  public Pooling defaultPooling() {
    return Pooling.GAP;
  }

  @Override
  public void validate(EncoderSpec s) {
    int[] widths = s.widths();
    int[] blocks = s.blocks();
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

  @Override
  public void toJson(EncoderSpec s, Map<String, Object> m) {
    m.put("widths", toList(s.widths()));
    m.put("blocks", toList(s.blocks()));
  }

  @Override
  public EncoderSpec fromJson(String arch, int channels, int size, Map<?, ?> m) {
    return preset(arch, channels, size, ints(m.get("widths")), ints(m.get("blocks")));
  }

  @Override
  @SuppressWarnings("unchecked")
  public EncoderSpec override(EncoderSpec s, Map<String, ?> k) {
    List<Integer> widths = (List<Integer>) k.get("widths");
    List<Integer> blocks = (List<Integer>) k.get("blocks");
    if (widths == null && blocks == null) {
      return s;
    }
    int[] w = widths != null ? widths.stream().mapToInt(Integer::intValue).toArray() : s.widths();
    int[] b = blocks != null ? blocks.stream().mapToInt(Integer::intValue).toArray() : s.blocks();
    return s.withStages(w, b);
  }

  @Override
  public String describe(EncoderSpec s) {
    return String.format(
        Locale.ROOT,
        "%s (widths %s, blocks %s) at %dx%dx%d",
        s.arch(),
        Arrays.toString(s.widths()),
        Arrays.toString(s.blocks()),
        s.imageSize(),
        s.imageSize(),
        s.channels());
  }

  @Override
  public void checkPooling(Pooling value) {
    if (value.kind() == Pooling.Kind.CLS) {
      throw new IllegalArgumentException(
          "--embedding cls: a ResNet has no [CLS] token; choose gap, grid:N or map");
    }
  }

  /** Input pixels per cell of the final feature map. */
  static int featureStride(EncoderSpec s) {
    return (1 << (s.widths().length - 1)) * (s.imageSize() >= 64 ? 4 : 1);
  }

  @Override
  public int featureCells(EncoderSpec s, int size) {
    return size / featureStride(s);
  }

  @Override
  public int embedDim(EncoderSpec s) {
    return s.widths()[s.widths().length - 1];
  }

  @Override
  public void configure(Encoder e, Map<?, ?> options) {
    ((ResNet) e).setChannelsLast(!Boolean.FALSE.equals(options.get("channels_last")));
  }

  @Override
  public OnnxGraph graph(Encoder enc, int height, int width, Pooling pooling) {
    EncoderSpec s = enc.spec();
    ResNetGraph.Config cfg =
        new ResNetGraph.Config(
            height, width, s.channels(), s.widths(), s.blocks(), s.imageSize() >= 64, pooling);
    var state = new HashMap<>(enc.state());
    try (PointerScope scope = new PointerScope()) {
      return ResNetGraph.build(cfg, GraphWeights.of(state, null, null));
    }
  }

  @Override
  public Manifest.Builder manifest(EncoderSpec s, Manifest.Builder m) {
    return m.architecture(
            String.format(
                Locale.ROOT,
                "%s, widths %s, blocks %s",
                s.arch(),
                join(s.widths()),
                join(s.blocks())))
        .featureStride(featureStride(s));
  }

  private static String join(int[] v) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < v.length; i++) {
      b.append(i > 0 ? "-" : "").append(v[i]);
    }
    return b.toString();
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
}
