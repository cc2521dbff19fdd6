/*
 * AVX-512 VNNI INT8 kernel (Cascade Lake, Ice Lake, Zen 4 and later).
 *
 * vpdpbusd multiplies four unsigned bytes by four signed bytes and adds the four products to a
 * 32-bit lane, without saturation. Both our operands are signed, so the bank codes b are shifted
 * into unsigned range by flipping their sign bit (b ^ 0x80 == b + 128 as an unsigned byte):
 *   sum (b + 128) * q = dot(b, q) + 128 * sum(q),
 * and 128 * sum(q), one number per query, is subtracted at the end. (Shifting the query instead
 * would need a correction per bank slot.) Intermediate sums may wrap for the largest dimensions;
 * the lanes wrap modulo 2^32 and the corrected result fits, so it is exact.
 *
 * Register tile: 6 queries x 64 slots = 24 accumulators; one step per group of four components
 * loads four bank vectors (64 slots x 4 bytes) and broadcasts four bytes of each query.
 */
#include "internal.h"

#if defined(__x86_64__) || defined(_M_X64)

#include <immintrin.h>
#include <string.h>

void es_knn_f32_avx512(const float *bank, int32_t count, int32_t dim, int32_t block_begin,
                       int32_t block_end, const float *queries, int32_t query_count, int32_t k,
                       float *out_scores, int32_t *out_slots);

ES_TARGET_BEGIN("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni,avx2,fma")

#include "knn_driver.h"

#define I8_TILE 6

ES_INLINE void tile_i8_n(const int8_t *blk, int32_t pdim, const int8_t *q, const int32_t *qsum,
                         int32_t *out, const int n) {
  __m512i acc[I8_TILE][4];
  for (int i = 0; i < n; i++) {
    for (int c = 0; c < 4; c++) {
      acc[i][c] = _mm512_setzero_si512();
    }
  }
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  const int8_t *p = blk;
  for (int32_t g = 0; g < pdim; g += 4, p += 4 * ES_BLOCK) {
    const __m512i b0 = _mm512_xor_si512(_mm512_loadu_si512(p), flip);
    const __m512i b1 = _mm512_xor_si512(_mm512_loadu_si512(p + 64), flip);
    const __m512i b2 = _mm512_xor_si512(_mm512_loadu_si512(p + 128), flip);
    const __m512i b3 = _mm512_xor_si512(_mm512_loadu_si512(p + 192), flip);
    for (int i = 0; i < n; i++) {
      int32_t w;
      memcpy(&w, q + (int64_t)i * pdim + g, sizeof w);
      const __m512i a = _mm512_set1_epi32(w);
      acc[i][0] = _mm512_dpbusd_epi32(acc[i][0], b0, a);
      acc[i][1] = _mm512_dpbusd_epi32(acc[i][1], b1, a);
      acc[i][2] = _mm512_dpbusd_epi32(acc[i][2], b2, a);
      acc[i][3] = _mm512_dpbusd_epi32(acc[i][3], b3, a);
    }
  }
  for (int i = 0; i < n; i++) {
    const __m512i corr = _mm512_set1_epi32((int32_t)(128u * (uint32_t)qsum[i]));
    for (int c = 0; c < 4; c++) {
      _mm512_storeu_si512(out + i * ES_BLOCK + c * 16, _mm512_sub_epi32(acc[i][c], corr));
    }
  }
}

static void tile_i8(const int8_t *blk, int32_t pdim, const int8_t *q, const int32_t *qsum,
                    int32_t n, int32_t *out) {
  switch (n) {
    case 6: tile_i8_n(blk, pdim, q, qsum, out, 6); break;
    case 5: tile_i8_n(blk, pdim, q, qsum, out, 5); break;
    case 4: tile_i8_n(blk, pdim, q, qsum, out, 4); break;
    case 3: tile_i8_n(blk, pdim, q, qsum, out, 3); break;
    case 2: tile_i8_n(blk, pdim, q, qsum, out, 2); break;
    default: tile_i8_n(blk, pdim, q, qsum, out, 1); break;
  }
}

static void knn_i8(const int8_t *bank, const float *bank_scales, int32_t count, int32_t dim,
                   int32_t block_begin, int32_t block_end, const int8_t *queries,
                   const float *query_scales, int32_t query_count, int32_t k, float *out_scores,
                   int32_t *out_slots) {
  es_drive_i8(bank, bank_scales, count, dim, block_begin, block_end, queries, query_scales,
              query_count, k, out_scores, out_slots, tile_i8, I8_TILE);
}

ES_TARGET_END

const es_kernels es_kernels_avx512_vnni = {"avx512-vnni", es_knn_f32_avx512, knn_i8,
                                              es_preprocess_avx512};

#else

const es_kernels es_kernels_avx512_vnni = {"avx512-vnni", 0, 0, 0};

#endif
