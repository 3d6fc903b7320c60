/*
 * Driver for softmax / log-softmax along contiguous rows: each row is done whole by one thread
 * (the table's kernel), so results do not depend on the thread count; rows are grouped into
 * tickets of about SOFTMAX_TICKET elements.
 */
#include "kiln.h"

#define SOFTMAX_PAR_MIN (1L << 15) /* elements; below, one thread */
#define SOFTMAX_TICKET (1L << 14)

typedef struct {
  kiln_dtype dt;
  long rows, len, per_ticket;
  const char *x;
  long xs;
  char *out;
  long os;
  int log;
} softmax_ctx;

static void softmax_ticket(void *ctx, long t, long *cursor) {
  const softmax_ctx *s = ctx;
  const long es = esize(s->dt);
  const long end = (t + 1) * s->per_ticket < s->rows ? (t + 1) * s->per_ticket : s->rows;
  for (long r = t * s->per_ticket; r < end; r++)
    kiln_k->ew[s->dt].softmax(s->len, s->x + r * s->xs * es, s->out + r * s->os * es, s->log);
  (void)cursor;
}

void kiln_softmax(kiln_dtype dt, long rows, long len, const void *x, long xs, void *out, long os, int log) {
  const long per = len >= SOFTMAX_TICKET ? 1 : SOFTMAX_TICKET / len;
  const softmax_ctx s = {dt, rows, len, per, x, xs, out, os, log};
  const int nth = rows * len >= SOFTMAX_PAR_MIN ? kiln_get_num_threads() : 1;
  kiln_run((rows + per - 1) / per, softmax_ticket, (void *)&s, nth);
}
