/*
 * Batched GEMM driver, Goto/BLIS style: for each block of NC columns and KC depth, B is packed
 * into column panels (shared by the threads), then blocks of rows of A are packed into row
 * panels and the micro-kernel runs over the tiles. Packing reads any strides, so A^T.B and A.B^T
 * cost about what A.B does.
 *
 * Work is split into tickets (see threadpool.c): per (NC, KC) block, a few tickets pack B's
 * panels, then each remaining ticket computes a chunk of rows (or, for short wide products,
 * of columns). A ticket waits until the tickets of the phase before it are done, counted in
 * `done`. Every C element is computed by the same arithmetic whatever thread runs it, so the
 * results do not depend on the thread count.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "kiln.h"

#define PAR_MIN_FLOPS (2.0 * 64 * 64 * 64)      /* below, one thread (waking others costs more) */
#define BATCH_SPLIT_FLOPS (2.0 * 192 * 192 * 192) /* below, a batch is split by whole entries */
#define PACK_PANELS 8                             /* B panels packed per ticket */
#define DOTS_MIN_K 256 /* dot products need long rows to repay their horizontal sums */
#define DOTS_ROWS 64   /* rows of C per dot-product ticket */
#define DIRECT_B_PANELS 16 /* up to this many panels of A's rows, row-major B is read in place */
/* ...if its rows are close together: a panel read in place touches one page per row of B, and
 * with wide rows (a convolution's columns: 50 KB apart) the TLB misses cost more than packing */
#define DIRECT_B_MAX_ROW_BYTES 8192

typedef struct {
  const kiln_gemm_args *g;
  const kiln_gemm_kernels *kr;
  long es, kc, mc, nc;
  long rc, cc; /* rows and columns a compute ticket covers (multiples of mr and nr) */
  int direct_b; /* whole panels of B are read in place, not packed */
} gemm_plan;

typedef struct {
  const gemm_plan *p;
  char *bpack;      /* the packed block of B */
  long t0;          /* the first batch entry */
  _Atomic long done; /* finished tickets */
} gemm_job;


/*
 * Blocking. float32: KC = 1024, so C is loaded and stored once per 1024 rank-1 updates (a
 * 16-row tile of a 1024-wide C sits in one L1 set, so those loads are costly), and small row
 * blocks (MC = 32 rows, 128 KiB of packed A) stay in L2 while the packed B (KC x NC, up to
 * 8 MiB, in L3) streams past them; on Zen 4 this beats KC 256 or 512 with 128-256-row blocks by
 * 3-10%. float64: KC = 128, MC x KC of A in 256 KiB.
 */
static void plan_blocks(gemm_plan *p, int nth) {
  const kiln_gemm_args *g = p->g;
  const long mr = p->kr->mr, nr = p->kr->nr;
  p->kc = p->es == 4 ? 1024 : 128;
  p->mc = max_l(mr, (p->es == 4 ? 128 : 256) * 1024 / (p->kc * p->es) / mr * mr);
  p->nc = max_l(nr, min_l(4096, 8 * 1024 * 1024 / (p->kc * p->es)) / nr * nr);
  const long P = ceil_div(g->m, mr), Q = ceil_div(min_l(g->n, p->nc), nr);
  /* packing B costs a pass over it, repaid only when many row panels reuse the packed copy
   * (float32: float64's two-line panel rows read in place were 10% slower) */
  p->direct_b = p->es == 4 && g->bcs == 1 && P <= DIRECT_B_PANELS && g->brs * p->es <= DIRECT_B_MAX_ROW_BYTES;
  if (nth <= 1) {
    p->rc = min_l(p->mc, P * mr);
    p->cc = p->nc;
  } else if (P >= 2 * nth) { /* tall: chunks of rows, up to four per thread (balance) */
    p->rc = mr * min_l(p->mc / mr, ceil_div(P, 4 * nth));
    p->cc = p->nc;
  } else { /* short and wide: chunks of columns */
    p->rc = min_l(p->mc, P * mr);
    p->cc = nr * max_l(1, ceil_div(Q, 2 * nth));
  }
}

/* Tickets of the (jc, .) iterations: `npack` pack B, the rest compute. */
static long iter_tickets(const gemm_plan *p, long jc, long *npack) {
  const long ncb = min_l(p->nc, p->g->n - jc);
  /* read in place, B needs only its partial last panel packed */
  *npack = p->direct_b ? ncb % p->kr->nr != 0 : ceil_div(ceil_div(ncb, p->kr->nr), PACK_PANELS);
  return *npack + ceil_div(p->g->m, p->rc) * ceil_div(ncb, p->cc);
}

