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

/* ---- frame conversion and preprocessing (issue 6, part 2) are declared here ---- */

#ifdef __cplusplus
}
#endif

#endif /* EDGESSL_CUDA_H */
