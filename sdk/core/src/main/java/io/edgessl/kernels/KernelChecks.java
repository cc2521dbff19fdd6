package io.edgessl.kernels;

import io.edgessl.spi.Kernels;
import io.edgessl.spi.PackedBank;
import io.edgessl.spi.PackedInt8Bank;
import java.util.Objects;

/**
 * Argument checks of the {@link Kernels} methods, shared by every implementation: a negative size,
 * a too-small array or an offset past its end throws {@link IllegalArgumentException} naming the
 * values before any kernel reads or writes memory (the facade-checks pattern of Lucene's {@code
 * VectorUtil}). Sizes are computed in {@code long}, so no product can overflow past a check.
 */
public final class KernelChecks {
  private KernelChecks() {}

  /** Checks the arguments of {@link Kernels#searchPacked}. */
  public static void searchPacked(
      float[] bank,
      int count,
      int dim,
      float[] queries,
      int queryOffset,
      int queryCount,
      int k,
      float[] outScores,
      int[] outSlots) {
    Objects.requireNonNull(bank, "bank");
    Objects.requireNonNull(queries, "queries");
    shape(count, dim, queryCount, k);
    if (queryOffset < 0) {
      throw new IllegalArgumentException("query offset must not be negative: " + queryOffset);
    }
    long bankNeed = (long) PackedBank.blocks(count) * PackedBank.BLOCK * dim;
    if (bank.length < bankNeed) {
      throw new IllegalArgumentException(
          "bank holds "
              + bank.length
              + " floats, "
              + bankNeed
              + " needed for "
              + count
              + " vectors of dimension "
              + dim);
    }
    long queryEnd = queryOffset + (long) queryCount * dim;
    if (queries.length < queryEnd) {
      throw new IllegalArgumentException(
          "queries hold "
              + queries.length
              + " floats, "
              + queryEnd
              + " needed for "
              + queryCount
              + " queries of dimension "
              + dim
              + " from offset "
              + queryOffset);
    }
    outputs(outScores, outSlots, queryCount, k);
  }

  /** Checks the arguments of {@link Kernels#searchPackedInt8}. */
  public static void searchPackedInt8(
      byte[] bank,
      float[] bankScales,
      int count,
      int dim,
      byte[] queries,
      float[] queryScales,
      int firstQuery,
      int queryCount,
      int k,
      float[] outScores,
      int[] outSlots) {
    Objects.requireNonNull(bank, "bank");
    Objects.requireNonNull(bankScales, "bankScales");
    Objects.requireNonNull(queries, "queries");
    Objects.requireNonNull(queryScales, "queryScales");
    shape(count, dim, queryCount, k);
    int pdim = PackedInt8Bank.paddedDim(dim);
    if (firstQuery < 0) {
      throw new IllegalArgumentException("first query must not be negative: " + firstQuery);
    }
    long bankNeed = (long) PackedBank.blocks(count) * PackedBank.BLOCK * pdim;
    if (bank.length < bankNeed) {
      throw new IllegalArgumentException(
          "INT8 bank holds "
              + bank.length
              + " bytes, "
              + bankNeed
              + " needed for "
              + count
              + " vectors of dimension "
              + dim);
    }
    if (bankScales.length < count) {
      throw new IllegalArgumentException(
          "bank scales hold " + bankScales.length + " values, " + count + " needed");
    }
    long rows = (long) firstQuery + queryCount;
    if (queries.length < rows * pdim) {
      throw new IllegalArgumentException(
          "INT8 queries hold "
              + queries.length
              + " bytes, "
              + rows * pdim
              + " needed for rows "
              + firstQuery
              + ".."
              + (rows - 1)
              + " of "
              + pdim
              + " bytes");
    }
    if (queryScales.length < rows) {
      throw new IllegalArgumentException(
          "query scales hold " + queryScales.length + " values, " + rows + " needed");
    }
    outputs(outScores, outSlots, queryCount, k);
  }

  private static void shape(int count, int dim, int queryCount, int k) {
    if (count < 0 || dim <= 0 || queryCount < 0 || k <= 0) {
      throw new IllegalArgumentException(
          "invalid search shape: count "
              + count
              + ", dimension "
              + dim
              + ", queries "
              + queryCount
              + ", k "
              + k
              + " (count and queries must not be negative, dimension and k must be positive)");
    }
  }

  private static void outputs(float[] outScores, int[] outSlots, int queryCount, int k) {
    Objects.requireNonNull(outScores, "outScores");
    Objects.requireNonNull(outSlots, "outSlots");
    long need = (long) queryCount * k;
    if (outScores.length < need || outSlots.length < need) {
      throw new IllegalArgumentException(
          "outputs hold "
              + outScores.length
              + " scores and "
              + outSlots.length
              + " slots, "
              + need
              + " needed for "
              + queryCount
              + " queries x k "
              + k);
    }
  }
}
