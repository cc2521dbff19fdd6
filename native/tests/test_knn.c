/*
 * Unit tests of the k-NN kernels: every variant this CPU runs against a scalar reference written
 * here from the contract in edgessl.h (not from the kernels), on awkward shapes.
 *   - INT8: scores and slots equal bit for bit (integer dot products, then the same two float
 *     roundings).
 *   - FP32 on a grid of quarters: every product and partial sum is exact, so fused and unfused
 *     arithmetic agree and scores, slots and tie order must be equal bit for bit.
 *   - FP32 on Gaussian data: the portable variant equals the reference bit for bit; SIMD
 *     variants (fused multiply-add) stay within the rounding bound below, and differ in slots
 *     only where the reference's scores are that close (a genuine near-tie).
 * Run under AddressSanitizer and UndefinedBehaviorSanitizer by the Maven build.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edgessl.h"
#include "edgessl_cuda.h" /* the CUDA header parses as C too */

static int failures;
static int checks;

#define CHECK(cond, ...)                                   \
  do {                                                     \
    checks++;                                              \
    if (!(cond)) {                                         \
      if (failures++ < 20) {                               \
        fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);    \
        fprintf(stderr, __VA_ARGS__);                      \
        fputc('\n', stderr);                               \
      }                                                    \
    }                                                      \
  } while (0)

/* ---- deterministic random numbers (splitmix64) ---- */
static uint64_t rng_state = 42;
static uint64_t next_u64(void) {
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static double uniform(void) { return (next_u64() >> 11) * 0x1.0p-53; }
static float gaussian(void) {
  double u = uniform(), v = uniform();
  return (float)(sqrt(-2.0 * log(u + 1e-300)) * cos(6.283185307179586 * v));
}
static int32_t rand_int(int32_t lo, int32_t hi) { /* inclusive */
  return lo + (int32_t)(next_u64() % (uint64_t)(hi - lo + 1));
}

static void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n == 0 ? 1 : n, size);
  if (p == NULL) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  return p;
}

static int64_t blocks_of(int32_t count) { return ((int64_t)count + 63) / 64; }

/* ---- packing, as documented in edgessl.h ---- */
static float *pack_f32(const float *rows, int32_t n, int32_t dim) {
  float *p = xcalloc((size_t)(blocks_of(n) * 64 * dim), sizeof(float));
  for (int32_t s = 0; s < n; s++) {
    for (int32_t d = 0; d < dim; d++) {
      p[(int64_t)(s / 64) * dim * 64 + (int64_t)d * 64 + s % 64] = rows[(int64_t)s * dim + d];
    }
  }
  return p;
}

static int8_t *pack_i8(const int8_t *rows, int32_t n, int32_t dim) {
  const int32_t pdim = edgessl_int8_padded_dim(dim);
  int8_t *p = xcalloc((size_t)(blocks_of(n) * 64 * pdim), 1);
  for (int32_t s = 0; s < n; s++) {
    for (int32_t d = 0; d < dim; d++) {
      p[(int64_t)(s / 64) * pdim * 64 + (int64_t)(d / 4) * 256 + (s % 64) * 4 + d % 4] =
          rows[(int64_t)s * dim + d];
    }
  }
  return p;
}

/* ---- reference: one score at a time into a list with the documented tie rule ---- */
static void ref_insert(float x, int32_t slot, float *ts, int32_t *ti, int32_t k, int32_t *filled) {
  if (*filled == k && !(x > ts[k - 1])) {
    return;
  }
  int32_t pos = *filled < k ? (*filled)++ : k - 1;
  while (pos > 0 && x > ts[pos - 1]) {
    ts[pos] = ts[pos - 1];
    ti[pos] = ti[pos - 1];
    pos--;
  }
  ts[pos] = x;
  ti[pos] = slot;
}

