/*
 * Exported entry points: CPU detection, argument checks, dispatch to a variant's kernels.
 *
 * The CPU is probed on each call of edgessl_variant_supported (a few loads from libgcc's cached
 * cpuid results, or one getauxval): there is no global state to initialize or to race on.
 */
#include <math.h>
#include <stddef.h>

#include "internal.h"

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#elif defined(__aarch64__) && defined(__APPLE__)
#include <sys/sysctl.h>
#endif

static const es_kernels *const TABLES[EDGESSL_VARIANT_COUNT] = {
    &es_kernels_portable, &es_kernels_avx2, &es_kernels_avx512,
    &es_kernels_avx512_vnni, &es_kernels_neon, &es_kernels_neon_dotprod,
};

static int cpu_has(int32_t variant) {
  switch (variant) {
    case EDGESSL_VARIANT_PORTABLE:
      return 1;
#if (defined(__x86_64__) || defined(_M_X64)) && defined(__GNUC__)
    case EDGESSL_VARIANT_AVX2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case EDGESSL_VARIANT_AVX512:
      return cpu_has(EDGESSL_VARIANT_AVX2) && __builtin_cpu_supports("avx512f") &&
             __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("avx512vl");
    case EDGESSL_VARIANT_AVX512_VNNI:
      return cpu_has(EDGESSL_VARIANT_AVX512) && __builtin_cpu_supports("avx512vnni");
#endif
#if defined(__aarch64__)
    case EDGESSL_VARIANT_NEON:
      return 1; /* mandatory in ARMv8-A */
    case EDGESSL_VARIANT_NEON_DOTPROD: {
#if defined(__linux__)
      return (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0;
#elif defined(__APPLE__)
      int v = 0;
      size_t n = sizeof v;
      return sysctlbyname("hw.optional.arm.FEAT_DotProd", &v, &n, NULL, 0) == 0 && v != 0;
#else
      return 0;
#endif
    }
#endif
    default:
      return 0;
  }
}

int32_t edgessl_abi_version(void) { return EDGESSL_ABI_VERSION; }

int32_t edgessl_variant_supported(int32_t variant) {
  if (variant < 0 || variant >= EDGESSL_VARIANT_COUNT) {
    return 0;
  }
  const es_kernels *t = TABLES[variant];
  return t->knn_f32 != NULL && t->knn_i8 != NULL && t->preprocess != NULL && cpu_has(variant);
}

int32_t edgessl_variant_best(void) {
  static const int32_t preference[] = {
      EDGESSL_VARIANT_AVX512_VNNI, EDGESSL_VARIANT_AVX512,  EDGESSL_VARIANT_AVX2,
      EDGESSL_VARIANT_NEON_DOTPROD, EDGESSL_VARIANT_NEON,
  };
  for (size_t i = 0; i < sizeof preference / sizeof preference[0]; i++) {
    if (edgessl_variant_supported(preference[i])) {
      return preference[i];
    }
  }
  return EDGESSL_VARIANT_PORTABLE;
}

const char *edgessl_variant_name(int32_t variant) {
  if (variant < 0 || variant >= EDGESSL_VARIANT_COUNT) {
    return NULL;
  }
  return TABLES[variant]->name;
}

int32_t edgessl_int8_padded_dim(int32_t dim) {
  if (dim < 1 || dim > EDGESSL_INT8_MAX_DIM) {
    return -1;
  }
  return (dim + EDGESSL_INT8_GROUP - 1) / EDGESSL_INT8_GROUP * EDGESSL_INT8_GROUP;
}

/* Checks shared by both searches; on success the outputs are reset when asked. */
static int32_t check_search(int32_t count, int32_t dim, int32_t block_begin, int32_t block_end,
                            const void *bank, const void *queries, int32_t query_count, int32_t k,
                            float *out_scores, int32_t *out_slots, int32_t flags) {
  if (count < 0 || dim < 1 || k < 1 || query_count < 0 || (flags & ~EDGESSL_KNN_INIT) != 0) {
    return EDGESSL_ERR_ARGUMENT;
  }
  const int64_t blocks = ((int64_t)count + ES_BLOCK - 1) / ES_BLOCK;
  if (block_begin < 0 || block_begin > block_end || block_end > blocks) {
    return EDGESSL_ERR_ARGUMENT;
  }
  if (query_count > 0 && (queries == NULL || out_scores == NULL || out_slots == NULL)) {
    return EDGESSL_ERR_ARGUMENT;
  }
  if (block_begin < block_end && bank == NULL) {
    return EDGESSL_ERR_ARGUMENT;
  }
  if (flags & EDGESSL_KNN_INIT) {
    const int64_t n = (int64_t)query_count * k;
    for (int64_t i = 0; i < n; i++) {
      out_scores[i] = -INFINITY;
      out_slots[i] = -1;
    }
  }
  return EDGESSL_OK;
}

int32_t edgessl_knn_search_f32(int32_t variant, const float *bank, int32_t count, int32_t dim,
                               int32_t block_begin, int32_t block_end, const float *queries,
                               int32_t query_count, int32_t k, float *out_scores,
                               int32_t *out_slots, int32_t flags) {
  if (!edgessl_variant_supported(variant)) {
    return EDGESSL_ERR_VARIANT;
  }
  const int32_t rc = check_search(count, dim, block_begin, block_end, bank, queries, query_count,
                                  k, out_scores, out_slots, flags);
  if (rc != EDGESSL_OK) {
    return rc;
  }
  if (query_count > 0 && block_begin < block_end) {
    TABLES[variant]->knn_f32(bank, count, dim, block_begin, block_end, queries, query_count, k,
                             out_scores, out_slots);
  }
  return EDGESSL_OK;
}

int32_t edgessl_knn_search_i8(int32_t variant, const int8_t *bank, const float *bank_scales,
                              int32_t count, int32_t dim, int32_t block_begin, int32_t block_end,
                              const int8_t *queries, const float *query_scales,
                              int32_t query_count, int32_t k, float *out_scores,
                              int32_t *out_slots, int32_t flags) {
  if (!edgessl_variant_supported(variant)) {
    return EDGESSL_ERR_VARIANT;
  }
  if (dim > EDGESSL_INT8_MAX_DIM || (block_begin < block_end && bank_scales == NULL) ||
      (query_count > 0 && query_scales == NULL)) {
    return EDGESSL_ERR_ARGUMENT;
  }
  const int32_t rc = check_search(count, dim, block_begin, block_end, bank, queries, query_count,
                                  k, out_scores, out_slots, flags);
  if (rc != EDGESSL_OK) {
    return rc;
  }
  if (query_count > 0 && block_begin < block_end) {
    TABLES[variant]->knn_i8(bank, bank_scales, count, dim, block_begin, block_end, queries,
                            query_scales, query_count, k, out_scores, out_slots);
  }
  return EDGESSL_OK;
}

/* ---- preprocessing ---- */

/* Bytes read from a luma and from a chroma position, per format. */
static const int32_t LUMA_BYTES[EDGESSL_FORMAT_COUNT] = {3, 3, 3, 3, 1, 1, 1, 1};
static const int32_t CHROMA_BYTES[EDGESSL_FORMAT_COUNT] = {0, 0, 0, 0, 0, 2, 2, 3};

/* Smallest and largest of the luma (k = 0) or chroma (k = 1) entries of n pairs. */
static void pair_range(const int32_t *pairs, int64_t n, int k, int64_t *lo, int64_t *hi) {
  int32_t a = INT32_MAX, b = INT32_MIN;
  for (int64_t i = 0; i < n; i++) {
    const int32_t v = pairs[2 * i + k];
    a = v < a ? v : a;
    b = v > b ? v : b;
  }
  *lo = a;
  *hi = b;
}

int32_t edgessl_preprocess_check(const uint8_t *src, int64_t src_size, int32_t format,
                                 const float *yuv, const int32_t *row_offsets, int32_t rows,
                                 int32_t taps, int32_t out_height, int32_t y_begin, int32_t y_end,
                                 const int32_t *row_taps, const float *row_weights,
                                 int32_t out_width, const int32_t *col_offsets,
                                 const float *col_weights, int32_t channel_count,
                                 const int32_t *channels, const float *scale, const float *bias) {
  if (format < 0 || format >= EDGESSL_FORMAT_COUNT || taps < 1 ||
      taps > EDGESSL_PREPROCESS_MAX_TAPS || out_height < 0 || out_width < 0 || y_begin < 0 ||
      y_begin > y_end || y_end > out_height || channel_count < 1 || src_size < 0 ||
      channels == NULL || scale == NULL || bias == NULL) {
    return EDGESSL_ERR_ARGUMENT;
  }
  for (int32_t c = 0; c < channel_count; c++) {
    if (channels[c] < 0 || channels[c] >= EDGESSL_COMPONENT_COUNT) {
      return EDGESSL_ERR_ARGUMENT;
    }
  }
  if (y_begin == y_end || out_width == 0) {
    return EDGESSL_OK; /* nothing is read */
  }
  if (src == NULL || row_offsets == NULL || rows < 1 || row_taps == NULL || row_weights == NULL ||
      col_offsets == NULL || col_weights == NULL || (CHROMA_BYTES[format] > 0 && yuv == NULL)) {
    return EDGESSL_ERR_ARGUMENT;
  }
  /* Row taps: inside [0, rows), neighbours 0 or 1 apart, first and last never decreasing (the
   * ring of the kernels relies on it). Luma and chroma offsets of the rows they name. */
  int64_t rl_lo = INT64_MAX, rl_hi = INT64_MIN, rc_lo = INT64_MAX, rc_hi = INT64_MIN;
  int32_t prev_first = INT32_MIN, prev_last = INT32_MIN;
  for (int32_t y = y_begin; y < y_end; y++) {
    const int32_t *rt = row_taps + (int64_t)y * taps;
    for (int32_t t = 0; t < taps; t++) {
      const int32_t r = rt[t];
      if (r < 0 || r >= rows || (t > 0 && (r - rt[t - 1] < 0 || r - rt[t - 1] > 1))) {
        return EDGESSL_ERR_ARGUMENT;
      }
      const int64_t l = row_offsets[2 * (int64_t)r], ch = row_offsets[2 * (int64_t)r + 1];
      rl_lo = l < rl_lo ? l : rl_lo;
      rl_hi = l > rl_hi ? l : rl_hi;
      rc_lo = ch < rc_lo ? ch : rc_lo;
      rc_hi = ch > rc_hi ? ch : rc_hi;
    }
    if (rt[0] < prev_first || rt[taps - 1] < prev_last) {
      return EDGESSL_ERR_ARGUMENT;
    }
    prev_first = rt[0];
    prev_last = rt[taps - 1];
  }
  /* Every (row, column tap) pair is read, so the extremes of the sums are the sums of the
   * extremes: the frame holds every sample exactly when it holds these. */
  const int64_t n = (int64_t)out_width * taps;
  int64_t cl_lo, cl_hi, cc_lo, cc_hi;
  pair_range(col_offsets, n, 0, &cl_lo, &cl_hi);
  if (rl_lo + cl_lo < 0 || rl_hi + cl_hi + LUMA_BYTES[format] > src_size) {
    return EDGESSL_ERR_ARGUMENT;
  }
  if (CHROMA_BYTES[format] > 0) {
    pair_range(col_offsets, n, 1, &cc_lo, &cc_hi);
    if (rc_lo + cc_lo < 0 || rc_hi + cc_hi + CHROMA_BYTES[format] > src_size) {
      return EDGESSL_ERR_ARGUMENT;
    }
  }
  return EDGESSL_OK;
}

int32_t edgessl_preprocess(int32_t variant, const uint8_t *src, int64_t src_size, int32_t format,
                           const float *yuv, const int32_t *row_offsets, int32_t rows,
                           int32_t taps, int32_t out_height, int32_t y_begin, int32_t y_end,
                           const int32_t *row_taps, const float *row_weights, int32_t out_width,
                           const int32_t *col_offsets, const float *col_weights,
                           int32_t channel_count, const int32_t *channels, const float *scale,
                           const float *bias, float *dst) {
  if (!edgessl_variant_supported(variant)) {
    return EDGESSL_ERR_VARIANT;
  }
  const int32_t rc = edgessl_preprocess_check(src, src_size, format, yuv, row_offsets, rows, taps,
                                              out_height, y_begin, y_end, row_taps, row_weights,
                                              out_width, col_offsets, col_weights, channel_count,
                                              channels, scale, bias);
  if (rc != EDGESSL_OK) {
    return rc;
  }
  if (y_begin == y_end || out_width == 0) {
    return EDGESSL_OK;
  }
  if (dst == NULL) {
    return EDGESSL_ERR_ARGUMENT;
  }
  const es_pre p = {src,        src_size,    format,        yuv,      row_offsets, rows,
                    taps,       out_height,  row_taps,      row_weights, out_width, col_offsets,
                    col_weights, channel_count, channels,   scale,    bias,        dst};
  TABLES[variant]->preprocess(&p, y_begin, y_end);
  return EDGESSL_OK;
}
