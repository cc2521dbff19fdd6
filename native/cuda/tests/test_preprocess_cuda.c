/*
 * Unit test of the CUDA preprocessing kernel (edgessl_preprocess_cuda): the cases of the CPU
 * kernels' test (tests/preprocess_cases.h: frames of every format and orientation, bilinear and
 * bicubic, awkward sizes; random tables whose samples reach the frame's last byte) uploaded to
 * the device, run on a stream, downloaded, and compared with the reference written from the
 * contract: equal values (==, the sign of a zero aside), since the kernel rounds every product and
 * sum as the contract orders them and never fuses them. Also: the scalar checks before launching,
 * split row ranges, and tables outside the contract (which must not make the kernel fault).
 *
 * Needs a CUDA device: without one (no driver, or no GPU) it prints why and exits with 77, which
 * ctest reports as skipped, not failed.
 */
#include "preprocess_cases.h"

#include "edgessl_cuda.h"

#define SKIPPED 77

/* A device copy of n bytes of host memory (NULL for n == 0). */
static void *upload(const void *host, int64_t n) {
  void *d = NULL;
  if (n == 0) {
    return NULL;
  }
  if (edgessl_cuda_malloc(&d, n) != EDGESSL_OK || edgessl_cuda_upload(d, host, n, NULL) != EDGESSL_OK) {
    fprintf(stderr, "cannot upload %lld bytes\n", (long long)n);
    exit(2);
  }
  return d;
}

typedef struct device_call {
  call a; /* device pointers */
  void *mem[10];
  int n;
  float *dst;
  int64_t dst_floats;
} device_call;

static const void *dev(device_call *d, const void *host, int64_t bytes) {
  void *p = upload(host, bytes);
  d->mem[d->n++] = p;
  return p;
}

static void to_device(const call *h, device_call *d) {
  memset(d, 0, sizeof *d);
  const int64_t T = h->taps;
  d->a = *h;
  d->a.src = dev(d, h->src, h->src_size);
  d->a.yuv = dev(d, h->yuv, 6 * sizeof(float));
  d->a.row_offsets = dev(d, h->row_offsets, 2 * (int64_t)h->rows * sizeof(int32_t));
  d->a.row_taps = dev(d, h->row_taps, (int64_t)h->out_height * T * sizeof(int32_t));
  d->a.row_weights = dev(d, h->row_weights, (int64_t)h->out_height * T * sizeof(float));
  d->a.col_offsets = dev(d, h->col_offsets, 2 * (int64_t)h->out_width * T * sizeof(int32_t));
  d->a.col_weights = dev(d, h->col_weights, (int64_t)h->out_width * T * sizeof(float));
  d->a.channels = dev(d, h->channels, h->channel_count * (int64_t)sizeof(int32_t));
  d->a.scale = dev(d, h->scale, h->channel_count * (int64_t)sizeof(float));
  d->a.bias = dev(d, h->bias, h->channel_count * (int64_t)sizeof(float));
  d->dst_floats = (int64_t)h->channel_count * h->out_height * h->out_width;
  void *out = NULL;
  if (edgessl_cuda_malloc(&out, 4 * d->dst_floats) != EDGESSL_OK) {
    fprintf(stderr, "cannot allocate the output\n");
    exit(2);
  }
  d->dst = out;
}

static void device_free(device_call *d) {
  for (int i = 0; i < d->n; i++) {
    edgessl_cuda_free(d->mem[i]);
  }
  edgessl_cuda_free(d->dst);
}

static int32_t run_cuda(const device_call *d, int32_t y_begin, int32_t y_end) {
  const call *a = &d->a;
  return edgessl_preprocess_cuda(a->src, a->src_size, a->format, a->yuv, a->row_offsets, a->rows,
                                 a->taps, a->out_height, y_begin, y_end, a->row_taps,
                                 a->row_weights, a->out_width, a->col_offsets, a->col_weights,
                                 a->channel_count, a->channels, a->scale, a->bias, d->dst, NULL);
}

static void compare_cuda(const call *h, const char *what) {
  device_call d;
  to_device(h, &d);
  float *want = xcalloc((size_t)d.dst_floats, sizeof(float));
  float *got = xcalloc((size_t)d.dst_floats, sizeof(float));
  reference(h, want);
  for (int split = 0; split < 2; split++) {
    int32_t rc = EDGESSL_OK;
    if (split == 0) {
      rc = run_cuda(&d, 0, h->out_height);
    } else {
      for (int32_t y0 = 0; y0 < h->out_height && rc == EDGESSL_OK;) {
        const int32_t step = rand_int(1, 9);
        const int32_t y1 = step > h->out_height - y0 ? h->out_height : y0 + step;
        rc = run_cuda(&d, y0, y1);
        y0 = y1;
      }
    }
    CHECK(rc == EDGESSL_OK, "%s: launch returned %d", what, rc);
    CHECK(edgessl_cuda_download(got, d.dst, 4 * d.dst_floats, NULL) == EDGESSL_OK &&
              edgessl_cuda_synchronize(NULL) == EDGESSL_OK,
          "%s: the kernel failed", what);
    int64_t bad = 0, first = -1;
    for (int64_t i = 0; i < d.dst_floats; i++) {
      if (!(got[i] == want[i])) {
        bad++;
        first = first < 0 ? i : first;
      }
    }
    CHECK(bad == 0, "%s%s: %lld of %lld values differ, first at %lld: %.9g, want %.9g", what,
          split ? " (split)" : "", (long long)bad, (long long)d.dst_floats, (long long)first,
          first >= 0 ? got[first] : 0.0, first >= 0 ? want[first] : 0.0);
  }
  free(want);
  free(got);
  device_free(&d);
}

