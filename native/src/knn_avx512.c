/*
 * AVX-512 FP32 kernel (F, BW, DQ, VL: Skylake-SP, Ice Lake, Zen 4 and later): a 6 x 64 register
 * tile, 24 accumulators of 16 floats, the whole block width at once; each step loads four bank
 * vectors and broadcasts one component of each query. INT8 without VNNI uses the AVX2 kernel.
 */
#include "internal.h"

#if defined(__x86_64__) || defined(_M_X64)

#include <immintrin.h>

ES_TARGET_BEGIN("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")

#include "knn_driver.h"

#define F32_TILE 6

ES_INLINE void tile_f32_n(const float *blk, int32_t dim, const float *q, float *out, const int n) {
  __m512 acc[F32_TILE][4];
  for (int i = 0; i < n; i++) {
    for (int c = 0; c < 4; c++) {
      acc[i][c] = _mm512_setzero_ps();
    }
  }
  const float *p = blk;
  for (int32_t d = 0; d < dim; d++, p += ES_BLOCK) {
    const __m512 b0 = _mm512_loadu_ps(p);
    const __m512 b1 = _mm512_loadu_ps(p + 16);
    const __m512 b2 = _mm512_loadu_ps(p + 32);
    const __m512 b3 = _mm512_loadu_ps(p + 48);
    for (int i = 0; i < n; i++) {
      const __m512 a = _mm512_set1_ps(q[(int64_t)i * dim + d]);
      acc[i][0] = _mm512_fmadd_ps(a, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(a, b1, acc[i][1]);
      acc[i][2] = _mm512_fmadd_ps(a, b2, acc[i][2]);
      acc[i][3] = _mm512_fmadd_ps(a, b3, acc[i][3]);
    }
  }
  for (int i = 0; i < n; i++) {
    for (int c = 0; c < 4; c++) {
      _mm512_storeu_ps(out + i * ES_BLOCK + c * 16, acc[i][c]);
    }
  }
}

static void tile_f32(const float *blk, int32_t dim, const float *q, int32_t n, float *out) {
  switch (n) {
    case 6: tile_f32_n(blk, dim, q, out, 6); break;
    case 5: tile_f32_n(blk, dim, q, out, 5); break;
    case 4: tile_f32_n(blk, dim, q, out, 4); break;
    case 3: tile_f32_n(blk, dim, q, out, 3); break;
    case 2: tile_f32_n(blk, dim, q, out, 2); break;
    default: tile_f32_n(blk, dim, q, out, 1); break;
  }
}

void es_knn_f32_avx512(const float *bank, int32_t count, int32_t dim, int32_t block_begin,
                       int32_t block_end, const float *queries, int32_t query_count, int32_t k,
                       float *out_scores, int32_t *out_slots) {
  es_drive_f32(bank, count, dim, block_begin, block_end, queries, query_count, k, out_scores,
               out_slots, tile_f32, F32_TILE);
}

ES_TARGET_END

const es_kernels es_kernels_avx512 = {"avx512", es_knn_f32_avx512, es_knn_i8_avx2,
                                         es_preprocess_avx512};

#else

const es_kernels es_kernels_avx512 = {"avx512", 0, 0, 0};

#endif
