/**
 * Kernel selection and the pure-Java kernels (not exported, except to the native module). {@link
 * io.edgessl.internal.kernels.KernelSupport} chooses the kernels of each domain; {@link
 * io.edgessl.internal.kernels.JavaKernels} (k-NN) and {@link
 * io.edgessl.internal.kernels.JavaImageKernels} (preprocessing) are the portable fallbacks and the
 * references for native ones; {@link io.edgessl.internal.kernels.KernelChecks} holds the argument
 * checks every implementation shares.
 */
package io.edgessl.internal.kernels;
