/*
 * Unit tests of the preprocessing kernel: every variant this CPU runs against a reference
 * written here from the contract in edgessl.h (per output pixel, no ring, no strips), on frames
 * of every format and orientation, bilinear and bicubic, awkward sizes, padded strides, and
 * random tables that keep the contract in unusual ways (negative row offsets, repeated taps).
 *
 *   - Every variant computes the contract's operations in its order, each rounded to float, so
 *     results must equal the reference exactly (values compared with ==, which ignores the sign of
 *     zero).
 *   - Frames end exactly at a page followed by an inaccessible page: a SIMD gather that read one
 *     byte past the frame would crash the test (AddressSanitizer does not see inside gathers).
 *   - The checks refuse every argument outside the contract, and nothing is written then.
 *   - Splitting a frame into calls over ranges of output rows changes nothing.
 * Run under AddressSanitizer and UndefinedBehaviorSanitizer by the Maven build.
 */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "edgessl.h"

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

/* ---- frames that end at a guard page ---- */
typedef struct guarded {
  uint8_t *map;
  size_t map_size;
  uint8_t *bytes; /* size bytes, the last one just before the inaccessible page */
} guarded;

static guarded guarded_alloc(size_t size) {
  const size_t page = (size_t)sysconf(_SC_PAGESIZE);
  const size_t data = (size + page - 1) / page * page;
  guarded g;
  g.map_size = data + page;
  g.map = mmap(NULL, g.map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (g.map == MAP_FAILED || mprotect(g.map + data, page, PROT_NONE) != 0) {
    fprintf(stderr, "mmap failed\n");
    exit(2);
  }
  g.bytes = g.map + data - size;
  for (size_t i = 0; i < size; i++) {
    g.bytes[i] = (uint8_t)next_u64();
  }
  return g;
}

static void guarded_free(guarded g) { munmap(g.map, g.map_size); }

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

/* Runs every supported variant, whole and split into row ranges, against the reference. */
static void compare(const call *a, const char *what) {
  const int64_t n = (int64_t)a->channel_count * a->out_height * a->out_width;
  float *want = xcalloc((size_t)n, sizeof(float));
  float *got = xcalloc((size_t)n, sizeof(float));
  reference(a, want);
  for (int32_t v = 0; v < EDGESSL_VARIANT_COUNT; v++) {
    if (!edgessl_variant_supported(v)) {
      continue;
    }
    for (int split = 0; split < 2; split++) {
      memset(got, 0xff, (size_t)n * sizeof(float)); /* NaN: a value not written shows */
      if (split == 0) {
        CHECK(run(v, a, 0, a->out_height, got) == EDGESSL_OK, "%s %s: refused", what,
              edgessl_variant_name(v));
      } else {
        for (int32_t y0 = 0; y0 < a->out_height;) {
          const int32_t step = rand_int(1, 5);
          const int32_t y1 = step > a->out_height - y0 ? a->out_height : y0 + step;
          CHECK(run(v, a, y0, y1, got) == EDGESSL_OK, "%s: split refused", what);
          y0 = y1;
        }
      }
      int64_t bad = 0, first = -1;
      for (int64_t i = 0; i < n; i++) {
        if (!(got[i] == want[i])) {
          bad++;
          first = first < 0 ? i : first;
        }
      }
      CHECK(bad == 0, "%s %s%s: %lld of %lld values differ, first at %lld: %.9g, want %.9g", what,
            edgessl_variant_name(v), split ? " (split)" : "", (long long)bad, (long long)n,
            (long long)first, first >= 0 ? got[first] : 0.0, first >= 0 ? want[first] : 0.0);
    }
  }
  free(want);
  free(got);
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

/* One frame of `format`, stored w x h, turned by degrees (mirrored), resized to out_h x out_w
 * (stretched) and compared for every variant. */
static void frame_case(int32_t format, int32_t w, int32_t h, int32_t pad, int32_t degrees,
                       int mirrored, int32_t taps, int32_t out_h, int32_t out_w,
                       const int32_t *channels, int32_t nc) {
  frame f = make_frame(format, w, h, pad);
  guarded g = guarded_alloc((size_t)f.size);
  const int swap = degrees == 90 || degrees == 270;
  const int32_t uh = swap ? w : h, uw = swap ? h : w;
  int32_t *row_offsets = xcalloc(2 * (size_t)uh, sizeof(int32_t));
  int32_t *row_taps = xcalloc((size_t)out_h * taps, sizeof(int32_t));
  float *row_weights = xcalloc((size_t)out_h * taps, sizeof(float));
  int32_t *col_taps = xcalloc((size_t)out_w * taps, sizeof(int32_t));
  float *col_weights = xcalloc((size_t)out_w * taps, sizeof(float));
  int32_t *col_offsets = xcalloc(2 * (size_t)out_w * taps, sizeof(int32_t));
  filter(uh, out_h, 0, out_h, taps, row_taps, row_weights);
  filter(uw, out_w, 0, out_w, taps, col_taps, col_weights);
  /* Upright (r, c) -> stored, as Preprocessor.plan. */
  for (int32_t r = 0; r < uh; r++) {
    switch (degrees) {
      case 0: stored_row(&f, r, row_offsets + 2 * r); break;
      case 90: stored_col(&f, mirrored ? w - 1 - r : r, row_offsets + 2 * r); break;
      case 180: stored_row(&f, h - 1 - r, row_offsets + 2 * r); break;
      default: stored_col(&f, mirrored ? r : w - 1 - r, row_offsets + 2 * r); break;
    }
  }
  for (int32_t k = 0; k < out_w * taps; k++) {
    const int32_t c = col_taps[k];
    switch (degrees) {
      case 0: stored_col(&f, mirrored ? w - 1 - c : c, col_offsets + 2 * k); break;
      case 90: stored_row(&f, h - 1 - c, col_offsets + 2 * k); break;
      case 180: stored_col(&f, mirrored ? c : w - 1 - c, col_offsets + 2 * k); break;
      default: stored_row(&f, c, col_offsets + 2 * k); break;
    }
  }
  float scale[4], bias[4];
  for (int i = 0; i < nc; i++) {
    scale[i] = 1.0f / (255.0f * rand_float(0.2f, 0.3f));
    bias[i] = -rand_float(0.4f, 0.5f) / 0.25f;
  }
  const call a = {g.bytes, f.size, format, LIMITED, row_offsets, uh, taps, out_h, row_taps,
                  row_weights, out_w, col_offsets, col_weights, nc, channels, scale, bias};
  char what[160];
  snprintf(what, sizeof what, "%s %dx%d pad %d, %d deg%s, %d taps -> %dx%dx%d", FORMAT_NAMES[format],
           w, h, pad, degrees, mirrored ? " mirrored" : "", taps, nc, out_h, out_w);
  CHECK(check_only(&a) == EDGESSL_OK, "%s: check refused valid tables", what);
  compare(&a, what);
  free(row_offsets);
  free(row_taps);
  free(row_weights);
  free(col_taps);
  free(col_weights);
  free(col_offsets);
  guarded_free(g);
}

static void test_frames(void) {
  static const int32_t sizes[] = {1, 2, 7, 13, 31, 64, 65, 207};
  static const int32_t rgb[] = {0, 1, 2}, bgr[] = {2, 1, 0}, grey[] = {3}, all[] = {3, 0, 0, 2};
  const int32_t *chan[] = {rgb, bgr, grey, all};
  const int32_t chan_n[] = {3, 3, 1, 4};
  int cases = 0;
  for (int32_t format = 0; format < EDGESSL_FORMAT_COUNT; format++) {
    for (int o = 0; o < 8; o++) {
      for (int32_t taps = 2; taps <= 4; taps += 2) {
        const int32_t w = sizes[rand_int(0, 7)], h = sizes[rand_int(0, 7)];
        const int32_t oh = sizes[rand_int(0, 6)], ow = sizes[rand_int(0, 7)];
        const int ci = rand_int(0, 3);
        frame_case(format, w, h, rand_int(0, 3), 90 * (o % 4), o >= 4, taps, oh, ow, chan[ci],
                   chan_n[ci]);
        cases++;
      }
    }
  }
  /* Shrinking a camera frame, as DINO's transform (short side 256, bicubic) does. */
  frame_case(EDGESSL_FORMAT_NV12, 702, 207, 5, 0, 0, 4, 61, 200, rgb, 3);
  frame_case(EDGESSL_FORMAT_YUYV, 207, 702, 0, 90, 0, 4, 64, 65, grey, 1);
  frame_case(EDGESSL_FORMAT_RGBA, 640, 480, 0, 270, 1, 2, 224, 224, bgr, 3);
  printf("frames: %d cases of 8 formats x 8 orientations x 2 filters, plus 3 camera sizes\n", cases);
}

/* Random tables inside the contract but unlike Preprocessor's: rows with negative luma offsets
 * and large column offsets, repeated and clamped taps, weights of any sign, any taps count. */
static void test_random_tables(void) {
  for (int iter = 0; iter < 300; iter++) {
    const int32_t format = rand_int(0, EDGESSL_FORMAT_COUNT - 1);
    const int32_t taps = rand_int(1, EDGESSL_PREPROCESS_MAX_TAPS);
    const int32_t rows = rand_int(1, 40);
    const int32_t out_h = rand_int(1, 30), out_w = rand_int(1, 150);
    const int64_t size = rand_int(64, 5000);
    guarded g = guarded_alloc((size_t)size);
    int32_t *row_offsets = xcalloc(2 * (size_t)rows, sizeof(int32_t));
    int32_t *row_taps = xcalloc((size_t)out_h * taps, sizeof(int32_t));
    float *row_weights = xcalloc((size_t)out_h * taps, sizeof(float));
    int32_t *col_offsets = xcalloc(2 * (size_t)out_w * taps, sizeof(int32_t));
    float *col_weights = xcalloc((size_t)out_w * taps, sizeof(float));
    /* Columns in [shift, shift + span), rows in [-shift, size - span - shift - extra]: every
     * sum is in [0, size - 1 - extra], where extra is the most bytes a position is followed by,
     * so samples reach the frame's last byte and SIMD variants must not gather there. */
    const int32_t extra = format == EDGESSL_FORMAT_GRAY ? 0 : (format <= EDGESSL_FORMAT_BGRA || format == EDGESSL_FORMAT_YUYV ? 2 : 1);
    const int32_t span = rand_int(1, (int32_t)(size / 2));
    const int32_t shift = rand_int(0, 20);
    for (int32_t i = 0; i < 2 * out_w * taps; i++) {
      col_offsets[i] = rand_int(0, span - 1) + shift;
    }
    for (int32_t i = 0; i < 2 * rows; i++) {
      row_offsets[i] = rand_int(-shift, (int32_t)size - span - shift - extra);
    }
    /* Windows of consecutive rows, clamped, moving down by 0..2 rows an output row. */
    int32_t base = rand_int(-taps, rows - 1);
    for (int32_t y = 0; y < out_h; y++) {
      for (int32_t t = 0; t < taps; t++) {
        row_taps[y * taps + t] = clampi(base + t, rows);
        row_weights[y * taps + t] = rand_float(-1.0f, 1.0f);
      }
      base += rand_int(0, 2);
    }
    for (int32_t i = 0; i < out_w * taps; i++) {
      col_weights[i] = rand_float(-1.0f, 1.0f);
    }
    int32_t channels[6];
    const int32_t nc = rand_int(1, 6);
    float scale[6], bias[6];
    for (int i = 0; i < nc; i++) {
      channels[i] = rand_int(0, 3);
      scale[i] = rand_float(-2.0f, 2.0f);
      bias[i] = rand_float(-2.0f, 2.0f);
    }
    float yuv[6];
    for (int i = 0; i < 6; i++) {
      yuv[i] = rand_float(0.0f, 2.0f);
    }
    const call a = {g.bytes, size, format, yuv, row_offsets, rows, taps, out_h, row_taps,
                    row_weights, out_w, col_offsets, col_weights, nc, channels, scale, bias};
    char what[96];
    snprintf(what, sizeof what, "random tables %d (%s, %d taps)", iter, FORMAT_NAMES[format], taps);
    CHECK(check_only(&a) == EDGESSL_OK, "%s: check refused valid tables", what);
    compare(&a, what);
    free(row_offsets);
    free(row_taps);
    free(row_weights);
    free(col_offsets);
    free(col_weights);
    guarded_free(g);
  }
  printf("random tables: 300 cases\n");
}

/* Every argument outside the contract is refused, for every variant, and nothing is written. */
static void test_checks(void) {
  enum { H = 3, W = 5, T = 2 };
  uint8_t src[64];
  memset(src, 7, sizeof src);
  int32_t row_offsets[2 * 4] = {0, 32, 8, 32, 16, 34, 24, 34};
  int32_t row_taps[H * T] = {0, 1, 1, 2, 2, 3};
  float row_weights[H * T] = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
  int32_t col_offsets[2 * W * T] = {0};
  float col_weights[W * T];
  for (int i = 0; i < W * T; i++) {
    col_offsets[2 * i] = i / 2;      /* luma 0..4 */
    col_offsets[2 * i + 1] = i / 4 * 2; /* chroma 0, 2 */
    col_weights[i] = 0.5f;
  }
  int32_t channels[3] = {0, 1, 2};
  float scale[3] = {1, 1, 1}, bias[3] = {0, 0, 0};
  float dst[3 * H * W];
  call ok = {src, 64, EDGESSL_FORMAT_NV12, LIMITED, row_offsets, 4, T, H, row_taps, row_weights,
             W, col_offsets, col_weights, 3, channels, scale, bias};
  CHECK(check_only(&ok) == EDGESSL_OK, "the valid call is refused");
  /* Largest positions: luma 24 + 4 (1 byte), chroma 34 + 4 (2 bytes): 40 bytes suffice. */
  call a = ok;
  a.src_size = 40;
  CHECK(check_only(&a) == EDGESSL_OK, "40 bytes hold every NV12 sample");
  a.src_size = 39;
  CHECK(check_only(&a) == EDGESSL_ERR_ARGUMENT, "39 bytes lack the last V");
  a = ok, a.format = EDGESSL_FORMAT_RGB, a.src_size = 31;
  CHECK(check_only(&a) == EDGESSL_OK, "31 bytes hold every RGB sample (24 + 4 + 3)");
  a.src_size = 30;
  CHECK(check_only(&a) == EDGESSL_ERR_ARGUMENT, "30 bytes lack the last B");

#define REFUSED(stmt, what)                                                                 \
  do {                                                                                      \
    a = ok;                                                                                 \
    stmt;                                                                                   \
    CHECK(check_only(&a) == EDGESSL_ERR_ARGUMENT, "check accepted %s", what);               \
    for (int32_t v = 0; v < EDGESSL_VARIANT_COUNT; v++) {                                   \
      if (edgessl_variant_supported(v)) {                                                   \
        memset(dst, 0x5a, sizeof dst);                                                      \
        CHECK(run(v, &a, 0, a.out_height > 0 ? a.out_height : 0, dst) == EDGESSL_ERR_ARGUMENT, \
              "%s accepted %s", edgessl_variant_name(v), what);                             \
        int untouched = 1;                                                                  \
        for (size_t i = 0; i < sizeof dst; i++) {                                           \
          untouched &= ((uint8_t *)dst)[i] == 0x5a;                                         \
        }                                                                                   \
        CHECK(untouched, "%s wrote output for %s", edgessl_variant_name(v), what);          \
      }                                                                                     \
    }                                                                                       \
  } while (0)

  REFUSED(a.format = -1, "format -1");
  REFUSED(a.format = EDGESSL_FORMAT_COUNT, "format 8");
  REFUSED(a.taps = 0, "0 taps");
  REFUSED(a.taps = EDGESSL_PREPROCESS_MAX_TAPS + 1, "too many taps");
  REFUSED(a.out_height = -1, "a negative height");
  REFUSED(a.out_width = -1, "a negative width");
  REFUSED(a.channel_count = 0, "no channels");
  REFUSED(channels[1] = 4, "component 4");
  channels[1] = 1;
  REFUSED(channels[2] = -1, "component -1");
  channels[2] = 2;
  REFUSED(a.src_size = -1, "a negative frame size");
  REFUSED(a.src = NULL, "a null frame");
  REFUSED(a.yuv = NULL, "null YUV coefficients for NV12");
  REFUSED(a.rows = 3, "a row tap past the rows");
  REFUSED(row_taps[3] = -1, "a negative row tap");
  row_taps[3] = 2;
  REFUSED((row_taps[4] = 0, row_taps[5] = 1), "a window moving up");
  row_taps[4] = 2, row_taps[5] = 3;
  REFUSED(row_taps[1] = 3, "a gap inside a window");
  row_taps[1] = 1;
  REFUSED((row_taps[0] = 1, row_taps[1] = 0), "a window going backwards inside");
  row_taps[0] = 0, row_taps[1] = 1;
  REFUSED(row_offsets[0] = -1, "a luma position before the frame");
  row_offsets[0] = 0;
  REFUSED(col_offsets[1] = -33, "a chroma position before the frame");
  col_offsets[1] = 0;
  REFUSED(col_offsets[2 * W * T - 2] = 40, "a luma position past the frame");
  col_offsets[2 * W * T - 2] = 4;
  REFUSED(col_offsets[2 * W * T - 1] = 29, "a chroma position past the frame");
  col_offsets[2 * W * T - 1] = 4;
  REFUSED(a.row_taps = NULL, "null row taps");
  REFUSED(a.col_offsets = NULL, "null column offsets");
#undef REFUSED

  /* Row ranges: inside [0, out_height], ordered; an empty range or width reads nothing. */
  for (int32_t v = 0; v < EDGESSL_VARIANT_COUNT; v++) {
    if (!edgessl_variant_supported(v)) {
      continue;
    }
    CHECK(run(v, &ok, -1, 2, dst) == EDGESSL_ERR_ARGUMENT, "y_begin -1");
    CHECK(run(v, &ok, 2, 1, dst) == EDGESSL_ERR_ARGUMENT, "y_begin > y_end");
    CHECK(run(v, &ok, 0, H + 1, dst) == EDGESSL_ERR_ARGUMENT, "y_end past the height");
    CHECK(run(v, &ok, 0, H, NULL) == EDGESSL_ERR_ARGUMENT, "null output");
    CHECK(run(v, &ok, 2, 2, NULL) == EDGESSL_OK, "an empty range");
    call z = ok;
    z.src = NULL, z.row_taps = NULL, z.out_width = 0;
    CHECK(run(v, &z, 0, H, NULL) == EDGESSL_OK, "width 0");
  }
  CHECK(run(-1, &ok, 0, H, dst) == EDGESSL_ERR_VARIANT, "variant -1");
  CHECK(run(EDGESSL_VARIANT_COUNT, &ok, 0, H, dst) == EDGESSL_ERR_VARIANT, "an unknown variant");
  for (int32_t v = 0; v < EDGESSL_VARIANT_COUNT; v++) {
    if (!edgessl_variant_supported(v)) {
      CHECK(run(v, &ok, 0, H, dst) == EDGESSL_ERR_VARIANT, "unsupported %s ran",
            edgessl_variant_name(v));
    }
  }
}

/* A value the contract defines exactly: uniform grey 100 through any filter whose weights sum
 * to one stays 100 in every component, luma included, and normalizes as asked. */
static void test_known_values(void) {
  uint8_t src[12];
  memset(src, 100, sizeof src);
  int32_t row_offsets[2] = {0, 0};
  int32_t row_taps[2] = {0, 0};
  float row_weights[2] = {0.25f, 0.75f};
  int32_t col_offsets[4] = {0, 0, 3, 0};
  float col_weights[2] = {0.5f, 0.5f};
  int32_t channels[4] = {0, 1, 2, 3};
  float scale[4] = {0.5f, 1.0f, 2.0f, 1.0f}, bias[4] = {1.0f, 0.0f, -1.0f, 0.0f};
  float dst[4];
  const call a = {src, 6, EDGESSL_FORMAT_RGB, NULL, row_offsets, 1, 2, 1, row_taps, row_weights,
                  1, col_offsets, col_weights, 4, channels, scale, bias};
  for (int32_t v = 0; v < EDGESSL_VARIANT_COUNT; v++) {
    if (edgessl_variant_supported(v)) {
      CHECK(run(v, &a, 0, 1, dst) == EDGESSL_OK, "refused");
      CHECK(dst[0] == 51.0f && dst[1] == 100.0f && dst[2] == 199.0f && fabsf(dst[3] - 100.0f) < 1e-4f,
            "%s: grey 100 gave %g %g %g %g", edgessl_variant_name(v), dst[0], dst[1], dst[2],
            dst[3]);
    }
  }
}

int main(void) {
  printf("variants run here:");
  for (int32_t v = 0; v < EDGESSL_VARIANT_COUNT; v++) {
    if (edgessl_variant_supported(v)) {
      printf(" %s", edgessl_variant_name(v));
    }
  }
  printf("\n");
  test_known_values();
  test_checks();
  test_frames();
  test_random_tables();
  printf("%d checks, %d failures\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
