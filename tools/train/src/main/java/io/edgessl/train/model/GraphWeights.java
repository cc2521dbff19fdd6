package io.edgessl.train.model;

import io.edgessl.onnx.models.Weights;
import io.edgessl.train.nn.Ops;
import java.util.Arrays;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/** An encoder's tensors for an ONNX graph builder ({@link Architecture#graph}). */
public final class GraphWeights {
  private GraphWeights() {}

  /**
   * The tensors of {@code state} in the builders' layouts (a {@code nn.Linear} weight {@code [out,
   * in]} becomes MatMul's {@code [in, out]}); {@code override}, when not null, is read from {@code
   * value} instead.
   */
  public static Weights of(Map<String, Tensor> state, String override, Tensor value) {
    return (name, mean, std, dims) -> {
      Tensor t = name.equals(override) ? value : state.get(name);
      if (t == null) {
        throw new IllegalArgumentException("the checkpoint's encoder has no tensor " + name);
      }
      long[] shape = Ops.shape(t);
      float[] v = Ops.toFloats(t);
      if (shape.length == 2 && name.endsWith(".weight")) {
        v = transpose(v, (int) shape[0], (int) shape[1]);
        shape = new long[] {shape[1], shape[0]};
      }
      if (!Arrays.equals(shape, dims)) {
        throw new IllegalArgumentException(
            name
                + " has shape "
                + Arrays.toString(shape)
                + " where the graph expects "
                + Arrays.toString(dims));
      }
      return io.edgessl.onnx.Tensor.floats(name, v, dims);
    };
  }

  private static float[] transpose(float[] v, int rows, int cols) {
    float[] t = new float[v.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = v[r * cols + c];
      }
    }
    return t;
  }
}
