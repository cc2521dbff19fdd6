package io.edgessl.onnx.models;

import io.edgessl.EdgeSslException;
import io.edgessl.bundle.BundleWriter;
import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.Precision;
import io.edgessl.bundle.Provenance;
import io.edgessl.image.ColorMode;
import io.edgessl.image.Interpolation;
import io.edgessl.image.Preprocessing;
import io.edgessl.onnx.OnnxGraph;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Encoders with seeded random weights, as complete model bundles: the test models of EdgeSSL's
 * suites and the models its benchmarks time. They compute real features of the right shapes (a
 * random network still maps similar images to similar features), but they are not trained.
 */
public final class RandomModels {
  /** ImageNet statistics, the normalization of DINO's and timm's models. */
  static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};

  static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  private RandomModels() {}

  /** The generated architectures. */
  public enum Preset {
    /**
     * ViT-Tiny/16 at 224 x 224 (12 blocks, width 192, 3 heads; 5.7 M parameters), RGB, resized to
     * short side 256 bicubic and centre cropped, as DINO evaluates: the benchmark model.
     */
    VIT_TINY,
    /** A 2-block ViT, width 32, 2 heads, patch 8 at 32 x 32, short side 36 bicubic: tests. */
    VIT_TEST,
    /** A CNN of stride 4 and width 16 on 24 x 32 BGR input, stretched bilinearly: tests. */
    CONV_TEST,
    /**
     * A CNN of stride 4 and width 32 on 28 x 28 grey input (Fashion-MNIST's size): tests, demos.
     */
    CONV_MNIST,
    /**
     * A ResNet-style CNN of stride 16 and widths 32, 64, 128, 256 on 224 x 224 RGB (0.35 G
     * multiply-adds), resized and cropped as DINO evaluates: the convolutional benchmark model.
     */
    CONV_SMALL;

    /**
     * Command-line name: {@code vit-tiny}, {@code vit-test}, {@code conv-test}, {@code conv-mnist},
     * {@code conv-small}.
     *
     * @return the name {@link #parse} accepts
     */
    public String id() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The preset named {@code id}.
     *
     * @param id a command-line name, as {@link #id()} returns
     * @return the preset
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Preset parse(String id) {
      for (Preset p : values()) {
        if (p.id().equals(id)) {
          return p;
        }
      }
      throw new IllegalArgumentException(
          "unknown model '"
              + id
              + "'; expected vit-tiny, vit-test, conv-test, conv-mnist or conv-small");
    }
  }

  /**
   * The preset's graph with weights drawn from {@code seed}.
   *
   * @param preset the architecture
   * @param seed the weights' seed ({@link Weights#random}): equal seeds give equal graphs
   * @return a new graph, input {@code pixels} FLOAT NCHW, outputs {@code embedding} and {@code
   *     patch_grid}
   */
  public static OnnxGraph graph(Preset preset, long seed) {
    Weights w = Weights.random(seed);
    switch (preset) {
      case VIT_TINY:
        return VitGraph.build(VitGraph.Config.tiny(), w);
      case VIT_TEST:
        return VitGraph.build(new VitGraph.Config(32, 32, 3, 8, 32, 2, 2, 4), w);
      case CONV_TEST:
        return ConvGraph.build(new ConvGraph.Config(24, 32, 3, 8, 16), w);
      case CONV_SMALL:
        return ConvGraph.build(new ConvGraph.Config(224, 224, 3, 32, 64, 128, 256), w);
      default:
        return ConvGraph.build(new ConvGraph.Config(28, 28, 1, 16, 32), w);
    }
  }

  /**
   * The preset's manifest, without files (see {@link BundleWriter}): name {@code
   * <preset>-random-<seed>}, input {@code pixels}, FP32 model {@code encoder.fp32.onnx},
   * architecture, embedding and preprocessing.
   *
   * @param preset the architecture
   * @param seed the weights' seed, recorded in the name and provenance
   * @return a new builder, which the caller may complete and build
   */
  public static Manifest.Builder manifest(Preset preset, long seed) {
    Manifest.Builder m =
        Manifest.builder()
            .name(preset.id() + "-random-" + seed)
            .inputName("pixels")
            .precision(Precision.FP32, "encoder.fp32.onnx")
            .provenance(new Provenance("random-init, seed " + seed, "none", 0, "unknown"));
    switch (preset) {
      case VIT_TINY:
        return m.architecture("vit-tiny/16")
            .patchSize(16)
            .embedding(192, "embedding", "patch_grid")
            .preprocessing(
                Preprocessing.builder(224, 224)
                    .normalize(IMAGENET_MEAN, IMAGENET_STD)
                    .resizeShortSide(256, Interpolation.BICUBIC)
                    .build());
      case VIT_TEST:
        return m.architecture("vit/8, 2 blocks, width 32")
            .patchSize(8)
            .embedding(32, "embedding", "patch_grid")
            .preprocessing(
                Preprocessing.builder(32, 32)
                    .normalize(IMAGENET_MEAN, IMAGENET_STD)
                    .resizeShortSide(36, Interpolation.BICUBIC)
                    .build());
      case CONV_TEST:
        return m.architecture("cnn, stride 4, width 16")
            .featureStride(4)
            .embedding(16, "embedding", "patch_grid")
            .preprocessing(
                Preprocessing.builder(24, 32)
                    .color(ColorMode.BGR)
                    .normalize(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f})
                    .stretch(Interpolation.BILINEAR)
                    .build());
      case CONV_SMALL:
        return m.architecture("cnn, stride 16, widths 32-256")
            .featureStride(16)
            .embedding(256, "embedding", "patch_grid")
            .preprocessing(
                Preprocessing.builder(224, 224)
                    .normalize(IMAGENET_MEAN, IMAGENET_STD)
                    .resizeShortSide(256, Interpolation.BICUBIC)
                    .build());
      default:
        return m.architecture("cnn, stride 4, width 32")
            .featureStride(4)
            .embedding(32, "embedding", "patch_grid")
            .preprocessing(
                Preprocessing.builder(28, 28)
                    .color(ColorMode.GRAY)
                    .normalize(new float[] {0.286f}, new float[] {0.353f})
                    .stretch(Interpolation.BILINEAR)
                    .build());
    }
  }

  /**
   * Writes the preset as a bundle ({@code .edgessl} zip or directory) with its FP32 model.
   *
   * @param preset the architecture
   * @param seed the weights' seed
   * @param target the bundle written: a {@code .edgessl} zip, or a directory
   * @return the manifest written
   * @throws EdgeSslException when writing fails
   */
  public static Manifest writeBundle(Preset preset, long seed, Path target)
      throws EdgeSslException {
    return BundleWriter.write(
        target, manifest(preset, seed), Map.of("encoder.fp32.onnx", graph(preset, seed).toBytes()));
  }
}
