package io.edgessl.bundle;

import io.edgessl.image.Preprocessing;
import io.edgessl.image.ResizePolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code manifest.json} of a {@link ModelBundle}: what the model is, what it expects and what
 * it returns, where it comes from, and the SHA-256 of every file.
 *
 * <p>Format version 1, every field required unless marked optional; unknown fields are refused.
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
  /** The format version this build reads and writes. */
  public static final int FORMAT_VERSION = 1;

  /** File names allowed in a bundle: no directories, no hidden files. */
  static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}");

  /** Values of {@code embedding_pooling}. */
  static final Pattern POOLING = Pattern.compile("cls|gap|map|grid:[1-9][0-9]{0,3}");

  static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

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
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this manifest's values. */
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
    return b;
  }

  public int formatVersion() {
    return FORMAT_VERSION;
  }

  public String name() {
    return name;
  }

  /** Free-form architecture name, e.g. {@code vit-tiny/16} or {@code resnet18}. */
  public String architecture() {
    return architecture;
  }

  /** Name of the model's one input. */
  public String inputName() {
    return inputName;
  }

  /** Patch size of a ViT, or 0 when the manifest gives a feature stride instead. */
  public int patchSize() {
    return patchSize;
  }

  /** Feature stride of a CNN's patch grid, or 0 when the manifest gives a patch size instead. */
  public int featureStride() {
    return featureStride;
  }

  /** Input pixels per grid cell along each axis: the patch size or the feature stride. */
  public int gridStride() {
    return patchSize > 0 ? patchSize : featureStride;
  }

  /** Rows of the patch grid. */
  public int gridHeight() {
    return preprocessing.height() / gridStride();
  }

  /** Columns of the patch grid. */
  public int gridWidth() {
    return preprocessing.width() / gridStride();
  }

  /** Input size, colour, resize, crop and normalization. */
  public Preprocessing preprocessing() {
    return preprocessing;
  }

  /** Dimension of the global embedding. */
  public int embeddingSize() {
    return embeddingSize;
  }

  /**
   * Dimension of each patch feature: the embedding size unless the embedding pools the feature map
   * into several cells ({@code grid:N}, {@code map}).
   */
  public int patchFeatureSize() {
    return patchFeatureSize;
  }

  /**
   * How the global embedding comes from the last features ({@code cls}, {@code gap}, {@code
   * grid:N}, {@code map}), or null when the manifest does not say.
   */
  public String embeddingPooling() {
    return embeddingPooling;
  }

  /** Name of the model output holding the global embedding. */
  public String embeddingOutput() {
    return embeddingOutput;
  }

  /** Name of the model output holding the patch grid. */
  public String patchGridOutput() {
    return patchGridOutput;
  }

  /** File of each precision present, in the order FP32, FP16, INT8. */
  public Map<Precision, String> precisions() {
    return precisions;
  }

  /**
   * The precision {@code Encoder.open} runs when the caller names none ({@code default_precision},
   * optional, one of {@link #precisions()}); empty when the manifest records none (then FP32).
   */
  public Optional<Precision> defaultPrecision() {
    return Optional.ofNullable(defaultPrecision);
  }

  public Provenance provenance() {
    return provenance;
  }

  /** SHA-256 (lower-case hex) of every file of the bundle except the manifest, by file name. */
  public Map<String, String> files() {
    return files;
  }

  /** The manifest as JSON values ({@link io.edgessl.internal.io.Json#writePretty} writes it). */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format_version", (long) FORMAT_VERSION);
    m.put("name", name);
    m.put("architecture", architecture);
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("name", inputName);
    input.put("height", (long) preprocessing.height());
    input.put("width", (long) preprocessing.width());
    m.put("input", input);
    if (patchSize > 0) {
      m.put("patch_size", (long) patchSize);
    } else {
      m.put("feature_stride", (long) featureStride);
    }
    m.put("color", preprocessing.color().name().toLowerCase(Locale.ROOT));
    Map<String, Object> norm = new LinkedHashMap<>();
    norm.put("mean", decimals(preprocessing.mean()));
    norm.put("std", decimals(preprocessing.std()));
    m.put("normalization", norm);
    Map<String, Object> resize = new LinkedHashMap<>();
    resize.put("policy", preprocessing.resizePolicy().name().toLowerCase(Locale.ROOT));
    if (preprocessing.resizePolicy() == ResizePolicy.SHORT_SIDE_CENTER_CROP) {
      resize.put("short_side", (long) preprocessing.shortSide());
    }
    resize.put("interpolation", preprocessing.interpolation().name().toLowerCase(Locale.ROOT));
    m.put("resize", resize);
    m.put("embedding_size", (long) embeddingSize);
    if (patchFeatureSize != embeddingSize) {
      m.put("patch_feature_size", (long) patchFeatureSize);
    }
    if (embeddingPooling != null) {
      m.put("embedding_pooling", embeddingPooling);
    }
    Map<String, Object> outputs = new LinkedHashMap<>();
    outputs.put("embedding", embeddingOutput);
    outputs.put("patch_grid", patchGridOutput);
    m.put("outputs", outputs);
    Map<String, Object> prec = new LinkedHashMap<>();
    precisions.forEach((p, f) -> prec.put(p.id(), f));
    m.put("precisions", prec);
    if (defaultPrecision != null) {
      m.put("default_precision", defaultPrecision.id());
    }
    Map<String, Object> prov = new LinkedHashMap<>();
    prov.put("method", provenance.method());
    prov.put("data", provenance.data());
    prov.put("steps", provenance.steps());
    prov.put("commit", provenance.commit());
    m.put("provenance", prov);
    m.put("files", new LinkedHashMap<String, Object>(files));
    return m;
  }

  /** Floats as the shortest decimals that read back to them (0.485, not 0.48500001430511475). */
  private static List<Object> decimals(float[] v) {
    List<Object> l = new ArrayList<>();
    for (float f : v) {
      l.add(Double.parseDouble(Float.toString(f)));
    }
    return l;
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
    private final Map<String, String> files = new LinkedHashMap<>();

    private Builder() {}

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder architecture(String architecture) {
      this.architecture = architecture;
      return this;
    }

    /** Name of the model's input (default {@code pixels}). */
    public Builder inputName(String inputName) {
      this.inputName = inputName;
      return this;
    }

    /** A ViT's patch size (clears the feature stride). */
    public Builder patchSize(int patchSize) {
      this.patchSize = patchSize;
      this.featureStride = 0;
      return this;
    }

    /** A CNN's feature stride (clears the patch size). */
    public Builder featureStride(int featureStride) {
      this.featureStride = featureStride;
      this.patchSize = 0;
      return this;
    }

    /** Input size, colour, resize, crop and normalization. */
    public Builder preprocessing(Preprocessing preprocessing) {
      this.preprocessing = preprocessing;
      return this;
    }

    /** Embedding size, and the output names (defaults {@code embedding}, {@code patch_grid}). */
    public Builder embedding(int size, String embeddingOutput, String patchGridOutput) {
      this.embeddingSize = size;
      this.embeddingOutput = embeddingOutput;
      this.patchGridOutput = patchGridOutput;
      return this;
    }

    /**
     * Dimension of each patch feature when it differs from the embedding size; 0 (the default)
     * means the embedding size.
     */
    public Builder patchFeatureSize(int size) {
      this.patchFeatureSize = size;
      return this;
    }

    /**
     * How the embedding pools the last features: {@code cls}, {@code gap}, {@code grid:N} or {@code
     * map}; null (the default) leaves it unrecorded.
     */
    public Builder embeddingPooling(String pooling) {
      this.embeddingPooling = pooling;
      return this;
    }

    /** Declares the model file of a precision. */
    public Builder precision(Precision precision, String file) {
      precisions.put(Objects.requireNonNull(precision, "precision"), file);
      return this;
    }

    /** Forgets the declared precisions (a tool that rewrites which models a bundle holds). */
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

    /** The precision encoders run by default; null (the default) records none (FP32 then). */
    public Builder defaultPrecision(Precision precision) {
      this.defaultPrecision = precision;
      return this;
    }

    public Builder provenance(Provenance provenance) {
      this.provenance = provenance;
      return this;
    }

    /** Records a file's SHA-256 (lower-case hex). */
    public Builder file(String file, String sha256) {
      files.put(file, sha256);
      return this;
    }

    /** Forgets the recorded files. */
    public Builder clearFiles() {
      files.clear();
      return this;
    }

    /**
     * Checks every field and makes the manifest.
     *
     * @throws IllegalArgumentException naming the first field that is missing or wrong
     */
    public Manifest build() {
      requireText(name, "name");
      requireText(architecture, "architecture");
      requireText(inputName, "input.name");
      if (preprocessing == null) {
        throw new IllegalArgumentException("preprocessing is missing");
      }
      if ((patchSize > 0) == (featureStride > 0)) {
        throw new IllegalArgumentException(
            "exactly one of patch_size and feature_stride must be positive, got "
                + patchSize
                + " and "
                + featureStride);
      }
      int stride = patchSize > 0 ? patchSize : featureStride;
      if (preprocessing.height() % stride != 0 || preprocessing.width() % stride != 0) {
        throw new IllegalArgumentException(
            (patchSize > 0 ? "patch_size " : "feature_stride ")
                + stride
                + " does not divide the input size "
                + preprocessing.width()
                + "x"
                + preprocessing.height());
      }
      if (embeddingSize <= 0) {
        throw new IllegalArgumentException("embedding_size must be positive: " + embeddingSize);
      }
      if (patchFeatureSize < 0) {
        throw new IllegalArgumentException(
            "patch_feature_size must be positive: " + patchFeatureSize);
      }
      if (embeddingPooling != null && !POOLING.matcher(embeddingPooling).matches()) {
        throw new IllegalArgumentException(
            "embedding_pooling '"
                + embeddingPooling
                + "' is not one of cls, gap, grid:N (N a positive integer), map");
      }
      requireText(embeddingOutput, "outputs.embedding");
      requireText(patchGridOutput, "outputs.patch_grid");
      if (embeddingOutput.equals(patchGridOutput)) {
        throw new IllegalArgumentException(
            "outputs.embedding and outputs.patch_grid are both '" + embeddingOutput + "'");
      }
      if (precisions.isEmpty()) {
        throw new IllegalArgumentException("precisions: no model file");
      }
      if (defaultPrecision != null && !precisions.containsKey(defaultPrecision)) {
        throw new IllegalArgumentException(
            "default_precision " + defaultPrecision.id() + " is not one of " + precisions.keySet());
      }
      if (provenance == null) {
        throw new IllegalArgumentException("provenance is missing");
      }
      for (Map.Entry<String, String> f : files.entrySet()) {
        checkFileName(f.getKey(), "files");
        if (f.getValue() == null || !SHA256.matcher(f.getValue()).matches()) {
          throw new IllegalArgumentException(
              "files." + f.getKey() + ": not a lower-case hex SHA-256: " + f.getValue());
        }
      }
      for (Map.Entry<Precision, String> p : precisions.entrySet()) {
        checkFileName(p.getValue(), "precisions." + p.getKey().id());
        if (!files.containsKey(p.getValue())) {
          throw new IllegalArgumentException(
              "precisions." + p.getKey().id() + ": " + p.getValue() + " is not listed in files");
        }
      }
      return new Manifest(this);
    }

    private static void requireText(String s, String field) {
      if (s == null || s.isEmpty()) {
        throw new IllegalArgumentException(field + " is missing or empty");
      }
    }

    static void checkFileName(String f, String field) {
      if (f == null
          || !FILE_NAME.matcher(f).matches()
          || "manifest.json".equals(f)
          || BundleSignature.FILE.equals(f)) {
        throw new IllegalArgumentException(
            field + ": '" + f + "' is not a plain file name (letters, digits, . _ + -)");
      }
    }
  }
}
