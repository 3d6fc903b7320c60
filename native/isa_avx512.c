/* Kernels for AVX-512F (with AVX2 and FMA): 16 float32 / 8 float64 lanes, 32 vector registers. */
#include "kiln.h"
#ifdef KILN_X86
#pragma GCC target("avx512f,avx512dq,avx2,fma,bmi2")
#define KILN_TABLE kiln_kernels_avx512
#define KILN_NAME "avx512"
#define L32 16
#define L64 8
/* float32 micro-tiles of 16 x 16: 16 accumulators, and power-of-two sizes leave no partial
 * tiles (14 x 32 peaks as high but wastes 9% on the last rows of a 128-row product);
 * float64 tiles of 14 x 16: 28 accumulators + 2 B vectors + 1 broadcast of the 32 registers */
#define MR32 16
#define NV32 1
#define MR64 14
#define NV64 2
#include "kernels.inc"
#endif
