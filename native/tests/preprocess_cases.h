/*
 * Preprocessing test cases shared by the C unit tests of the CPU kernels (test_preprocess.c) and
 * of the CUDA kernel (cuda/tests/test_preprocess_cuda.c): a reference written from the contract
 * in edgessl.h (per output pixel, no ring, no strips), tables as io.edgessl.image.Preprocessor
 * computes them for frames of every format and orientation, and random tables that keep the
 * contract in unusual ways. Test code: everything is static, included by one file each.
 */
#ifndef EDGESSL_TEST_PREPROCESS_CASES_H
#define EDGESSL_TEST_PREPROCESS_CASES_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edgessl.h"

/* Not every test uses every helper. */
#pragma GCC diagnostic ignored "-Wunused-function"

static int failures;
static int checks;

#define CHECK(cond, ...)                                \
  do {                                                  \
    checks++;                                           \
    if (!(cond)) {                                      \
      if (failures++ < 20) {                            \
        fprintf(stderr, "%s:%d: ", __FILE__, __LINE__); \
        fprintf(stderr, __VA_ARGS__);                   \
        fputc('\n', stderr);                            \
      }                                                 \
    }                                                   \
  } while (0)

/* ---- deterministic random numbers (splitmix64) ---- */
static uint64_t rng_state = 6;
static uint64_t next_u64(void) {
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static int32_t rand_int(int32_t lo, int32_t hi) { /* inclusive */
  return lo + (int32_t)(next_u64() % (uint64_t)(hi - lo + 1));
}
static float rand_float(float lo, float hi) {
  return lo + (hi - lo) * (float)((next_u64() >> 40) * 0x1.0p-24);
}

static void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n == 0 ? 1 : n, size);
  if (p == NULL) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  return p;
}

/* ---- the reference, from the contract ---- */
static float clampf(float v) {
  const float lo = v < 0.0f ? 0.0f : v;
  return lo > 255.0f ? 255.0f : lo;
}

/* Component k of the sample at luma position l and chroma position c. For colour frames the
 * components are mixed after the horizontal sums (see below), so this returns R, G, B or Y. */
static void sample(const uint8_t *src, int32_t format, const float *yuv, int64_t l, int64_t c,
                   float rgb[3]) {
  switch (format) {
    case EDGESSL_FORMAT_RGB:
    case EDGESSL_FORMAT_RGBA:
      rgb[0] = src[l], rgb[1] = src[l + 1], rgb[2] = src[l + 2];
      return;
    case EDGESSL_FORMAT_BGR:
    case EDGESSL_FORMAT_BGRA:
      rgb[2] = src[l], rgb[1] = src[l + 1], rgb[0] = src[l + 2];
      return;
    case EDGESSL_FORMAT_GRAY:
      rgb[0] = rgb[1] = rgb[2] = src[l];
      return;
    default: {
      float u, v;
      if (format == EDGESSL_FORMAT_NV12) {
        u = src[c], v = src[c + 1];
      } else if (format == EDGESSL_FORMAT_NV21) {
        v = src[c], u = src[c + 1];
      } else {
        u = src[c], v = src[c + 2];
      }
      u -= 128.0f;
      v -= 128.0f;
      const float yy = yuv[1] * ((float)src[l] - yuv[0]);
      rgb[0] = clampf(yy + yuv[2] * v);
      rgb[1] = clampf(yy - yuv[3] * u - yuv[4] * v);
      rgb[2] = clampf(yy + yuv[5] * u);
    }
  }
}

typedef struct call {
  const uint8_t *src;
  int64_t src_size;
  int32_t format;
  const float *yuv;
  const int32_t *row_offsets;
  int32_t rows;
  int32_t taps;
  int32_t out_height;
  const int32_t *row_taps;
  const float *row_weights;
  int32_t out_width;
  const int32_t *col_offsets;
  const float *col_weights;
  int32_t channel_count;
  const int32_t *channels;
  const float *scale;
  const float *bias;
} call;

