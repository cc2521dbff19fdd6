package io.edgessl.bundle;

import io.edgessl.image.Preprocessing;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code manifest.json} of a {@link ModelBundle}: what the model is, what it expects and what
 * it returns, where it comes from, and the SHA-256 of every file.
 *
 * <p>Format version 1, every field required unless marked optional; unknown fields are refused.
 * Format version 2 is version 1 plus the optional {@code source} object that {@code edgessl import}
 * writes for a model exported elsewhere ({@link ImportSource}: the original file and its hash, the
 * exporter, the preset, the outputs and layouts the embedding and patch grid were made from, the
 * canonicalization rewrites); a manifest is written as version 2 only when it has one, and both
 * versions are read.
 *
 * <pre>{@code
 * {
 *   "format_version": 1,
 *   "name": "vit-tiny-dino-fmnist",
 *   "architecture": "vit-tiny/16",
 *   "input": {"name": "pixels", "height": 224, "width": 224},
 *   "patch_size": 16,                      // or "feature_stride": 8 for a CNN; exactly one
 *   "color": "rgb",                        // rgb, bgr or gray
 *   "normalization": {"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
 *   "resize": {"policy": "short_side_center_crop", "short_side": 256,
 *              "interpolation": "bicubic"}, // or {"policy": "stretch", "interpolation": ...}
 *   "embedding_size": 192,
 *   "patch_feature_size": 192,             // optional, default embedding_size
 *   "embedding_pooling": "cls",            // optional: cls, gap, grid:N or map
 *   "outputs": {"embedding": "embedding", "patch_grid": "patch_grid"},
 *   "precisions": {"fp32": "encoder.fp32.onnx", "int8": "encoder.int8.onnx"},
 *   "default_precision": "fp32",           // optional: what Encoder.open runs, else fp32
 *   "provenance": {"method": "dino", "data": "fashion-mnist/train", "steps": 46900,
 *                  "commit": "4f1c2e9"},
 *   "files": {"encoder.fp32.onnx": "<64 hex digits>", "encoder.int8.onnx": "<64 hex digits>"}
 * }
 * }</pre>
 *
 * <p>The model's contract: one float32 input {@code [N, C, height, width]} (N dynamic, or 1), C = 3
 * for rgb and bgr, 1 for gray, holding {@code (pixel / 255 - mean) / std}; a float32 output {@code
 * [N, embedding_size]} (the global embedding: [CLS] after the final norm, or the pooled feature)
 * and a float32 output {@code [N, height / stride, width / stride, patch_feature_size]} (the patch
 * grid, channels last), where the stride is the patch size or feature stride and divides the input
 * size. Every precision's model has the same inputs and outputs.
 *
 * <p>The two optional fields came after the first bundles and are written only when they say
 * something: {@code patch_feature_size} when it differs from {@code embedding_size} (a CNN whose
 * embedding is its feature map pooled to a grid, or the whole map flattened), {@code
 * embedding_pooling} when the exporter recorded how the embedding comes from the last features:
 * {@code cls} ([CLS] token), {@code gap} (global average), {@code grid:N} (adaptive average pooling
 * to N x N cells, flattened channel-major) or {@code map} (the final feature map flattened
 * channel-major, i.e. NCHW order). Manifests without them read as before.
 *
 * <p>Immutable; {@link #builder()} makes one (tools that export bundles), {@link ModelBundle#open}
 * reads and checks one.
 */
public final class Manifest {
  /**
   * The newest format version this build reads and writes: 2, which adds the optional {@code
   * source} object of imported models ({@link ImportSource}). A manifest without it is written as
   * version 1, byte for byte as before; both versions are read.
   */
  public static final int FORMAT_VERSION = 2;

  private final String name;
  private final String architecture;
  private final String inputName;
  private final int patchSize;
  private final int featureStride;
  private final Preprocessing preprocessing;
  private final int embeddingSize;
  private final int patchFeatureSize;
  private final String embeddingPooling;
  private final String embeddingOutput;
  private final String patchGridOutput;
  private final Map<Precision, String> precisions;
  private final Precision defaultPrecision;
  private final Provenance provenance;
  private final Map<String, String> files;
  private final ImportSource source;

  private Manifest(Builder b) {
    this.name = b.name;
    this.architecture = b.architecture;
    this.inputName = b.inputName;
    this.patchSize = b.patchSize;
    this.featureStride = b.featureStride;
    this.preprocessing = b.preprocessing;
    this.embeddingSize = b.embeddingSize;
    this.patchFeatureSize = b.patchFeatureSize > 0 ? b.patchFeatureSize : b.embeddingSize;
    this.embeddingPooling = b.embeddingPooling;
    this.embeddingOutput = b.embeddingOutput;
    this.patchGridOutput = b.patchGridOutput;
    this.precisions = Collections.unmodifiableMap(new EnumMap<>(b.precisions));
    this.defaultPrecision = b.defaultPrecision;
    this.provenance = b.provenance;
    this.files = Collections.unmodifiableMap(new LinkedHashMap<>(b.files));
    this.source = b.source;
  }

  /** {@return a new, empty builder} Input name and output names start at their defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return a new builder holding this manifest's values}, files included; changing it leaves this
   * manifest as it is.
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.architecture = architecture;
    b.inputName = inputName;
    b.patchSize = patchSize;
    b.featureStride = featureStride;
    b.preprocessing = preprocessing;
    b.embeddingSize = embeddingSize;
    b.patchFeatureSize = patchFeatureSize == embeddingSize ? 0 : patchFeatureSize;
    b.embeddingPooling = embeddingPooling;
    b.embeddingOutput = embeddingOutput;
    b.patchGridOutput = patchGridOutput;
    b.precisions.putAll(precisions);
    b.defaultPrecision = defaultPrecision;
    b.provenance = provenance;
    b.files.putAll(files);
    b.source = source;
    return b;
  }

  /**
   * {@return the format version this manifest is written in}: 2 when it records an {@link #source()
   * import source}, else 1.
   */
  public int formatVersion() {
    return source != null ? 2 : 1;
  }

  /**
   * {@return where an imported model came from and how its outputs were mapped, or empty for a
   * model EdgeSSL exported itself}
   */
  public Optional<ImportSource> source() {
    return Optional.ofNullable(source);
  }

  /** {@return the model's name, e.g. {@code vit-tiny-dino-fmnist}} */
  public String name() {
    return name;
  }

  /** {@return the free-form architecture name, e.g. {@code vit-tiny/16} or {@code resnet18}} */
  public String architecture() {
    return architecture;
  }

  /** {@return the name of the model's one input} */
  public String inputName() {
    return inputName;
  }

  /**
   * {@return the patch size of a ViT in input pixels, or 0 when the manifest gives a feature stride
   * instead}
   */
  public int patchSize() {
    return patchSize;
  }

  /**
   * {@return the feature stride of a CNN's patch grid in input pixels, or 0 when the manifest gives
   * a patch size instead}
   */
  public int featureStride() {
    return featureStride;
  }

  /**
   * {@return the input pixels per grid cell along each axis: the patch size or the feature stride}
   */
  public int gridStride() {
    return patchSize > 0 ? patchSize : featureStride;
  }

  /** {@return the rows of the patch grid: input height / grid stride} */
  public int gridHeight() {
    return preprocessing.height() / gridStride();
  }

  /** {@return the columns of the patch grid: input width / grid stride} */
  public int gridWidth() {
    return preprocessing.width() / gridStride();
  }

  /** {@return the input size, colour, resize, crop and normalization} */
  public Preprocessing preprocessing() {
    return preprocessing;
  }

  /** {@return the dimension (number of floats) of the global embedding} */
  public int embeddingSize() {
    return embeddingSize;
  }

  /**
   * {@return the dimension (number of floats) of each patch feature}: the embedding size unless the
   * embedding pools the feature map into several cells ({@code grid:N}, {@code map}).
   */
  public int patchFeatureSize() {
    return patchFeatureSize;
  }

  /**
   * {@return how the global embedding comes from the last features ({@code cls}, {@code gap},
   * {@code grid:N}, {@code map}), or null when the manifest does not say}
   */
  public String embeddingPooling() {
    return embeddingPooling;
  }

  /** {@return the name of the model output holding the global embedding} */
  public String embeddingOutput() {
    return embeddingOutput;
  }

  /** {@return the name of the model output holding the patch grid} */
  public String patchGridOutput() {
    return patchGridOutput;
  }

  /**
   * {@return the model file of each precision present, in the order FP32, FP16, INT8; immutable}
   */
  public Map<Precision, String> precisions() {
    return precisions;
  }

  /**
   * The precision {@code Encoder.open} runs when the caller names none ({@code default_precision},
   * optional, one of {@link #precisions()}); empty when the manifest records none (then FP32).
   *
   * @return the recorded default precision, or empty
   */
  public Optional<Precision> defaultPrecision() {
    return Optional.ofNullable(defaultPrecision);
  }

  /** {@return where the model comes from: training method, data, steps, commit} */
  public Provenance provenance() {
    return provenance;
  }

  /**
   * {@return the SHA-256 (lower-case hex) of every file of the bundle except the manifest, by file
   * name, in the manifest's order; immutable}
   */
  public Map<String, String> files() {
    return files;
  }

  /**
   * {@return the manifest as JSON values: a new, mutable map of maps, lists, strings, longs and
   * doubles in the documented field order} {@link io.edgessl.internal.io.Json#writePretty} writes
   * it.
   */
  public Map<String, Object> toJson() {
    return ManifestWriter.toJson(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Manifest && toJson().equals(((Manifest) o).toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  @Override
  public String toString() {
    return "Manifest[" + name + ", " + architecture + ", " + preprocessing + "]";
  }

  /**
   * Builds a manifest; {@link #build()} checks every field. Tools that export a model fill all but
   * {@link #file}, which {@link BundleWriter} computes.
   */
  public static final class Builder {
    private String name;
    private String architecture;
    private String inputName = "pixels";
    private int patchSize;
    private int featureStride;
    private Preprocessing preprocessing;
    private int embeddingSize;
    private int patchFeatureSize;
    private String embeddingPooling;
    private String embeddingOutput = "embedding";
    private String patchGridOutput = "patch_grid";
    private final Map<Precision, String> precisions = new EnumMap<>(Precision.class);
    private Precision defaultPrecision;
    private Provenance provenance;
    private ImportSource source;
    private final Map<String, String> files = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets the model's name (required).
     *
     * @param name the name, not empty
     * @return this builder
     */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * Sets the free-form architecture name (required), e.g. {@code vit-tiny/16}.
     *
     * @param architecture the architecture, not empty
     * @return this builder
     */
    public Builder architecture(String architecture) {
      this.architecture = architecture;
      return this;
    }

    /**
     * Name of the model's input (default {@code pixels}).
     *
     * @param inputName the input's name, not empty
     * @return this builder
     */
    public Builder inputName(String inputName) {
      this.inputName = inputName;
      return this;
    }

    /**
     * A ViT's patch size (clears the feature stride).
     *
     * @param patchSize the patch size in input pixels, positive, dividing the input size
     * @return this builder
     */
    public Builder patchSize(int patchSize) {
      this.patchSize = patchSize;
      this.featureStride = 0;
      return this;
    }

    /**
     * A CNN's feature stride (clears the patch size).
     *
     * @param featureStride input pixels per grid cell, positive, dividing the input size
     * @return this builder
     */
    public Builder featureStride(int featureStride) {
      this.featureStride = featureStride;
      this.patchSize = 0;
      return this;
    }

    /**
     * Input size, colour, resize, crop and normalization.
     *
     * @param preprocessing the preprocessing (required); kept, it is immutable
     * @return this builder
     */
    public Builder preprocessing(Preprocessing preprocessing) {
      this.preprocessing = preprocessing;
      return this;
    }

    /**
     * Embedding size, and the output names (defaults {@code embedding}, {@code patch_grid}).
     *
     * @param size the global embedding's dimension in floats, positive
     * @param embeddingOutput the name of the output holding the global embedding
     * @param patchGridOutput the name of the output holding the patch grid, another name
     * @return this builder
     */
    public Builder embedding(int size, String embeddingOutput, String patchGridOutput) {
      this.embeddingSize = size;
      this.embeddingOutput = embeddingOutput;
      this.patchGridOutput = patchGridOutput;
      return this;
    }

    /**
     * Dimension of each patch feature when it differs from the embedding size; 0 (the default)
     * means the embedding size.
     *
     * @param size floats per patch feature, or 0
     * @return this builder
     */
    public Builder patchFeatureSize(int size) {
      this.patchFeatureSize = size;
      return this;
    }

    /**
     * How the embedding pools the last features: {@code cls}, {@code gap}, {@code grid:N} or {@code
     * map}; null (the default) leaves it unrecorded.
     *
     * @param pooling the pooling, or null
     * @return this builder
     */
    public Builder embeddingPooling(String pooling) {
      this.embeddingPooling = pooling;
      return this;
    }

    /**
     * Declares the model file of a precision.
     *
     * @param precision the precision, not null
     * @param file the model file's name in the bundle (a plain file name, listed in the files)
     * @return this builder
     */
    public Builder precision(Precision precision, String file) {
      precisions.put(Objects.requireNonNull(precision, "precision"), file);
      return this;
    }

    /**
     * Forgets the declared precisions (a tool that rewrites which models a bundle holds).
     *
     * @return this builder
     */
    public Builder clearPrecisions() {
      precisions.clear();
      return this;
    }

    /** Fills what a bare ONNX file does not say: name, architecture, provenance, its one file. */
    Builder bareOnnx(String file, String sha256, Precision precision, String path) {
      String base = file.endsWith(".onnx") ? file.substring(0, file.length() - 5) : file;
      name = name == null ? base : name;
      architecture = architecture == null ? "onnx" : architecture;
      provenance = provenance == null ? new Provenance("import", path, 0, "unknown") : provenance;
      precisions.clear();
      files.clear();
      defaultPrecision = null;
      return precision(precision, file).file(file, sha256);
    }

    /**
     * The precision encoders run by default; null (the default) records none (FP32 then).
     *
     * @param precision one of the declared precisions, or null
     * @return this builder
     */
    public Builder defaultPrecision(Precision precision) {
      this.defaultPrecision = precision;
      return this;
    }

    /**
     * Sets where the model comes from (required).
     *
     * @param provenance the provenance
     * @return this builder
     */
    public Builder provenance(Provenance provenance) {
      this.provenance = provenance;
      return this;
    }

    /**
     * Records where an imported model came from; the manifest is then written as format version 2.
     *
     * @param source the import record, or null for none
     * @return this builder
     */
    public Builder source(ImportSource source) {
      this.source = source;
      return this;
    }

    /**
     * Records a file's SHA-256 (lower-case hex).
     *
     * @param file a plain file name of the bundle, not {@code manifest.json}
     * @param sha256 the file's SHA-256, 64 lower-case hex digits
     * @return this builder
     */
    public Builder file(String file, String sha256) {
      files.put(file, sha256);
      return this;
    }

    /**
     * Forgets the recorded files.
     *
     * @return this builder
     */
    public Builder clearFiles() {
      files.clear();
      return this;
    }

    /**
     * Checks every field and makes the manifest.
     *
     * @throws IllegalArgumentException naming the first field that is missing or wrong
     * @return a new, immutable manifest; the builder may be reused
     */
    public Manifest build() {
      ManifestChecks.requireText(name, "name");
      ManifestChecks.requireText(architecture, "architecture");
      ManifestChecks.requireText(inputName, "input.name");
      ManifestChecks.checkGrid(preprocessing, patchSize, featureStride);
      ManifestChecks.checkEmbedding(
          embeddingSize, patchFeatureSize, embeddingPooling, embeddingOutput, patchGridOutput);
      ManifestChecks.checkPrecisions(precisions, defaultPrecision);
      if (provenance == null) {
        throw new IllegalArgumentException("provenance is missing");
      }
      ManifestChecks.checkFiles(files, precisions);
      return new Manifest(this);
    }
  }
}
