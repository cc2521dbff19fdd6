package io.edgessl.train;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.train.model.Encoder;
import io.edgessl.train.model.EncoderSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * The evaluated backbone of a training checkpoint (DINO's teacher, MoCo v3's momentum encoder,
 * otherwise the trained encoder), rebuilt from the checkpoint's encoder spec and loaded, with the
 * input normalization it was trained with.
 *
 * @param name a short description for reports ({@code dino vit-tiny/4 epoch 12})
 * @param mean per-channel input mean
 * @param std per-channel input std
 * @param epoch epochs trained
 * @param method the training method
 */
public record TrainedEncoder(
    String name, Encoder encoder, float[] mean, float[] std, int epoch, String method) {

  /**
   * Loads the evaluated backbone of {@code file}.
   *
   * @throws EdgeSslException when the file is missing, damaged, or not a training checkpoint
   */
  public static TrainedEncoder load(Path file) throws EdgeSslException {
    try (Checkpoint.Reader r = Checkpoint.open(file)) {
      Map<String, Object> meta = r.meta();
      EncoderSpec spec;
      String prefix;
      Map<?, ?> options;
      try {
        spec = EncoderSpec.fromJson((Map<?, ?>) meta.get("encoder"));
        prefix = (String) meta.get("eval_encoder");
        options = (Map<?, ?>) meta.get("options");
        if (prefix == null || options == null) {
          throw new IllegalArgumentException("missing eval_encoder or options");
        }
      } catch (RuntimeException e) {
        throw new EdgeSslException(
            ErrorCode.CORRUPT_FILE,
            file + ": checkpoint metadata is incomplete (" + e.getMessage() + ")");
      }
      Encoder enc = Encoder.create(spec.withDropPath(0), 0);
      Map<String, Tensor> targets = new LinkedHashMap<>();
      enc.state().forEach((k, v) -> targets.put(prefix + k, v));
      r.loadInto(targets);
      spec.family().configure(enc, options);
      enc.train(false);
      float[] mean = floats((List<?>) options.get("mean"));
      float[] std = floats((List<?>) options.get("std"));
      int epoch = ((Number) meta.get("epoch")).intValue();
      String method = String.valueOf(meta.get("method"));
      String name = method + " " + spec.family().label(spec) + " epoch " + epoch;
      return new TrainedEncoder(name, enc, mean, std, epoch, method);
    }
  }

  private static float[] floats(List<?> l) {
    float[] f = new float[l.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = ((Number) l.get(i)).floatValue();
    }
    return f;
  }
}
