package io.edgessl.onnx.models;

import io.edgessl.onnx.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Where a graph generator takes its parameters from: a trained checkpoint (an exporter maps its
 * names and layouts), or seeded random values for test and benchmark models.
 */
@FunctionalInterface
public interface Weights {

  /**
   * The float32 tensor {@code name} of shape {@code dims}. For random weights its values are {@code
   * mean + std * N(0, 1)}; trained weights ignore {@code mean} and {@code std}.
   *
   * @param name the parameter's name in the generator's naming (e.g. {@code
   *     blocks.0.attn.qkv.weight})
   * @param mean the mean of random values
   * @param std the standard deviation of random values
   * @param dims the shape wanted, row-major (PyTorch's layout, e.g. {@code [out, in, kh, kw]})
   * @return a FLOAT tensor of that name and shape
   * @throws IllegalArgumentException when there is no such tensor or it has another shape
   */
  Tensor get(String name, float mean, float std, long... dims);

  /**
   * Seeded random weights. Each tensor's values depend only on the seed and its name, so a graph
   * gets the same weights whatever order it asks for them in.
   *
   * @param seed the seed, combined with each tensor's name
   * @return weights of {@code mean + std * N(0, 1)} values, a new tensor each call
   */
  static Weights random(long seed) {
    return (name, mean, std, dims) -> {
      long h = seed;
      for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
        h = (h ^ b) * 0x100000001b3L; // FNV-1a over the name, from the seed
      }
      SplittableRandom r = new SplittableRandom(h);
      Tensor t = Tensor.normal(name, r, std, dims);
      if (mean == 0f) {
        return t;
      }
      float[] v = t.toFloats();
      for (int i = 0; i < v.length; i++) {
        v[i] += mean;
      }
      return Tensor.floats(name, v, dims);
    };
  }
}
