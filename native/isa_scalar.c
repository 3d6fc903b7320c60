/* Plain scalar kernels (1-lane vectors, auto-vectorization off): the reference path, and what
 * KILN_ISA=scalar forces so tests cover the generic tails and packing. */
#pragma GCC optimize("no-tree-vectorize")
#include "kiln.h"
#define KILN_TABLE kiln_kernels_scalar
#define KILN_NAME "scalar"
#define L32 1
#define L64 1
#define MR32 4
#define NV32 4
#define MR64 4
#define NV64 4
#include "kernels.inc"
