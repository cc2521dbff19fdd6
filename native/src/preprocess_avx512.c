/*
 * AVX-512 preprocessing (F, BW, DQ, VL; also the avx512-vnni variant's): sixteen output columns
 * per vector. Tap s of sixteen columns is one vpgatherdd of 32-bit words at their byte offsets
 * (the word at a pixel's luma position holds R, G, B or Y; at its chroma position U and V), from
 * which shifts and masks take the bytes; conversion and the weighted sums are the scalar pass's
 * operations, lane by lane, each product and sum rounded separately as in the Java kernel.
 * Rows where a 4-byte word could reach past the frame's end run the scalar pass.
 */
#include "internal.h"

#if defined(__x86_64__) || defined(_M_X64)

#include <immintrin.h>

ES_TARGET_BEGIN("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")

#include "preprocess_driver.h"

/* The byte at bit position `shift` of each 32-bit lane, as a float. */
ES_INLINE __m512 byte_at(__m512i words, int shift) {
  const __m512i b = _mm512_and_si512(_mm512_srlv_epi32(words, _mm512_set1_epi32(shift)),
                                     _mm512_set1_epi32(0xff));
  return _mm512_cvtepi32_ps(b);
}

ES_INLINE __m512i gather(const uint8_t *src, __m512i base, const int32_t *offsets) {
  const __m512i idx = _mm512_add_epi32(base, _mm512_loadu_si512((const void *)offsets));
  return _mm512_i32gather_epi32(idx, (const void *)src, 1);
}

/* Math.min(255f, Math.max(0f, v)), NaN passing through as in Java. */
ES_INLINE __m512 clamp255(__m512 v) {
  return _mm512_min_ps(_mm512_set1_ps(255.0f), _mm512_max_ps(_mm512_setzero_ps(), v));
}

ES_INLINE void hrow_gray(const es_pre *p, const es_strip *st, int64_t rl, es_pre_row out) {
  const __m512i bl = _mm512_set1_epi32((int32_t)rl);
  for (int32_t j = 0; j < st->np; j += 16) {
    __m512 acc = _mm512_setzero_ps();
    for (int32_t s = 0; s < p->taps; s++) {
      const __m512 y = byte_at(gather(p->src, bl, st->luma[s] + j), 0);
      acc = _mm512_add_ps(acc, _mm512_mul_ps(_mm512_loadu_ps(st->w[s] + j), y));
    }
    _mm512_storeu_ps(out[0] + j, acc);
  }
}

/* RGB-like formats: R at bit rs of the word at the luma position, G at 8, B at 16 - rs. */
ES_INLINE void hrow_rgb(const es_pre *p, const es_strip *st, int64_t rl, const int rs,
                        es_pre_row out) {
  const __m512i bl = _mm512_set1_epi32((int32_t)rl);
  for (int32_t j = 0; j < st->np; j += 16) {
    __m512 r = _mm512_setzero_ps(), g = _mm512_setzero_ps(), b = _mm512_setzero_ps();
    for (int32_t s = 0; s < p->taps; s++) {
      const __m512i px = gather(p->src, bl, st->luma[s] + j);
      const __m512 w = _mm512_loadu_ps(st->w[s] + j);
      r = _mm512_add_ps(r, _mm512_mul_ps(w, byte_at(px, rs)));
      g = _mm512_add_ps(g, _mm512_mul_ps(w, byte_at(px, 8)));
      b = _mm512_add_ps(b, _mm512_mul_ps(w, byte_at(px, 16 - rs)));
    }
    _mm512_storeu_ps(out[0] + j, r);
    _mm512_storeu_ps(out[1] + j, g);
    _mm512_storeu_ps(out[2] + j, b);
  }
}

/* YUV formats: Y is the low byte of the word at the luma position, U and V at bits us and vs of
 * the word at the chroma position. */
ES_INLINE void hrow_yuv(const es_pre *p, const es_strip *st, int64_t rl, int64_t rc, const int us,
                        const int vs, es_pre_row out) {
  const __m512i bl = _mm512_set1_epi32((int32_t)rl);
  const __m512i bc = _mm512_set1_epi32((int32_t)rc);
  const __m512 yo = _mm512_set1_ps(p->yuv[0]), ys = _mm512_set1_ps(p->yuv[1]),
               vr = _mm512_set1_ps(p->yuv[2]), ug = _mm512_set1_ps(p->yuv[3]),
               vg = _mm512_set1_ps(p->yuv[4]), ub = _mm512_set1_ps(p->yuv[5]);
  const __m512 c128 = _mm512_set1_ps(128.0f);
  for (int32_t j = 0; j < st->np; j += 16) {
    __m512 r = _mm512_setzero_ps(), g = _mm512_setzero_ps(), b = _mm512_setzero_ps();
    for (int32_t s = 0; s < p->taps; s++) {
      const __m512 y = byte_at(gather(p->src, bl, st->luma[s] + j), 0);
      const __m512i cw = gather(p->src, bc, st->chroma[s] + j);
      const __m512 u = _mm512_sub_ps(byte_at(cw, us), c128);
      const __m512 v = _mm512_sub_ps(byte_at(cw, vs), c128);
      const __m512 yy = _mm512_mul_ps(ys, _mm512_sub_ps(y, yo));
      const __m512 w = _mm512_loadu_ps(st->w[s] + j);
      const __m512 rr = clamp255(_mm512_add_ps(yy, _mm512_mul_ps(vr, v)));
      const __m512 gg =
          clamp255(_mm512_sub_ps(_mm512_sub_ps(yy, _mm512_mul_ps(ug, u)), _mm512_mul_ps(vg, v)));
      const __m512 bb = clamp255(_mm512_add_ps(yy, _mm512_mul_ps(ub, u)));
      r = _mm512_add_ps(r, _mm512_mul_ps(w, rr));
      g = _mm512_add_ps(g, _mm512_mul_ps(w, gg));
      b = _mm512_add_ps(b, _mm512_mul_ps(w, bb));
    }
    _mm512_storeu_ps(out[0] + j, r);
    _mm512_storeu_ps(out[1] + j, g);
    _mm512_storeu_ps(out[2] + j, b);
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
    const __m512 kr = _mm512_set1_ps(0.299f), kg = _mm512_set1_ps(0.587f),
                 kb = _mm512_set1_ps(0.114f);
    for (int32_t j = 0; j < st->np; j += 16) {
      const __m512 l = _mm512_add_ps(
          _mm512_add_ps(_mm512_mul_ps(kr, _mm512_loadu_ps(out[0] + j)),
                        _mm512_mul_ps(kg, _mm512_loadu_ps(out[1] + j))),
          _mm512_mul_ps(kb, _mm512_loadu_ps(out[2] + j)));
      _mm512_storeu_ps(out[3] + j, l);
    }
  }
}

void es_preprocess_avx512(const es_pre *p, int32_t y_begin, int32_t y_end) {
  es_pre_drive(p, y_begin, y_end, hrow);
}

ES_TARGET_END

#endif
