/*
 * libedgessl_cuda: CUDA versions of EdgeSSL's kernels (native/cuda; built when CMake finds nvcc).
 *
 * Conventions, for every kernel declared here:
 *   - It has the signature of its CPU twin in edgessl.h, minus the variant argument, with
 *     "_cuda" appended to the name, device pointers for its arrays, and a trailing
 *     edgessl_cuda_stream argument (a cudaStream_t; NULL is the legacy default stream).
 *   - It enqueues its work on that stream and returns without synchronizing: results are ready
 *     when the stream is. It allocates nothing; scratch buffers are arguments.
 *   - It returns EDGESSL_OK, EDGESSL_ERR_ARGUMENT (checked before launching) or
 *     EDGESSL_ERR_CUDA (the launch failed; cudaGetLastError() says why).
 *   - Its results equal the CPU portable variant's within the tolerance its test states, and
 *     its tests run only where a GPU is present.
 * The Java bindings load this library only when a CUDA device is present; libedgessl never
 * depends on it.
 */
#ifndef EDGESSL_CUDA_H
#define EDGESSL_CUDA_H

#include "edgessl.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A cudaStream_t, without making users of this header include the CUDA runtime's headers. */
typedef void *edgessl_cuda_stream;

/* ---- device memory helpers ---- */

/* The number of CUDA devices usable here into *count (0 when there is no driver or no device:
 * that is not an error). EDGESSL_ERR_ARGUMENT for a NULL count. */
EDGESSL_API int32_t edgessl_cuda_device_count(int32_t *count);

/* cudaMalloc / cudaFree. EDGESSL_ERR_CUDA when the runtime refuses. */
EDGESSL_API int32_t edgessl_cuda_malloc(void **device_ptr, int64_t bytes);
EDGESSL_API int32_t edgessl_cuda_free(void *device_ptr);

/* Copies bytes from host memory to the device (upload: e.g. a camera frame, or the tables of
 * edgessl_preprocess_cuda) or back (download), enqueued on the stream. From pageable host memory
 * the copy is staged by the driver and returns once the host buffer may be reused; from pinned
 * memory it is asynchronous, and the host buffer must stay untouched until the stream is. */
EDGESSL_API int32_t edgessl_cuda_upload(void *device_dst, const void *host_src, int64_t bytes,
                                        edgessl_cuda_stream stream);
EDGESSL_API int32_t edgessl_cuda_download(void *host_dst, const void *device_src, int64_t bytes,
                                          edgessl_cuda_stream stream);

/* Waits for the stream's work; EDGESSL_ERR_CUDA when any of it failed. */
EDGESSL_API int32_t edgessl_cuda_synchronize(edgessl_cuda_stream stream);

/* ---- preprocessing ---- */

/* edgessl_preprocess (edgessl.h) on the GPU: the same arguments, minus the variant, every array
 * in device memory, dst included, and a stream. Results equal the CPU kernels' bit for bit up to
 * the sign of zero (every product and sum rounded separately, as on the CPU: the kernel uses
 * __fmul_rn / __fadd_rn, which are never fused). One thread computes one output pixel of every
 * plane, so the row ordering the CPU kernels' ring relies on is not needed here.
 *
 * The scalar arguments are checked before launching (EDGESSL_ERR_ARGUMENT); the tables, in
 * device memory, cannot be: check them on the host with edgessl_preprocess_check before
 * uploading them. A table that fails that check still makes the kernel read nothing outside
 * src[0, src_size), the tables' stated sizes and dst: a sample outside the frame, a row tap
 * outside [0, rows) and a component outside [0, 4) are skipped, and the values written are then
 * unspecified. */
EDGESSL_API int32_t edgessl_preprocess_cuda(
    const uint8_t *src, int64_t src_size, int32_t format, const float *yuv,
    const int32_t *row_offsets, int32_t rows, int32_t taps, int32_t out_height, int32_t y_begin,
    int32_t y_end, const int32_t *row_taps, const float *row_weights, int32_t out_width,
    const int32_t *col_offsets, const float *col_weights, int32_t channel_count,
    const int32_t *channels, const float *scale, const float *bias, float *dst,
    edgessl_cuda_stream stream);

#ifdef __cplusplus
}
#endif

#endif /* EDGESSL_CUDA_H */
