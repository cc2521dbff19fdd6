// Device memory helpers of libedgessl_cuda (edgessl_cuda.h): thin wrappers over the CUDA runtime
// that turn its errors into EdgeSSL status codes, so that callers (C, or Java through the FFM)
// need no CUDA headers.
#include <cuda_runtime.h>

#include "edgessl_cuda.h"

extern "C" {

int32_t edgessl_cuda_device_count(int32_t *count) {
  if (count == nullptr) {
    return EDGESSL_ERR_ARGUMENT;
  }
  int n = 0;
  // No driver, an old driver or no device: zero devices, not an error (the tests skip on it).
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky error of the failed call
    n = 0;
  }
  *count = n;
  return EDGESSL_OK;
}

int32_t edgessl_cuda_malloc(void **device_ptr, int64_t bytes) {
  if (device_ptr == nullptr || bytes < 0) {
    return EDGESSL_ERR_ARGUMENT;
  }
  return cudaMalloc(device_ptr, static_cast<size_t>(bytes)) == cudaSuccess ? EDGESSL_OK
                                                                          : EDGESSL_ERR_CUDA;
}

int32_t edgessl_cuda_free(void *device_ptr) {
  return cudaFree(device_ptr) == cudaSuccess ? EDGESSL_OK : EDGESSL_ERR_CUDA;
}

int32_t edgessl_cuda_upload(void *device_dst, const void *host_src, int64_t bytes,
                            edgessl_cuda_stream stream) {
  if (bytes < 0 || (bytes > 0 && (device_dst == nullptr || host_src == nullptr))) {
    return EDGESSL_ERR_ARGUMENT;
  }
  if (bytes == 0) {
    return EDGESSL_OK;
  }
  return cudaMemcpyAsync(device_dst, host_src, static_cast<size_t>(bytes), cudaMemcpyHostToDevice,
                         static_cast<cudaStream_t>(stream)) == cudaSuccess
             ? EDGESSL_OK
             : EDGESSL_ERR_CUDA;
}

int32_t edgessl_cuda_download(void *host_dst, const void *device_src, int64_t bytes,
                              edgessl_cuda_stream stream) {
  if (bytes < 0 || (bytes > 0 && (host_dst == nullptr || device_src == nullptr))) {
    return EDGESSL_ERR_ARGUMENT;
  }
  if (bytes == 0) {
    return EDGESSL_OK;
  }
  return cudaMemcpyAsync(host_dst, device_src, static_cast<size_t>(bytes), cudaMemcpyDeviceToHost,
                         static_cast<cudaStream_t>(stream)) == cudaSuccess
             ? EDGESSL_OK
             : EDGESSL_ERR_CUDA;
}

int32_t edgessl_cuda_synchronize(edgessl_cuda_stream stream) {
  return cudaStreamSynchronize(static_cast<cudaStream_t>(stream)) == cudaSuccess ? EDGESSL_OK
                                                                                 : EDGESSL_ERR_CUDA;
}

}  // extern "C"
