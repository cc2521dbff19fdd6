/*
 * The loop nest shared by every variant's k-NN search, around that variant's micro-kernel.
 * Included by each variant file inside its target region, so it is compiled once per variant.
 *
 * For a chunk of queries that stays in cache, each bank block (64 slots) is read once from
 * memory and multiplied with tiles of queries by the micro-kernel (a GEMM-style register tile:
 * its accumulators never leave SIMD registers during the sum over the dimension); the tile's
 * 64 scores per query are then merged into that query's running top-k.
 */
#ifndef EDGESSL_KNN_DRIVER_H
#define EDGESSL_KNN_DRIVER_H

#include "internal.h"
#include "topk.h"

/* Most queries any variant's micro-kernel takes at once. */
#define ES_TILE_MAX 8

/* Scores of n queries (rows of dim floats at q) against the 64 slots of one block: out[i * 64 + j]. */
typedef void (*es_tile_f32_fn)(const float *blk, int32_t dim, const float *q, int32_t n, float *out);

/* Integer dot products of n INT8 queries (rows of pdim bytes at q, with qsum[i] the sum of row
 * i's codes, for kernels that need it) against the 64 slots of one block: out[i * 64 + j]. */
typedef void (*es_tile_i8_fn)(const int8_t *blk, int32_t pdim, const int8_t *q, const int32_t *qsum,
                              int32_t n, int32_t *out);

__attribute__((unused)) static void es_drive_f32(const float *bank, int32_t count, int32_t dim, int32_t block_begin,
                         int32_t block_end, const float *queries, int32_t query_count, int32_t k,
                         float *out_scores, int32_t *out_slots, es_tile_f32_fn tile,
                         int32_t tile_max) {
  float scores[ES_TILE_MAX * ES_BLOCK];
  int32_t filled[ES_QUERY_CHUNK];
  for (int32_t q0 = 0; q0 < query_count; q0 += ES_QUERY_CHUNK) {
    const int32_t qn = es_min(ES_QUERY_CHUNK, query_count - q0);
    for (int32_t i = 0; i < qn; i++) {
      filled[i] = es_topk_filled(out_slots + (int64_t)(q0 + i) * k, k);
    }
    for (int32_t b = block_begin; b < block_end; b++) {
      const int64_t first = (int64_t)b * ES_BLOCK;
      const int32_t valid = (int32_t)(count - first < ES_BLOCK ? count - first : ES_BLOCK);
      const float *blk = bank + first * dim;
      for (int32_t t = 0; t < qn; t += tile_max) {
        const int32_t tn = es_min(tile_max, qn - t);
        tile(blk, dim, queries + (int64_t)(q0 + t) * dim, tn, scores);
        for (int32_t i = 0; i < tn; i++) {
          const int64_t q = (int64_t)q0 + t + i;
          filled[t + i] = es_topk_merge(scores + i * ES_BLOCK, valid, (int32_t)first,
                                        out_scores + q * k, out_slots + q * k, k, filled[t + i]);
        }
      }
    }
  }
}

__attribute__((unused)) static void es_drive_i8(const int8_t *bank, const float *bank_scales, int32_t count, int32_t dim,
                        int32_t block_begin, int32_t block_end, const int8_t *queries,
                        const float *query_scales, int32_t query_count, int32_t k,
                        float *out_scores, int32_t *out_slots, es_tile_i8_fn tile,
                        int32_t tile_max) {
  const int32_t pdim = edgessl_int8_padded_dim(dim);
  int32_t dots[ES_TILE_MAX * ES_BLOCK];
  float scores[ES_BLOCK];
  int32_t filled[ES_QUERY_CHUNK];
  int32_t qsum[ES_QUERY_CHUNK];
  for (int32_t q0 = 0; q0 < query_count; q0 += ES_QUERY_CHUNK) {
    const int32_t qn = es_min(ES_QUERY_CHUNK, query_count - q0);
    for (int32_t i = 0; i < qn; i++) {
      const int8_t *row = queries + (int64_t)(q0 + i) * pdim;
      int32_t s = 0; /* |s| <= 127 * EDGESSL_INT8_MAX_DIM: no overflow */
      for (int32_t d = 0; d < pdim; d++) {
        s += row[d];
      }
      qsum[i] = s;
      filled[i] = es_topk_filled(out_slots + (int64_t)(q0 + i) * k, k);
    }
    for (int32_t b = block_begin; b < block_end; b++) {
      const int64_t first = (int64_t)b * ES_BLOCK;
      const int32_t valid = (int32_t)(count - first < ES_BLOCK ? count - first : ES_BLOCK);
      const int8_t *blk = bank + first * pdim;
      const float *sc = bank_scales + first;
      for (int32_t t = 0; t < qn; t += tile_max) {
        const int32_t tn = es_min(tile_max, qn - t);
        tile(blk, pdim, queries + (int64_t)(q0 + t) * pdim, qsum + t, tn, dots);
        for (int32_t i = 0; i < tn; i++) {
          const int64_t q = (int64_t)q0 + t + i;
          const float qs = query_scales[q];
          const int32_t *dq = dots + i * ES_BLOCK;
          /* The score's definition (edgessl.h); the same two roundings as the Java twin. */
          for (int32_t j = 0; j < valid; j++) {
            scores[j] = (float)dq[j] * (qs * sc[j]);
          }
          filled[t + i] = es_topk_merge(scores, valid, (int32_t)first, out_scores + q * k,
                                        out_slots + q * k, k, filled[t + i]);
        }
      }
    }
  }
}

#endif /* EDGESSL_KNN_DRIVER_H */