static void reference(const call *a, float *dst) {
  const int32_t T = a->taps;
  for (int32_t y = 0; y < a->out_height; y++) {
    for (int32_t x = 0; x < a->out_width; x++) {
      float v[4] = {0, 0, 0, 0};
      for (int32_t t = 0; t < T; t++) {
        const int32_t r = a->row_taps[y * T + t];
        float h[3] = {0, 0, 0};
        for (int32_t s = 0; s < T; s++) {
          const int64_t k = (int64_t)x * T + s;
          float rgb[3];
          sample(a->src, a->format, a->yuv, (int64_t)a->row_offsets[2 * r] + a->col_offsets[2 * k],
                 (int64_t)a->row_offsets[2 * r + 1] + a->col_offsets[2 * k + 1], rgb);
          for (int i = 0; i < 3; i++) {
            h[i] += a->col_weights[k] * rgb[i];
          }
        }
        /* The components of one horizontal sum: R, G, B, and luma (of a grey frame, Y). */
        const float luma = a->format == EDGESSL_FORMAT_GRAY
                               ? h[0]
                               : 0.299f * h[0] + 0.587f * h[1] + 0.114f * h[2];
        const float comp[4] = {h[0], h[1], h[2], luma};
        for (int i = 0; i < 4; i++) {
          v[i] = t == 0 ? a->row_weights[y * T] * comp[i] : v[i] + a->row_weights[y * T + t] * comp[i];
        }
      }
      for (int32_t c = 0; c < a->channel_count; c++) {
        const float value = v[a->channels[c]];
        dst[((int64_t)c * a->out_height + y) * a->out_width + x] = value * a->scale[c] + a->bias[c];
      }
    }
  }
}

static int32_t run(int32_t variant, const call *a, int32_t y_begin, int32_t y_end, float *dst) {
  return edgessl_preprocess(variant, a->src, a->src_size, a->format, a->yuv, a->row_offsets,
                            a->rows, a->taps, a->out_height, y_begin, y_end, a->row_taps,
                            a->row_weights, a->out_width, a->col_offsets, a->col_weights,
                            a->channel_count, a->channels, a->scale, a->bias, dst);
}

static int32_t check_only(const call *a) {
  return edgessl_preprocess_check(a->src, a->src_size, a->format, a->yuv, a->row_offsets, a->rows,
                                  a->taps, a->out_height, 0, a->out_height, a->row_taps,
                                  a->row_weights, a->out_width, a->col_offsets, a->col_weights,
                                  a->channel_count, a->channels, a->scale, a->bias);
}

/* ---- tables as io.edgessl.image.Preprocessor computes them ---- */
static const int32_t LUMA_BPP[EDGESSL_FORMAT_COUNT] = {3, 3, 4, 4, 1, 1, 1, 2};
static const char *FORMAT_NAMES[EDGESSL_FORMAT_COUNT] = {"RGB",  "BGR",  "RGBA", "BGRA",
                                                         "GRAY", "NV12", "NV21", "YUYV"};

typedef struct frame {
  int32_t format, width, height, offset, stride, chroma_offset, chroma_stride;
  int64_t size;
} frame;

static int64_t min_stride(int32_t f, int32_t w) {
  return f == EDGESSL_FORMAT_YUYV ? 4LL * ((w + 1) / 2) : (int64_t)LUMA_BPP[f] * w;
}

static frame make_frame(int32_t format, int32_t w, int32_t h, int32_t pad) {
  frame f = {format, w, h, pad, (int32_t)min_stride(format, w) + pad, 0, 0, 0};
  f.size = (int64_t)f.offset + (int64_t)f.stride * (h - 1) + min_stride(format, w);
  if (format == EDGESSL_FORMAT_NV12 || format == EDGESSL_FORMAT_NV21) {
    f.chroma_offset = (int32_t)f.size + pad;
    f.chroma_stride = 2 * ((w + 1) / 2) + pad;
    f.size = (int64_t)f.chroma_offset + (int64_t)f.chroma_stride * ((h + 1) / 2 - 1) + 2 * ((w + 1) / 2);
  }
  return f;
}

static void stored_row(const frame *f, int32_t y, int32_t *out) {
  const int32_t luma = f->offset + y * f->stride;
  int32_t chroma = 0;
  if (f->format == EDGESSL_FORMAT_NV12 || f->format == EDGESSL_FORMAT_NV21) {
    chroma = f->chroma_offset + (y >> 1) * f->chroma_stride;
  } else if (f->format == EDGESSL_FORMAT_YUYV) {
    chroma = luma;
  }
  out[0] = luma;
  out[1] = chroma;
}

static void stored_col(const frame *f, int32_t x, int32_t *out) {
  int32_t chroma = 0;
  if (f->format == EDGESSL_FORMAT_NV12 || f->format == EDGESSL_FORMAT_NV21) {
    chroma = 2 * (x >> 1);
  } else if (f->format == EDGESSL_FORMAT_YUYV) {
    chroma = 4 * (x >> 1) + 1;
  }
  out[0] = f->format == EDGESSL_FORMAT_YUYV ? 2 * x : LUMA_BPP[f->format] * x;
  out[1] = chroma;
}

static int32_t clampi(int32_t i, int32_t n) { return i < 0 ? 0 : (i >= n ? n - 1 : i); }

/* Taps of `out` outputs sampling `source` pixels resized to `resized`, from `start` (half-pixel
 * centres; Keys' cubic with a = -0.75 for 4 taps). */
