package io.edgessl.bundle;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where an imported model came from and how its outputs were mapped onto the bundle's contract: the
 * {@code source} object of a format-2 {@code manifest.json}, written by {@code edgessl import}.
 *
 * <pre>{@code
 * "source": {
 *   "file": "dinov2_vits14_reg4.onnx", "sha256": "<64 hex digits>",
 *   "producer": "pytorch 1.13.1", "opset": 17, "preset": "dinov2",
 *   "embedding_output": "x_norm", "embedding_layout": "cls_token",
 *   "patch_output": "x_norm", "patch_layout": "tokens",
 *   "prefix_tokens": 5, "register_tokens": 4,
 *   "rewrites": {"folded_tensors": 61, "layer_norms": 25, "skip_layer_norms": 24}
 * }
 * }</pre>
 *
 * <p>Embedding layouts: {@code pooled} (an output {@code [N, D]} taken as it is), {@code cls_token}
 * (token 0 of a token sequence {@code [N, T, D]}), {@code mean_patch_tokens} (the mean of the patch
 * tokens), {@code map_average} (the spatial mean of a feature map {@code [N, C, h, w]}). Patch
 * layouts: {@code tokens} ({@code [N, prefix + h * w, D]}: [CLS], then {@code register_tokens}
 * registers, then the patches row-major), {@code patch_tokens} ({@code [N, h * w, D]}), {@code
 * feature_map} ({@code [N, C, h, w]}). The bundle's model already returns {@code embedding} and
 * {@code patch_grid} in the contract's layout (the importer appended the Gather, Slice, Reshape or
 * Transpose that does it); this record says what they were made from.
 *
 * @param file the imported file's name
 * @param sha256 its SHA-256, 64 lower-case hex digits
 * @param producer the exporter that wrote it, as the file says ({@code "pytorch 1.13.1"}), or
 *     {@code "unknown"}
 * @param opset the file's default-domain opset
 * @param preset the preset that filled preprocessing and pooling ({@code dino}, {@code dinov2},
 *     {@code mae}, {@code imagenet-cnn})
 * @param embeddingOutput the original output the embedding comes from
 * @param embeddingLayout how: {@code pooled}, {@code cls_token}, {@code mean_patch_tokens} or
 *     {@code map_average}
 * @param patchOutput the original output the patch grid comes from (or the tensor found before a
 *     pooled output)
 * @param patchLayout its layout: {@code tokens}, {@code patch_tokens} or {@code feature_map}
 * @param prefixTokens tokens before the patches ([CLS] and registers), 0 unless {@code tokens}
 * @param registerTokens register tokens among the prefix (DINOv2 with registers)
 * @param rewrites what canonicalization did, by rewrite, e.g. {@code layer_norms -> 25}
 */
public record ImportSource(
    String file,
    String sha256,
    String producer,
    int opset,
    String preset,
    String embeddingOutput,
    String embeddingLayout,
    String patchOutput,
    String patchLayout,
    int prefixTokens,
    int registerTokens,
    Map<String, Long> rewrites) {
  /**
   * Checks the components and copies the map.
   *
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a text is empty, the hash is not 64 hex digits, a layout is
   *     unknown, a count is negative or the registers exceed the prefix
   */
  public ImportSource {
    for (String s :
        new String[] {
          file, sha256, producer, preset, embeddingOutput, embeddingLayout, patchOutput, patchLayout
        }) {
      Objects.requireNonNull(s, "source field");
      if (s.isEmpty()) {
        throw new IllegalArgumentException("source fields must not be empty");
      }
    }
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("source.sha256 must be 64 lower-case hex digits");
    }
    if (!java.util.Set.of("pooled", "cls_token", "mean_patch_tokens", "map_average")
        .contains(embeddingLayout)) {
      throw new IllegalArgumentException(
          "source.embedding_layout '"
              + embeddingLayout
              + "' is not one of pooled, cls_token, mean_patch_tokens, map_average");
    }
    if (!java.util.Set.of("tokens", "patch_tokens", "feature_map").contains(patchLayout)) {
      throw new IllegalArgumentException(
          "source.patch_layout '"
              + patchLayout
              + "' is not one of tokens, patch_tokens, feature_map");
    }
    if (opset < 1 || prefixTokens < 0 || registerTokens < 0 || registerTokens > prefixTokens) {
      throw new IllegalArgumentException(
          "source: opset "
              + opset
              + ", prefix_tokens "
              + prefixTokens
              + ", register_tokens "
              + registerTokens
              + " (opset positive, registers at most the prefix)");
    }
    Objects.requireNonNull(rewrites, "rewrites");
    for (Map.Entry<String, Long> e : rewrites.entrySet()) {
      if (e.getKey().isEmpty() || e.getValue() == null || e.getValue() < 0) {
        throw new IllegalArgumentException("source.rewrites: bad entry " + e);
      }
    }
    rewrites = Collections.unmodifiableMap(new LinkedHashMap<>(rewrites));
  }
}
