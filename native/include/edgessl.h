/*
 * libedgessl: EdgeSSL's SIMD kernels, called from Java through the FFM API
 * (io.edgessl.nativeaccel) or from C.
 *
 * Conventions, shared by every kernel:
 *   - Every function returns an int32_t status: EDGESSL_OK or a negative EDGESSL_ERR_* code.
 *     Callers (the Java bindings) check all arguments before calling; the checks here are a
 *     second line of defence, never the only one.
 *   - The first argument selects the CPU variant (EDGESSL_VARIANT_*). edgessl_variant_best()
 *     names the fastest one this CPU runs; a variant the CPU cannot run is refused with
 *     EDGESSL_ERR_VARIANT instead of crashing with an illegal instruction. No kernel keeps
 *     global state: any number of threads may call any kernel with any supported variant.
 *   - Sizes are int32_t (Java's int); offsets are computed in 64 bits.
 *   - No kernel allocates memory; scratch space lives on the stack.
 *   - Pointers need no particular alignment (Java heap arrays are only 8-byte aligned).
 *
 * CUDA versions of kernels live in a separate library, libedgessl_cuda (edgessl_cuda.h), so
 * that this one loads on machines without a CUDA runtime.
 */
#ifndef EDGESSL_H
#define EDGESSL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define EDGESSL_API __declspec(dllexport)
#else
#define EDGESSL_API __attribute__((visibility("default")))
#endif

/* Bumped whenever a signature or a layout below changes; the Java bindings refuse a library
 * whose edgessl_abi_version() differs from theirs. */
#define EDGESSL_ABI_VERSION 1

/* ---- status codes ---- */
#define EDGESSL_OK 0
/* A null pointer, a negative or inconsistent size, a block range outside the bank. */
#define EDGESSL_ERR_ARGUMENT (-1)
/* An unknown variant, or one this CPU cannot run. */
#define EDGESSL_ERR_VARIANT (-2)
/* A CUDA runtime call failed (libedgessl_cuda only). */
#define EDGESSL_ERR_CUDA (-3)

/* ---- CPU variants, in the order edgessl_variant_best() prefers them on each architecture ---- */
#define EDGESSL_VARIANT_PORTABLE 0     /* plain C; FP32 results equal the Java kernels bit for bit */
#define EDGESSL_VARIANT_AVX2 1         /* x86-64 with AVX2 and FMA */
#define EDGESSL_VARIANT_AVX512 2       /* x86-64 with AVX-512 F, BW, DQ, VL (INT8 as AVX2) */
#define EDGESSL_VARIANT_AVX512_VNNI 3  /* AVX512 plus VNNI: INT8 dot products with vpdpbusd */
#define EDGESSL_VARIANT_NEON 4         /* AArch64 Advanced SIMD */
#define EDGESSL_VARIANT_NEON_DOTPROD 5 /* NEON plus the dot-product extension (sdot) */
#define EDGESSL_VARIANT_COUNT 6

EDGESSL_API int32_t edgessl_abi_version(void);

/* The fastest variant this CPU runs (EDGESSL_VARIANT_PORTABLE when none of the others). */
EDGESSL_API int32_t edgessl_variant_best(void);

/* 1 when this CPU (and this build) can run the variant, else 0. */
EDGESSL_API int32_t edgessl_variant_supported(int32_t variant);

/* A short lower-case name ("avx512-vnni"), or NULL for an unknown variant. Static storage. */
EDGESSL_API const char *edgessl_variant_name(int32_t variant);

