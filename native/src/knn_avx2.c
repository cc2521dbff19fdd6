/*
 * AVX2 + FMA kernels (x86-64, Haswell / Zen and later).
 *
 * FP32: a 6 x 16 register tile (twelve 8-float accumulators) per column group of the block.
 * INT8: AVX2 has no 8-bit dot product that cannot saturate (vpmaddubsw saturates to 16 bits:
 * 255 * 127 * 2 > 32767), so codes are sign-extended to 16 bits and multiplied with vpmaddwd,
 * which is exact; each 32-bit lane accumulates half of one slot's group of four components, and
 * the two halves are added at the end.
 */
#include "internal.h"

#if defined(__x86_64__) || defined(_M_X64)

#include <immintrin.h>
#include <string.h>

ES_TARGET_BEGIN("avx2,fma")

#include "knn_driver.h"

#define F32_TILE 6

/* n queries x W columns per pass over the dimension: W = 16 (twelve accumulators for six
 * queries) when the block is reused from cache by several queries, W = 64 for a single query,
 * whose search streams the bank from memory and should read each row of a block in order. */
ES_INLINE void tile_f32_n(const float *blk, int32_t dim, const float *q, float *out, const int n,
                          const int W) {
  for (int cg = 0; cg < ES_BLOCK; cg += W) {
    __m256 acc[F32_TILE][8];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < W / 8; c++) {
        acc[i][c] = _mm256_setzero_ps();
      }
    }
    const float *p = blk + cg;
    for (int32_t d = 0; d < dim; d++, p += ES_BLOCK) {
      __m256 b[W / 8];
      for (int c = 0; c < W / 8; c++) {
        b[c] = _mm256_loadu_ps(p + 8 * c);
      }
      for (int i = 0; i < n; i++) {
        const __m256 a = _mm256_broadcast_ss(q + (int64_t)i * dim + d);
        for (int c = 0; c < W / 8; c++) {
          acc[i][c] = _mm256_fmadd_ps(a, b[c], acc[i][c]);
        }
      }
    }
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < W / 8; c++) {
        _mm256_storeu_ps(out + i * ES_BLOCK + cg + 8 * c, acc[i][c]);
      }
    }
  }
}

static void tile_f32(const float *blk, int32_t dim, const float *q, int32_t n, float *out) {
  switch (n) {
    case 6: tile_f32_n(blk, dim, q, out, 6, 16); break;
    case 5: tile_f32_n(blk, dim, q, out, 5, 16); break;
    case 4: tile_f32_n(blk, dim, q, out, 4, 16); break;
    case 3: tile_f32_n(blk, dim, q, out, 3, 16); break;
    case 2: tile_f32_n(blk, dim, q, out, 2, 16); break;
    default: tile_f32_n(blk, dim, q, out, 1, 64); break;
  }
}

#define I8_TILE 6
/* Components of the queries widened to 16 bits at once (stack: I8_TILE * 2 KiB). */
#define I8_SEGMENT 1024

ES_INLINE __m256i widen_lo(__m256i x) { return _mm256_cvtepi8_epi16(_mm256_castsi256_si128(x)); }
ES_INLINE __m256i widen_hi(__m256i x) { return _mm256_cvtepi8_epi16(_mm256_extracti128_si256(x, 1)); }

/* n queries x W slots per pass: W = 8 for six queries, 32 for a single one (see tile_f32_n). */
ES_INLINE void tile_i8_n(const int8_t *blk, int32_t pdim, const int8_t *q, int32_t *out, const int n,
                         const int W) {
  int16_t qw[I8_TILE][I8_SEGMENT];
  for (int32_t s0 = 0; s0 < pdim; s0 += I8_SEGMENT) {
    const int32_t sn = es_min(I8_SEGMENT, pdim - s0);
    for (int i = 0; i < n; i++) {
      const int8_t *row = q + (int64_t)i * pdim + s0;
      for (int32_t d = 0; d < sn; d++) {
        qw[i][d] = row[d];
      }
    }
    for (int sg = 0; sg < ES_BLOCK; sg += W) {
      __m256i acc[I8_TILE][8];
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < W / 4; c++) {
          acc[i][c] = _mm256_setzero_si256();
        }
      }
      const int8_t *p = blk + (int64_t)s0 * ES_BLOCK + sg * 4;
      for (int32_t g = 0; g < sn; g += 4, p += 4 * ES_BLOCK) {
        for (int c = 0; c < W / 8; c++) {
          /* 32 bytes: slots sg + 8c .. sg + 8c + 7, four components each */
          const __m256i raw = _mm256_loadu_si256((const __m256i *)(p + 32 * c));
          const __m256i b0 = widen_lo(raw);
          const __m256i b1 = widen_hi(raw);
          for (int i = 0; i < n; i++) {
            int64_t w;
            memcpy(&w, &qw[i][g], sizeof w);
            const __m256i a = _mm256_set1_epi64x(w);
            acc[i][2 * c] = _mm256_add_epi32(acc[i][2 * c], _mm256_madd_epi16(b0, a));
            acc[i][2 * c + 1] = _mm256_add_epi32(acc[i][2 * c + 1], _mm256_madd_epi16(b1, a));
          }
        }
      }
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < W / 8; c++) {
          /* Lanes hold (slot, half) pairs; add the halves and restore slot order. */
          const __m256i h = _mm256_hadd_epi32(acc[i][2 * c], acc[i][2 * c + 1]);
          __m256i r = _mm256_permute4x64_epi64(h, _MM_SHUFFLE(3, 1, 2, 0));
          int32_t *o = out + i * ES_BLOCK + sg + 8 * c;
          if (s0 > 0) {
            r = _mm256_add_epi32(r, _mm256_loadu_si256((const __m256i *)o));
          }
          _mm256_storeu_si256((__m256i *)o, r);
        }
      }
    }
  }
}

static void tile_i8(const int8_t *blk, int32_t pdim, const int8_t *q, const int32_t *qsum,
                    int32_t n, int32_t *out) {
  (void)qsum;
  switch (n) {
    case 6: tile_i8_n(blk, pdim, q, out, 6, 8); break;
    case 5: tile_i8_n(blk, pdim, q, out, 5, 8); break;
    case 4: tile_i8_n(blk, pdim, q, out, 4, 8); break;
    case 3: tile_i8_n(blk, pdim, q, out, 3, 8); break;
    case 2: tile_i8_n(blk, pdim, q, out, 2, 8); break;
    default: tile_i8_n(blk, pdim, q, out, 1, 32); break;
  }
}

static void knn_f32(const float *bank, int32_t count, int32_t dim, int32_t block_begin,
                    int32_t block_end, const float *queries, int32_t query_count, int32_t k,
                    float *out_scores, int32_t *out_slots) {
  es_drive_f32(bank, count, dim, block_begin, block_end, queries, query_count, k, out_scores,
               out_slots, tile_f32, F32_TILE);
}

void es_knn_i8_avx2(const int8_t *bank, const float *bank_scales, int32_t count, int32_t dim,
                    int32_t block_begin, int32_t block_end, const int8_t *queries,
                    const float *query_scales, int32_t query_count, int32_t k, float *out_scores,
                    int32_t *out_slots) {
  es_drive_i8(bank, bank_scales, count, dim, block_begin, block_end, queries, query_scales,
              query_count, k, out_scores, out_slots, tile_i8, I8_TILE);
}

ES_TARGET_END

const es_kernels es_kernels_avx2 = {"avx2", knn_f32, es_knn_i8_avx2, es_preprocess_avx2};

#else

const es_kernels es_kernels_avx2 = {"avx2", 0, 0, 0};

#endif
