package io.edgessl.bundle;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.image.ColorMode;
import io.edgessl.image.Interpolation;
import io.edgessl.image.Preprocessing;
import io.edgessl.internal.io.Json;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code manifest.json}, checking the type and range of every field and refusing unknown
 * ones, so that a typo is an error rather than a silently ignored setting. Every message starts
 * with the manifest's location and names the field.
 */
final class ManifestReader {
  private final String source;

  private ManifestReader(String source) {
    this.source = source;
  }

  /**
   * Parses a manifest.
   *
   * @param source where it was read, for messages ({@code dir/manifest.json})
   * @throws EdgeSslException {@link ErrorCode#UNSUPPORTED_VERSION} for another format version,
   *     {@link ErrorCode#CORRUPT_FILE} for anything else wrong
   */
  static Manifest parse(String json, String source) throws EdgeSslException {
    return new ManifestReader(source).read(json);
  }

  private Manifest read(String json) throws EdgeSslException {
    Object root;
    try {
      root = Json.parse(json);
    } catch (Json.ParseException e) {
      throw corrupt("not valid JSON: " + e.getMessage());
    }
    if (!(root instanceof Map)) {
      throw corrupt("not a JSON object");
    }
    Map<?, ?> m = (Map<?, ?>) root;
    Object version = m.get("format_version");
    if (!(version instanceof Long)) {
      throw corrupt("format_version is missing or not an integer: " + version);
    }
    if ((Long) version < 1 || (Long) version > Manifest.FORMAT_VERSION) {
      throw new EdgeSslException(
          ErrorCode.UNSUPPORTED_VERSION,
          source
              + ": bundle format version "
              + version
              + " is not supported; this EdgeSSL reads versions 1 to "
              + Manifest.FORMAT_VERSION
              + (((Long) version) > Manifest.FORMAT_VERSION
                  ? " (the bundle was written by a newer EdgeSSL: upgrade)"
                  : ""));
    }
    known(
        m,
        "",
        Set.of(
            "format_version",
            "name",
            "architecture",
            "input",
            "patch_size",
            "feature_stride",
            "color",
            "normalization",
            "resize",
            "embedding_size",
            "patch_feature_size",
            "embedding_pooling",
            "outputs",
            "precisions",
            "default_precision",
            "provenance",
            "files",
            "source"));
    if ((Long) version == 1 && m.containsKey("source")) {
      throw corrupt("unknown field source (a format version 1 manifest has none)");
    }
    Manifest.Builder b = Manifest.builder();
    b.name(text(m, "name", ""));
    b.architecture(text(m, "architecture", ""));

    Map<?, ?> input = object(m, "input", "");
    known(input, "input.", Set.of("name", "height", "width"));
    b.inputName(text(input, "name", "input."));
    int height = positive(input, "height", "input.");
    int width = positive(input, "width", "input.");

    boolean patch = m.containsKey("patch_size");
    boolean stride = m.containsKey("feature_stride");
    if (patch == stride) {
      throw corrupt("give exactly one of patch_size and feature_stride");
    }
    if (patch) {
      b.patchSize(positive(m, "patch_size", ""));
    } else {
      b.featureStride(positive(m, "feature_stride", ""));
    }

    ColorMode color = choice(ColorMode.class, text(m, "color", ""), "color");
    Map<?, ?> norm = object(m, "normalization", "");
    known(norm, "normalization.", Set.of("mean", "std"));
    float[] mean = floats(norm, "mean", "normalization.");
    float[] std = floats(norm, "std", "normalization.");

    Map<?, ?> resize = object(m, "resize", "");
    String policy = text(resize, "policy", "resize.");
    Interpolation interp =
        choice(
            Interpolation.class, text(resize, "interpolation", "resize."), "resize.interpolation");
    Preprocessing.Builder pb =
        Preprocessing.builder(height, width).color(color).normalize(mean, std);
    if ("stretch".equals(policy)) {
      known(resize, "resize.", Set.of("policy", "interpolation"));
      pb.stretch(interp);
    } else if ("short_side_center_crop".equals(policy)) {
      known(resize, "resize.", Set.of("policy", "short_side", "interpolation"));
      pb.resizeShortSide(positive(resize, "short_side", "resize."), interp);
    } else {
      throw corrupt("resize.policy '" + policy + "' is not one of stretch, short_side_center_crop");
    }
    try {
      b.preprocessing(pb.build());
    } catch (IllegalArgumentException e) {
      throw corrupt(e.getMessage());
    }

    Map<?, ?> outputs = object(m, "outputs", "");
    known(outputs, "outputs.", Set.of("embedding", "patch_grid"));
    b.embedding(
        positive(m, "embedding_size", ""),
        text(outputs, "embedding", "outputs."),
        text(outputs, "patch_grid", "outputs."));
    if (m.containsKey("patch_feature_size")) {
      b.patchFeatureSize(positive(m, "patch_feature_size", ""));
    }
    if (m.containsKey("embedding_pooling")) {
      b.embeddingPooling(text(m, "embedding_pooling", ""));
    }

    Map<?, ?> prec = object(m, "precisions", "");
    for (Map.Entry<?, ?> e : prec.entrySet()) {
      Precision p;
      try {
        p = Precision.parse((String) e.getKey());
      } catch (IllegalArgumentException ex) {
        throw corrupt("precisions: " + ex.getMessage());
      }
      b.precision(p, text(prec, (String) e.getKey(), "precisions."));
    }
    if (m.containsKey("default_precision")) {
      try {
        b.defaultPrecision(Precision.parse(text(m, "default_precision", "")));
      } catch (IllegalArgumentException ex) {
        throw corrupt("default_precision: " + ex.getMessage());
      }
    }

    Map<?, ?> prov = object(m, "provenance", "");
    known(prov, "provenance.", Set.of("method", "data", "steps", "commit"));
    Object steps = prov.get("steps");
    if (!(steps instanceof Long) || (Long) steps < 0) {
      throw corrupt("provenance.steps must be a non-negative integer, got " + steps);
    }
    b.provenance(
        new Provenance(
            text(prov, "method", "provenance."),
            text(prov, "data", "provenance."),
            (Long) steps,
            text(prov, "commit", "provenance.")));

    if (m.containsKey("source")) {
      b.source(source(object(m, "source", "")));
    }

    Map<?, ?> files = object(m, "files", "");
    for (Map.Entry<?, ?> e : files.entrySet()) {
      b.file((String) e.getKey(), text(files, (String) e.getKey(), "files."));
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw corrupt(e.getMessage());
    }
  }

