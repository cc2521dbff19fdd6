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
  return t->knn_f32 != NULL && t->knn_i8 != NULL && cpu_has(variant);
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
