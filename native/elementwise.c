/*
 * Drivers for elementwise ops and sums. A problem is `outer` rows of `inner` elements; rows whose
 * elements are contiguous go straight to the vector kernels, others are packed tile by tile into
 * contiguous rows (a register transpose for a transposed operand). Above a size threshold the
 * work is cut into fixed tickets (threadpool.c).
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


typedef struct {
  kiln_dtype dt;
  int unary, op;
  long outer, inner;
  char *out;
  long oo, oi; /* row and element strides */
  const char *a;
  long ao, ai;
  const char *b;
  long bo, bi;
  int stream;
} ew_ctx;

/* Whether every operand's elements are contiguous (or, for binary inputs, broadcast) along a row,
 * so rows go straight to the vector kernels. */
static int rows_contiguous(const ew_ctx *x) {
  return x->oi == 1 && (x->ai == 1 || (!x->unary && x->ai == 0)) && (x->unary || x->bi == 0 || x->bi == 1);
}

/* One run of n elements, contiguous (or broadcast: sa, sb = 0) operands. */
static void ew_run_row(const ew_ctx *x, long n, const char *a, int sa, const char *b, int sb, char *out) {
  const kiln_ew_kernels *k = &kiln_k->ew[x->dt];
  if (x->unary) k->unary(x->op, n, a, out, x->stream);
  else k->binary(x->op, n, a, sa, b, sb, out, x->stream);
}

/* Elements [lo, hi) of the outer x inner problem, row by row (rows_contiguous layouts). */
static void ew_range(const ew_ctx *x, long lo, long hi) {
  const long es = esize(x->dt);
  while (lo < hi) {
    const long o = lo / x->inner, i = lo % x->inner, n = min_l(x->inner - i, hi - lo);
    ew_run_row(x, n, x->a + (o * x->ao + i * x->ai) * es, (int)x->ai, x->b ? x->b + (o * x->bo + i * x->bi) * es : NULL,
               (int)x->bi, x->out + (o * x->oo + i) * es);
    lo += n;
  }
}

static void ew_ticket(void *ctx, long t, long *cursor) {
  const ew_ctx *x = ctx;
  ew_range(x, t * EW_TICKET, min_l(x->outer * x->inner, (t + 1) * EW_TICKET));
  (void)cursor;
}

/* ---- strided rows: tiles of PACK_ROWS x PACK_COLS, packed into contiguous rows ---- */

#define PACK_ROWS 32L
#define PACK_COLS 256L

/* dst (rows x cols, row stride PACK_COLS) = the operand's tile at src (row stride so, element
 * stride si): a register transpose when its rows are adjacent elements (so == 1), else a gather. */
static void pack_tile(long es, long rows, long cols, const char *src, long so, long si, char *dst) {
  if (so == 1) {
    (es == 4 ? kiln_k->copy.tile32 : kiln_k->copy.tile64)(rows, cols, src, si, dst, PACK_COLS);
    return;
  }
  for (long r = 0; r < rows; r++) {
    const char *s = src + r * so * es;
    char *d = dst + r * PACK_COLS * es;
    if (es == 4) for (long c = 0; c < cols; c++) ((float *)d)[c] = ((const float *)s)[c * si];
    else for (long c = 0; c < cols; c++) ((double *)d)[c] = ((const double *)s)[c * si];
  }
}

/* The reverse: the tile at dst (row stride do, element stride di) = src's contiguous rows. */
static void unpack_tile(long es, long rows, long cols, const char *src, char *dst, long do_, long di) {
  if (do_ == 1) { /* columns of the tile are contiguous in dst: transpose */
    (es == 4 ? kiln_k->copy.tile32 : kiln_k->copy.tile64)(cols, rows, src, PACK_COLS, dst, di);
    return;
  }
  for (long r = 0; r < rows; r++) {
    const char *s = src + r * PACK_COLS * es;
    char *d = dst + r * do_ * es;
    if (es == 4) for (long c = 0; c < cols; c++) ((float *)d)[c * di] = ((const float *)s)[c];
    else for (long c = 0; c < cols; c++) ((double *)d)[c * di] = ((const double *)s)[c];
  }
}

