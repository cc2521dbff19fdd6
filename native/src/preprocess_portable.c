/*
 * Portable C preprocessing: the scalar horizontal pass of preprocess_driver.h for every row. The
 * reference the SIMD variants are tested against, and the kernel of CPUs without one; compiled
 * for the baseline (SSE2 on x86-64), the compiler still vectorizes its vertical pass.
 */
#include "preprocess_driver.h"

void es_preprocess_portable(const es_pre *p, int32_t y_begin, int32_t y_end) {
  es_pre_drive(p, y_begin, y_end, es_pre_hrow_scalar);
}
