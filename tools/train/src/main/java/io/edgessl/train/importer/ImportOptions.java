package io.edgessl.train.importer;

import io.edgessl.image.ColorMode;
import io.edgessl.image.Interpolation;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link ModelImporter} is asked to do: the model, where the bundle goes, and every choice the
 * importer would otherwise make itself (preset, input size, outputs, registers, patch size,
 * pooling, preprocessing). Unset choices ({@code null}, 0 or -1 as documented) are read from the
 * graph or the preset. Fluent and mutable; not thread-safe.
 */
public final class ImportOptions {
  private final Path model;
  private final Path out;
  private ImportPreset preset;
  private int height;
  private int width;
  private String embeddingOutput;
  private String patchOutput;
  private int registers = -1;
  private int patchSize;
  private String pooling;
  private String name;
  private float[] mean;
  private float[] std;
  private ColorMode color;
  private int shortSide;
  private boolean stretch;
  private Interpolation interpolation;
  private boolean canonicalize = true;
  private int threads = 1;
  private double tolerance = 1e-4;

  /**
   * Options with every choice left to the importer.
   *
   * @param model the ONNX file to import
   * @param out where to write the bundle: a {@code .edgessl} file, else a new directory
   */
  public ImportOptions(Path model, Path out) {
    this.model = Objects.requireNonNull(model, "model");
    this.out = Objects.requireNonNull(out, "out");
  }

  /** {@return the ONNX file} */
  public Path model() {
    return model;
  }

  /** {@return where the bundle goes} */
  public Path out() {
    return out;
  }

  /** {@return the preset, or null to choose by layout (dino for ViTs, imagenet-cnn for CNNs)} */
  public ImportPreset preset() {
    return preset;
  }

  /**
   * Sets the preset.
   *
   * @param preset the model family, or null to choose by layout
   * @return this
   */
  public ImportOptions preset(ImportPreset preset) {
    this.preset = preset;
    return this;
  }

  /** {@return the input height to import at, 0 for the graph's} */
  public int height() {
    return height;
  }

  /** {@return the input width to import at, 0 for the graph's} */
  public int width() {
    return width;
  }

