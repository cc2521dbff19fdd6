package io.edgessl.train.model;

import io.edgessl.bundle.Manifest;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.models.Pooling;
import java.util.Map;

/**
 * A family of encoder architectures ({@link Architectures}): everything particular to it, in one
 * class. Its presets are registered with {@link Architectures#preset}; each is an {@link
 * EncoderSpec} whose fields the family reads (a family uses the subset of the spec's fields it
 * needs and writes only those to JSON).
 *
 * <p>A new family is one class implementing this (beside its {@link Encoder}) plus one {@link
 * Architectures#register} line; only {@link #name}, {@link #create} and {@link #defaultPooling}
 * have no default.
 */
public interface Architecture {
  /**
   * The family's name, e.g. {@code vit}; an architecture name that is no registered preset but
   * starts with it belongs to this family.
   */
  String name();

  /** Creates the encoder that {@code spec} describes, its weights drawn from {@code seed}. */
  Encoder create(EncoderSpec spec, long seed);

  /** The embedding {@link Encoder#forward} gives (cls for a ViT, gap for a ResNet). */
  Pooling defaultPooling();

  /**
   * Checks the family's fields of {@code spec} (channels and image size are checked already).
   *
   * @throws IllegalArgumentException naming the bad field
   */
  default void validate(EncoderSpec spec) {}

  /** Writes the family's fields of {@code spec} into {@code json} (after arch, channels, size). */
  default void toJson(EncoderSpec spec, Map<String, Object> json) {}

  /** Reads {@link #toJson}'s fields back. */
  default EncoderSpec fromJson(String arch, int channels, int imageSize, Map<?, ?> json) {
    return EncoderSpec.preset(arch, channels, imageSize);
  }

  /**
   * {@code preset} changed by the non-null knobs of {@code knobs}, keyed by their config names
   * ({@code patch}, {@code dim}, {@code widths}, ...); a family ignores knobs it does not have.
   */
  default EncoderSpec override(EncoderSpec preset, Map<String, ?> knobs) {
    return preset;
  }

  /** A one-line description of {@code spec}. */
  default String describe(EncoderSpec spec) {
    return spec.arch() + " at " + spec.imageSize() + "x" + spec.imageSize() + "x" + spec.channels();
  }

  /** The short name of {@code spec} in a model's name, e.g. {@code vit-tiny/4}. */
  default String label(EncoderSpec spec) {
    return spec.arch();
  }

  /**
   * Checks that an encoder of this family has the embedding {@code pooling} (other than its {@link
   * #defaultPooling}); the grid size is checked by the caller.
   *
   * @throws IllegalArgumentException when it has not
   */
  default void checkPooling(Pooling pooling) {
    if (!pooling.equals(defaultPooling())) {
      throw new IllegalArgumentException(
          "--embedding " + pooling.id() + ": a " + name() + " has no such embedding");
    }
  }

  /**
   * The unit of input sizes (a ViT's patch): crop sizes are multiples of it; 1 where any size
   * works.
   */
  default int sizeUnit(EncoderSpec spec) {
    return 1;
  }

  /** Cells along each side of the final feature map for {@code size}-pixel inputs; 0 if none. */
  default int featureCells(EncoderSpec spec, int size) {
    return 0;
  }

  /** Size of the default embedding (the manifest's dimension). */
  default int embedDim(EncoderSpec spec) {
    return create(spec, 0).embedDim();
  }

  /**
   * Sets the speed options (same function) recorded in a run's {@code options} JSON, e.g. {@code
   * fused_attention}, {@code channels_last}.
   */
  default void configure(Encoder encoder, Map<?, ?> options) {}

  /**
   * The ONNX graph of {@code encoder} for {@code height x width} inputs with its current weights,
   * its embedding pooled by {@code pooling} (already checked).
   *
   * @throws IllegalArgumentException when the family or this encoder has no export
   */
  default OnnxGraph graph(Encoder encoder, int height, int width, Pooling pooling) {
    throw new IllegalArgumentException("no ONNX export for " + encoder.getClass().getSimpleName());
  }

  /** Sets the family's architecture line (and patch size or feature stride) of a manifest. */
  default Manifest.Builder manifest(EncoderSpec spec, Manifest.Builder m) {
    return m.architecture(describe(spec));
  }
}
