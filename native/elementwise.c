/*
 * Drivers for elementwise ops and sums: a problem is `outer` rows of `inner` contiguous
 * elements (row strides arbitrary), split over threads in element ranges above a size threshold.
 * Sums are computed in fixed blocks whatever the thread count, so results do not depend on it.
 */
#include <stdlib.h>

#include "kiln.h"

#define BINARY_PAR_MIN (1L << 17) /* elements; below, waking threads costs more than it saves */
#define UNARY_PAR_MIN (1L << 14)
#define SUM_PAR_MIN (1L << 17)
#define SUM_BLOCK (1L << 16) /* a line is summed in blocks of this many elements, in order */
#define COL_CHUNK 512L       /* columns summed together (their float64 accumulators stay in L1) */

static long min_l(long a, long b) { return a < b ? a : b; }
static size_t esize(kiln_dtype dt) { return dt == KILN_F32 ? 4 : 8; }

typedef struct {
  kiln_dtype dt;
  int unary, op;
  long outer, inner;
  char *out;
  long os;
  const char *a;
  long as;
  int ai;
  const char *b;
  long bs;
  int bi;
} ew_ctx;

static void ew_task(void *ctx, int tid, int nth) {
  const ew_ctx *x = ctx;
  const long es = (long)esize(x->dt), total = x->outer * x->inner;
  /* each thread takes a range of elements, cut at multiples of 16 (whole cache lines) */
  long lo = total * tid / nth / 16 * 16, hi = tid == nth - 1 ? total : total * (tid + 1) / nth / 16 * 16;
  const kiln_ew_kernels *k = &kiln_k->ew[x->dt];
  while (lo < hi) {
    const long o = lo / x->inner, i = lo % x->inner, n = min_l(x->inner - i, hi - lo);
    char *out = x->out + (o * x->os + i) * es;
    if (x->unary) {
      k->unary(x->op, n, x->a + (o * x->as + i) * es, out);
    } else {
      k->binary(x->op, n, x->a + (o * x->as + (x->ai ? i : 0)) * es, x->ai,
                x->b + (o * x->bs + (x->bi ? i : 0)) * es, x->bi, out);
    }
    lo += n;
  }
}

void kiln_binary(kiln_dtype dt, int op, long outer, long inner, void *out, long os,
                 const void *a, long as, int ai, const void *b, long bs, int bi) {
  ew_ctx x = {dt, 0, op, outer, inner, out, os, a, as, ai, b, bs, bi};
  kiln_parallel(ew_task, &x, outer * inner >= BINARY_PAR_MIN ? kiln_get_num_threads() : 1);
}

void kiln_unary(kiln_dtype dt, int op, long outer, long inner, void *out, long os, const void *xp, long xs) {
  ew_ctx x = {dt, 1, op, outer, inner, out, os, xp, xs, 1, NULL, 0, 0};
  kiln_parallel(ew_task, &x, outer * inner >= UNARY_PAR_MIN ? kiln_get_num_threads() : 1);
}

/* ---- sums ---- */

typedef struct {
  kiln_dtype dt;
  long rows, len, nblk;
  const char *x;
  long xs;
  char *out;
  long os;
  double *partial; /* rows * nblk block sums, when blocks are split over threads */
} sum_ctx;

static void store(kiln_dtype dt, char *out, double v) {
  if (dt == KILN_F32) *(float *)out = (float)v;
  else *(double *)out = v;
}

static double block_sum(const sum_ctx *s, long row, long blk) {
  const long es = (long)esize(s->dt), at = blk * SUM_BLOCK;
  return kiln_k->ew[s->dt].sum(min_l(SUM_BLOCK, s->len - at), s->x + (row * s->xs + at) * es);
}

static void sum_rows_task(void *ctx, int tid, int nth) {
  const sum_ctx *s = ctx;
  const long es = (long)esize(s->dt);
  if (s->partial) {
    const long total = s->rows * s->nblk;
    for (long t = total * tid / nth; t < total * (tid + 1) / nth; t++)
      s->partial[t] = block_sum(s, t / s->nblk, t % s->nblk);
    return;
  }
  for (long r = s->rows * tid / nth; r < s->rows * (tid + 1) / nth; r++) {
    double v = 0;
    for (long b = 0; b < s->nblk; b++) v += block_sum(s, r, b);
    store(s->dt, s->out + r * s->os * es, v);
  }
}

void kiln_sum_rows(kiln_dtype dt, long rows, long len, const void *x, long xs, void *out, long os) {
  const long es = (long)esize(dt);
  const int nth = rows * len >= SUM_PAR_MIN ? kiln_get_num_threads() : 1;
  sum_ctx s = {dt, rows, len, len > 0 ? (len + SUM_BLOCK - 1) / SUM_BLOCK : 0, x, xs, out, os, NULL};
  /* few long rows: split their blocks over the threads, then add each row's block sums in order */
  if (nth > 1 && rows < 2 * nth && s.nblk > 1) s.partial = malloc(sizeof(double) * rows * s.nblk);
  kiln_parallel(sum_rows_task, &s, nth);
  if (s.partial) {
    for (long r = 0; r < rows; r++) {
      double v = 0;
      for (long b = 0; b < s.nblk; b++) v += s.partial[r * s.nblk + b];
      store(dt, (char *)out + r * os * es, v);
    }
    free(s.partial);
  }
}

static void sum_cols_task(void *ctx, int tid, int nth) {
  const sum_ctx *s = ctx; /* here rows = columns of the output, len = the summed length */
  const long es = (long)esize(s->dt), chunks = (s->rows + COL_CHUNK - 1) / COL_CHUNK;
  double acc[COL_CHUNK];
  for (long c = chunks * tid / nth; c < chunks * (tid + 1) / nth; c++) {
    const long j0 = c * COL_CHUNK, w = min_l(COL_CHUNK, s->rows - j0);
    for (long j = 0; j < w; j++) acc[j] = 0;
    kiln_k->ew[s->dt].sum_cols(s->len, w, s->x + j0 * es, s->xs, acc);
    for (long j = 0; j < w; j++) store(s->dt, s->out + (j0 + j) * s->os * es, acc[j]);
  }
}

void kiln_sum_cols(kiln_dtype dt, long len, long cols, const void *x, long xs, void *out, long os) {
  sum_ctx s = {dt, cols, len, 0, x, xs, out, os, NULL};
  kiln_parallel(sum_cols_task, &s, len * cols >= SUM_PAR_MIN ? kiln_get_num_threads() : 1);
}
