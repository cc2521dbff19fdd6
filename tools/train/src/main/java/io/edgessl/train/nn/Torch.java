package io.edgessl.train.nn;

import org.bytedeco.pytorch.global.torch;

/**
 * Process-wide libtorch settings. The thread count is always set explicitly, for libtorch's OpenMP
 * pool and for the OpenBLAS library its matrix products call: OpenBLAS otherwise starts one thread
 * per core on its own, and on a busy 2-vCPU machine small products then ran 10–30x slower (a [2500,
 * 32] x [32, 96] product: 5–15 ms against 0.5 ms on one OpenBLAS thread).
 */
public final class Torch {
  private static boolean interopSet;

  private Torch() {}

  /** Sets libtorch's intra-op threads to {@code n} and its inter-op threads to 1 (once). */
  public static synchronized void threads(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("threads must be positive: " + n);
    }
    if (!interopSet) {
      interopSet = true;
      try {
        torch.set_num_interop_threads(1);
      } catch (RuntimeException e) {
        // libtorch refuses once inter-op work has started; the intra-op count is what matters.
      }
    }
    torch.set_num_threads(n);
    org.bytedeco.openblas.global.openblas_full.openblas_set_num_threads(n);
  }

  /** The PyTorch presets' version, e.g. {@code 2.13.0-1.5.14} (libtorch 2.13.0). */
  public static String version() {
    String v = org.bytedeco.pytorch.Tensor.class.getPackage().getImplementationVersion();
    return v != null ? v : "unknown";
  }
}