static void ref_f32(const float *rows, int32_t n, int32_t dim, const float *q, int32_t nq,
                    int32_t k, float *os, int32_t *oi) {
  for (int32_t i = 0; i < nq; i++) {
    int32_t filled = 0;
    for (int32_t r = 0; r < k; r++) {
      os[(int64_t)i * k + r] = -INFINITY;
      oi[(int64_t)i * k + r] = -1;
    }
    for (int32_t s = 0; s < n; s++) {
      float acc = 0.0f;
      for (int32_t d = 0; d < dim; d++) {
        acc += q[(int64_t)i * dim + d] * rows[(int64_t)s * dim + d];
      }
      ref_insert(acc, s, os + (int64_t)i * k, oi + (int64_t)i * k, k, &filled);
    }
  }
}

static void ref_i8(const int8_t *rows, const float *scales, int32_t n, int32_t dim,
                   const int8_t *q, const float *qscales, int32_t nq, int32_t k, float *os,
                   int32_t *oi) {
  const int32_t pdim = edgessl_int8_padded_dim(dim);
  for (int32_t i = 0; i < nq; i++) {
    int32_t filled = 0;
    for (int32_t r = 0; r < k; r++) {
      os[(int64_t)i * k + r] = -INFINITY;
      oi[(int64_t)i * k + r] = -1;
    }
    for (int32_t s = 0; s < n; s++) {
      int64_t dot = 0;
      for (int32_t d = 0; d < dim; d++) {
        dot += (int64_t)q[(int64_t)i * pdim + d] * rows[(int64_t)s * dim + d];
      }
      const float score = (float)(int32_t)dot * (qscales[i] * scales[s]);
      ref_insert(score, s, os + (int64_t)i * k, oi + (int64_t)i * k, k, &filled);
    }
  }
}

static int32_t variants[EDGESSL_VARIANT_COUNT];
static int32_t variant_count;

