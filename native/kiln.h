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

static inline long min_l(long a, long b) { return a < b ? a : b; }
static inline long max_l(long a, long b) { return a > b ? a : b; }
static inline long ceil_div(long a, long b) { return (a + b - 1) / b; }
/* Bytes per element of a kernel dtype. */
static inline long esize(kiln_dtype dt) { return dt == KILN_F32 ? 4 : 8; }
typedef enum { KILN_ADD = 0, KILN_SUB = 1, KILN_MUL = 2, KILN_DIV = 3, KILN_MAX = 4, KILN_MIN = 5, KILN_RELU_BACKWARD = 6 } kiln_binop;
typedef enum {
  KILN_EXP = 0, KILN_TANH = 1, KILN_SIGMOID = 2, KILN_LOG = 3, KILN_NEG = 4, KILN_ABS = 5,
  KILN_GELU = 6,      /* exact (erf) form; float32 only */
  KILN_GELU_TANH = 7, /* the tanh approximation */
  KILN_UNOP_COUNT
} kiln_unop;

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
  /* Sum of n contiguous elements (float32: in float32 blocks whose sums add in float64). */
  double (*sum)(long n, const void *x);
  /* acc[j] += x[i*rs + j] for i < rows, j < cols (acc is float64). */
  void (*sum_cols)(long rows, long cols, const void *x, long rs, double *acc);
  /* Softmax, or log-softmax with `log`, of n contiguous elements into out. */
  void (*softmax)(long n, const void *x, void *out, int log);
} kiln_ew_kernels;

/* Dtypes of copies and casts (bool is uint8; same-dtype copies go by element size: 4 or 8 bytes as
 * int32 / int64). */
typedef enum { KILN_CF32 = 0, KILN_CF64 = 1, KILN_CI32 = 2, KILN_CI64 = 3, KILN_CU8 = 4 } kiln_cdtype;

typedef struct {
  /* n elements from x (stride xs) to out (stride os), converted from `from` to `to` (float32 or
   * float64, from another dtype); returns 0 for a pair it does not have. */
  int (*cast)(int from, int to, long n, const void *x, long xs, void *out, long os);
  /* Transposing copies of 4- and 8-byte elements: dst[r*drs + c] = src[r + c*scs]. */
  void (*tile32)(long rows, long cols, const void *src, long scs, void *dst, long drs);
  void (*tile64)(long rows, long cols, const void *src, long scs, void *dst, long drs);
} kiln_copy_kernels;

typedef struct {
  const char *name;
  kiln_gemm_kernels gemm[2]; /* by kiln_dtype */
  kiln_ew_kernels ew[2];
  kiln_copy_kernels copy;
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

/* out(o, i) = a(o, i) op b(o, i) for o < outer, i < inner; each operand has a row stride and an
 * element stride (any; 0 broadcasts). */
void kiln_binary(kiln_dtype dt, int op, long outer, long inner, void *out, long oo, long oi,
                 const void *a, long ao, long ai, const void *b, long bo, long bi);
void kiln_unary(kiln_dtype dt, int op, long outer, long inner, void *out, long oo, long oi, const void *x, long xo, long xi);
/* out[r*os] = sum over q < m, i < len of x[r*xs + q*ms + i]: m contiguous lines per output. */
void kiln_sum_rows(kiln_dtype dt, long rows, long m, long ms, long len, const void *x, long xs, void *out, long os);
void kiln_sum_cols(kiln_dtype dt, long len, long cols, const void *x, long xs, void *out, long os);
/* (Log-)softmax of each contiguous row of len elements (rows at stride xs, out rows at os). */
void kiln_softmax(kiln_dtype dt, long rows, long len, const void *x, long xs, void *out, long os, int log);

/* out(o, i) = x(o, i) converted from `from` to `to` (kiln_cdtype; equal for a plain copy) for
 * o < outer, i < inner; element strides oo, oi (out) and xo, xi (x), any signs. */
int kiln_copy_supported(int from, int to);
void kiln_copy(int from, int to, long outer, long inner, void *out, long oo, long oi, const void *x, long xo, long xi);

/* ---- sliding windows (window.c) ---- */

/* N x C planes of H x W cells; plane (n, c) of the image starts at n*xn + c*xc, its cell (h, w) at
 * h*xh + w*xw (element strides). Output cells: oh x ow per window cell; the columns (N, C, kh, kw,
 * oh, ow) have strides cn, cc, ci, cj, cy, cx. */
typedef struct {
  long N, C, H, W, oh, ow;
  long xn, xc, xh, xw;
  long cn, cc, ci, cj, cy, cx;
} kiln_plane_geometry;
/* Output cell (y, x), window cell (i, j) covers input cell (y*sh - ph + i*dh, x*sw - pw + j*dw). */
typedef struct {
  long kh, kw, sh, sw, ph, pw, dh, dw;
} kiln_window;
/* cols (N, C, kh, kw, oh, ow) = the covered image cells, 0 in the padding. Planes must not share cols cells. */
void kiln_unfold(kiln_dtype dt, const kiln_plane_geometry *g, const kiln_window *w, const void *x, void *cols);
/* out (N, C, H, W), contiguous = the sum of cols at the cells they cover (x strides unused). */
void kiln_fold(kiln_dtype dt, const kiln_plane_geometry *g, const kiln_window *w, const void *cols, void *out);
/* out and pos (N, C, oh, ow), contiguous: each window's maximum and the C-order number of its cell. */
void kiln_max_pool(kiln_dtype dt, const kiln_plane_geometry *g, const kiln_window *w, const void *x, void *out,
                   void *pos, int pos64);

/* ---- gather and scatter (gather.c) ----
 * take: out[k] = x[pos[k]]; put: out[pos[k]] = (or +=) src[k] (src[0] when src_scalar), in order.
 * x / out hold xlen / olen elements; n positions (int64 when pos64, else int32). Both return -1, or
 * the first k whose position is out of range (nothing after it is done). */
long kiln_take(kiln_dtype dt, const void *x, long xlen, const void *pos, int pos64, long n, void *out);
long kiln_put(kiln_dtype dt, const void *src, int src_scalar, const void *pos, int pos64, long n, void *out,
              long olen, int accumulate);

/* ---- memory (alloc.c) ---- */
/* Asks for transparent huge pages on the whole 2 MiB pages inside [p, p + bytes). */
void kiln_advise_huge(void *p, size_t bytes);
/* A per-thread scratch buffer (slot 0 or 1), 64-byte aligned, kept and grown across calls. */
void *kiln_scratch(int slot, size_t bytes);

#endif
