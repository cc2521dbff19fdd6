/**
 * Kernel selection and the pure-Java kernels. {@link io.edgessl.kernels.KernelSupport#get()}
 * returns the fastest kernels available; {@link io.edgessl.kernels.JavaKernels} are the portable
 * fallback and the reference for native ones.
 */
package io.edgessl.kernels;