static long entry_tickets(const gemm_plan *p) {
  long total = 0, npack;
  for (long jc = 0; jc < p->g->n; jc += p->nc) total += iter_tickets(p, jc, &npack) * ceil_div(p->g->k, p->kc);
  return total;
}

/* Computes a partial (or strided) tile through a scratch tile. */
static void edge_tile(const gemm_plan *p, long k, const char *a, const char *b, long ldb, char *c, long mrb,
                      long nrb, int accumulate) {
  const long nr = p->kr->nr, crs = p->g->crs, ccs = p->g->ccs;
  double tmp[16 * 64] __attribute__((aligned(64))); /* mr * nr elements at most */
  p->kr->micro(k, a, b, ldb, tmp, nr, 0);
  for (long i = 0; i < mrb; i++) {
    for (long j = 0; j < nrb; j++) {
      if (p->es == 4) {
        float *d = (float *)c + i * crs + j * ccs;
        *d = (accumulate ? *d : 0.0f) + ((const float *)tmp)[i * nr + j];
      } else {
        double *d = (double *)c + i * crs + j * ccs;
        *d = (accumulate ? *d : 0.0) + tmp[i * nr + j];
      }
    }
  }
}

/*
 * One ticket. The cursor holds where this thread is in the iteration space (its tickets only
 * grow): [1] first ticket of the current iteration, [2] batch entry, [3] jc, [4] pc,
 * [5] its pack tickets, [6] all its tickets; [0] is set once initialised.
 */
static void gemm_ticket(void *ctx, long ticket, long *c) {
  gemm_job *j = ctx;
  const gemm_plan *p = j->p;
  const kiln_gemm_args *g = p->g;
  const kiln_gemm_kernels *kr = p->kr;
  const long es = p->es, mr = kr->mr, nr = kr->nr;
  if (!c[0]) {
    c[0] = 1;
    c[6] = iter_tickets(p, 0, &c[5]);
  }
  while (ticket >= c[1] + c[6]) {
    c[1] += c[6];
    if ((c[4] += p->kc) >= g->k) {
      c[4] = 0;
      if ((c[3] += p->nc) >= g->n) c[3] = 0, c[2]++;
    }
    c[6] = iter_tickets(p, c[3], &c[5]);
  }
  const long t = j->t0 + c[2], jc = c[3], pc = c[4], local = ticket - c[1];
  const long kcb = min_l(p->kc, g->k - pc), ncb = min_l(p->nc, g->n - jc), npan = ceil_div(ncb, nr);
  const char *A = (const char *)g->a + (long)g->a_offs[t] * es;
  const char *B = (const char *)g->b + (long)g->b_offs[t] * es;
  char *C = (char *)g->c + (long)g->c_offs[t] * es;
  int spins = 0;
  if (local < c[5]) {
    /* pack some of B's panels, once every tile of the previous block is done with the buffer */
    while (atomic_load(&j->done) < c[1]) kiln_relax(&spins);
    const long q0 = p->direct_b ? npan - 1 : local * PACK_PANELS, q1 = min_l(npan, q0 + PACK_PANELS);
    kr->pack_b(kcb, min_l(ncb, q1 * nr) - q0 * nr, B + (pc * g->brs + (jc + q0 * nr) * g->bcs) * es, g->brs,
               g->bcs, j->bpack + q0 * nr * kcb * es);
  } else {
    while (atomic_load(&j->done) < c[1] + c[5]) kiln_relax(&spins);
    const long chunk = local - c[5], ncc = ceil_div(ncb, p->cc);
    const long i0 = chunk / ncc * p->rc, rows = min_l(p->rc, g->m - i0);
    const long j0 = chunk % ncc * p->cc, j1 = min_l(ncb, j0 + p->cc);
    char *apack = kiln_scratch(0, (size_t)(p->mc + mr) * min_l(p->kc, g->k) * es);
    if (!apack) abort();
    kr->pack_a(rows, kcb, A + (i0 * g->ars + pc * g->acs) * es, g->ars, g->acs, apack);
    for (long jj = j0; jj < j1; jj += nr) {
      const long nrb = min_l(nr, ncb - jj);
      const int direct = p->direct_b && nrb == nr;
      const char *bp = direct ? B + (pc * g->brs + jc + jj) * es : j->bpack + jj * kcb * es;
      const long ldb = direct ? g->brs : nr;
      for (long ir = 0; ir < rows; ir += mr) {
        const long mrb = min_l(mr, rows - ir);
        const char *ap = apack + ir * kcb * es;
        char *cp = C + ((i0 + ir) * g->crs + (jc + jj) * g->ccs) * es;
        if (mrb == mr && nrb == nr && g->ccs == 1) kr->micro(kcb, ap, bp, ldb, cp, g->crs, pc > 0);
        else edge_tile(p, kcb, ap, bp, ldb, cp, mrb, nrb, pc > 0);
      }
    }
  }
  atomic_fetch_add(&j->done, 1);
}

