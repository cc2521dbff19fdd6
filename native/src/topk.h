/* Running top-k lists, with the exact semantics of the Java twin (io.edgessl.internal.kernels.TopK). */
#ifndef EDGESSL_TOPK_H
#define EDGESSL_TOPK_H

#include <stdint.h>

/* Entries in use: the list fills from the front, unused entries have slot -1. */
static inline int32_t es_topk_filled(const int32_t *slots, int32_t k) {
  int32_t f = 0;
  while (f < k && slots[f] >= 0) {
    f++;
  }
  return f;
}

/*
 * Merges n scores for slots first_slot.. (increasing) into the sorted list (scores ts, slots ti,
 * k entries, `filled` in use). Only a strictly greater score displaces an entry, so equal scores
 * keep the lower slot first; a NaN never displaces anything. Returns the new number in use.
 */
static inline int32_t es_topk_merge(const float *s, int32_t n, int32_t first_slot, float *ts,
                                    int32_t *ti, int32_t k, int32_t filled) {
  if (filled == k) {
    /* Most blocks hold nothing better than the k-th score: test them all at once (the compiler
     * vectorizes this) before the scalar insertions. */
    const float last = ts[k - 1];
    int any = 0;
    for (int32_t j = 0; j < n; j++) {
      any |= s[j] > last;
    }
    if (!any) {
      return filled;
    }
  }
  for (int32_t j = 0; j < n; j++) {
    const float x = s[j];
    if (filled == k && !(x > ts[k - 1])) {
      continue;
    }
    int32_t pos = filled < k ? filled++ : k - 1;
    while (pos > 0 && x > ts[pos - 1]) {
      ts[pos] = ts[pos - 1];
      ti[pos] = ti[pos - 1];
      pos--;
    }
    ts[pos] = x;
    ti[pos] = first_slot + j;
  }
  return filled;
}

#endif /* EDGESSL_TOPK_H */
