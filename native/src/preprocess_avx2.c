/*
 * AVX2 preprocessing (Haswell, Zen and later): eight output columns per vector, otherwise as the
 * AVX-512 kernel (preprocess_avx512.c): one vpgatherdd of 32-bit words per tap and vector, bytes
 * taken out by shifts and masks, the scalar pass's operations lane by lane, no fused
 * multiply-add. Rows where a 4-byte word could reach past the frame's end run the scalar pass.
 */
#include "internal.h"

#if defined(__x86_64__) || defined(_M_X64)

#include <immintrin.h>

ES_TARGET_BEGIN("avx2,fma")

#include "preprocess_driver.h"

ES_INLINE __m256 byte_at(__m256i words, int shift) {
  const __m256i b = _mm256_and_si256(_mm256_srlv_epi32(words, _mm256_set1_epi32(shift)),
                                     _mm256_set1_epi32(0xff));
  return _mm256_cvtepi32_ps(b);
}

ES_INLINE __m256i gather(const uint8_t *src, __m256i base, const int32_t *offsets) {
  const __m256i idx = _mm256_add_epi32(base, _mm256_loadu_si256((const __m256i *)offsets));
  return _mm256_i32gather_epi32((const int *)(const void *)src, idx, 1);
}

ES_INLINE __m256 clamp255(__m256 v) {
  return _mm256_min_ps(_mm256_set1_ps(255.0f), _mm256_max_ps(_mm256_setzero_ps(), v));
}

ES_INLINE void hrow_gray(const es_pre *p, const es_strip *st, int64_t rl, es_pre_row out) {
  const __m256i bl = _mm256_set1_epi32((int32_t)rl);
  for (int32_t j = 0; j < st->np; j += 8) {
    __m256 acc = _mm256_setzero_ps();
    for (int32_t s = 0; s < p->taps; s++) {
      const __m256 y = byte_at(gather(p->src, bl, st->luma[s] + j), 0);
      acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_loadu_ps(st->w[s] + j), y));
    }
    _mm256_storeu_ps(out[0] + j, acc);
  }
}

ES_INLINE void hrow_rgb(const es_pre *p, const es_strip *st, int64_t rl, const int rs,
                        es_pre_row out) {
  const __m256i bl = _mm256_set1_epi32((int32_t)rl);
  for (int32_t j = 0; j < st->np; j += 8) {
    __m256 r = _mm256_setzero_ps(), g = _mm256_setzero_ps(), b = _mm256_setzero_ps();
    for (int32_t s = 0; s < p->taps; s++) {
      const __m256i px = gather(p->src, bl, st->luma[s] + j);
      const __m256 w = _mm256_loadu_ps(st->w[s] + j);
      r = _mm256_add_ps(r, _mm256_mul_ps(w, byte_at(px, rs)));
      g = _mm256_add_ps(g, _mm256_mul_ps(w, byte_at(px, 8)));
      b = _mm256_add_ps(b, _mm256_mul_ps(w, byte_at(px, 16 - rs)));
    }
    _mm256_storeu_ps(out[0] + j, r);
    _mm256_storeu_ps(out[1] + j, g);
    _mm256_storeu_ps(out[2] + j, b);
  }
}

ES_INLINE void hrow_yuv(const es_pre *p, const es_strip *st, int64_t rl, int64_t rc, const int us,
                        const int vs, es_pre_row out) {
  const __m256i bl = _mm256_set1_epi32((int32_t)rl);
  const __m256i bc = _mm256_set1_epi32((int32_t)rc);
  const __m256 yo = _mm256_set1_ps(p->yuv[0]), ys = _mm256_set1_ps(p->yuv[1]),
               vr = _mm256_set1_ps(p->yuv[2]), ug = _mm256_set1_ps(p->yuv[3]),
               vg = _mm256_set1_ps(p->yuv[4]), ub = _mm256_set1_ps(p->yuv[5]);
  const __m256 c128 = _mm256_set1_ps(128.0f);
  for (int32_t j = 0; j < st->np; j += 8) {
    __m256 r = _mm256_setzero_ps(), g = _mm256_setzero_ps(), b = _mm256_setzero_ps();
    for (int32_t s = 0; s < p->taps; s++) {
      const __m256 y = byte_at(gather(p->src, bl, st->luma[s] + j), 0);
      const __m256i cw = gather(p->src, bc, st->chroma[s] + j);
      const __m256 u = _mm256_sub_ps(byte_at(cw, us), c128);
      const __m256 v = _mm256_sub_ps(byte_at(cw, vs), c128);
      const __m256 yy = _mm256_mul_ps(ys, _mm256_sub_ps(y, yo));
      const __m256 w = _mm256_loadu_ps(st->w[s] + j);
      const __m256 rr = clamp255(_mm256_add_ps(yy, _mm256_mul_ps(vr, v)));
      const __m256 gg =
          clamp255(_mm256_sub_ps(_mm256_sub_ps(yy, _mm256_mul_ps(ug, u)), _mm256_mul_ps(vg, v)));
      const __m256 bb = clamp255(_mm256_add_ps(yy, _mm256_mul_ps(ub, u)));
      r = _mm256_add_ps(r, _mm256_mul_ps(w, rr));
      g = _mm256_add_ps(g, _mm256_mul_ps(w, gg));
      b = _mm256_add_ps(b, _mm256_mul_ps(w, bb));
    }
    _mm256_storeu_ps(out[0] + j, r);
    _mm256_storeu_ps(out[1] + j, g);
    _mm256_storeu_ps(out[2] + j, b);
  }
}

static void hrow(const es_pre *p, const es_strip *st, int64_t rl, int64_t rc, int need_luma,
                 es_pre_row out) {
  if (!es_pre_gather_safe(p, st, rl, rc)) {
    es_pre_hrow_scalar(p, st, rl, rc, need_luma, out);
    return;
  }
  switch (p->format) {
    case EDGESSL_FORMAT_GRAY: hrow_gray(p, st, rl, out); return;
    case EDGESSL_FORMAT_RGB:
    case EDGESSL_FORMAT_RGBA: hrow_rgb(p, st, rl, 0, out); break;
    case EDGESSL_FORMAT_BGR:
    case EDGESSL_FORMAT_BGRA: hrow_rgb(p, st, rl, 16, out); break;
    case EDGESSL_FORMAT_NV12: hrow_yuv(p, st, rl, rc, 0, 8, out); break;
    case EDGESSL_FORMAT_NV21: hrow_yuv(p, st, rl, rc, 8, 0, out); break;
    default: hrow_yuv(p, st, rl, rc, 0, 16, out); break; /* YUYV */
  }
  if (need_luma) {
    const __m256 kr = _mm256_set1_ps(0.299f), kg = _mm256_set1_ps(0.587f),
                 kb = _mm256_set1_ps(0.114f);
    for (int32_t j = 0; j < st->np; j += 8) {
      const __m256 l = _mm256_add_ps(
          _mm256_add_ps(_mm256_mul_ps(kr, _mm256_loadu_ps(out[0] + j)),
                        _mm256_mul_ps(kg, _mm256_loadu_ps(out[1] + j))),
          _mm256_mul_ps(kb, _mm256_loadu_ps(out[2] + j)));
      _mm256_storeu_ps(out[3] + j, l);
    }
  }
}

void es_preprocess_avx2(const es_pre *p, int32_t y_begin, int32_t y_end) {
  es_pre_drive(p, y_begin, y_end, hrow);
}

ES_TARGET_END

#endif
