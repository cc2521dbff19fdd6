// Preprocessing on the GPU: edgessl_preprocess_cuda (edgessl_cuda.h), the contract of
// edgessl_preprocess (edgessl.h) with device pointers and a stream.
//
// One thread per output pixel computes every plane: for each of its T row taps it converts and
// resamples the T column taps (the horizontal sum), and weighs the T sums (the vertical one). The
// CPU kernels share horizontal sums between output rows through a ring; here each pixel
// recomputes its own (T x T samples), which is cheap on a GPU and keeps threads independent.
// Every product, sum and difference is __fmul_rn / __fadd_rn / __fsub_rn, in the contract's
// order: those are never contracted into fused multiply-adds, so the values equal the CPU
// kernels' (and the Java kernel's) bit for bit up to the sign of zero.
#include <cuda_runtime.h>

#include "edgessl_cuda.h"

namespace {

constexpr int kBlockX = 32;
constexpr int kBlockY = 8;

struct Args {
  const uint8_t *src;
  int64_t src_size;
  int32_t format;
  const float *yuv;
  const int32_t *row_offsets;
  int32_t rows;
  int32_t taps;
  int32_t out_height;
  int32_t y_begin;
  int32_t y_end;
  const int32_t *row_taps;
  const float *row_weights;
  int32_t out_width;
  const int32_t *col_offsets;
  const float *col_weights;
  int32_t channel_count;
  const int32_t *channels;
  const float *scale;
  const float *bias;
  float *dst;
};

// Bytes read from a luma and from a chroma position, per format.
__constant__ int32_t kLumaBytes[EDGESSL_FORMAT_COUNT] = {3, 3, 3, 3, 1, 1, 1, 1};
__constant__ int32_t kChromaBytes[EDGESSL_FORMAT_COUNT] = {0, 0, 0, 0, 0, 2, 2, 3};

__device__ __forceinline__ float clamp255(float v) {
  const float lo = v < 0.0f ? 0.0f : v;  // Math.max(0f, v)
  return lo > 255.0f ? 255.0f : lo;      // Math.min(255f, lo)
}

// R, G, B of the sample at luma position l and chroma position c (Y three times for GRAY).
// Returns false, reading nothing, when a byte it needs is outside the frame.
__device__ __forceinline__ bool sample(const Args &a, const float yuv[6], int64_t l, int64_t c,
                                       float rgb[3]) {
  if (l < 0 || l + kLumaBytes[a.format] > a.src_size) {
    return false;
  }
  const uint8_t *s = a.src;
  switch (a.format) {
    case EDGESSL_FORMAT_RGB:
    case EDGESSL_FORMAT_RGBA:
      rgb[0] = s[l], rgb[1] = s[l + 1], rgb[2] = s[l + 2];
      return true;
    case EDGESSL_FORMAT_BGR:
    case EDGESSL_FORMAT_BGRA:
      rgb[2] = s[l], rgb[1] = s[l + 1], rgb[0] = s[l + 2];
      return true;
    case EDGESSL_FORMAT_GRAY:
      rgb[0] = rgb[1] = rgb[2] = s[l];
      return true;
    default:
      break;
  }
  if (c < 0 || c + kChromaBytes[a.format] > a.src_size) {
    return false;
  }
  float u, v;
  if (a.format == EDGESSL_FORMAT_NV12) {
    u = s[c], v = s[c + 1];
  } else if (a.format == EDGESSL_FORMAT_NV21) {
    v = s[c], u = s[c + 1];
  } else {  // YUYV
    u = s[c], v = s[c + 2];
  }
  u = __fsub_rn(u, 128.0f);
  v = __fsub_rn(v, 128.0f);
  const float yy = __fmul_rn(yuv[1], __fsub_rn(static_cast<float>(s[l]), yuv[0]));
  rgb[0] = clamp255(__fadd_rn(yy, __fmul_rn(yuv[2], v)));
  rgb[1] = clamp255(__fsub_rn(__fsub_rn(yy, __fmul_rn(yuv[3], u)), __fmul_rn(yuv[4], v)));
  rgb[2] = clamp255(__fadd_rn(yy, __fmul_rn(yuv[5], u)));
  return true;
}

__global__ void preprocess_kernel(const Args a) {
  const int32_t x = blockIdx.x * kBlockX + threadIdx.x;
  const int32_t y = a.y_begin + blockIdx.y * kBlockY + threadIdx.y;
  if (x >= a.out_width || y >= a.y_end) {
    return;
  }
  const int32_t T = a.taps;
  const bool gray = a.format == EDGESSL_FORMAT_GRAY;
  float yuv[6] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
  if (a.format >= EDGESSL_FORMAT_NV12) {
    for (int i = 0; i < 6; i++) {
      yuv[i] = __ldg(a.yuv + i);
    }
  }
  float v[EDGESSL_COMPONENT_COUNT] = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int32_t t = 0; t < T; t++) {
    const int64_t ti = static_cast<int64_t>(y) * T + t;
    const int32_t r = a.row_taps[ti];
    if (r < 0 || r >= a.rows) {
      continue;  // outside the contract (edgessl_preprocess_check refuses it): skipped
    }
    const int64_t rl = a.row_offsets[2 * static_cast<int64_t>(r)];
    const int64_t rc = a.row_offsets[2 * static_cast<int64_t>(r) + 1];
    float h[3] = {0.0f, 0.0f, 0.0f};
    for (int32_t s = 0; s < T; s++) {
      const int64_t k = static_cast<int64_t>(x) * T + s;
      float rgb[3];
      if (sample(a, yuv, rl + a.col_offsets[2 * k], rc + a.col_offsets[2 * k + 1], rgb)) {
        const float w = a.col_weights[k];
        for (int i = 0; i < 3; i++) {
          h[i] = __fadd_rn(h[i], __fmul_rn(w, rgb[i]));
        }
      }
    }
    const float luma =
        gray ? h[0]
             : __fadd_rn(__fadd_rn(__fmul_rn(0.299f, h[0]), __fmul_rn(0.587f, h[1])),
                         __fmul_rn(0.114f, h[2]));
    const float comp[EDGESSL_COMPONENT_COUNT] = {h[0], h[1], h[2], luma};
    const float w = a.row_weights[ti];
    for (int i = 0; i < EDGESSL_COMPONENT_COUNT; i++) {
      v[i] = t == 0 ? __fmul_rn(w, comp[i]) : __fadd_rn(v[i], __fmul_rn(w, comp[i]));
    }
  }
  const int64_t plane = static_cast<int64_t>(a.out_height) * a.out_width;
  const int64_t at = static_cast<int64_t>(y) * a.out_width + x;
  for (int32_t c = 0; c < a.channel_count; c++) {
    const int32_t k = a.channels[c];
    const float value = k >= 0 && k < EDGESSL_COMPONENT_COUNT ? v[k] : 0.0f;
    a.dst[c * plane + at] = __fadd_rn(__fmul_rn(value, a.scale[c]), a.bias[c]);
  }
}

}  // namespace

