/*
 * The loop nest shared by every variant's preprocessing kernel, around that variant's
 * horizontal pass. Included by each variant file inside its target region, so it is compiled
 * once per instruction set (the vertical pass below is vectorized by the compiler with it).
 *
 * The output is computed in strips of ES_PRE_STRIP columns, top to bottom. For a strip, the
 * column taps (byte offsets and weights) are first transposed on the stack, tap-major, so that a
 * SIMD lane is an output column: a vector of sixteen columns' tap s is one load of offsets, one
 * gather of pixels, one load of weights. Each upright row a strip needs is converted and resampled
 * horizontally once into a ring of T rows (slot row % T, as the Java kernel's ring), and each
 * output row is the weighted sum of its T ring rows, written straight into the output planes. A
 * strip touches a narrow band of columns of the frame, so a rotated frame (whose upright rows run
 * down the stored columns) keeps its working set in cache too. Everything lives on the stack:
 * about 14 KB.
 *
 * Arithmetic follows the contract in edgessl.h operation by operation, each product and sum
 * rounded to float (no fused multiply-add: the build passes -ffp-contract=off and the SIMD code
 * multiplies and adds separately), which makes every variant equal the Java kernel bit for bit.
 */
#ifndef EDGESSL_PREPROCESS_DRIVER_H
#define EDGESSL_PREPROCESS_DRIVER_H

#include "internal.h"

/* Output columns per strip, and the lane granularity every horizontal pass computes in. */
#define ES_PRE_STRIP 64
#define ES_PRE_LANES 16

typedef struct es_strip {
  int32_t n;  /* columns of this strip (1..ES_PRE_STRIP) */
  int32_t np; /* n rounded up to ES_PRE_LANES: lanes past n repeat column n - 1 */
  int32_t luma_max;
  int32_t chroma_max;
  int32_t luma[EDGESSL_PREPROCESS_MAX_TAPS][ES_PRE_STRIP];
  int32_t chroma[EDGESSL_PREPROCESS_MAX_TAPS][ES_PRE_STRIP];
  float w[EDGESSL_PREPROCESS_MAX_TAPS][ES_PRE_STRIP];
} es_strip;

/* One ring row: components R, G, B, luma (GRAY frames use component 0 for every channel). */
typedef float es_pre_row[EDGESSL_COMPONENT_COUNT][ES_PRE_STRIP];

/* Converts and resamples upright row (luma offset rl, chroma offset rc) for the strip's lanes
 * [0, st->np) into out; luma (component 3) only when need_luma. */
typedef void (*es_pre_hrow_fn)(const es_pre *p, const es_strip *st, int64_t rl, int64_t rc,
                               int need_luma, es_pre_row out);

/* Byte positions of R and B after a pixel's luma position (RGB-like formats), and the shifts of
 * U and V in the little-endian 32-bit word at the chroma position (YUV formats). */
ES_INLINE int es_pre_red(int32_t format) {
  return format == EDGESSL_FORMAT_RGB || format == EDGESSL_FORMAT_RGBA ? 0 : 2;
}
ES_INLINE int es_pre_u_byte(int32_t format) { return format == EDGESSL_FORMAT_NV21 ? 1 : 0; }
ES_INLINE int es_pre_v_byte(int32_t format) {
  return format == EDGESSL_FORMAT_NV12 ? 1 : (format == EDGESSL_FORMAT_NV21 ? 0 : 2);
}
ES_INLINE int es_pre_is_yuv(int32_t format) {
  return format == EDGESSL_FORMAT_NV12 || format == EDGESSL_FORMAT_NV21 ||
         format == EDGESSL_FORMAT_YUYV;
}

/* The scalar horizontal pass: the portable variant's, and what SIMD variants run for rows whose
 * 32-bit gathers could read past the end of the frame. Per tap, the bytes of all lanes are loaded
 * first (a scalar gather), then converted and accumulated in loops over the lanes that the
 * compiler vectorizes: written per sample, the clamps of random YUV pixels became mispredicted
 * branches (8 ms for a 720p NV12 frame against 1 ms this way). */
