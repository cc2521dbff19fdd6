/* Internal interface between the dispatcher (dispatch.c) and the per-variant kernel files. */
#ifndef EDGESSL_INTERNAL_H
#define EDGESSL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "edgessl.h"

/* The arguments of edgessl_preprocess, checked by dispatch.c (see edgessl.h). */
typedef struct es_pre {
  const uint8_t *src;
  int64_t src_size;
  int32_t format;
  const float *yuv;
  const int32_t *row_offsets;
  int32_t rows;
  int32_t taps;
  int32_t out_height;
  const int32_t *row_taps;
  const float *row_weights;
  int32_t out_width;
  const int32_t *col_offsets;
  const float *col_weights;
  int32_t channel_count;
  const int32_t *channels;
  const float *scale;
  const float *bias;
  float *dst;
} es_pre;

/* The kernels of one CPU variant. Arguments are already checked by dispatch.c. */
typedef struct es_kernels {
  const char *name;
  void (*knn_f32)(const float *bank, int32_t count, int32_t dim, int32_t block_begin,
                  int32_t block_end, const float *queries, int32_t query_count, int32_t k,
                  float *out_scores, int32_t *out_slots);
  void (*knn_i8)(const int8_t *bank, const float *bank_scales, int32_t count, int32_t dim,
                 int32_t block_begin, int32_t block_end, const int8_t *queries,
                 const float *query_scales, int32_t query_count, int32_t k, float *out_scores,
                 int32_t *out_slots);
  /* Output rows [y_begin, y_end) of a checked preprocessing call. */
  void (*preprocess)(const es_pre *p, int32_t y_begin, int32_t y_end);
} es_kernels;

/* Defined by the variant files; a file compiled for another architecture leaves its table's
 * kernels NULL, which dispatch.c reports as an unsupported variant. */
extern const es_kernels es_kernels_portable;
extern const es_kernels es_kernels_avx2;
extern const es_kernels es_kernels_avx512;
extern const es_kernels es_kernels_avx512_vnni;
extern const es_kernels es_kernels_neon;
extern const es_kernels es_kernels_neon_dotprod;

/* Kernels of the INT8 AVX2 path, shared with the AVX-512 table (x86 only). */
void es_knn_i8_avx2(const int8_t *bank, const float *bank_scales, int32_t count, int32_t dim,
                    int32_t block_begin, int32_t block_end, const int8_t *queries,
                    const float *query_scales, int32_t query_count, int32_t k, float *out_scores,
                    int32_t *out_slots);

/* Preprocessing kernels per variant (avx512-vnni reuses avx512's, neon-dotprod neon's). */
void es_preprocess_portable(const es_pre *p, int32_t y_begin, int32_t y_end);
void es_preprocess_avx2(const es_pre *p, int32_t y_begin, int32_t y_end);
void es_preprocess_avx512(const es_pre *p, int32_t y_begin, int32_t y_end);
void es_preprocess_neon(const es_pre *p, int32_t y_begin, int32_t y_end);

#define ES_BLOCK EDGESSL_BLOCK

/* Queries whose rows stay in cache while the bank blocks of one call stream past them. */
#define ES_QUERY_CHUNK 64

/* Target regions: every function defined between ES_TARGET_BEGIN(...) and ES_TARGET_END gets
 * that target attribute (including the static inline helpers of the headers included there),
 * so SIMD code is compiled only into functions that run after the CPU check. */
#define ES_PRAGMA(x) _Pragma(#x)
#if defined(__clang__)
#define ES_TARGET_BEGIN(t) ES_PRAGMA(clang attribute push(__attribute__((target(t))), apply_to = function))
#define ES_TARGET_END ES_PRAGMA(clang attribute pop)
#elif defined(__GNUC__)
#define ES_TARGET_BEGIN(t) ES_PRAGMA(GCC push_options) ES_PRAGMA(GCC target(t))
#define ES_TARGET_END ES_PRAGMA(GCC pop_options)
#endif

#define ES_INLINE static inline __attribute__((always_inline))

static inline int32_t es_min(int32_t a, int32_t b) { return a < b ? a : b; }

#endif /* EDGESSL_INTERNAL_H */