  /**
   * Sets the input size (required when the graph's is dynamic).
   *
   * @param height pixels, positive
   * @param width pixels, positive
   * @return this
   * @throws IllegalArgumentException when a side is not positive
   */
  public ImportOptions size(int height, int width) {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("--size " + height + "x" + width + " must be positive");
    }
    this.height = height;
    this.width = width;
    return this;
  }

  /** {@return the output the embedding comes from, or null to choose} */
  public String embeddingOutput() {
    return embeddingOutput;
  }

  /**
   * Sets the output the embedding comes from.
   *
   * @param name a graph output's name, or null to choose
   * @return this
   */
  public ImportOptions embeddingOutput(String name) {
    this.embeddingOutput = name;
    return this;
  }

  /** {@return the output the patch grid comes from, or null to choose} */
  public String patchOutput() {
    return patchOutput;
  }

  /**
   * Sets the output the patch grid comes from.
   *
   * @param name a graph output's name, or null to choose
   * @return this
   */
  public ImportOptions patchOutput(String name) {
    this.patchOutput = name;
    return this;
  }

  /** {@return the declared register tokens, -1 to count them from the token sequence} */
  public int registers() {
    return registers;
  }

  /**
   * Declares the register tokens (checked against the token count).
   *
   * @param registers 0 or more, -1 to count them
   * @return this
   */
  public ImportOptions registers(int registers) {
    this.registers = registers;
    return this;
  }

  /** {@return the declared patch size, 0 to read it from the patch-embedding Conv} */
  public int patchSize() {
    return patchSize;
  }

  /**
   * Declares the patch size (checked against the patch-embedding Conv when there is one).
   *
   * @param patchSize pixels, 0 to read it from the graph
   * @return this
   */
  public ImportOptions patchSize(int patchSize) {
    this.patchSize = patchSize;
    return this;
  }

  /** {@return the embedding pooling ({@code cls} or {@code gap}), or null for the preset's} */
  public String pooling() {
    return pooling;
  }

  /**
   * Sets how the embedding comes from a token sequence or feature map.
   *
   * @param pooling {@code cls} ([CLS] token) or {@code gap} (mean of the patch tokens, or of the
   *     map), null for the preset's
   * @return this
   */
  public ImportOptions pooling(String pooling) {
    this.pooling = pooling;
    return this;
  }

  /** {@return the bundle's name, or null for the output's file name} */
  public String name() {
    return name;
  }

  /**
   * Sets the bundle's name.
   *
   * @param name the name, or null for the output's file name without {@code .edgessl}
   * @return this
   */
  public ImportOptions name(String name) {
    this.name = name;
    return this;
  }

  /** {@return the normalization mean override, or null} */
  public float[] mean() {
    return mean == null ? null : mean.clone();
  }

  /** {@return the normalization std override, or null} */
  public float[] std() {
    return std == null ? null : std.clone();
  }

  /**
   * Overrides the preset's normalization.
   *
   * @param mean per-channel means of pixel / 255
   * @param std per-channel standard deviations
   * @return this
   */
  public ImportOptions normalize(float[] mean, float[] std) {
    this.mean = mean == null ? null : mean.clone();
    this.std = std == null ? null : std.clone();
    return this;
  }

  /** {@return the colour override, or null for the preset's (RGB, or gray for 1 channel)} */
  public ColorMode color() {
    return color;
  }

  /**
   * Overrides the colour order.
   *
   * @param color rgb, bgr or gray; null for the preset's
   * @return this
   */
  public ImportOptions color(ColorMode color) {
    this.color = color;
    return this;
  }

  /** {@return the short side to resize to before the centre crop, 0 for the preset's} */
  public int shortSide() {
    return shortSide;
  }

  /** {@return whether frames are stretched to the input size instead of resized and cropped} */
  public boolean stretch() {
    return stretch;
  }

  /**
   * Overrides the resize: short side then centre crop, or a stretch.
   *
   * @param shortSide the short side in pixels (at least the input's), or 0 for the preset's
   * @param stretch stretch frames to the input size instead (shortSide is then ignored)
   * @return this
   */
  public ImportOptions resize(int shortSide, boolean stretch) {
    this.shortSide = shortSide;
    this.stretch = stretch;
    return this;
  }

  /** {@return the resampling override, or null for the preset's} */
  public Interpolation interpolation() {
    return interpolation;
  }

  /**
   * Overrides the resampling filter.
   *
   * @param interpolation bilinear or bicubic, null for the preset's
   * @return this
   */
  public ImportOptions interpolation(Interpolation interpolation) {
    this.interpolation = interpolation;
    return this;
  }

  /** {@return whether the graph is canonicalized (default true)} */
  public boolean canonicalize() {
    return canonicalize;
  }

  /**
   * Turns canonicalization on or off.
   *
   * @param canonicalize false to keep the exporter's graph as it is (outputs adapted only)
   * @return this
   */
  public ImportOptions canonicalize(boolean canonicalize) {
    this.canonicalize = canonicalize;
    return this;
  }

  /** {@return ONNX Runtime threads for the probes, 0 for its default} */
  public int threads() {
    return threads;
  }

  /**
   * Sets ONNX Runtime's threads for the probes.
   *
   * @param threads 0 for the runtime's default
   * @return this
   */
  public ImportOptions threads(int threads) {
    this.threads = threads;
    return this;
  }

  /** {@return the largest difference allowed between the bundle and the original model} */
  public double tolerance() {
    return tolerance;
  }

  /**
   * Sets the largest difference allowed between the bundle's outputs and the original model's,
   * relative to the largest absolute value of the original's.
   *
   * @param tolerance positive, default 1e-4
   * @return this
   */
  public ImportOptions tolerance(double tolerance) {
    if (!(tolerance > 0)) {
      throw new IllegalArgumentException("--tolerance must be positive: " + tolerance);
    }
    this.tolerance = tolerance;
    return this;
  }
}
