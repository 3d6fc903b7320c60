/* Kernels for 128-bit vectors: SSE2 (the x86-64 baseline) or NEON; no FMA, so separate
 * multiply and add. */
#include "kiln.h"
#define KILN_TABLE kiln_kernels_sse2
#define KILN_NAME "sse2"
#define L32 4
#define L64 2
#define MR32 6
#define NV32 2
#define MR64 6
#define NV64 2
#include "kernels.inc"