  private ImportSource source(Map<?, ?> s) throws EdgeSslException {
    known(
        s,
        "source.",
        Set.of(
            "file",
            "sha256",
            "producer",
            "opset",
            "preset",
            "embedding_output",
            "embedding_layout",
            "patch_output",
            "patch_layout",
            "prefix_tokens",
            "register_tokens",
            "rewrites"));
    Map<?, ?> rw = object(s, "rewrites", "source.");
    Map<String, Long> rewrites = new java.util.LinkedHashMap<>();
    for (Map.Entry<?, ?> e : rw.entrySet()) {
      if (!(e.getValue() instanceof Long) || (Long) e.getValue() < 0) {
        throw corrupt("source.rewrites." + e.getKey() + " must be a non-negative integer");
      }
      rewrites.put((String) e.getKey(), (Long) e.getValue());
    }
    try {
      return new ImportSource(
          text(s, "file", "source."),
          text(s, "sha256", "source."),
          text(s, "producer", "source."),
          positive(s, "opset", "source."),
          text(s, "preset", "source."),
          text(s, "embedding_output", "source."),
          text(s, "embedding_layout", "source."),
          text(s, "patch_output", "source."),
          text(s, "patch_layout", "source."),
          count(s, "prefix_tokens"),
          count(s, "register_tokens"),
          rewrites);
    } catch (IllegalArgumentException e) {
      throw corrupt(e.getMessage());
    }
  }

  private int count(Map<?, ?> m, String key) throws EdgeSslException {
    Object v = m.get(key);
    if (!(v instanceof Long) || (Long) v < 0 || (Long) v > 1 << 20) {
      throw corrupt("source." + key + " must be an integer from 0 to 2^20, got " + v);
    }
    return (int) (long) (Long) v;
  }

  private EdgeSslException corrupt(String what) {
    return new EdgeSslException(ErrorCode.CORRUPT_FILE, source + ": " + what);
  }

  private void known(Map<?, ?> m, String prefix, Set<String> keys) throws EdgeSslException {
    for (Object k : m.keySet()) {
      if (!keys.contains(k)) {
        throw corrupt("unknown field " + prefix + k);
      }
    }
  }

  private Map<?, ?> object(Map<?, ?> m, String key, String prefix) throws EdgeSslException {
    Object v = m.get(key);
    if (!(v instanceof Map)) {
      throw corrupt(prefix + key + (v == null ? " is missing" : " must be an object"));
    }
    return (Map<?, ?>) v;
  }

  private String text(Map<?, ?> m, String key, String prefix) throws EdgeSslException {
    Object v = m.get(key);
    if (!(v instanceof String) || ((String) v).isEmpty()) {
      throw corrupt(
          prefix + key + (v == null ? " is missing" : " must be a non-empty string, got " + v));
    }
    return (String) v;
  }

  private int positive(Map<?, ?> m, String key, String prefix) throws EdgeSslException {
    Object v = m.get(key);
    if (!(v instanceof Long) || (Long) v <= 0 || (Long) v > 1 << 20) {
      throw corrupt(
          prefix
              + key
              + (v == null
                  ? " is missing"
                  : " must be a positive integer (at most 2^20), got " + v));
    }
    return (int) (long) (Long) v;
  }

  private float[] floats(Map<?, ?> m, String key, String prefix) throws EdgeSslException {
    Object v = m.get(key);
    if (!(v instanceof List)) {
      throw corrupt(prefix + key + (v == null ? " is missing" : " must be a list of numbers"));
    }
    List<?> l = (List<?>) v;
    float[] f = new float[l.size()];
    for (int i = 0; i < f.length; i++) {
      if (!(l.get(i) instanceof Number)) {
        throw corrupt(prefix + key + "[" + i + "] is not a number: " + l.get(i));
      }
      f[i] = ((Number) l.get(i)).floatValue();
    }
    return f;
  }

  private <E extends Enum<E>> E choice(Class<E> type, String value, String field)
      throws EdgeSslException {
    for (E e : type.getEnumConstants()) {
      if (e.name().toLowerCase(Locale.ROOT).equals(value)) {
        return e;
      }
    }
    StringBuilder options = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      options.append(options.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
    }
    throw corrupt(field + " '" + value + "' is not one of " + options);
  }
}
