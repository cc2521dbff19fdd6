/*
 * Portable C kernels: the reference every SIMD variant is tested against, and the fallback on
 * CPUs without one. Compiled without contraction (-ffp-contract=off), the FP32 sums are the
 * Java kernels' bit for bit: each score sums q[d] * bank[d] in increasing d, product rounded
 * before the addition.
 */
#include "knn_driver.h"

static void tile_f32(const float *blk, int32_t dim, const float *q, int32_t n, float *out) {
  for (int32_t i = 0; i < n; i++) {
    float acc[ES_BLOCK] = {0};
    const float *row = q + (int64_t)i * dim;
    for (int32_t d = 0; d < dim; d++) {
      const float a = row[d];
      const float *p = blk + (int64_t)d * ES_BLOCK;
      for (int32_t j = 0; j < ES_BLOCK; j++) {
        acc[j] += a * p[j];
      }
    }
    for (int32_t j = 0; j < ES_BLOCK; j++) {
      out[i * ES_BLOCK + j] = acc[j];
    }
  }
}

static void tile_i8(const int8_t *blk, int32_t pdim, const int8_t *q, const int32_t *qsum,
                    int32_t n, int32_t *out) {
  (void)qsum;
  for (int32_t i = 0; i < n; i++) {
    int32_t acc[ES_BLOCK] = {0};
    const int8_t *row = q + (int64_t)i * pdim;
    for (int32_t g = 0; g < pdim; g += EDGESSL_INT8_GROUP) {
      const int8_t *p = blk + (int64_t)g * ES_BLOCK;
      for (int32_t j = 0; j < ES_BLOCK; j++) {
        acc[j] += row[g] * p[4 * j] + row[g + 1] * p[4 * j + 1] + row[g + 2] * p[4 * j + 2] +
                  row[g + 3] * p[4 * j + 3];
      }
    }
    for (int32_t j = 0; j < ES_BLOCK; j++) {
      out[i * ES_BLOCK + j] = acc[j];
    }
  }
}

static void knn_f32(const float *bank, int32_t count, int32_t dim, int32_t block_begin,
                    int32_t block_end, const float *queries, int32_t query_count, int32_t k,
                    float *out_scores, int32_t *out_slots) {
  es_drive_f32(bank, count, dim, block_begin, block_end, queries, query_count, k, out_scores,
               out_slots, tile_f32, 4);
}

static void knn_i8(const int8_t *bank, const float *bank_scales, int32_t count, int32_t dim,
                   int32_t block_begin, int32_t block_end, const int8_t *queries,
                   const float *query_scales, int32_t query_count, int32_t k, float *out_scores,
                   int32_t *out_slots) {
  es_drive_i8(bank, bank_scales, count, dim, block_begin, block_end, queries, query_scales,
              query_count, k, out_scores, out_slots, tile_i8, 4);
}

const es_kernels es_kernels_portable = {"portable", knn_f32, knn_i8,
                                           es_preprocess_portable};
