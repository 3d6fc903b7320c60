/*
 * Drivers for elementwise ops and sums. A problem is `outer` rows of `inner` contiguous elements
 * (row strides arbitrary); above a size threshold it is cut into fixed tickets (threadpool.c).
 * Sums are computed in fixed blocks, added in order, whatever the thread count, so their results
 * do not depend on it.
 */
#include <stdlib.h>

#include "kiln.h"

#define BINARY_PAR_MIN (1L << 17) /* elements; below, waking threads costs more than it saves */
#define UNARY_PAR_MIN (1L << 14)
#define SUM_PAR_MIN (1L << 17)
#define EW_TICKET (1L << 15)      /* elements per ticket */
#define STREAM_MIN_BYTES (16L << 20) /* outputs this large bypass the caches (half the L3 here) */
#define SUM_BLOCK (1L << 16)      /* a line is summed in blocks of this many elements, in order */
#define COL_CHUNK 256L            /* columns summed together (float64 accumulators in L1) */

static long min_l(long a, long b) { return a < b ? a : b; }
static long ceil_div(long a, long b) { return (a + b - 1) / b; }
static long esize(kiln_dtype dt) { return dt == KILN_F32 ? 4 : 8; }

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
  int stream;
} ew_ctx;

/* Elements [lo, hi) of the outer x inner problem, row by row. */
static void ew_range(const ew_ctx *x, long lo, long hi) {
  const long es = esize(x->dt);
  const kiln_ew_kernels *k = &kiln_k->ew[x->dt];
  while (lo < hi) {
    const long o = lo / x->inner, i = lo % x->inner, n = min_l(x->inner - i, hi - lo);
    char *out = x->out + (o * x->os + i) * es;
    if (x->unary) {
      k->unary(x->op, n, x->a + (o * x->as + i) * es, out, x->stream);
    } else {
      k->binary(x->op, n, x->a + (o * x->as + (x->ai ? i : 0)) * es, x->ai,
                x->b + (o * x->bs + (x->bi ? i : 0)) * es, x->bi, out, x->stream);
    }
    lo += n;
  }
}

static void ew_ticket(void *ctx, long t, long *cursor) {
  const ew_ctx *x = ctx;
  ew_range(x, t * EW_TICKET, min_l(x->outer * x->inner, (t + 1) * EW_TICKET));
  (void)cursor;
}

static void ew_run(const ew_ctx *x, long par_min) {
  const long total = x->outer * x->inner;
  if (total < par_min || kiln_get_num_threads() == 1) ew_range(x, 0, total);
  else kiln_run(ceil_div(total, EW_TICKET), ew_ticket, (void *)x, kiln_get_num_threads());
}

void kiln_binary(kiln_dtype dt, int op, long outer, long inner, void *out, long os,
                 const void *a, long as, int ai, const void *b, long bs, int bi) {
  const ew_ctx x = {dt, 0, op, outer, inner, out, os, a, as, ai, b, bs, bi, outer * inner * esize(dt) >= STREAM_MIN_BYTES};
  ew_run(&x, BINARY_PAR_MIN);
}

void kiln_unary(kiln_dtype dt, int op, long outer, long inner, void *out, long os, const void *xp, long xs) {
  const ew_ctx x = {dt, 1, op, outer, inner, out, os, xp, xs, 1, NULL, 0, 0, outer * inner * esize(dt) >= STREAM_MIN_BYTES};
  ew_run(&x, UNARY_PAR_MIN);
}

/* ---- sums ---- */

typedef struct {
  kiln_dtype dt;
  long rows, len, nblk, rows_per_ticket;
  const char *x;
  long xs;
  char *out;
  long os;
  double *partial; /* rows * nblk block sums, for lines longer than a block */
} sum_ctx;

static void store(kiln_dtype dt, char *out, double v) {
  if (dt == KILN_F32) *(float *)out = (float)v;
  else *(double *)out = v;
}

static double block_sum(const sum_ctx *s, long row, long blk) {
  const long at = blk * SUM_BLOCK;
  return kiln_k->ew[s->dt].sum(min_l(SUM_BLOCK, s->len - at), s->x + (row * s->xs + at) * esize(s->dt));
}

/* A ticket is one block of a long line, or a group of short lines. */
static void sum_rows_ticket(void *ctx, long t, long *cursor) {
  const sum_ctx *s = ctx;
  if (s->partial) {
    s->partial[t] = block_sum(s, t / s->nblk, t % s->nblk);
    return;
  }
  for (long r = t * s->rows_per_ticket; r < min_l(s->rows, (t + 1) * s->rows_per_ticket); r++)
    store(s->dt, s->out + r * s->os * esize(s->dt), s->len > 0 ? 0.0 + block_sum(s, r, 0) : 0.0);
  (void)cursor;
}

void kiln_sum_rows(kiln_dtype dt, long rows, long len, const void *x, long xs, void *out, long os) {
  sum_ctx s = {dt, rows, len, ceil_div(len, SUM_BLOCK), 1, x, xs, out, os, NULL};
  const int nth = rows * len >= SUM_PAR_MIN ? kiln_get_num_threads() : 1;
  if (s.nblk <= 1) {
    s.rows_per_ticket = len > 0 ? ceil_div(SUM_BLOCK, len) : rows;
    kiln_run(ceil_div(rows, s.rows_per_ticket), sum_rows_ticket, &s, nth);
    return;
  }
  s.partial = malloc(sizeof(double) * rows * s.nblk);
  if (!s.partial) abort();
  kiln_run(rows * s.nblk, sum_rows_ticket, &s, nth);
  for (long r = 0; r < rows; r++) {
    double v = 0;
    for (long b = 0; b < s.nblk; b++) v += s.partial[r * s.nblk + b];
    store(dt, (char *)out + r * os * esize(dt), v);
  }
  free(s.partial);
}

static void sum_cols_ticket(void *ctx, long t, long *cursor) {
  const sum_ctx *s = ctx; /* here rows = output columns, len = the summed length */
  const long es = esize(s->dt), j0 = t * COL_CHUNK, w = min_l(COL_CHUNK, s->rows - j0);
  double acc[COL_CHUNK];
  for (long j = 0; j < w; j++) acc[j] = 0;
  kiln_k->ew[s->dt].sum_cols(s->len, w, s->x + j0 * es, s->xs, acc);
  for (long j = 0; j < w; j++) store(s->dt, s->out + (j0 + j) * s->os * es, acc[j]);
  (void)cursor;
}

void kiln_sum_cols(kiln_dtype dt, long len, long cols, const void *x, long xs, void *out, long os) {
  sum_ctx s = {dt, cols, len, 0, 0, x, xs, out, os, NULL};
  kiln_run(ceil_div(cols, COL_CHUNK), sum_cols_ticket, &s, len * cols >= SUM_PAR_MIN ? kiln_get_num_threads() : 1);
}
