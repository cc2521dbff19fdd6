package io.edgessl.nativeaccel;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The downcall handles of {@code libedgessl} ({@code native/include/edgessl.h}), one {@code static
 * final} field per C function, named after it (a static final handle is a JIT constant: about 8 ns
 * a call, against about 150 ns from an instance field). Touching this class loads the library
 * ({@link NativeLoader#load()}); callers make sure that succeeds first. Every symbol used here is
 * listed in {@link NativeLoader#SYMBOLS}, which the loader checks.
 *
 * <p>Kernels are linked as critical calls ({@link Linker.Option#critical(boolean)} with heap
 * access), so they read and write Java arrays in place: they make no upcalls, never block, and the
 * bindings bound each call's work. The small query functions are ordinary downcalls.
 */
final class LibEdgeSsl {
  // Status codes.
  static final int OK = 0;
  static final int ERR_ARGUMENT = -1;
  static final int ERR_VARIANT = -2;

  /** {@code EDGESSL_KNN_INIT}: reset the top-k lists before merging. */
  static final int KNN_INIT = 1;

  static final MethodHandle MH$edgessl_variant_best;
  static final MethodHandle MH$edgessl_variant_supported;
  static final MethodHandle MH$edgessl_variant_name;
  static final MethodHandle MH$edgessl_int8_padded_dim;
  static final MethodHandle MH$edgessl_knn_search_f32;
  static final MethodHandle MH$edgessl_knn_search_i8;
  static final MethodHandle MH$edgessl_preprocess;

  static {
    SymbolLookup lib = NativeLoader.load().lookup();
    MH$edgessl_variant_best =
        downcall(lib, "edgessl_variant_best", FunctionDescriptor.of(JAVA_INT));
    MH$edgessl_variant_supported =
        downcall(lib, "edgessl_variant_supported", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    MH$edgessl_variant_name =
        downcall(lib, "edgessl_variant_name", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    MH$edgessl_int8_padded_dim =
        downcall(lib, "edgessl_int8_padded_dim", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    MH$edgessl_knn_search_f32 =
        critical(
            lib,
            "edgessl_knn_search_f32",
            FunctionDescriptor.of(
                JAVA_INT, // status
                JAVA_INT, // variant
                ADDRESS, // bank
                JAVA_INT, // count
                JAVA_INT, // dim
                JAVA_INT, // block_begin
                JAVA_INT, // block_end
                ADDRESS, // queries
                JAVA_INT, // query_count
                JAVA_INT, // k
                ADDRESS, // out_scores
                ADDRESS, // out_slots
                JAVA_INT)); // flags
    MH$edgessl_knn_search_i8 =
        critical(
            lib,
            "edgessl_knn_search_i8",
            FunctionDescriptor.of(
                JAVA_INT, // status
                JAVA_INT, // variant
                ADDRESS, // bank
                ADDRESS, // bank_scales
                JAVA_INT, // count
                JAVA_INT, // dim
                JAVA_INT, // block_begin
                JAVA_INT, // block_end
                ADDRESS, // queries
                ADDRESS, // query_scales
                JAVA_INT, // query_count
                JAVA_INT, // k
                ADDRESS, // out_scores
                ADDRESS, // out_slots
                JAVA_INT)); // flags
    MH$edgessl_preprocess =
        critical(
            lib,
            "edgessl_preprocess",
            FunctionDescriptor.of(
                JAVA_INT, // status
                JAVA_INT, // variant
                ADDRESS, // src
                JAVA_LONG, // src_size
                JAVA_INT, // format
                ADDRESS, // yuv
                ADDRESS, // row_offsets
                JAVA_INT, // rows
                JAVA_INT, // taps
                JAVA_INT, // out_height
                JAVA_INT, // y_begin
                JAVA_INT, // y_end
                ADDRESS, // row_taps
                ADDRESS, // row_weights
                JAVA_INT, // out_width
                ADDRESS, // col_offsets
                ADDRESS, // col_weights
                JAVA_INT, // channel_count
                ADDRESS, // channels
                ADDRESS, // scale
                ADDRESS, // bias
                ADDRESS)); // dst
  }

  private LibEdgeSsl() {}

  @SuppressWarnings("restricted")
  private static MethodHandle downcall(SymbolLookup lib, String name, FunctionDescriptor fd) {
    return Linker.nativeLinker().downcallHandle(lib.find(name).orElseThrow(), fd);
  }

  @SuppressWarnings("restricted")
  private static MethodHandle critical(SymbolLookup lib, String name, FunctionDescriptor fd) {
    return Linker.nativeLinker()
        .downcallHandle(lib.find(name).orElseThrow(), fd, Linker.Option.critical(true));
  }

  static int variantBest() {
    try {
      return (int) MH$edgessl_variant_best.invokeExact();
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static boolean variantSupported(int variant) {
    try {
      return (int) MH$edgessl_variant_supported.invokeExact(variant) != 0;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The variant's name, or null past the last variant. */
  static String variantName(int variant) {
    MemorySegment s;
    try {
      s = (MemorySegment) MH$edgessl_variant_name.invokeExact(variant);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    return s.address() == 0 ? null : cString(s);
  }

  /** Reads a NUL-terminated string of static storage (a name, at most 63 bytes). */
  @SuppressWarnings("restricted")
  private static String cString(MemorySegment s) {
    return s.reinterpret(64).getString(0);
  }

  static int int8PaddedDim(int dim) {
    try {
      return (int) MH$edgessl_int8_padded_dim.invokeExact(dim);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int knnSearchF32(
      int variant,
      MemorySegment bank,
      int count,
      int dim,
      int blockBegin,
      int blockEnd,
      MemorySegment queries,
      int queryCount,
      int k,
      MemorySegment outScores,
      MemorySegment outSlots,
      int flags) {
    try {
      return (int)
          MH$edgessl_knn_search_f32.invokeExact(
              variant,
              bank,
              count,
              dim,
              blockBegin,
              blockEnd,
              queries,
              queryCount,
              k,
              outScores,
              outSlots,
              flags);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int knnSearchI8(
      int variant,
      MemorySegment bank,
      MemorySegment bankScales,
      int count,
      int dim,
      int blockBegin,
      int blockEnd,
      MemorySegment queries,
      MemorySegment queryScales,
      int queryCount,
      int k,
      MemorySegment outScores,
      MemorySegment outSlots,
      int flags) {
    try {
      return (int)
          MH$edgessl_knn_search_i8.invokeExact(
              variant,
              bank,
              bankScales,
              count,
              dim,
              blockBegin,
              blockEnd,
              queries,
              queryScales,
              queryCount,
              k,
              outScores,
              outSlots,
              flags);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int preprocess(
      int variant,
      MemorySegment src,
      long srcSize,
      int format,
      MemorySegment yuv,
      MemorySegment rowOffsets,
      int rows,
      int taps,
      int outHeight,
      int yBegin,
      int yEnd,
      MemorySegment rowTaps,
      MemorySegment rowWeights,
      int outWidth,
      MemorySegment colOffsets,
      MemorySegment colWeights,
      int channelCount,
      MemorySegment channels,
      MemorySegment scale,
      MemorySegment bias,
      MemorySegment dst) {
    try {
      return (int)
          MH$edgessl_preprocess.invokeExact(
              variant,
              src,
              srcSize,
              format,
              yuv,
              rowOffsets,
              rows,
              taps,
              outHeight,
              yBegin,
              yEnd,
              rowTaps,
              rowWeights,
              outWidth,
              colOffsets,
              colWeights,
              channelCount,
              channels,
              scale,
              bias,
              dst);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * Turns a C status into an exception naming the function and its arguments. The Java checks run
   * first, so a refusal here is a bug in the bindings, not the caller's mistake.
   */
  static void check(int status, String function, Object... args) {
    if (status == OK) {
      return;
    }
    String what =
        switch (status) {
          case ERR_ARGUMENT -> "EDGESSL_ERR_ARGUMENT";
          case ERR_VARIANT -> "EDGESSL_ERR_VARIANT";
          default -> "status " + status;
        };
    throw new IllegalStateException(
        function + " returned " + what + " for arguments " + java.util.Arrays.toString(args));
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r; // e.g. IllegalStateException from a segment whose arena closed meanwhile
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException(t);
  }
}
