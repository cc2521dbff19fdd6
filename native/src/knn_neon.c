/*
 * AArch64 Advanced SIMD kernels (every ARMv8-A core: Jetson, Raspberry Pi 4/5, phones, Apple).
 *
 * FP32: a 6 x 16 register tile (24 accumulators of four floats) per column group of the block.
 * INT8 (NEON): vmull_s8 multiplies eight code pairs exactly into 16 bits (|b * q| <= 16129) and
 * vpadalq_s16 adds adjacent products into 32-bit lanes, one lane per half group of one slot; the
 * halves are added at the end.
 * INT8 (dot-product extension, ARMv8.2, e.g. Cortex-A76/A78 of Jetson Orin): sdot adds the four
 * products of a group of four components into one lane, which is exactly our layout.
 */
#include "internal.h"

#if defined(__aarch64__)

#include <arm_neon.h>
#include <string.h>

#include "knn_driver.h"

#define F32_TILE 6

/* n queries x W columns per pass: W = 16 for six queries, 64 for a single one, whose search
 * streams the bank from memory and should read each row of a block in order. */
ES_INLINE void tile_f32_n(const float *blk, int32_t dim, const float *q, float *out, const int n,
                          const int W) {
  for (int cg = 0; cg < ES_BLOCK; cg += W) {
    float32x4_t acc[F32_TILE][16];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < W / 4; c++) {
        acc[i][c] = vdupq_n_f32(0.0f);
      }
    }
    const float *p = blk + cg;
    for (int32_t d = 0; d < dim; d++, p += ES_BLOCK) {
      float32x4_t b[W / 4];
      for (int c = 0; c < W / 4; c++) {
        b[c] = vld1q_f32(p + 4 * c);
      }
      for (int i = 0; i < n; i++) {
        const float a = q[(int64_t)i * dim + d];
        for (int c = 0; c < W / 4; c++) {
          acc[i][c] = vfmaq_n_f32(acc[i][c], b[c], a);
        }
      }
    }
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < W / 4; c++) {
        vst1q_f32(out + i * ES_BLOCK + cg + 4 * c, acc[i][c]);
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

#define I8_TILE 3

ES_INLINE int8x16_t bcast4(const int8_t *p) {
  int32_t w;
  memcpy(&w, p, sizeof w);
  return vreinterpretq_s8_s32(vdupq_n_s32(w));
}

/* n queries x W slots per pass: W = 16 for three queries, 32 for a single one. */
ES_INLINE void tile_i8_n(const int8_t *blk, int32_t pdim, const int8_t *q, int32_t *out, const int n,
                         const int W) {
  for (int sg = 0; sg < ES_BLOCK; sg += W) {
    int32x4_t lo[I8_TILE][8], hi[I8_TILE][8];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < W / 4; c++) {
        lo[i][c] = vdupq_n_s32(0);
        hi[i][c] = vdupq_n_s32(0);
      }
    }
    const int8_t *p = blk + sg * 4;
    for (int32_t g = 0; g < pdim; g += 4, p += 4 * ES_BLOCK) {
      for (int c = 0; c < W / 4; c++) {
        const int8x16_t b = vld1q_s8(p + 16 * c); /* slots sg + 4c .. sg + 4c + 3 */
        for (int i = 0; i < n; i++) {
          const int8x16_t a = bcast4(q + (int64_t)i * pdim + g);
          lo[i][c] = vpadalq_s16(lo[i][c], vmull_s8(vget_low_s8(b), vget_low_s8(a)));
          hi[i][c] = vpadalq_s16(hi[i][c], vmull_high_s8(b, a));
        }
      }
    }
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < W / 4; c++) {
        vst1q_s32(out + i * ES_BLOCK + sg + 4 * c, vpaddq_s32(lo[i][c], hi[i][c]));
      }
    }
  }
}

static void tile_i8(const int8_t *blk, int32_t pdim, const int8_t *q, const int32_t *qsum,
                    int32_t n, int32_t *out) {
  (void)qsum;
  switch (n) {
    case 3: tile_i8_n(blk, pdim, q, out, 3, 16); break;
    case 2: tile_i8_n(blk, pdim, q, out, 2, 16); break;
    default: tile_i8_n(blk, pdim, q, out, 1, 32); break;
  }
}