/* ======================================================================================
 * k-NN search: exact maximum-inner-product top-k over a packed bank.
 *
 * FP32 bank layout (Java: io.edgessl.spi.PackedBank): slots in blocks of EDGESSL_BLOCK; block b
 * holds dim * EDGESSL_BLOCK floats from b * dim * EDGESSL_BLOCK, component d of slot
 * b * EDGESSL_BLOCK + j at d * EDGESSL_BLOCK + j (each block is the transpose of its vectors, as
 * GEMM kernels pack their right operand). Unused slots of the last block are zero.
 *
 * INT8 bank layout (Java: io.edgessl.spi.PackedInt8Bank): dimensions are padded with zeros to
 * pdim = edgessl_int8_padded_dim(dim), a multiple of EDGESSL_INT8_GROUP (4); block b holds
 * pdim * EDGESSL_BLOCK bytes from b * pdim * EDGESSL_BLOCK, component d of slot
 * b * EDGESSL_BLOCK + j at (d / 4) * 4 * EDGESSL_BLOCK + j * 4 + d % 4: four consecutive
 * components of one slot are adjacent, which is the operand shape of x86 vpdpbusd and Arm sdot.
 * Codes are in [-127, 127]. Each slot has a float scale; its vector is code * scale.
 * INT8 queries are rows of pdim bytes (padding zero) with one float scale each.
 * The score of a query and a slot is (float) dot * (query_scale * bank_scale), where dot is the
 * exact integer dot product over pdim components: every variant returns the same bits.
 *
 * For each query, the k best slots in [block_begin * EDGESSL_BLOCK, min(count,
 * block_end * EDGESSL_BLOCK)) are merged into the running top-k list out_scores[q * k ..] /
 * out_slots[q * k ..], kept in descending order of score; a score equal to one already listed
 * ranks after it, so equal scores keep the lower slot first. Unused entries hold -INFINITY and
 * slot -1. With EDGESSL_KNN_INIT the lists are reset first; without it they continue a search
 * of earlier blocks, so a long search can be split into short calls over consecutive block
 * ranges with the same result (the Java bindings do, to bound the time of each call).
 *
 * FP32 scores sum over d in increasing order per (query, slot); SIMD variants fuse each
 * multiply-add (one rounding instead of two), so their scores may differ from the portable
 * variant's (and the Java kernels') in the last bits.
 * ====================================================================================== */

#define EDGESSL_BLOCK 64
#define EDGESSL_INT8_GROUP 4
/* Largest INT8 dimension: 131072 * 127 * 127 and 128 * 127 * 131072 fit in an int32_t. */
#define EDGESSL_INT8_MAX_DIM 131072

#define EDGESSL_KNN_INIT 1

EDGESSL_API int32_t edgessl_knn_search_f32(int32_t variant, const float *bank, int32_t count,
                                           int32_t dim, int32_t block_begin, int32_t block_end,
                                           const float *queries, int32_t query_count, int32_t k,
                                           float *out_scores, int32_t *out_slots, int32_t flags);

EDGESSL_API int32_t edgessl_knn_search_i8(int32_t variant, const int8_t *bank,
                                          const float *bank_scales, int32_t count, int32_t dim,
                                          int32_t block_begin, int32_t block_end,
                                          const int8_t *queries, const float *query_scales,
                                          int32_t query_count, int32_t k, float *out_scores,
                                          int32_t *out_slots, int32_t flags);

/* dim rounded up to a multiple of EDGESSL_INT8_GROUP; -1 when dim is not in 1..MAX_DIM. */
EDGESSL_API int32_t edgessl_int8_padded_dim(int32_t dim);

