/*
 * The driver for copies and casts of 2-D strided problems: out(o, i) = x(o, i), o < outer,
 * i < inner. Rows whose elements are contiguous on one side and whose columns are contiguous on the
 * other (a transpose) go through the ISA's register-transposing tile kernel in cache-sized tiles;
 * other layouts go row by row (memcpy, a strided loop, or the ISA's cast loop). Work is cut into
 * fixed tickets of rows; each element is written once, so results cannot depend on the threads.
 */
#include <string.h>

#include "kiln.h"

#define COPY_PAR_MIN (1L << 17) /* elements */
#define COPY_TICKET (1L << 15)  /* elements per ticket, row by row */
#define TILE_ROWS 64L           /* a transposing ticket: 64 rows, swept in blocks of TILE_COLS */
#define TILE_COLS 256L

static long csize(int dt) { return dt == KILN_CF32 || dt == KILN_CI32 ? 4 : dt == KILN_CU8 ? 1 : 8; }

int kiln_copy_supported(int from, int to) {
  if (from < KILN_CF32 || from > KILN_CU8 || to < KILN_CF32 || to > KILN_CU8) return 0;
  return from == to || to == KILN_CF32 || to == KILN_CF64;
}

typedef struct {
  int from, to;
  long outer, inner;
  char *out;
  long oo, oi;
  const char *x;
  long xo, xi;
  int tiled; /* oi == 1 and xo == 1: a transpose */
  long rows_per_ticket;
  long chunks; /* pieces per row (long rows) */
} copy_ctx;

/* One row of n elements, strides xs and os (elements). */
static void copy_row(const copy_ctx *c, long n, const char *x, long xs, char *out, long os) {
  if (c->from != c->to) {
    kiln_k->copy.cast(c->from, c->to, n, x, xs, out, os);
    return;
  }
  const long es = csize(c->from);
  if (xs == 1 && os == 1) {
    memcpy(out, x, (size_t)(n * es));
    return;
  }
  switch (es) {
    case 1: for (long i = 0; i < n; i++) ((uint8_t *)out)[i * os] = ((const uint8_t *)x)[i * xs]; break;
    case 4: for (long i = 0; i < n; i++) ((uint32_t *)out)[i * os] = ((const uint32_t *)x)[i * xs]; break;
    default: for (long i = 0; i < n; i++) ((uint64_t *)out)[i * os] = ((const uint64_t *)x)[i * xs]; break;
  }
}

static void copy_ticket(void *ctx, long t, long *cursor) {
  const copy_ctx *c = ctx;
  const long ein = csize(c->from), eout = csize(c->to);
  const long o0 = c->chunks > 1 ? 0 : t * c->rows_per_ticket, o1 = min_l(c->outer, o0 + c->rows_per_ticket);
  if (c->tiled) {
    /* rows o (contiguous in x) by columns i (contiguous in out) */
    void (*tile)(long, long, const void *, long, void *, long) = ein == 4 ? kiln_k->copy.tile32 : kiln_k->copy.tile64;
    for (long i0 = 0; i0 < c->inner; i0 += TILE_COLS)
      tile(o1 - o0, min_l(TILE_COLS, c->inner - i0), c->x + (o0 + i0 * c->xi) * ein, c->xi, c->out + (o0 * c->oo + i0) * eout, c->oo);
  } else if (c->chunks > 1) {
    const long o = t / c->chunks, i0 = t % c->chunks * COPY_TICKET;
    copy_row(c, min_l(COPY_TICKET, c->inner - i0), c->x + (o * c->xo + i0 * c->xi) * ein, c->xi,
             c->out + (o * c->oo + i0 * c->oi) * eout, c->oi);
  } else {
    for (long o = o0; o < o1; o++) copy_row(c, c->inner, c->x + o * c->xo * ein, c->xi, c->out + o * c->oo * eout, c->oi);
  }
  (void)cursor;
}

void kiln_copy(int from, int to, long outer, long inner, void *out, long oo, long oi, const void *x, long xo, long xi) {
  if (outer <= 0 || inner <= 0) return;
  if (oi != 1 && oo == 1) { /* out's columns are contiguous: make them the rows */
    long t = outer; outer = inner; inner = t;
    t = oo; oo = oi; oi = t;
    t = xo; xo = xi; xi = t;
  }
  copy_ctx c = {from, to, outer, inner, out, oo, oi, x, xo, xi, 0, 1, 1};
  c.tiled = from == to && csize(from) >= 4 && oi == 1 && xo == 1 && xi != 1 && outer > 1;
  long tickets;
  if (c.tiled) {
    c.rows_per_ticket = TILE_ROWS;
    tickets = ceil_div(outer, TILE_ROWS);
  } else if (inner > COPY_TICKET) {
    c.chunks = ceil_div(inner, COPY_TICKET);
    tickets = outer * c.chunks;
  } else {
    c.rows_per_ticket = COPY_TICKET / inner;
    tickets = ceil_div(outer, c.rows_per_ticket);
  }
  kiln_run(tickets, copy_ticket, &c, outer * inner >= COPY_PAR_MIN ? kiln_get_num_threads() : 1);
}