extern "C" int32_t edgessl_preprocess_cuda(
    const uint8_t *src, int64_t src_size, int32_t format, const float *yuv,
    const int32_t *row_offsets, int32_t rows, int32_t taps, int32_t out_height, int32_t y_begin,
    int32_t y_end, const int32_t *row_taps, const float *row_weights, int32_t out_width,
    const int32_t *col_offsets, const float *col_weights, int32_t channel_count,
    const int32_t *channels, const float *scale, const float *bias, float *dst,
    edgessl_cuda_stream stream) {
  if (format < 0 || format >= EDGESSL_FORMAT_COUNT || taps < 1 ||
      taps > EDGESSL_PREPROCESS_MAX_TAPS || out_height < 0 || out_width < 0 || y_begin < 0 ||
      y_begin > y_end || y_end > out_height || channel_count < 1 || src_size < 0 ||
      channels == nullptr || scale == nullptr || bias == nullptr) {
    return EDGESSL_ERR_ARGUMENT;
  }
  if (y_begin == y_end || out_width == 0) {
    return EDGESSL_OK;
  }
  const bool is_yuv = format >= EDGESSL_FORMAT_NV12;
  const int64_t row_blocks = (static_cast<int64_t>(y_end) - y_begin + kBlockY - 1) / kBlockY;
  if (row_blocks > 65535) {
    return EDGESSL_ERR_ARGUMENT;  // the grid's y dimension: at most 524280 rows a call
  }
  if (src == nullptr || row_offsets == nullptr || rows < 1 || row_taps == nullptr ||
      row_weights == nullptr || col_offsets == nullptr || col_weights == nullptr ||
      dst == nullptr || (is_yuv && yuv == nullptr)) {
    return EDGESSL_ERR_ARGUMENT;
  }
  Args a;
  a.src = src;
  a.src_size = src_size;
  a.format = format;
  a.yuv = yuv;
  a.row_offsets = row_offsets;
  a.rows = rows;
  a.taps = taps;
  a.out_height = out_height;
  a.y_begin = y_begin;
  a.y_end = y_end;
  a.row_taps = row_taps;
  a.row_weights = row_weights;
  a.out_width = out_width;
  a.col_offsets = col_offsets;
  a.col_weights = col_weights;
  a.channel_count = channel_count;
  a.channels = channels;
  a.scale = scale;
  a.bias = bias;
  a.dst = dst;
  const dim3 block(kBlockX, kBlockY);
  const dim3 grid((out_width + kBlockX - 1) / kBlockX, static_cast<unsigned>(row_blocks));
  preprocess_kernel<<<grid, block, 0, static_cast<cudaStream_t>(stream)>>>(a);
  return cudaGetLastError() == cudaSuccess ? EDGESSL_OK : EDGESSL_ERR_CUDA;
}