/* ---- FP32 ---- */
static void test_f32_shape(int32_t n, int32_t dim, int32_t nq, int32_t k, int grid) {
  float *rows = xcalloc((size_t)n * dim, sizeof(float));
  float *q = xcalloc((size_t)nq * dim, sizeof(float));
  for (int64_t i = 0; i < (int64_t)n * dim; i++) {
    rows[i] = grid ? rand_int(-4, 4) / 4.0f : gaussian();
  }
  for (int64_t i = 0; i < (int64_t)nq * dim; i++) {
    q[i] = grid ? rand_int(-4, 4) / 4.0f : gaussian();
  }
  float *bank = pack_f32(rows, n, dim);
  float *es = xcalloc((size_t)nq * k, sizeof(float)), *as = xcalloc((size_t)nq * k, sizeof(float));
  int32_t *ei = xcalloc((size_t)nq * k, sizeof(int32_t)), *ai = xcalloc((size_t)nq * k, sizeof(int32_t));
  ref_f32(rows, n, dim, q, nq, k, es, ei);
  const int32_t blocks = (int32_t)blocks_of(n);

  for (int32_t v = 0; v < variant_count; v++) {
    const int32_t var = variants[v];
    const int exact = grid || var == EDGESSL_VARIANT_PORTABLE;
    int32_t rc = edgessl_knn_search_f32(var, bank, n, dim, 0, blocks, q, nq, k, as, ai,
                                        EDGESSL_KNN_INIT);
    CHECK(rc == EDGESSL_OK, "rc %d", rc);
    for (int32_t i = 0; i < nq; i++) {
      /* Rounding bound for a float dot product (Higham, eq. 3.5): |error| <= gamma_dim * sum|q_d b_d|,
       * twice for two differently rounded sums. */
      for (int32_t r = 0; r < k; r++) {
        const int64_t at = (int64_t)i * k + r;
        if (exact) {
          CHECK(ai[at] == ei[at] && memcmp(&as[at], &es[at], sizeof(float)) == 0,
                "%s f32 n=%d dim=%d nq=%d k=%d grid=%d q%d r%d: slot %d score %.9g, expected %d %.9g",
                edgessl_variant_name(var), n, dim, nq, k, grid, i, r, ai[at], as[at], ei[at],
                es[at]);
          continue;
        }
        if (ei[at] < 0) {
          CHECK(ai[at] == -1 && isinf(as[at]) && as[at] < 0, "unused entry");
          continue;
        }
        double mag = 0;
        for (int32_t d = 0; d < dim; d++) {
          mag += fabs((double)q[(int64_t)i * dim + d] * rows[(int64_t)ai[at] * dim + d]);
        }
        const double bound = 2.0 * dim * 0x1.0p-24 * mag + 1e-30;
        double exact_score = 0;
        for (int32_t d = 0; d < dim; d++) {
          exact_score += (double)q[(int64_t)i * dim + d] * rows[(int64_t)ai[at] * dim + d];
        }
        CHECK(fabs(as[at] - exact_score) <= bound, "%s score off: %.9g vs %.9g (bound %.3g)",
              edgessl_variant_name(var), as[at], exact_score, bound);
        if (ai[at] != ei[at]) {
          CHECK(fabs(as[at] - es[at]) <= 2 * bound, "%s slot %d instead of %d is no near-tie",
                edgessl_variant_name(var), ai[at], ei[at]);
        }
      }
    }
    /* The same search split into one call per block continues the lists exactly. */
    float *ss = xcalloc((size_t)nq * k, sizeof(float));
    int32_t *si = xcalloc((size_t)nq * k, sizeof(int32_t));
    for (int32_t b = 0; b < blocks || b == 0; b++) {
      rc = edgessl_knn_search_f32(var, bank, n, dim, b, b < blocks ? b + 1 : b, q, nq, k, ss, si,
                                  b == 0 ? EDGESSL_KNN_INIT : 0);
      CHECK(rc == EDGESSL_OK, "split rc %d", rc);
    }
    CHECK(memcmp(ss, as, (size_t)nq * k * sizeof(float)) == 0 &&
              memcmp(si, ai, (size_t)nq * k * sizeof(int32_t)) == 0,
          "%s f32: split search differs (n=%d dim=%d)", edgessl_variant_name(var), n, dim);
    free(ss);
    free(si);
  }
  free(rows), free(q), free(bank), free(es), free(as), free(ei), free(ai);
}

