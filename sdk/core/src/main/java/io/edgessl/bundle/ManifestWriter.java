package io.edgessl.bundle;

import io.edgessl.image.Preprocessing;
import io.edgessl.image.ResizePolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps a {@link Manifest} onto the JSON values of {@code manifest.json} (the reverse of {@link
 * ManifestReader}): fields in the documented order, the optional ones only when they say something.
 */
final class ManifestWriter {
  private ManifestWriter() {}

  /** The manifest as JSON values: maps, lists, strings, longs and doubles; a new, mutable map. */
  static Map<String, Object> toJson(Manifest mf) {
    Preprocessing preprocessing = mf.preprocessing();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format_version", (long) mf.formatVersion());
    m.put("name", mf.name());
    m.put("architecture", mf.architecture());
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("name", mf.inputName());
    input.put("height", (long) preprocessing.height());
    input.put("width", (long) preprocessing.width());
    m.put("input", input);
    if (mf.patchSize() > 0) {
      m.put("patch_size", (long) mf.patchSize());
    } else {
      m.put("feature_stride", (long) mf.featureStride());
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
    m.put("embedding_size", (long) mf.embeddingSize());
    if (mf.patchFeatureSize() != mf.embeddingSize()) {
      m.put("patch_feature_size", (long) mf.patchFeatureSize());
    }
    if (mf.embeddingPooling() != null) {
      m.put("embedding_pooling", mf.embeddingPooling());
    }
    Map<String, Object> outputs = new LinkedHashMap<>();
    outputs.put("embedding", mf.embeddingOutput());
    outputs.put("patch_grid", mf.patchGridOutput());
    m.put("outputs", outputs);
    Map<String, Object> prec = new LinkedHashMap<>();
    mf.precisions().forEach((p, f) -> prec.put(p.id(), f));
    m.put("precisions", prec);
    mf.defaultPrecision().ifPresent(p -> m.put("default_precision", p.id()));
    Map<String, Object> prov = new LinkedHashMap<>();
    Provenance provenance = mf.provenance();
    prov.put("method", provenance.method());
    prov.put("data", provenance.data());
    prov.put("steps", provenance.steps());
    prov.put("commit", provenance.commit());
    m.put("provenance", prov);
    mf.source().ifPresent(src -> m.put("source", source(src)));
    m.put("files", new LinkedHashMap<String, Object>(mf.files()));
    return m;
  }

  private static Map<String, Object> source(ImportSource s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", s.file());
    m.put("sha256", s.sha256());
    m.put("producer", s.producer());
    m.put("opset", (long) s.opset());
    m.put("preset", s.preset());
    m.put("embedding_output", s.embeddingOutput());
    m.put("embedding_layout", s.embeddingLayout());
    m.put("patch_output", s.patchOutput());
    m.put("patch_layout", s.patchLayout());
    m.put("prefix_tokens", (long) s.prefixTokens());
    m.put("register_tokens", (long) s.registerTokens());
    m.put("rewrites", new LinkedHashMap<String, Object>(s.rewrites()));
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
}