/* ======================================================================================
 * Preprocessing: one frame (RGB, BGR, RGBA, BGRA, GRAY, NV12, NV21, YUYV; any strides, plane
 * offsets and orientation) -> converted, resampled (separable filter) and normalized planes of
 * floats, in one pass. The contract is io.edgessl.spi.PreprocessPlan (ImageKernels#preprocess), table for table;
 * the tables are computed by io.edgessl.image.Preprocessor (see there for what they mean):
 *
 *   taps T (2 bilinear, 4 bicubic; 1..EDGESSL_PREPROCESS_MAX_TAPS), rows H_u (the upright
 *   image's rows: row_offsets holds 2 * rows ints, the luma and chroma byte offset of each).
 *   Tap s of output column x and upright row r read the luma position
 *     L = row_offsets[2 r] + col_offsets[2 (x T + s)]
 *   and the chroma position C = row_offsets[2 r + 1] + col_offsets[2 (x T + s) + 1]:
 *     RGB, RGBA: R, G, B = src[L], src[L + 1], src[L + 2];  BGR, BGRA: B, G, R at L, L+1, L+2;
 *     GRAY: Y = src[L];  NV12: Y = src[L], U = src[C], V = src[C + 1];  NV21: V = src[C],
 *     U = src[C + 1];  YUYV: Y = src[L], U = src[C], V = src[C + 2].
 *   YUV converts per sample with yuv[6] = {y_offset, y_scale, vr, ug, vg, ub}:
 *     R = clamp(y_scale (Y - y_offset) + vr (V - 128)),
 *     G = clamp(y_scale (Y - y_offset) - ug (U - 128) - vg (V - 128)),
 *     B = clamp(y_scale (Y - y_offset) + ub (U - 128)), clamp to [0, 255], in float.
 *   Components: 0 R, 1 G, 2 B, 3 luma 0.299 R + 0.587 G + 0.114 B (of a GRAY frame: Y itself).
 *   Each output row y has T row taps row_taps[y T + t] (upright rows, each in [0, rows), T
 *   consecutive rows clamped, so that neighbours differ by 0 or 1; the first and the last tap
 *   never decrease from one output row to the next) with weights row_weights[y T + t].
 *   h_k(r, x) = sum_s col_weights[x T + s] * comp_k(r, tap s of x)   (s increasing, float)
 *   v_k(y, x) = sum_t row_weights[y T + t] * h_k(row_taps[y T + t], x) (t increasing, float)
 *   dst[(c * out_height + y) * out_width + x] = v_{channels[c]}(y, x) * scale[c] + bias[c].
 *
 * Only output rows [y_begin, y_end) are written, so a frame can be split into short calls.
 * Every variant computes each product and sum in the order above, rounded to float, without
 * fused multiply-adds: results equal the Java kernel's (io.edgessl.internal.kernels.JavaImageKernels)
 * bit for bit, up to the sign of zero.
 *
 * The check reads every table entry the call uses and refuses (EDGESSL_ERR_ARGUMENT) a size out
 * of range, a row tap out of [0, rows) or out of the order above, or a sample position outside
 * src[0, src_size): no call reads or writes outside the memory its arguments describe. dst must
 * hold channel_count * out_height * out_width floats (aligned to 4 bytes); the kernels allocate
 * nothing (their scratch space is on the stack).
 * ====================================================================================== */

/* Pixel formats, numbered as the constants of io.edgessl.image.PixelFormat. */
#define EDGESSL_FORMAT_RGB 0
#define EDGESSL_FORMAT_BGR 1
#define EDGESSL_FORMAT_RGBA 2
#define EDGESSL_FORMAT_BGRA 3
#define EDGESSL_FORMAT_GRAY 4
#define EDGESSL_FORMAT_NV12 5
#define EDGESSL_FORMAT_NV21 6
#define EDGESSL_FORMAT_YUYV 7
#define EDGESSL_FORMAT_COUNT 8

/* Most filter taps per direction the kernels take (bicubic has 4). */
#define EDGESSL_PREPROCESS_MAX_TAPS 8
/* Components a channel may name: R, G, B, luma. */
#define EDGESSL_COMPONENT_COUNT 4

EDGESSL_API int32_t edgessl_preprocess(int32_t variant, const uint8_t *src, int64_t src_size,
                                       int32_t format, const float *yuv,
                                       const int32_t *row_offsets, int32_t rows, int32_t taps,
                                       int32_t out_height, int32_t y_begin, int32_t y_end,
                                       const int32_t *row_taps, const float *row_weights,
                                       int32_t out_width, const int32_t *col_offsets,
                                       const float *col_weights, int32_t channel_count,
                                       const int32_t *channels, const float *scale,
                                       const float *bias, float *dst);

/* The checks of edgessl_preprocess alone (no variant, nothing written): EDGESSL_OK when a call
 * with these arguments would read only src[0, src_size) and the tables. For tables that are
 * uploaded to a GPU for edgessl_preprocess_cuda, check them here first. */
EDGESSL_API int32_t edgessl_preprocess_check(const uint8_t *src, int64_t src_size, int32_t format,
                                             const float *yuv, const int32_t *row_offsets,
                                             int32_t rows, int32_t taps, int32_t out_height,
                                             int32_t y_begin, int32_t y_end,
                                             const int32_t *row_taps, const float *row_weights,
                                             int32_t out_width, const int32_t *col_offsets,
                                             const float *col_weights, int32_t channel_count,
                                             const int32_t *channels, const float *scale,
                                             const float *bias);

#ifdef __cplusplus
}
#endif

#endif /* EDGESSL_H */
