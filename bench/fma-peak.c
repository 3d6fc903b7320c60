/* The machine's single-thread FMA peak, for the matmul target (85% of peak).
 * Build: gcc -O2 -o /tmp/fma-peak bench/fma-peak.c   Run: /tmp/fma-peak
 * Twelve independent FMA chains held in registers, so throughput (not latency) limits the loop. */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

/* This thread's CPU time, not wall time: on a shared machine the wall clock also counts the time
 * other processes held the core, which would understate the peak. */
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

#define ITERS 100000000L
#define STEP(F) \
  c0 = F(c0, a, b); c1 = F(c1, a, b); c2 = F(c2, a, b); c3 = F(c3, a, b); c4 = F(c4, a, b); c5 = F(c5, a, b); \
  c6 = F(c6, a, b); c7 = F(c7, a, b); c8 = F(c8, a, b); c9 = F(c9, a, b); c10 = F(c10, a, b); c11 = F(c11, a, b);

#define PEAK(NAME, TARGET, T, SET1, FMA, LANES, STORE)                                        \
  __attribute__((target(TARGET))) static double NAME(void) {                                  \
    T c0 = SET1(0), c1 = SET1(1), c2 = SET1(2), c3 = SET1(3), c4 = SET1(4), c5 = SET1(5);      \
    T c6 = SET1(6), c7 = SET1(7), c8 = SET1(8), c9 = SET1(9), c10 = SET1(10), c11 = SET1(11);  \
    T a = SET1(0.999999f), b = SET1(1e-7f);                                                    \
    double t0 = now();                                                                         \
    for (long it = 0; it < ITERS; it++) { STEP(FMA) }                                          \
    double t = now() - t0;                                                                     \
    float v[LANES] = {0}, s = 0;                                                               \
    T all = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;                       \
    STORE(v, all);                                                                             \
    for (int i = 0; i < LANES; i++) s += v[i];                                                 \
    if (s == 12345.f) puts("");                                                                \
    return 2.0 * LANES * 12 * ITERS / t / 1e9;                                                 \
  }

PEAK(peak512, "avx512f", __m512, _mm512_set1_ps, _mm512_fmadd_ps, 16, _mm512_storeu_ps)
PEAK(peak256, "avx2,fma", __m256, _mm256_set1_ps, _mm256_fmadd_ps, 8, _mm256_storeu_ps)

int main(void) {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) printf("AVX-512 float32 FMA peak: %.1f GFLOP/s\n", peak512());
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) printf("AVX2 float32 FMA peak: %.1f GFLOP/s\n", peak256());
  return 0;
}