/* ---- INT8 ---- */
static void test_i8_shape(int32_t n, int32_t dim, int32_t nq, int32_t k, int32_t lo, int32_t hi) {
  const int32_t pdim = edgessl_int8_padded_dim(dim);
  int8_t *rows = xcalloc((size_t)n * dim, 1);
  int8_t *q = xcalloc((size_t)nq * pdim, 1); /* padding stays zero */
  float *scales = xcalloc((size_t)n, sizeof(float)), *qscales = xcalloc((size_t)nq, sizeof(float));
  for (int64_t i = 0; i < (int64_t)n * dim; i++) {
    rows[i] = (int8_t)rand_int(lo, hi);
  }
  for (int32_t i = 0; i < nq; i++) {
    for (int32_t d = 0; d < dim; d++) {
      q[(int64_t)i * pdim + d] = (int8_t)rand_int(lo, hi);
    }
    qscales[i] = (float)(uniform() / 127);
  }
  for (int32_t s = 0; s < n; s++) {
    scales[s] = s % 5 == 0 ? 1.0f / 127 : (float)(uniform() / 127); /* some exact ties */
  }
  int8_t *bank = pack_i8(rows, n, dim);
  float *es = xcalloc((size_t)nq * k, sizeof(float)), *as = xcalloc((size_t)nq * k, sizeof(float));
  int32_t *ei = xcalloc((size_t)nq * k, sizeof(int32_t)), *ai = xcalloc((size_t)nq * k, sizeof(int32_t));
  ref_i8(rows, scales, n, dim, q, qscales, nq, k, es, ei);
  const int32_t blocks = (int32_t)blocks_of(n);
  for (int32_t v = 0; v < variant_count; v++) {
    const int32_t var = variants[v];
    int32_t rc = edgessl_knn_search_i8(var, bank, scales, n, dim, 0, blocks, q, qscales, nq, k,
                                       as, ai, EDGESSL_KNN_INIT);
    CHECK(rc == EDGESSL_OK, "rc %d", rc);
    int same = memcmp(as, es, (size_t)nq * k * sizeof(float)) == 0 &&
               memcmp(ai, ei, (size_t)nq * k * sizeof(int32_t)) == 0;
    CHECK(same, "%s i8 n=%d dim=%d nq=%d k=%d codes [%d,%d]: first %d %.9g, expected %d %.9g",
          edgessl_variant_name(var), n, dim, nq, k, lo, hi, ai[0], as[0], ei[0], es[0]);
    if (blocks > 1) {
      float *ss = xcalloc((size_t)nq * k, sizeof(float));
      int32_t *si = xcalloc((size_t)nq * k, sizeof(int32_t));
      const int32_t mid = blocks / 2;
      rc = edgessl_knn_search_i8(var, bank, scales, n, dim, 0, mid, q, qscales, nq, k, ss, si,
                                 EDGESSL_KNN_INIT);
      rc |= edgessl_knn_search_i8(var, bank, scales, n, dim, mid, blocks, q, qscales, nq, k, ss,
                                  si, 0);
      CHECK(rc == EDGESSL_OK && memcmp(ss, as, (size_t)nq * k * sizeof(float)) == 0 &&
                memcmp(si, ai, (size_t)nq * k * sizeof(int32_t)) == 0,
            "%s i8: split search differs", edgessl_variant_name(var));
      free(ss);
      free(si);
    }
  }
  free(rows), free(q), free(scales), free(qscales), free(bank), free(es), free(as), free(ei),
      free(ai);
}

/* The largest INT8 dimension with the extreme codes: the VNNI correction wraps and unwraps. */
static void test_i8_extremes(void) {
  const int32_t dim = EDGESSL_INT8_MAX_DIM, n = 3, pdim = edgessl_int8_padded_dim(dim);
  int8_t *rows = xcalloc((size_t)n * dim, 1);
  int8_t *q = xcalloc((size_t)pdim, 1);
  float scales[3] = {1, 1, 1}, qs = 1, os[3], es[3];
  int32_t oi[3], ei[3];
  for (int32_t d = 0; d < dim; d++) {
    rows[d] = 127;
    rows[(int64_t)dim + d] = -127;
    rows[2 * (int64_t)dim + d] = (int8_t)(d % 2 ? 127 : -127);
    q[d] = -127;
  }
  int8_t *bank = pack_i8(rows, n, dim);
  ref_i8(rows, scales, n, dim, q, &qs, 1, 3, es, ei);
  CHECK(es[0] == (float)(127 * 127 * dim), "reference %.9g", es[0]);
  for (int32_t v = 0; v < variant_count; v++) {
    int32_t rc = edgessl_knn_search_i8(variants[v], bank, scales, n, dim, 0, 1, q, &qs, 1, 3, os,
                                       oi, EDGESSL_KNN_INIT);
    CHECK(rc == 0 && memcmp(os, es, sizeof os) == 0 && memcmp(oi, ei, sizeof oi) == 0,
          "%s extremes: %.9g %.9g %.9g", edgessl_variant_name(variants[v]), os[0], os[1], os[2]);
  }
  free(rows), free(q), free(bank);
}