static void filter(int32_t source, int32_t resized, int32_t start, int32_t out, int32_t taps,
                   int32_t *idx, float *wts) {
  const double ratio = (double)source / resized;
  for (int32_t i = 0; i < out; i++) {
    const double centre = (start + i + 0.5) * ratio - 0.5;
    const int32_t base = (int32_t)floor(centre);
    const double t = centre - base;
    if (taps == 2) {
      wts[2 * i] = (float)(1 - t), wts[2 * i + 1] = (float)t;
      idx[2 * i] = clampi(base, source), idx[2 * i + 1] = clampi(base + 1, source);
    } else {
      const double a = -0.75, x0 = t + 1, x2 = 1 - t;
      const double w0 = ((a * x0 - 5 * a) * x0 + 8 * a) * x0 - 4 * a;
      const double w1 = ((a + 2) * t - (a + 3)) * t * t + 1;
      const double w2 = ((a + 2) * x2 - (a + 3)) * x2 * x2 + 1;
      const double w[4] = {w0, w1, w2, 1 - w0 - w1 - w2};
      for (int k = 0; k < 4; k++) {
        wts[4 * i + k] = (float)w[k];
        idx[4 * i + k] = clampi(base - 1 + k, source);
      }
    }
  }
}

static const float LIMITED[6] = {16.0f, 255.0f / 219.0f, 1.402f * 255.0f / 224.0f,
                                 0.344136f * 255.0f / 224.0f, 0.714136f * 255.0f / 224.0f,
                                 1.772f * 255.0f / 224.0f};


/* A call's tables, owned (the call's pointers point into them, so a pcase never moves). */
typedef struct pcase {
  call a;
  int32_t *row_offsets, *row_taps, *col_offsets, *channels;
  float *row_weights, *col_weights, *scale, *bias;
  float yuv[6];
  char what[160];
} pcase;

static void pcase_free(pcase *pc) {
  free(pc->row_offsets);
  free(pc->row_taps);
  free(pc->col_offsets);
  free(pc->channels);
  free(pc->row_weights);
  free(pc->col_weights);
  free(pc->scale);
  free(pc->bias);
}

static void pcase_channels(pcase *pc, const int32_t *channels, int32_t nc) {
  pc->channels = xcalloc((size_t)nc, sizeof(int32_t));
  pc->scale = xcalloc((size_t)nc, sizeof(float));
  pc->bias = xcalloc((size_t)nc, sizeof(float));
  for (int32_t i = 0; i < nc; i++) {
    pc->channels[i] = channels != NULL ? channels[i] : rand_int(0, 3);
    pc->scale[i] = channels != NULL ? 1.0f / (255.0f * rand_float(0.2f, 0.3f)) : rand_float(-2, 2);
    pc->bias[i] = channels != NULL ? -rand_float(0.4f, 0.5f) / 0.25f : rand_float(-2, 2);
  }
  pc->a.channel_count = nc;
  pc->a.channels = pc->channels;
  pc->a.scale = pc->scale;
  pc->a.bias = pc->bias;
}

/* Preprocessor's tables for frame f over src: turned by degrees (mirrored), stretched to
 * out_h x out_w with taps 2 (bilinear) or 4 (bicubic), BT.601 limited range. */
static void frame_tables(pcase *pc, const uint8_t *src, const frame *f, int32_t degrees,
                         int mirrored, int32_t taps, int32_t out_h, int32_t out_w,
                         const int32_t *channels, int32_t nc) {
  const int32_t w = f->width, h = f->height;
  const int swap = degrees == 90 || degrees == 270;
  const int32_t uh = swap ? w : h, uw = swap ? h : w;
  memset(pc, 0, sizeof *pc);
  pc->row_offsets = xcalloc(2 * (size_t)uh, sizeof(int32_t));
  pc->row_taps = xcalloc((size_t)out_h * taps, sizeof(int32_t));
  pc->row_weights = xcalloc((size_t)out_h * taps, sizeof(float));
  pc->col_weights = xcalloc((size_t)out_w * taps, sizeof(float));
  pc->col_offsets = xcalloc(2 * (size_t)out_w * taps, sizeof(int32_t));
  int32_t *col_taps = xcalloc((size_t)out_w * taps, sizeof(int32_t));
  filter(uh, out_h, 0, out_h, taps, pc->row_taps, pc->row_weights);
  filter(uw, out_w, 0, out_w, taps, col_taps, pc->col_weights);
  /* Upright (r, c) -> stored, as Preprocessor.plan. */
  for (int32_t r = 0; r < uh; r++) {
    int32_t *o = pc->row_offsets + 2 * r;
    switch (degrees) {
      case 0: stored_row(f, r, o); break;
      case 90: stored_col(f, mirrored ? w - 1 - r : r, o); break;
      case 180: stored_row(f, h - 1 - r, o); break;
      default: stored_col(f, mirrored ? r : w - 1 - r, o); break;
    }
  }
  for (int32_t k = 0; k < out_w * taps; k++) {
    const int32_t c = col_taps[k];
    int32_t *o = pc->col_offsets + 2 * k;
    switch (degrees) {
      case 0: stored_col(f, mirrored ? w - 1 - c : c, o); break;
      case 90: stored_row(f, h - 1 - c, o); break;
      case 180: stored_col(f, mirrored ? c : w - 1 - c, o); break;
      default: stored_row(f, c, o); break;
    }
  }
  free(col_taps);
  memcpy(pc->yuv, LIMITED, sizeof pc->yuv);
  pc->a = (call){src, f->size, f->format, pc->yuv, pc->row_offsets, uh, taps, out_h,
                 pc->row_taps, pc->row_weights, out_w, pc->col_offsets, pc->col_weights,
                 0, NULL, NULL, NULL};
  pcase_channels(pc, channels, nc);
  snprintf(pc->what, sizeof pc->what, "%s %dx%d pad %d, %d deg%s, %d taps -> %dx%dx%d",
           FORMAT_NAMES[f->format], w, h, f->offset, degrees, mirrored ? " mirrored" : "", taps,
           nc, out_h, out_w);
}

