/* Kernels for AVX2 with FMA: 8 float32 / 4 float64 lanes, 16 vector registers. */
#include "kiln.h"
#ifdef KILN_X86
#pragma GCC target("avx2,fma")
#define KILN_TABLE kiln_kernels_avx2
#define KILN_NAME "avx2"
#define L32 8
#define L64 4
/* micro-tiles of 6 x 2 vectors: 12 accumulators + 2 B vectors + 1 broadcast of 16 registers */
#define MR32 6
#define NV32 2
#define MR64 6
#define NV64 2
#include "kernels.inc"
#endif
