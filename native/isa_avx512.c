/* Kernels for AVX-512F (with AVX2 and FMA): 16 float32 / 8 float64 lanes, 32 vector registers. */
#include "kiln.h"
#ifdef KILN_X86
#pragma GCC target("avx512f,avx512dq,avx2,fma,bmi2")
#define KILN_TABLE kiln_kernels_avx512
#define KILN_NAME "avx512"
#define L32 16
#define L64 8
/* micro-tiles of 14 x 2 vectors: 28 accumulators + 2 B vectors + 1 broadcast of 32 registers */
#define MR32 14
#define NV32 2
#define MR64 14
#define NV64 2
#include "kernels.inc"
#endif
