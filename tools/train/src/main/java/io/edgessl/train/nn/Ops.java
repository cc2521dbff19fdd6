package io.edgessl.train.nn;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRef;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/** Small helpers over the libtorch API: tensors from and to Java arrays, scalars, shapes. */
public final class Ops {
  private Ops() {}

  /** A float tensor of {@code shape} holding a copy of {@code data} (row-major). */
  public static Tensor fromFloats(float[] data, long... shape) {
    if (Init.count(shape) != data.length) {
      throw new IllegalArgumentException(
          data.length + " values for shape " + java.util.Arrays.toString(shape));
    }
    Tensor t = torch.empty(shape);
    if (data.length > 0) {
      try (FloatPointer p = t.data_ptr_float()) {
        p.put(data);
      }
    }
    return t;
  }

  /** A long (int64) tensor of {@code shape} holding a copy of {@code data}: indices. */
  public static Tensor fromLongs(long[] data, long... shape) {
    if (Init.count(shape) != data.length) {
      throw new IllegalArgumentException(
          data.length + " values for shape " + java.util.Arrays.toString(shape));
    }
    Tensor t =
        torch.empty(
            shape,
            new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long),
            new org.bytedeco.pytorch.MemoryFormatOptional());
    if (data.length > 0) {
      try (org.bytedeco.javacpp.LongPointer p = t.data_ptr_long()) {
        p.put(data);
      }
    }
    return t;
  }

  /** The values of a float tensor, row-major (a contiguous copy is made when needed). */
  public static float[] toFloats(Tensor t) {
    Tensor c = t.is_contiguous() ? t : t.contiguous();
    float[] out = new float[Math.toIntExact(c.numel())];
    if (out.length > 0) {
      try (FloatPointer p = c.data_ptr_float()) {
        p.get(out);
      }
    }
    return out;
  }

  /** The shape of a tensor. */
  public static long[] shape(Tensor t) {
    long[] s = new long[(int) t.dim()];
    for (int i = 0; i < s.length; i++) {
      s[i] = t.size(i);
    }
    return s;
  }

  /** A scalar argument. */
  public static Scalar s(double v) {
    return new Scalar(v);
  }

  /** An optional tensor argument (absent when {@code t} is null). */
  public static TensorOptional opt(Tensor t) {
    return t == null ? new TensorOptional() : new TensorOptional(t);
  }

  /** Concatenation along {@code dim}. */
  public static Tensor cat(long dim, Tensor... ts) {
    return torch.cat(new TensorArrayRef(new TensorVector(ts)), dim);
  }

  /** Sum over {@code dims}, keeping them as size 1 when {@code keep}. */
  public static Tensor sum(Tensor t, boolean keep, long... dims) {
    return t.sum(dims, keep, new ScalarTypeOptional());
  }

  /** Mean over {@code dims}, keeping them as size 1 when {@code keep}. */
  public static Tensor mean(Tensor t, boolean keep, long... dims) {
    return t.mean(dims, keep, new ScalarTypeOptional());
  }

  /**
   * {@code x / max(||x||₂, 1e-12)} along {@code dim}: PyTorch's {@code F.normalize}, whose epsilon
   * keeps a zero vector at zero.
   */
  public static Tensor l2normalize(Tensor x, long dim) {
    Tensor n = x.norm(new ScalarOptional(s(2)), new long[] {dim}, true).clamp_min(s(1e-12));
    return x.div(n);
  }

  /** Cross-entropy {@code -Σ p log q} per row, from target probabilities and student logits. */
  public static Tensor softCrossEntropy(Tensor targetProbs, Tensor logits, long dim) {
    return sum(targetProbs.neg().mul(torch.log_softmax(logits, dim)), false, dim);
  }
}