__attribute__((unused)) static void es_pre_hrow_scalar(const es_pre *p, const es_strip *st,
                                                       int64_t rl, int64_t rc, int need_luma,
                                                       es_pre_row out) {
  const int32_t T = p->taps;
  const uint8_t *src = p->src;
  const int32_t np = st->np;
  const int32_t format = p->format;
  const int gray = format == EDGESSL_FORMAT_GRAY;
  const int yuv = es_pre_is_yuv(format);
  const int ri = es_pre_red(format);
  const int ui = es_pre_u_byte(format);
  const int vi = es_pre_v_byte(format);
  float x0[ES_PRE_STRIP], x1[ES_PRE_STRIP], x2[ES_PRE_STRIP];
  float *const r = out[0];
  float *const g = out[1];
  float *const b = out[2];
  for (int32_t j = 0; j < np; j++) {
    r[j] = g[j] = b[j] = 0.0f;
  }
  for (int32_t s = 0; s < T; s++) {
    const int32_t *lo = st->luma[s];
    const int32_t *co = st->chroma[s];
    const float *w = st->w[s];
    if (gray) {
      for (int32_t j = 0; j < np; j++) {
        x0[j] = (float)src[rl + lo[j]];
      }
      for (int32_t j = 0; j < np; j++) {
        r[j] += w[j] * x0[j];
      }
      continue;
    }
    if (!yuv) {
      for (int32_t j = 0; j < np; j++) {
        const uint8_t *q = src + rl + lo[j];
        x0[j] = (float)q[ri];
        x1[j] = (float)q[1];
        x2[j] = (float)q[2 - ri];
      }
      for (int32_t j = 0; j < np; j++) {
        r[j] += w[j] * x0[j];
        g[j] += w[j] * x1[j];
        b[j] += w[j] * x2[j];
      }
      continue;
    }
    for (int32_t j = 0; j < np; j++) {
      const uint8_t *c = src + rc + co[j];
      x0[j] = (float)src[rl + lo[j]];
      x1[j] = (float)c[ui];
      x2[j] = (float)c[vi];
    }
    const float yo = p->yuv[0], ys = p->yuv[1], vr = p->yuv[2], ug = p->yuv[3], vg = p->yuv[4],
                ub = p->yuv[5];
    for (int32_t j = 0; j < np; j++) {
      const float yy = ys * (x0[j] - yo);
      const float u = x1[j] - 128.0f;
      const float v = x2[j] - 128.0f;
      /* Math.min(255f, Math.max(0f, x)), as selects the compiler turns into vector blends */
      float rr = yy + vr * v;
      float gg = yy - ug * u - vg * v;
      float bb = yy + ub * u;
      rr = rr < 0.0f ? 0.0f : rr;
      gg = gg < 0.0f ? 0.0f : gg;
      bb = bb < 0.0f ? 0.0f : bb;
      rr = rr > 255.0f ? 255.0f : rr;
      gg = gg > 255.0f ? 255.0f : gg;
      bb = bb > 255.0f ? 255.0f : bb;
      r[j] += w[j] * rr;
      g[j] += w[j] * gg;
      b[j] += w[j] * bb;
    }
  }
  if (need_luma) {
    for (int32_t j = 0; j < np; j++) {
      out[3][j] = 0.299f * r[j] + 0.587f * g[j] + 0.114f * b[j];
    }
  }
}

/* Whether 4-byte loads at every tap of the strip in this row stay inside the frame (and within
 * the reach of 32-bit gather indices): then a SIMD pass may gather 32-bit words. */
ES_INLINE int es_pre_gather_safe(const es_pre *p, const es_strip *st, int64_t rl, int64_t rc) {
  const int64_t end = p->src_size < INT32_MAX ? p->src_size : INT32_MAX;
  if (rl + st->luma_max + 4 > end) {
    return 0;
  }
  return !es_pre_is_yuv(p->format) || rc + st->chroma_max + 4 <= end;
}

/* One output row of one plane over the strip: the weighted sum of the window's ring rows, in
 * blocks of ES_PRE_LANES lanes whose fixed-size loops the compiler keeps in vector registers. */
