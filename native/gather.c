/*
 * Gather and scatter by flat position (the backend's take and put) for float32/float64 values
 * with int32 or int64 positions, every operand contiguous. Indexing, embedding lookups and the
 * gradients of max pooling reduce to these. Positions were checked by the caller; the kernels
 * still refuse one out of range (returning its index) rather than touch memory outside the array.
 */
#include "kiln.h"

#define DEFINE_GATHER(T, SFX)                                                                                \
  static long take_##SFX(const T *x, long xlen, const void *pos, int pos64, long n, T *out) {               \
    for (long k = 0; k < n; k++) {                                                                           \
      const long p = pos64 ? (long)((const int64_t *)pos)[k] : (long)((const int32_t *)pos)[k];               \
      if ((unsigned long)p >= (unsigned long)xlen) return k;                                                 \
      out[k] = x[p];                                                                                         \
    }                                                                                                        \
    return -1;                                                                                               \
  }                                                                                                          \
  /* In order, so with `accumulate` repeated positions sum the same way every time (and without it the     \
   * last write wins, as the TypeScript kernel). */                                                          \
  static long put_##SFX(const T *src, int src_scalar, const void *pos, int pos64, long n, T *out, long olen,  \
                        int accumulate) {                                                                    \
    for (long k = 0; k < n; k++) {                                                                           \
      const long p = pos64 ? (long)((const int64_t *)pos)[k] : (long)((const int32_t *)pos)[k];               \
      if ((unsigned long)p >= (unsigned long)olen) return k;                                                 \
      const T v = src[src_scalar ? 0 : k];                                                                   \
      out[p] = accumulate ? out[p] + v : v;                                                                  \
    }                                                                                                        \
    return -1;                                                                                               \
  }

DEFINE_GATHER(float, f32)
DEFINE_GATHER(double, f64)

long kiln_take(kiln_dtype dt, const void *x, long xlen, const void *pos, int pos64, long n, void *out) {
  return dt == KILN_F32 ? take_f32(x, xlen, pos, pos64, n, out) : take_f64(x, xlen, pos, pos64, n, out);
}

long kiln_put(kiln_dtype dt, const void *src, int src_scalar, const void *pos, int pos64, long n, void *out,
              long olen, int accumulate) {
  return dt == KILN_F32 ? put_f32(src, src_scalar, pos, pos64, n, out, olen, accumulate)
                        : put_f64(src, src_scalar, pos, pos64, n, out, olen, accumulate);
}
