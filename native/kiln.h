/*
 * kiln's native kernels: shared declarations.
 *
 * The same kernel source (kernels.inc) is compiled once per instruction set (isa_*.c), each
 * filling a `kiln_kernels` table; kiln.c picks the best table the CPU supports at load time.
 * The drivers (gemm.c, elementwise.c) are ISA-independent: they block, pack and split work over
 * the thread pool, and call the table's vectorized inner kernels.
 */
#ifndef KILN_H
#define KILN_H

#include <stddef.h>
#include <stdint.h>

typedef enum { KILN_F32 = 0, KILN_F64 = 1 } kiln_dtype;
typedef enum { KILN_ADD = 0, KILN_SUB = 1, KILN_MUL = 2, KILN_DIV = 3, KILN_MAX = 4, KILN_MIN = 5 } kiln_binop;
typedef enum { KILN_EXP = 0, KILN_TANH = 1, KILN_SIGMOID = 2 } kiln_unop;

/* GEMM pieces for one dtype. Packed A holds panels of mr rows (for each p, mr values); packed B
 * panels of nr columns (for each p, nr values); both zero-padded to whole panels. */
typedef struct {
  int mr, nr;
  /* C[mr x nr] (row stride ldc, unit column stride) = (accumulate ? C : 0) + Apanel * Bpanel,
   * B's rows ldb apart (nr for a packed panel). */
  void (*micro)(long k, const void *a, const void *b, long ldb, void *c, long ldc, int accumulate);
  /* Packs rows x k of A (element (i, p) at a[i*rs + p*cs]) into ceil(rows/mr) panels. */
  void (*pack_a)(long rows, long k, const void *a, long rs, long cs, void *dst);
  /* Packs k x cols of B (element (p, j) at b[p*rs + j*cs]) into ceil(cols/nr) panels. */
  void (*pack_b)(long k, long cols, const void *b, long rs, long cs, void *dst);
  /* C = A.B (C's element (i, j) at c[i*crs + j*ccs]) with A's rows (a[i*lda + p]) and B's columns
   * (b[j*ldb + p]) contiguous: dot products, for narrow products of long rows. */
  void (*dots)(long m, long n, long k, const void *a, long lda, const void *b, long ldb, void *c, long crs, long ccs);
} kiln_gemm_kernels;

/* Elementwise kernels over n contiguous elements. Binary inputs have stride 1, or 0 (a scalar).
 * `stream`: write the output with streaming stores (for outputs far larger than the caches). */
typedef struct {
  void (*binary)(int op, long n, const void *a, int sa, const void *b, int sb, void *out, int stream);
  void (*unary)(int op, long n, const void *x, void *out, int stream);
  /* Sum of n contiguous elements, accumulated in float64. */
  double (*sum)(long n, const void *x);
  /* acc[j] += x[i*rs + j] for i < rows, j < cols (acc is float64). */
  void (*sum_cols)(long rows, long cols, const void *x, long rs, double *acc);
} kiln_ew_kernels;

typedef struct {
  const char *name;
  kiln_gemm_kernels gemm[2]; /* by kiln_dtype */
  kiln_ew_kernels ew[2];
} kiln_kernels;

extern const kiln_kernels kiln_kernels_scalar, kiln_kernels_sse2;
#if defined(__x86_64__) || defined(__i386__)
#define KILN_X86 1
extern const kiln_kernels kiln_kernels_avx2, kiln_kernels_avx512;
#endif

/* The active table (set once by kiln_select_isa). */
extern const kiln_kernels *kiln_k;
/* Picks the best table the CPU supports, no better than `wanted` (NULL or "" for the best). */
void kiln_select_isa(const char *wanted);

/* ---- thread pool (threadpool.c) ---- */

/* A job is `tickets` work items, each run once as fn(ctx, ticket, cursor), claimed in increasing
 * order by the participating threads. `cursor` is per-thread state for the job (KILN_CURSOR
 * zeroed longs), e.g. where the thread is in an iteration space, since its tickets only grow. */
#define KILN_CURSOR 8
typedef void (*kiln_ticket_fn)(void *ctx, long ticket, long *cursor);
void kiln_set_num_threads(int n);
int kiln_get_num_threads(void);
/* Runs a job on up to `want` threads and returns when every ticket is done. If another thread
 * holds the pool (a worker_thread calling in concurrently), runs it on the calling thread. */
void kiln_run(long tickets, kiln_ticket_fn fn, void *ctx, int want);
/* One step of a wait loop: spin briefly, then yield the core. */
void kiln_relax(int *spins);

/* ---- drivers ---- */

typedef struct {
  kiln_dtype dtype;
  long m, n, k;
  const void *a, *b;
  void *c;
  long ars, acs, brs, bcs, crs, ccs; /* element strides */
  long batch;
  const double *a_offs, *b_offs, *c_offs; /* element offset of each batch entry */
} kiln_gemm_args;
void kiln_gemm(const kiln_gemm_args *g);

void kiln_binary(kiln_dtype dt, int op, long outer, long inner, void *out, long os,
                 const void *a, long as, int ai, const void *b, long bs, int bi);
void kiln_unary(kiln_dtype dt, int op, long outer, long inner, void *out, long os, const void *x, long xs);
void kiln_sum_rows(kiln_dtype dt, long rows, long len, const void *x, long xs, void *out, long os);
void kiln_sum_cols(kiln_dtype dt, long len, long cols, const void *x, long xs, void *out, long os);

/* ---- memory (alloc.c) ---- */
/* Asks for transparent huge pages on the whole 2 MiB pages inside [p, p + bytes). */
void kiln_advise_huge(void *p, size_t bytes);
/* A per-thread scratch buffer (slot 0 or 1), 64-byte aligned, kept and grown across calls. */
void *kiln_scratch(int slot, size_t bytes);

#endif