static void ew_tile_ticket(void *ctx, long t, long *cursor) {
  const ew_ctx *x = ctx;
  const long es = esize(x->dt), col_tiles = ceil_div(x->inner, PACK_COLS);
  const long o0 = t / col_tiles * PACK_ROWS, i0 = t % col_tiles * PACK_COLS;
  const long rows = min_l(PACK_ROWS, x->outer - o0), cols = min_l(PACK_COLS, x->inner - i0);
  char *scratch = kiln_scratch(0, (size_t)(3 * PACK_ROWS * PACK_COLS * es));
  char *pa = scratch, *pb = scratch + PACK_ROWS * PACK_COLS * es, *po = pb + PACK_ROWS * PACK_COLS * es;
  const char *a = x->a + (o0 * x->ao + i0 * x->ai) * es, *b = x->b ? x->b + (o0 * x->bo + i0 * x->bi) * es : NULL;
  char *out = x->out + (o0 * x->oo + i0 * x->oi) * es;
  /* operands with strided rows are packed; contiguous and broadcast ones are read in place */
  const int pack_a = x->ai != 1 && (x->unary || x->ai != 0), pack_b = b && x->bi != 0 && x->bi != 1, pack_o = x->oi != 1;
  if (pack_a) pack_tile(es, rows, cols, a, x->ao, x->ai, pa);
  if (pack_b) pack_tile(es, rows, cols, b, x->bo, x->bi, pb);
  for (long r = 0; r < rows; r++) {
    const char *ar = pack_a ? pa + r * PACK_COLS * es : a + r * x->ao * es;
    const char *br = pack_b ? pb + r * PACK_COLS * es : b ? b + r * x->bo * es : NULL;
    char *orow = pack_o ? po + r * PACK_COLS * es : out + r * x->oo * es;
    ew_run_row(x, cols, ar, pack_a || x->ai != 0, br, pack_b || x->bi != 0, orow);
  }
  if (pack_o) unpack_tile(es, rows, cols, po, out, x->oo, x->oi);
  (void)cursor;
}

static void ew_run(const ew_ctx *x, long par_min) {
  const long total = x->outer * x->inner;
  const int nth = total < par_min ? 1 : kiln_get_num_threads();
  if (!rows_contiguous(x)) {
    kiln_run(ceil_div(x->outer, PACK_ROWS) * ceil_div(x->inner, PACK_COLS), ew_tile_ticket, (void *)x, nth);
  } else if (nth == 1) {
    ew_range(x, 0, total);
  } else {
    kiln_run(ceil_div(total, EW_TICKET), ew_ticket, (void *)x, nth);
  }
}

/* Puts a row's contiguous axis last: when out's elements are strided along a row but adjacent
 * down a column, the problem is transposed (rows become columns) so tiles and rows line up. */
static void orient(ew_ctx *x) {
  if (x->oi == 1 || x->oo != 1) return;
  long t = x->outer; x->outer = x->inner; x->inner = t;
  t = x->oo; x->oo = x->oi; x->oi = t;
  t = x->ao; x->ao = x->ai; x->ai = t;
  t = x->bo; x->bo = x->bi; x->bi = t;
}

void kiln_binary(kiln_dtype dt, int op, long outer, long inner, void *out, long oo, long oi,
                 const void *a, long ao, long ai, const void *b, long bo, long bi) {
  ew_ctx x = {dt, 0, op, outer, inner, out, oo, oi, a, ao, ai, b, bo, bi, outer * inner * esize(dt) >= STREAM_MIN_BYTES};
  orient(&x);
  x.stream = x.stream && rows_contiguous(&x);
  ew_run(&x, BINARY_PAR_MIN);
}

void kiln_unary(kiln_dtype dt, int op, long outer, long inner, void *out, long oo, long oi, const void *xp, long xo, long xi) {
  ew_ctx x = {dt, 1, op, outer, inner, out, oo, oi, xp, xo, xi, NULL, 0, 0, outer * inner * esize(dt) >= STREAM_MIN_BYTES};
  orient(&x);
  x.stream = x.stream && rows_contiguous(&x);
  ew_run(&x, UNARY_PAR_MIN);
}

