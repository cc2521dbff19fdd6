/*
 * AArch64 Advanced SIMD preprocessing (also the neon-dotprod variant's). NEON has no gather, so
 * the bytes of sixteen output columns' tap are loaded one by one into a vector register's worth
 * of bytes, then widened and converted four lanes at a time; conversion and the weighted sums are
 * the scalar pass's operations lane by lane, multiplies and adds kept separate (-ffp-contract=off
 * keeps the compiler from fusing them), so the results equal the Java kernel's. Only the bytes
 * the contract names are read, so no row needs the scalar pass.
 */
#include "internal.h"

#if defined(__aarch64__)

#include <arm_neon.h>

#include "preprocess_driver.h"

/* Sixteen bytes, one per lane j..j+15: src[base + offsets[l]]. */
ES_INLINE uint8x16_t load16(const uint8_t *src, int64_t base, const int32_t *offsets, int add) {
  uint8_t b[16];
  for (int l = 0; l < 16; l++) {
    b[l] = src[base + offsets[l] + add];
  }
  return vld1q_u8(b);
}

/* Lanes 4q..4q+3 of sixteen bytes, as floats. */
ES_INLINE void widen(uint8x16_t v, float32x4_t out[4]) {
  const uint16x8_t lo = vmovl_u8(vget_low_u8(v));
  const uint16x8_t hi = vmovl_u8(vget_high_u8(v));
  out[0] = vcvtq_f32_u32(vmovl_u16(vget_low_u16(lo)));
  out[1] = vcvtq_f32_u32(vmovl_u16(vget_high_u16(lo)));
  out[2] = vcvtq_f32_u32(vmovl_u16(vget_low_u16(hi)));
  out[3] = vcvtq_f32_u32(vmovl_u16(vget_high_u16(hi)));
}

ES_INLINE float32x4_t clamp255(float32x4_t v) {
  /* Math.max(0f, v), Math.min(255f, .): v < 0 selects 0, v > 255 selects 255, NaN stays. */
  v = vbslq_f32(vcltq_f32(v, vdupq_n_f32(0.0f)), vdupq_n_f32(0.0f), v);
  return vbslq_f32(vcgtq_f32(v, vdupq_n_f32(255.0f)), vdupq_n_f32(255.0f), v);
}

ES_INLINE float32x4_t madd(float32x4_t acc, float32x4_t w, float32x4_t x) {
  return vaddq_f32(acc, vmulq_f32(w, x));
}

static void hrow(const es_pre *p, const es_strip *st, int64_t rl, int64_t rc, int need_luma,
                 es_pre_row out) {
  const uint8_t *src = p->src;
  const int32_t T = p->taps;
  const int32_t format = p->format;
  if (format == EDGESSL_FORMAT_GRAY) {
    for (int32_t j = 0; j < st->np; j += 16) {
      float32x4_t acc[4] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f),
                            vdupq_n_f32(0.0f)};
      for (int32_t s = 0; s < T; s++) {
        float32x4_t y[4];
        widen(load16(src, rl, st->luma[s] + j, 0), y);
        for (int q = 0; q < 4; q++) {
          acc[q] = madd(acc[q], vld1q_f32(st->w[s] + j + 4 * q), y[q]);
        }
      }
      for (int q = 0; q < 4; q++) {
        vst1q_f32(out[0] + j + 4 * q, acc[q]);
      }
    }
    return;
  }
  const int yuv = es_pre_is_yuv(format);
  const int ri = es_pre_red(format);
  const int ui = es_pre_u_byte(format);
  const int vi = es_pre_v_byte(format);
  float32x4_t yo = vdupq_n_f32(0.0f), ys = yo, vr = yo, ug = yo, vg = yo, ub = yo;
  if (yuv) {
    yo = vdupq_n_f32(p->yuv[0]);
    ys = vdupq_n_f32(p->yuv[1]);
    vr = vdupq_n_f32(p->yuv[2]);
    ug = vdupq_n_f32(p->yuv[3]);
    vg = vdupq_n_f32(p->yuv[4]);
    ub = vdupq_n_f32(p->yuv[5]);
  }
  const float32x4_t c128 = vdupq_n_f32(128.0f);
  for (int32_t j = 0; j < st->np; j += 16) {
    float32x4_t r[4], g[4], b[4];
    for (int q = 0; q < 4; q++) {
      r[q] = g[q] = b[q] = vdupq_n_f32(0.0f);
    }
    for (int32_t s = 0; s < T; s++) {
      float32x4_t x0[4], x1[4], x2[4];
      if (yuv) {
        widen(load16(src, rl, st->luma[s] + j, 0), x0);
        widen(load16(src, rc, st->chroma[s] + j, ui), x1);
        widen(load16(src, rc, st->chroma[s] + j, vi), x2);
      } else {
        widen(load16(src, rl, st->luma[s] + j, ri), x0);
        widen(load16(src, rl, st->luma[s] + j, 1), x1);
        widen(load16(src, rl, st->luma[s] + j, 2 - ri), x2);
      }
      for (int q = 0; q < 4; q++) {
        const float32x4_t w = vld1q_f32(st->w[s] + j + 4 * q);
        if (yuv) {
          const float32x4_t yy = vmulq_f32(ys, vsubq_f32(x0[q], yo));
          const float32x4_t u = vsubq_f32(x1[q], c128);
          const float32x4_t v = vsubq_f32(x2[q], c128);
          r[q] = madd(r[q], w, clamp255(vaddq_f32(yy, vmulq_f32(vr, v))));
          g[q] = madd(g[q], w,
                      clamp255(vsubq_f32(vsubq_f32(yy, vmulq_f32(ug, u)), vmulq_f32(vg, v))));
          b[q] = madd(b[q], w, clamp255(vaddq_f32(yy, vmulq_f32(ub, u))));
        } else {
          r[q] = madd(r[q], w, x0[q]);
          g[q] = madd(g[q], w, x1[q]);
          b[q] = madd(b[q], w, x2[q]);
        }
      }
    }
    for (int q = 0; q < 4; q++) {
      vst1q_f32(out[0] + j + 4 * q, r[q]);
      vst1q_f32(out[1] + j + 4 * q, g[q]);
      vst1q_f32(out[2] + j + 4 * q, b[q]);
      if (need_luma) {
        const float32x4_t l =
            vaddq_f32(vaddq_f32(vmulq_n_f32(r[q], 0.299f), vmulq_n_f32(g[q], 0.587f)),
                      vmulq_n_f32(b[q], 0.114f));
        vst1q_f32(out[3] + j + 4 * q, l);
      }
    }
  }
}

void es_preprocess_neon(const es_pre *p, int32_t y_begin, int32_t y_end) {
  es_pre_drive(p, y_begin, y_end, hrow);
}

#endif