static void test_frames(void) {
  static const int32_t sizes[] = {1, 2, 7, 13, 31, 64, 65, 207};
  static const int32_t rgb[] = {0, 1, 2}, grey[] = {3}, all[] = {3, 0, 0, 2};
  const int32_t *chan[] = {rgb, grey, all};
  const int32_t chan_n[] = {3, 1, 4};
  for (int32_t format = 0; format < EDGESSL_FORMAT_COUNT; format++) {
    for (int o = 0; o < 8; o++) {
      for (int32_t taps = 2; taps <= 4; taps += 2) {
        const frame f = make_frame(format, sizes[rand_int(0, 7)], sizes[rand_int(0, 7)], rand_int(0, 3));
        uint8_t *src = xcalloc((size_t)f.size, 1);
        fill_random(src, f.size);
        const int ci = rand_int(0, 2);
        pcase pc;
        frame_tables(&pc, src, &f, 90 * (o % 4), o >= 4, taps, sizes[rand_int(0, 6)],
                     sizes[rand_int(0, 7)], chan[ci], chan_n[ci]);
        compare_cuda(&pc.a, pc.what);
        pcase_free(&pc);
        free(src);
      }
    }
  }
  const frame cam = make_frame(EDGESSL_FORMAT_NV12, 1280, 720, 0);
  uint8_t *src = xcalloc((size_t)cam.size, 1);
  fill_random(src, cam.size);
  pcase pc;
  frame_tables(&pc, src, &cam, 0, 0, 4, 224, 224, rgb, 3);
  compare_cuda(&pc.a, pc.what);
  pcase_free(&pc);
  free(src);
}

static void test_random_tables(void) {
  for (int iter = 0; iter < 200; iter++) {
    const int32_t format = rand_int(0, EDGESSL_FORMAT_COUNT - 1);
    const int64_t size = rand_int(64, 5000);
    uint8_t *src = xcalloc((size_t)size, 1);
    fill_random(src, size);
    pcase pc;
    random_tables(&pc, src, size, format);
    compare_cuda(&pc.a, pc.what);
    pcase_free(&pc);
    free(src);
  }
}

/* Scalar arguments are refused before launching; tables outside the contract do not fault. */
static void test_checks(void) {
  const frame f = make_frame(EDGESSL_FORMAT_YUYV, 9, 7, 1);
  uint8_t *src = xcalloc((size_t)f.size, 1);
  pcase pc;
  frame_tables(&pc, src, &f, 0, 0, 4, 5, 6, NULL, 3);
  device_call d;
  to_device(&pc.a, &d);
  device_call bad = d;
  bad.a.taps = 0;
  CHECK(run_cuda(&bad, 0, 5) == EDGESSL_ERR_ARGUMENT, "0 taps");
  bad = d, bad.a.taps = EDGESSL_PREPROCESS_MAX_TAPS + 1;
  CHECK(run_cuda(&bad, 0, 5) == EDGESSL_ERR_ARGUMENT, "too many taps");
  bad = d, bad.a.format = EDGESSL_FORMAT_COUNT;
  CHECK(run_cuda(&bad, 0, 5) == EDGESSL_ERR_ARGUMENT, "format 8");
  bad = d, bad.a.yuv = NULL;
  CHECK(run_cuda(&bad, 0, 5) == EDGESSL_ERR_ARGUMENT, "no YUV coefficients");
  bad = d, bad.a.channel_count = 0;
  CHECK(run_cuda(&bad, 0, 5) == EDGESSL_ERR_ARGUMENT, "no channels");
  CHECK(run_cuda(&d, -1, 5) == EDGESSL_ERR_ARGUMENT, "y_begin -1");
  CHECK(run_cuda(&d, 3, 2) == EDGESSL_ERR_ARGUMENT, "an inverted range");
  CHECK(run_cuda(&d, 0, 6) == EDGESSL_ERR_ARGUMENT, "a range past the height");
  CHECK(run_cuda(&d, 2, 2) == EDGESSL_OK, "an empty range");
  /* Tables that edgessl_preprocess_check refuses: the kernel skips what is outside, no fault. */
  pc.row_taps[0] = 1000;
  pc.col_offsets[1] = 1 << 30;
  pc.col_offsets[2] = -(1 << 30);
  pc.channels[0] = 7;
  CHECK(check_only(&pc.a) == EDGESSL_ERR_ARGUMENT, "the broken tables pass the check");
  device_call broken;
  to_device(&pc.a, &broken);
  CHECK(run_cuda(&broken, 0, 5) == EDGESSL_OK && edgessl_cuda_synchronize(NULL) == EDGESSL_OK,
        "broken tables made the kernel fault");
  device_free(&broken);
  device_free(&d);
  pcase_free(&pc);
  free(src);
}

int main(void) {
  int32_t devices = 0;
  if (edgessl_cuda_device_count(&devices) != EDGESSL_OK || devices == 0) {
    printf("no CUDA device here: test skipped\n");
    return SKIPPED;
  }
  printf("%d CUDA device(s)\n", devices);
  test_checks();
  test_frames();
  test_random_tables();
  printf("%d checks, %d failures\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