static void knn_f32(const float *bank, int32_t count, int32_t dim, int32_t block_begin,
                    int32_t block_end, const float *queries, int32_t query_count, int32_t k,
                    float *out_scores, int32_t *out_slots) {
  es_drive_f32(bank, count, dim, block_begin, block_end, queries, query_count, k, out_scores,
               out_slots, tile_f32, F32_TILE);
}

static void knn_i8(const int8_t *bank, const float *bank_scales, int32_t count, int32_t dim,
                   int32_t block_begin, int32_t block_end, const int8_t *queries,
                   const float *query_scales, int32_t query_count, int32_t k, float *out_scores,
                   int32_t *out_slots) {
  es_drive_i8(bank, bank_scales, count, dim, block_begin, block_end, queries, query_scales,
              query_count, k, out_scores, out_slots, tile_i8, I8_TILE);
}

const es_kernels es_kernels_neon = {"neon", knn_f32, knn_i8, es_preprocess_neon};

/* ---- dot-product extension ---- */

#if defined(__clang__)
ES_TARGET_BEGIN("dotprod")
#else
ES_TARGET_BEGIN("arch=armv8.2-a+dotprod") /* dotprod implies ARMv8.2 */
#endif

#define DP_TILE 6

/* n queries x W slots per pass: W = 16 for six queries, 64 for a single one. */
ES_INLINE void tile_i8_dp_n(const int8_t *blk, int32_t pdim, const int8_t *q, int32_t *out,
                            const int n, const int W) {
  for (int sg = 0; sg < ES_BLOCK; sg += W) {
    int32x4_t acc[DP_TILE][16];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < W / 4; c++) {
        acc[i][c] = vdupq_n_s32(0);
      }
    }
    const int8_t *p = blk + sg * 4;
    for (int32_t g = 0; g < pdim; g += 4, p += 4 * ES_BLOCK) {
      for (int c = 0; c < W / 4; c++) {
        const int8x16_t b = vld1q_s8(p + 16 * c);
        for (int i = 0; i < n; i++) {
          acc[i][c] = vdotq_s32(acc[i][c], b, bcast4(q + (int64_t)i * pdim + g));
        }
      }
    }
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < W / 4; c++) {
        vst1q_s32(out + i * ES_BLOCK + sg + 4 * c, acc[i][c]);
      }
    }
  }
}

static void tile_i8_dp(const int8_t *blk, int32_t pdim, const int8_t *q, const int32_t *qsum,
                       int32_t n, int32_t *out) {
  (void)qsum;
  switch (n) {
    case 6: tile_i8_dp_n(blk, pdim, q, out, 6, 16); break;
    case 5: tile_i8_dp_n(blk, pdim, q, out, 5, 16); break;
    case 4: tile_i8_dp_n(blk, pdim, q, out, 4, 16); break;
    case 3: tile_i8_dp_n(blk, pdim, q, out, 3, 16); break;
    case 2: tile_i8_dp_n(blk, pdim, q, out, 2, 16); break;
    default: tile_i8_dp_n(blk, pdim, q, out, 1, 64); break;
  }
}

static void knn_i8_dp(const int8_t *bank, const float *bank_scales, int32_t count, int32_t dim,
                      int32_t block_begin, int32_t block_end, const int8_t *queries,
                      const float *query_scales, int32_t query_count, int32_t k,
                      float *out_scores, int32_t *out_slots) {
  es_drive_i8(bank, bank_scales, count, dim, block_begin, block_end, queries, query_scales,
              query_count, k, out_scores, out_slots, tile_i8_dp, DP_TILE);
}

ES_TARGET_END

const es_kernels es_kernels_neon_dotprod = {"neon-dotprod", knn_f32, knn_i8_dp,
                                               es_preprocess_neon};

#else

const es_kernels es_kernels_neon = {"neon", 0, 0, 0};
const es_kernels es_kernels_neon_dotprod = {"neon-dotprod", 0, 0, 0};

#endif