/* ---- sums ---- */

/* Each output sums m lines of len contiguous elements. Its work is cut into units: blocks of
 * SUM_BLOCK elements of one line (long lines), or runs of whole lines of about SUM_BLOCK elements;
 * unit sums are added in order, so the thread count does not change results. */
typedef struct {
  kiln_dtype dt;
  long rows, m, ms, len;
  long units;         /* per output */
  long lines_per_unit; /* short lines: whole lines per unit; 0 for long lines (one block each) */
  long nblk;          /* long lines: blocks per line */
  long rows_per_ticket;
  const char *x;
  long xs;
  char *out;
  long os;
  double *partial; /* rows * units unit sums, when an output has several units */
} sum_ctx;

static void store(kiln_dtype dt, char *out, double v) {
  if (dt == KILN_F32) *(float *)out = (float)v;
  else *(double *)out = v;
}

/* The sum of unit u of output r. */
static double unit_sum(const sum_ctx *s, long r, long u) {
  const long es = esize(s->dt);
  double (*sum)(long, const void *) = kiln_k->ew[s->dt].sum;
  const char *row = s->x + r * s->xs * es;
  if (s->lines_per_unit == 0) {
    const long q = u / s->nblk, at = (u % s->nblk) * SUM_BLOCK;
    return sum(min_l(SUM_BLOCK, s->len - at), row + (q * s->ms + at) * es);
  }
  double v = 0;
  for (long q = u * s->lines_per_unit; q < min_l(s->m, (u + 1) * s->lines_per_unit); q++) v += sum(s->len, row + q * s->ms * es);
  return v;
}

/* A ticket is one unit, or a group of outputs that have one unit each. */
static void sum_rows_ticket(void *ctx, long t, long *cursor) {
  const sum_ctx *s = ctx;
  if (s->partial) {
    s->partial[t] = unit_sum(s, t / s->units, t % s->units);
    return;
  }
  for (long r = t * s->rows_per_ticket; r < min_l(s->rows, (t + 1) * s->rows_per_ticket); r++)
    store(s->dt, s->out + r * s->os * esize(s->dt), 0.0 + unit_sum(s, r, 0)); /* 0.0 +: -0.0 sums to 0.0 */
  (void)cursor;
}

void kiln_sum_rows(kiln_dtype dt, long rows, long m, long ms, long len, const void *x, long xs, void *out, long os) {
  sum_ctx s = {dt, rows, m, ms, len, 1, 1, 1, 1, x, xs, out, os, NULL};
  if (len > SUM_BLOCK) {
    s.lines_per_unit = 0;
    s.nblk = ceil_div(len, SUM_BLOCK);
    s.units = m * s.nblk;
  } else if (len > 0) {
    s.lines_per_unit = SUM_BLOCK / len;
    s.units = ceil_div(m, s.lines_per_unit);
  } else {
    s.lines_per_unit = m > 0 ? m : 1;
  }
  const int nth = rows * m * len >= SUM_PAR_MIN ? kiln_get_num_threads() : 1;
  if (s.units <= 1) {
    const long work = m * len;
    s.rows_per_ticket = work > 0 ? ceil_div(SUM_BLOCK, work) : rows;
    kiln_run(ceil_div(rows, s.rows_per_ticket), sum_rows_ticket, &s, nth);
    return;
  }
  s.partial = malloc(sizeof(double) * rows * s.units);
  if (!s.partial) abort();
  kiln_run(rows * s.units, sum_rows_ticket, &s, nth);
  for (long r = 0; r < rows; r++) {
    double v = 0;
    for (long u = 0; u < s.units; u++) v += s.partial[r * s.units + u];
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
  sum_ctx s = {dt, cols, 1, 0, len, 0, 0, 0, 0, x, xs, out, os, NULL};
  kiln_run(ceil_div(cols, COL_CHUNK), sum_cols_ticket, &s, len * cols >= SUM_PAR_MIN ? kiln_get_num_threads() : 1);
}