ES_INLINE void es_pre_vertical(const es_pre_row *ring, const int32_t *rt, const float *rw,
                               int32_t T, int k, float sc, float bi, int32_t n, int32_t np,
                               float *out) {
  for (int32_t j0 = 0; j0 < np; j0 += ES_PRE_LANES) {
    float a[ES_PRE_LANES];
    const float *r0 = ring[rt[0] % T][k] + j0;
    const float w0 = rw[0];
    for (int l = 0; l < ES_PRE_LANES; l++) {
      a[l] = w0 * r0[l];
    }
    for (int32_t t = 1; t < T; t++) {
      const float *rr = ring[rt[t] % T][k] + j0;
      const float wt = rw[t];
      for (int l = 0; l < ES_PRE_LANES; l++) {
        a[l] += wt * rr[l];
      }
    }
    for (int l = 0; l < ES_PRE_LANES; l++) {
      a[l] = a[l] * sc + bi;
    }
    if (n - j0 >= ES_PRE_LANES) {
      for (int l = 0; l < ES_PRE_LANES; l++) {
        out[j0 + l] = a[l];
      }
    } else {
      for (int32_t l = 0; l < n - j0; l++) {
        out[j0 + l] = a[l];
      }
    }
  }
}

/* Output rows [y_begin, y_end) of every plane, strip by strip. */
__attribute__((unused)) static void es_pre_drive(const es_pre *p, int32_t y_begin, int32_t y_end,
                                                 es_pre_hrow_fn hrow) {
  const int32_t T = p->taps;
  const int32_t W = p->out_width;
  const int64_t plane = (int64_t)p->out_height * W;
  const int gray = p->format == EDGESSL_FORMAT_GRAY;
  int need_luma = 0;
  for (int32_t c = 0; c < p->channel_count; c++) {
    need_luma |= p->channels[c] == 3;
  }
  need_luma &= !gray;
  es_strip st;
  es_pre_row ring[EDGESSL_PREPROCESS_MAX_TAPS];
  for (int32_t x0 = 0; x0 < W; x0 += ES_PRE_STRIP) {
    const int32_t n = es_min(ES_PRE_STRIP, W - x0);
    const int32_t np = (n + ES_PRE_LANES - 1) / ES_PRE_LANES * ES_PRE_LANES;
    st.n = n;
    st.np = np;
    st.luma_max = INT32_MIN;
    st.chroma_max = INT32_MIN;
    for (int32_t s = 0; s < T; s++) {
      for (int32_t j = 0; j < np; j++) {
        const int64_t k = (int64_t)(x0 + (j < n ? j : n - 1)) * T + s;
        const int32_t l = p->col_offsets[2 * k];
        const int32_t ch = p->col_offsets[2 * k + 1];
        st.luma[s][j] = l;
        st.chroma[s][j] = ch;
        st.w[s][j] = p->col_weights[k];
        st.luma_max = l > st.luma_max ? l : st.luma_max;
        st.chroma_max = ch > st.chroma_max ? ch : st.chroma_max;
      }
    }
    /* Rows of the previous output row's window are still in the ring (see JavaImageKernels):
     * windows never move backwards and the rows of one window have distinct slots. */
    int32_t prev_first = -1;
    int32_t prev_last = -2;
    for (int32_t y = y_begin; y < y_end; y++) {
      const int32_t *rt = p->row_taps + (int64_t)y * T;
      const float *rw = p->row_weights + (int64_t)y * T;
      int32_t last = -1;
      for (int32_t t = 0; t < T; t++) {
        const int32_t row = rt[t];
        if (row == last || (row >= prev_first && row <= prev_last)) {
          continue;
        }
        last = row;
        hrow(p, &st, p->row_offsets[2 * (int64_t)row], p->row_offsets[2 * (int64_t)row + 1],
             need_luma, ring[row % T]);
      }
      prev_first = rt[0];
      prev_last = rt[T - 1];
      for (int32_t c = 0; c < p->channel_count; c++) {
        const int k = gray ? 0 : p->channels[c];
        es_pre_vertical(ring, rt, rw, T, k, p->scale[c], p->bias[c], n, np,
                        p->dst + c * plane + (int64_t)y * W + x0);
      }
    }
  }
}

#endif /* EDGESSL_PREPROCESS_DRIVER_H */
