/*
 * Unit tests of the preprocessing kernel: every variant this CPU runs against the reference
 * written from the contract in preprocess_cases.h (per output pixel, no ring, no strips), on frames
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
#include <sys/mman.h>
#include <unistd.h>

#include "preprocess_cases.h"

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
  fill_random(g.bytes, (int64_t)size);
  return g;
}

static void guarded_free(guarded g) { munmap(g.map, g.map_size); }

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

/* One frame of `format`, stored w x h, turned by degrees (mirrored), resized to out_h x out_w
 * (stretched), ending at a guard page, compared for every variant. */
static void frame_case(int32_t format, int32_t w, int32_t h, int32_t pad, int32_t degrees,
                       int mirrored, int32_t taps, int32_t out_h, int32_t out_w,
                       const int32_t *channels, int32_t nc) {
  const frame f = make_frame(format, w, h, pad);
  guarded g = guarded_alloc((size_t)f.size);
  pcase pc;
  frame_tables(&pc, g.bytes, &f, degrees, mirrored, taps, out_h, out_w, channels, nc);
  CHECK(check_only(&pc.a) == EDGESSL_OK, "%s: check refused valid tables", pc.what);
  compare(&pc.a, pc.what);
  pcase_free(&pc);
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

/* Random tables (preprocess_cases.h) whose samples reach the frame's last byte, before the guard
 * page: SIMD variants must take the scalar pass there. */
static void test_random_tables(void) {
  for (int iter = 0; iter < 300; iter++) {
    const int32_t format = rand_int(0, EDGESSL_FORMAT_COUNT - 1);
    const int64_t size = rand_int(64, 5000);
    guarded g = guarded_alloc((size_t)size);
    pcase pc;
    random_tables(&pc, g.bytes, size, format);
    CHECK(check_only(&pc.a) == EDGESSL_OK, "%s %d: check refused valid tables", pc.what, iter);
    compare(&pc.a, pc.what);
    pcase_free(&pc);
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
