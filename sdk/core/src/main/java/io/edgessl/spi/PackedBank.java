package io.edgessl.spi;

/**
 * The memory layout of a k-NN bank that {@link KnnKernels#searchPacked} reads.
 *
 * <p>Vectors are grouped in blocks of {@link #BLOCK} consecutive slots. Block {@code b} occupies
 * {@code dim * BLOCK} floats starting at {@code b * dim * BLOCK}; inside it, component {@code d} of
 * slot {@code b * BLOCK + j} is at {@code d * BLOCK + j}. Each block is thus the transpose of
 * {@code BLOCK} row vectors, so a kernel computes {@code BLOCK} dot products at once with
 * contiguous SIMD loads (an outer-product update), the way GEMM kernels pack their right operand.
 * Unused columns of the last block are zero.
 */
public final class PackedBank {
  /** Slots per block: four AVX-512 vectors, sixteen NEON vectors of floats. */
  public static final int BLOCK = 64;

  private PackedBank() {}

  /**
   * Number of blocks that hold {@code count} vectors.
   *
   * @param count the number of vectors, not negative
   * @return {@code ceil(count / BLOCK)}
   */
  public static int blocks(int count) {
    // In long: count + BLOCK - 1 overflows an int for the largest counts.
    return (int) (((long) count + BLOCK - 1) / BLOCK);
  }

  /**
   * Floats needed for {@code count} vectors of {@code dim} components.
   *
   * @throws IllegalArgumentException when that exceeds what one Java array can hold
   * @param count the number of vectors, not negative
   * @param dim components per vector
   * @return the bank array's length, in floats
   */
  public static int length(int count, int dim) {
    long n = (long) blocks(count) * BLOCK * dim;
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "bank of "
              + count
              + " vectors of dimension "
              + dim
              + " exceeds one array ("
              + n
              + " floats)");
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
    return (slot / BLOCK) * dim * BLOCK + d * BLOCK + (slot % BLOCK);
  }

  /**
   * Writes {@code vector} (length {@code dim}) into slot {@code slot}.
   *
   * @param bank the bank, written
   * @param slot the slot to write
   * @param vector the vector; read, not kept
   * @param dim components per vector
   */
  public static void put(float[] bank, int slot, float[] vector, int dim) {
    int base = (slot / BLOCK) * dim * BLOCK + (slot % BLOCK);
    for (int d = 0; d < dim; d++) {
      bank[base + d * BLOCK] = vector[d];
    }
  }

  /**
   * Reads slot {@code slot} into {@code out} (length {@code >= dim}).
   *
   * @param bank the bank; read
   * @param slot the slot to read
   * @param out receives the vector in {@code out[0..dim)}
   * @param dim components per vector
   */
  public static void get(float[] bank, int slot, float[] out, int dim) {
    int base = (slot / BLOCK) * dim * BLOCK + (slot % BLOCK);
    for (int d = 0; d < dim; d++) {
      out[d] = bank[base + d * BLOCK];
    }
  }
}