/* ---- arguments ---- */
static void test_arguments(void) {
  float bank[64] = {0}, q[1] = {1}, os[2];
  int32_t oi[2];
  int8_t b8[256] = {0}, q8[4] = {1};
  float sc[1] = {1};
  const int32_t v = EDGESSL_VARIANT_PORTABLE, E = EDGESSL_ERR_ARGUMENT;
  CHECK(edgessl_knn_search_f32(v, bank, 1, 1, 0, 1, q, 1, 2, os, oi, 1) == 0, "valid call");
  CHECK(oi[0] == 0 && oi[1] == -1 && isinf(os[1]), "k > count leaves -1 / -inf");
  CHECK(edgessl_knn_search_f32(v, bank, -1, 1, 0, 0, q, 1, 1, os, oi, 1) == E, "count < 0");
  CHECK(edgessl_knn_search_f32(v, bank, 1, 0, 0, 1, q, 1, 1, os, oi, 1) == E, "dim 0");
  CHECK(edgessl_knn_search_f32(v, bank, 1, 1, 0, 1, q, 1, 0, os, oi, 1) == E, "k 0");
  CHECK(edgessl_knn_search_f32(v, bank, 1, 1, 0, 1, q, -1, 1, os, oi, 1) == E, "queries < 0");
  CHECK(edgessl_knn_search_f32(v, bank, 1, 1, 0, 2, q, 1, 1, os, oi, 1) == E, "block past end");
  CHECK(edgessl_knn_search_f32(v, bank, 1, 1, 1, 0, q, 1, 1, os, oi, 1) == E, "blocks reversed");
  CHECK(edgessl_knn_search_f32(v, bank, 1, 1, -1, 1, q, 1, 1, os, oi, 1) == E, "block < 0");
  CHECK(edgessl_knn_search_f32(v, NULL, 1, 1, 0, 1, q, 1, 1, os, oi, 1) == E, "null bank");
  CHECK(edgessl_knn_search_f32(v, bank, 1, 1, 0, 1, NULL, 1, 1, os, oi, 1) == E, "null queries");
  CHECK(edgessl_knn_search_f32(v, bank, 1, 1, 0, 1, q, 1, 1, NULL, oi, 1) == E, "null scores");
  CHECK(edgessl_knn_search_f32(v, bank, 1, 1, 0, 1, q, 1, 1, os, NULL, 1) == E, "null slots");
  CHECK(edgessl_knn_search_f32(v, bank, 1, 1, 0, 1, q, 1, 1, os, oi, 6) == E, "unknown flag");
  CHECK(edgessl_knn_search_f32(v, NULL, 0, 1, 0, 0, q, 1, 1, os, oi, 1) == 0, "empty bank");
  CHECK(oi[0] == -1, "empty bank gives no neighbour");
  CHECK(edgessl_knn_search_f32(-1, bank, 1, 1, 0, 1, q, 1, 1, os, oi, 1) == EDGESSL_ERR_VARIANT,
        "variant -1");
  CHECK(edgessl_knn_search_f32(EDGESSL_VARIANT_COUNT, bank, 1, 1, 0, 1, q, 1, 1, os, oi, 1) ==
            EDGESSL_ERR_VARIANT,
        "variant past the end");
  for (int32_t x = 0; x < EDGESSL_VARIANT_COUNT; x++) {
    if (!edgessl_variant_supported(x)) {
      CHECK(edgessl_knn_search_f32(x, bank, 1, 1, 0, 1, q, 1, 1, os, oi, 1) == EDGESSL_ERR_VARIANT,
            "unsupported variant %s refused", edgessl_variant_name(x));
      CHECK(edgessl_knn_search_i8(x, b8, sc, 1, 1, 0, 1, q8, sc, 1, 1, os, oi, 1) ==
                EDGESSL_ERR_VARIANT,
            "unsupported variant %s refused (i8)", edgessl_variant_name(x));
    }
  }
  CHECK(edgessl_knn_search_i8(v, b8, sc, 1, 1, 0, 1, q8, sc, 1, 1, os, oi, 1) == 0, "valid i8");
  CHECK(edgessl_knn_search_i8(v, b8, NULL, 1, 1, 0, 1, q8, sc, 1, 1, os, oi, 1) == E, "no scales");
  CHECK(edgessl_knn_search_i8(v, b8, sc, 1, 1, 0, 1, q8, NULL, 1, 1, os, oi, 1) == E, "no q scales");
  CHECK(edgessl_knn_search_i8(v, b8, sc, 1, EDGESSL_INT8_MAX_DIM + 1, 0, 1, q8, sc, 1, 1, os, oi, 1) == E,
        "i8 dim too large");
  CHECK(edgessl_int8_padded_dim(0) == -1 && edgessl_int8_padded_dim(1) == 4 &&
            edgessl_int8_padded_dim(8) == 8 && edgessl_int8_padded_dim(EDGESSL_INT8_MAX_DIM + 1) == -1,
        "padded dim");
  CHECK(edgessl_variant_name(-1) == NULL && edgessl_variant_name(EDGESSL_VARIANT_COUNT) == NULL,
        "unknown names");
  CHECK(edgessl_abi_version() == EDGESSL_ABI_VERSION, "abi");
  CHECK(edgessl_variant_supported(edgessl_variant_best()), "best is supported");
}

