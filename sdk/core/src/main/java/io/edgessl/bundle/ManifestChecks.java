package io.edgessl.bundle;

import io.edgessl.image.Preprocessing;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The field checks of {@link Manifest.Builder#build()} and {@link BundleWriter}: each throws {@link
 * IllegalArgumentException} naming the field that is missing or wrong.
 */
final class ManifestChecks {
  /** File names allowed in a bundle: no directories, no hidden files. */
  static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}");

  /** Values of {@code embedding_pooling}. */
  static final Pattern POOLING = Pattern.compile("cls|gap|map|grid:[1-9][0-9]{0,3}");

  /** A SHA-256 digest as lower-case hex. */
  static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private ManifestChecks() {}

  static void requireText(String s, String field) {
    if (s == null || s.isEmpty()) {
      throw new IllegalArgumentException(field + " is missing or empty");
    }
  }

  /** A plain file name of a bundle, never {@code manifest.json}. */
  static void checkFileName(String f, String field) {
    if (f == null
        || !FILE_NAME.matcher(f).matches()
        || "manifest.json".equals(f)
        || BundleSignature.FILE.equals(f)) {
      throw new IllegalArgumentException(
          field + ": '" + f + "' is not a plain file name (letters, digits, . _ + -)");
    }
  }

  /** Preprocessing present; exactly one of patch size and feature stride, dividing the input. */
  static void checkGrid(Preprocessing preprocessing, int patchSize, int featureStride) {
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
  }

  /** Feature sizes, pooling and the two distinct output names. */
  static void checkEmbedding(
      int embeddingSize,
      int patchFeatureSize,
      String embeddingPooling,
      String embeddingOutput,
      String patchGridOutput) {
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
  }

  /** At least one model file; the default precision, if any, among them. */
  static void checkPrecisions(Map<Precision, String> precisions, Precision defaultPrecision) {
    if (precisions.isEmpty()) {
      throw new IllegalArgumentException("precisions: no model file");
    }
    if (defaultPrecision != null && !precisions.containsKey(defaultPrecision)) {
      throw new IllegalArgumentException(
          "default_precision " + defaultPrecision.id() + " is not one of " + precisions.keySet());
    }
  }

  /** Plain file names with hex digests, and every precision's model file among them. */
  static void checkFiles(Map<String, String> files, Map<Precision, String> precisions) {
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
  }
}