/* Random tables inside the contract but unlike Preprocessor's, over size bytes at src: rows with
 * negative luma offsets, repeated and clamped taps, weights of any sign, any taps count. Column
 * offsets lie in [shift, shift + span), row offsets in [-shift, size - span - shift - extra], so
 * every position is in [0, size - 1 - extra], where extra is the most bytes a position is
 * followed by: samples reach the frame's last byte. */
static void random_tables(pcase *pc, const uint8_t *src, int64_t size, int32_t format) {
  memset(pc, 0, sizeof *pc);
  const int32_t taps = rand_int(1, EDGESSL_PREPROCESS_MAX_TAPS);
  const int32_t rows = rand_int(1, 40);
  const int32_t out_h = rand_int(1, 30), out_w = rand_int(1, 150);
  pc->row_offsets = xcalloc(2 * (size_t)rows, sizeof(int32_t));
  pc->row_taps = xcalloc((size_t)out_h * taps, sizeof(int32_t));
  pc->row_weights = xcalloc((size_t)out_h * taps, sizeof(float));
  pc->col_offsets = xcalloc(2 * (size_t)out_w * taps, sizeof(int32_t));
  pc->col_weights = xcalloc((size_t)out_w * taps, sizeof(float));
  const int32_t extra = format == EDGESSL_FORMAT_GRAY
                            ? 0
                            : (format <= EDGESSL_FORMAT_BGRA || format == EDGESSL_FORMAT_YUYV ? 2 : 1);
  const int32_t span = rand_int(1, (int32_t)(size / 2));
  const int32_t shift = rand_int(0, 20);
  for (int32_t i = 0; i < 2 * out_w * taps; i++) {
    pc->col_offsets[i] = rand_int(0, span - 1) + shift;
  }
  for (int32_t i = 0; i < 2 * rows; i++) {
    pc->row_offsets[i] = rand_int(-shift, (int32_t)size - span - shift - extra);
  }
  /* Windows of consecutive rows, clamped, moving down by 0..2 rows an output row. */
  int32_t base = rand_int(-taps, rows - 1);
  for (int32_t y = 0; y < out_h; y++) {
    for (int32_t t = 0; t < taps; t++) {
      pc->row_taps[y * taps + t] = clampi(base + t, rows);
      pc->row_weights[y * taps + t] = rand_float(-1.0f, 1.0f);
    }
    base += rand_int(0, 2);
  }
  for (int32_t i = 0; i < out_w * taps; i++) {
    pc->col_weights[i] = rand_float(-1.0f, 1.0f);
  }
  for (int i = 0; i < 6; i++) {
    pc->yuv[i] = rand_float(0.0f, 2.0f);
  }
  pc->a = (call){src, size, format, pc->yuv, pc->row_offsets, rows, taps, out_h, pc->row_taps,
                 pc->row_weights, out_w, pc->col_offsets, pc->col_weights, 0, NULL, NULL, NULL};
  pcase_channels(pc, NULL, rand_int(1, 6));
  snprintf(pc->what, sizeof pc->what, "random tables (%s, %d taps)", FORMAT_NAMES[format], taps);
}

static void fill_random(uint8_t *p, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    p[i] = (uint8_t)next_u64();
  }
}

#endif /* EDGESSL_TEST_PREPROCESS_CASES_H */