/* NaN and infinite inputs: any order, but no crash and only valid slots. */
static void test_non_finite(void) {
  const int32_t n = 70, dim = 5, k = 10;
  float rows[70 * 5], q[5], os[10];
  int32_t oi[10];
  for (int i = 0; i < n * dim; i++) {
    rows[i] = i % 7 == 0 ? NAN : i % 11 == 0 ? INFINITY : gaussian();
  }
  for (int i = 0; i < dim; i++) {
    q[i] = gaussian();
  }
  float *bank = pack_f32(rows, n, dim);
  for (int32_t v = 0; v < variant_count; v++) {
    CHECK(edgessl_knn_search_f32(variants[v], bank, n, dim, 0, 2, q, 1, k, os, oi, 1) == 0, "rc");
    for (int r = 0; r < k; r++) {
      CHECK(oi[r] >= -1 && oi[r] < n, "slot %d in range", oi[r]);
    }
  }
  free(bank);
}

int main(void) {
  for (int32_t v = 0; v < EDGESSL_VARIANT_COUNT; v++) {
    if (edgessl_variant_supported(v)) {
      variants[variant_count++] = v;
    }
  }
  printf("variants:");
  for (int32_t v = 0; v < variant_count; v++) {
    printf(" %s", edgessl_variant_name(variants[v]));
  }
  printf(" (best: %s)\n", edgessl_variant_name(edgessl_variant_best()));

  static const int32_t counts[] = {1, 7, 13, 63, 64, 65, 207, 702};
  static const int32_t dims[] = {1, 3, 4, 7, 13, 31, 64, 100};
  static const int32_t queries[] = {1, 5, 7, 13};
  for (size_t a = 0; a < sizeof counts / sizeof *counts; a++) {
    for (size_t b = 0; b < sizeof dims / sizeof *dims; b++) {
      const int32_t nq = queries[(a + b) % 4];
      const int32_t k = (int32_t)((a * 3 + b) % 3 == 0 ? 1 : (a + b) % 2 ? 5 : 20);
      test_f32_shape(counts[a], dims[b], nq, k, 1);
      test_f32_shape(counts[a], dims[b], nq, k, 0);
      test_i8_shape(counts[a], dims[b], nq, k, -127, 127);
      test_i8_shape(counts[a], dims[b], nq, k, -2, 2); /* many exact ties */
    }
  }
  test_f32_shape(300, 17, 7, 301, 0);    /* k > count */
  test_f32_shape(130, 33, 140, 20, 1);   /* several query chunks */
  test_f32_shape(150, 702, 9, 20, 0);    /* long sums */
  test_i8_shape(130, 33, 140, 20, -127, 127);
  test_i8_shape(100, 2100, 7, 5, -127, 127); /* several 16-bit segments (AVX2) */
  test_i8_shape(300, 17, 3, 301, -127, 127);
  test_i8_extremes();
  test_arguments();
  test_non_finite();

  printf("%d checks, %d failures\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
