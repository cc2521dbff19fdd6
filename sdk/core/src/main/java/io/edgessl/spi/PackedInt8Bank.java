package io.edgessl.spi;

/**
 * The memory layout of an INT8 k-NN bank that {@link KnnKernels#searchPackedInt8} reads, and the
 * quantization scheme of its vectors and queries.
 *
 * <p><b>Quantization</b>: symmetric, one scale per vector. A vector {@code v} of {@code dim}
 * components becomes codes {@code c[d] = rint(v[d] * 127 / max|v|)} (rounding half to even, so in
 * {@code [-127, 127]}) and the scale {@code max|v| / 127}, so that {@code v[d] ≈ c[d] * scale}; a
 * zero vector has scale 0 and codes 0. Queries are quantized the same way. The inner product of a
 * query and a bank vector is then approximated by {@code (float) dot * (queryScale * bankScale)},
 * where {@code dot} is the exact integer inner product of the codes: every kernel returns the same
 * bits. Why this scheme: a per-vector scale keeps the inner product one integer dot product and one
 * multiplication, which 8-bit dot-product instructions (x86 VNNI, Arm sdot) compute four components
 * at a time; leaving out -128 keeps the range symmetric. For L2-normalized embeddings the error of
 * a cosine similarity is about {@code 1e-3}, enough to swap near neighbours: the k-NN index can
 * rescore its INT8 candidates in FP32 ({@code KnnIndex.Builder.rerank}).
 *
 * <p><b>Layout</b>: dimensions are padded with zeros to {@link #paddedDim(int)} ({@code pdim}, a
 * multiple of {@link #GROUP}); slots are grouped in blocks of {@link #BLOCK}. Block {@code b}
 * occupies {@code pdim * BLOCK} bytes from {@code b * pdim * BLOCK}; component {@code d} of slot
 * {@code b * BLOCK + j} is at {@code (d / 4) * 4 * BLOCK + j * 4 + d % 4} inside it: four
 * consecutive components of a slot are adjacent, the operand shape of those instructions, and a
 * group of four components of all 64 slots is 256 contiguous bytes. Scales are a separate {@code
 * float[]} indexed by slot. Query rows are {@code pdim} bytes long, padding zero.
 */
public final class PackedInt8Bank {
  /** Slots per block, as in {@link PackedBank#BLOCK}. */
  public static final int BLOCK = PackedBank.BLOCK;

  /** Components stored adjacently per slot. */
  public static final int GROUP = 4;

  /** The largest dimension: {@code 131072 * 127 * 127} still fits an {@code int} dot product. */
  public static final int MAX_DIM = 131072;

  /** The largest code magnitude. */
  public static final int MAX_CODE = 127;

  private PackedInt8Bank() {}

  /**
   * {@code dim} rounded up to a multiple of {@link #GROUP}.
   *
   * @throws IllegalArgumentException unless {@code 1 <= dim <= MAX_DIM}
   * @param dim components per vector
   * @return the padded dimension {@code pdim}
   */
  public static int paddedDim(int dim) {
    if (dim < 1 || dim > MAX_DIM) {
      throw new IllegalArgumentException("INT8 dimension must be in 1.." + MAX_DIM + ": " + dim);
    }
    return (dim + GROUP - 1) / GROUP * GROUP;
  }

  /**
   * Bytes needed for {@code count} vectors of {@code dim} components.
   *
   * @throws IllegalArgumentException when that exceeds what one Java array can hold
   * @param count the number of vectors, not negative
   * @param dim components per vector
   * @return the bank array's length, in bytes
   */
  public static int length(int count, int dim) {
    long n = (long) PackedBank.blocks(count) * BLOCK * paddedDim(dim);
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "INT8 bank of " + count + " vectors of dimension " + dim + " exceeds one array");
    }
    return (int) n;
  }

  /**
   * Index of component {@code d} of slot {@code slot}.
   *
   * @param slot the vector's slot
   * @param d the component, from 0 to {@code dim - 1}
   * @param dim components per vector
   * @return the index in the bank array
   */
  public static int index(int slot, int d, int dim) {
    int pdim = paddedDim(dim);
    return (slot / BLOCK) * pdim * BLOCK
        + (d / GROUP) * GROUP * BLOCK
        + (slot % BLOCK) * GROUP
        + d % GROUP;
  }

  /**
   * Writes {@code dim} codes from {@code codes[from..]} into slot {@code slot}.
   *
   * @param bank the bank, written
   * @param slot the slot to write
   * @param codes the codes; read, not kept
   * @param from index of the first code in {@code codes}
   * @param dim components per vector
   */
  public static void put(byte[] bank, int slot, byte[] codes, int from, int dim) {
    int pdim = paddedDim(dim);
    int base = (slot / BLOCK) * pdim * BLOCK + (slot % BLOCK) * GROUP;
    for (int d = 0; d < dim; d++) {
      bank[base + (d / GROUP) * GROUP * BLOCK + d % GROUP] = codes[from + d];
    }
  }

  /**
   * Reads the {@code dim} codes of slot {@code slot} into {@code out[at..]}.
   *
   * @param bank the bank; read
   * @param slot the slot to read
   * @param out receives the codes
   * @param at index in {@code out} of the first code written
   * @param dim components per vector
   */
  public static void get(byte[] bank, int slot, byte[] out, int at, int dim) {
    int pdim = paddedDim(dim);
    int base = (slot / BLOCK) * pdim * BLOCK + (slot % BLOCK) * GROUP;
    for (int d = 0; d < dim; d++) {
      out[at + d] = bank[base + (d / GROUP) * GROUP * BLOCK + d % GROUP];
    }
  }

  /**
   * Quantizes {@code v[from..from+dim)} into {@code codes[at..at+dim)} and returns its scale.
   *
   * @throws IllegalArgumentException if a component is not finite
   * @param v holds the vector; read, not modified
   * @param from index of the vector's first component in {@code v}
   * @param dim components per vector
   * @param codes receives the codes, each in [-127, 127]
   * @param at index in {@code codes} of the first code written
   * @return the scale {@code max|v| / 127}, 0 for a zero vector
   */
  public static float quantize(float[] v, int from, int dim, byte[] codes, int at) {
    float max = 0f;
    for (int d = 0; d < dim; d++) {
      float x = v[from + d];
      if (!Float.isFinite(x)) {
        throw new IllegalArgumentException("cannot quantize a non-finite component: " + x);
      }
      max = Math.max(max, Math.abs(x));
    }
    if (max == 0f) {
      for (int d = 0; d < dim; d++) {
        codes[at + d] = 0;
      }
      return 0f;
    }
    float inv = MAX_CODE / max;
    for (int d = 0; d < dim; d++) {
      int c = (int) Math.rint(v[from + d] * inv);
      codes[at + d] = (byte) Math.max(-MAX_CODE, Math.min(MAX_CODE, c));
    }
    return max / MAX_CODE;
  }
}
