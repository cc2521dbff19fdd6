package io.edgessl.knn;

/** How a {@link KnnIndex} stores its vectors, chosen with {@link KnnIndex.Builder#precision}. */
public enum BankPrecision {
  /** 32-bit floats: exact cosine similarities; 4 bytes per component. */
  FP32,
  /**
   * 8-bit codes with one scale per vector ({@link io.edgessl.spi.PackedInt8Bank} describes the
   * scheme): a quarter of the memory of FP32, and, with the native kernels on a CPU with 8-bit dot
   * products (x86 AVX-512 VNNI, Arm dot product), about twice the search speed. Similarities are
   * approximate (errors around 1e-3 for unit vectors), so near neighbours may swap places; {@link
   * KnnIndex.Builder#rerank} keeps the FP32 vectors as well and rescores the best INT8 candidates
   * exactly.
   */
  INT8,
}