static size_t bpack_bytes(const gemm_plan *p) {
  return (size_t)min_l(p->kc, p->g->k) * (min_l(p->nc, p->g->n) + p->kr->nr) * p->es;
}

/* Small products in a batch: each ticket is a whole entry, on one thread with its own buffers. */
static void batch_ticket(void *ctx, long t, long *cursor) {
  const gemm_plan *p = ctx;
  gemm_job j = {p, kiln_scratch(1, bpack_bytes(p)), t, 0};
  if (!j.bpack) abort();
  long c[KILN_CURSOR] = {0};
  const long total = entry_tickets(p);
  for (long tk = 0; tk < total; tk++) gemm_ticket(&j, tk, c);
  (void)cursor;
}

/* A.B^T so narrow that whole micro-tiles would be mostly padding: dot products instead. */
static int use_dots(const kiln_gemm_args *g, const kiln_gemm_kernels *kr) {
  if (g->acs != 1 || g->brs != 1 || g->k < DOTS_MIN_K) return 0;
  const double tiles = (double)(ceil_div(g->m, kr->mr) * kr->mr) * (double)(ceil_div(g->n, kr->nr) * kr->nr);
  return tiles >= 1.5 * (double)g->m * (double)g->n;
}

typedef struct {
  const kiln_gemm_args *g;
  const kiln_gemm_kernels *kr;
  long es, chunks; /* chunks of DOTS_ROWS rows per batch entry */
} dots_job;

static void dots_ticket(void *ctx, long ticket, long *cursor) {
  const dots_job *d = ctx;
  const kiln_gemm_args *g = d->g;
  const long t = ticket / d->chunks, i0 = ticket % d->chunks * DOTS_ROWS, es = d->es;
  d->kr->dots(min_l(DOTS_ROWS, g->m - i0), g->n, g->k, (const char *)g->a + ((long)g->a_offs[t] + i0 * g->ars) * es,
              g->ars, (const char *)g->b + (long)g->b_offs[t] * es, g->bcs,
              (char *)g->c + ((long)g->c_offs[t] + i0 * g->crs) * es, g->crs, g->ccs);
  (void)cursor;
}

void kiln_gemm(const kiln_gemm_args *g) {
  if (g->m <= 0 || g->n <= 0 || g->batch <= 0) return;
  const long es = esize(g->dtype);
  if (g->k <= 0) { /* an empty sum: zeros */
    for (long t = 0; t < g->batch; t++)
      for (long i = 0; i < g->m; i++)
        for (long jj = 0; jj < g->n; jj++) memset((char *)g->c + ((long)g->c_offs[t] + i * g->crs + jj * g->ccs) * es, 0, es);
    return;
  }
  gemm_plan p = {g, &kiln_k->gemm[g->dtype], es, 0, 0, 0, 0, 0, 0};
  const double flops = 2.0 * g->m * g->n * g->k;
  const int nth = flops * g->batch >= PAR_MIN_FLOPS ? kiln_get_num_threads() : 1;
  if (use_dots(g, p.kr)) {
    dots_job d = {g, p.kr, es, ceil_div(g->m, DOTS_ROWS)};
    kiln_run(g->batch * d.chunks, dots_ticket, &d, nth);
    return;
  }
  if (nth > 1 && g->batch >= 2 * nth && flops < BATCH_SPLIT_FLOPS) {
    plan_blocks(&p, 1);
    kiln_run(g->batch, batch_ticket, &p, nth);
    return;
  }
  plan_blocks(&p, nth);
  gemm_job j = {&p, kiln_scratch(1, bpack_bytes(&p)), 0, 0};
  if (!j.bpack) abort();
  kiln_run(g->batch * entry_tickets(&p), gemm_ticket, &j, nth);
}
