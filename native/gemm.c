/*
 * Batched GEMM driver, Goto/BLIS style: for each block of NC columns and KC depth, B is packed
 * into column panels (shared by the threads), then each thread packs MC-row blocks of A into
 * row panels and runs the micro-kernel over the tiles. Packing reads any strides, so A^T.B and
 * A.B^T cost the same as A.B. Each C element is computed by one thread in the same order whatever
 * the thread count, so results do not depend on it.
 */
#include <stdlib.h>
#include <string.h>

#include "kiln.h"

/* Below this many flops a product stays on one thread (waking the others costs more). */
#define PAR_MIN_FLOPS (2.0 * 96 * 96 * 96)
/* Batch entries smaller than this are split over threads whole, rather than one by one. */
#define BATCH_SPLIT_FLOPS (2.0 * 256 * 256 * 256)

typedef struct {
  const kiln_gemm_args *g;
  const kiln_gemm_kernels *kr;
  size_t es;
  long kc, mc, nc;
  int batch_split;
  char *bshared; /* the packed B block, shared by the threads of one product */
  kiln_barrier bar;
} gemm_ctx;

static long min_l(long a, long b) { return a < b ? a : b; }
static long ceil_div(long a, long b) { return (a + b - 1) / b; }

/* Blocking sizes: KC x NR of B stays in L1 across a row of tiles, MC x KC of A in L2, KC x NC
 * of B in L3. */
static long tuned(const char *name, long fallback) { /* development knob: KILN_KC etc. */
  const char *v = getenv(name);
  return v && atol(v) > 0 ? atol(v) : fallback;
}

static void block_sizes(kiln_dtype dt, const kiln_gemm_kernels *kr, long *kc, long *mc, long *nc) {
  const long es = dt == KILN_F32 ? 4 : 8;
  *kc = tuned("KILN_KC", 1024 / es);
  long m = tuned("KILN_MC", (256 * 1024) / (*kc * es)); /* ~256 KiB of packed A */
  *mc = m < kr->mr ? kr->mr : m / kr->mr * kr->mr;
  long n = tuned("KILN_NC", 4096);
  *nc = n < kr->nr ? kr->nr : n / kr->nr * kr->nr;
}

/* Writes a partial (or strided) tile through a scratch tile. */
static void edge_tile(const gemm_ctx *x, long k, const char *a, const char *b, char *c, long mrb, long nrb,
                      int accumulate) {
  const kiln_gemm_kernels *kr = x->kr;
  double tmp_store[16 * 64 + 8] __attribute__((aligned(64)));
  x->kr->micro(k, a, b, tmp_store, kr->nr, 0);
  const long crs = x->g->crs, ccs = x->g->ccs;
  if (x->es == 4) {
    const float *t = (const float *)tmp_store;
    float *cf = (float *)c;
    for (long i = 0; i < mrb; i++)
      for (long j = 0; j < nrb; j++) {
        float *d = cf + i * crs + j * ccs;
        *d = (accumulate ? *d : 0.0f) + t[i * kr->nr + j];
      }
  } else {
    const double *t = tmp_store;
    double *cd = (double *)c;
    for (long i = 0; i < mrb; i++)
      for (long j = 0; j < nrb; j++) {
        double *d = cd + i * crs + j * ccs;
        *d = (accumulate ? *d : 0.0) + t[i * kr->nr + j];
      }
  }
}

/* One product (batch entry t) by a team of nth threads; this thread is tid. */
static void gemm_one(gemm_ctx *x, long t, int tid, int nth, char *bpack) {
  const kiln_gemm_args *g = x->g;
  const kiln_gemm_kernels *kr = x->kr;
  const size_t es = x->es;
  const long mr = kr->mr, nr = kr->nr, M = g->m, N = g->n, K = g->k;
  const char *A = (const char *)g->a + (long)g->a_offs[t] * (long)es;
  const char *B = (const char *)g->b + (long)g->b_offs[t] * (long)es;
  char *C = (char *)g->c + (long)g->c_offs[t] * (long)es;

  /* split rows between the threads when there are enough, else column panels */
  const long P = ceil_div(M, mr), Q = ceil_div(N, nr);
  const int by_rows = nth == 1 || P >= 2 * nth || Q < 2 * nth;
  long row0 = 0, row1 = M;
  if (by_rows) {
    row0 = P * tid / nth * mr;
    row1 = min_l(M, P * (tid + 1) / nth * mr);
  }
  char *apack = kiln_scratch(0, (size_t)(x->mc + mr) * x->kc * es);
  if (!apack) abort();

  for (long jc = 0; jc < N; jc += x->nc) {
    const long ncb = min_l(x->nc, N - jc), npan = ceil_div(ncb, nr);
    /* the column panels this thread packs (and, splitting by columns, computes) */
    const long q0 = npan * tid / nth, q1 = npan * (tid + 1) / nth;
    for (long pc = 0; pc < K; pc += x->kc) {
      const long kcb = min_l(x->kc, K - pc);
      if (q1 > q0)
        kr->pack_b(kcb, min_l(ncb, q1 * nr) - q0 * nr, B + (pc * g->brs + (jc + q0 * nr) * g->bcs) * (long)es,
                   g->brs, g->bcs, bpack + q0 * nr * kcb * (long)es);
      if (by_rows) kiln_barrier_wait(&x->bar, nth);
      const long c0 = by_rows ? 0 : q0, c1 = by_rows ? npan : q1;
      /* even MC blocks over this thread's rows, so no block is a sliver */
      const long rows = row1 - row0;
      const long nblk = ceil_div(rows, x->mc);
      const long mcb_even = nblk ? ceil_div(ceil_div(rows, nblk), mr) * mr : 0;
      for (long ic = row0; ic < row1; ic += mcb_even) {
        const long mcb = min_l(mcb_even, row1 - ic);
        kr->pack_a(mcb, kcb, A + (ic * g->ars + pc * g->acs) * (long)es, g->ars, g->acs, apack);
        for (long jp = c0; jp < c1; jp++) {
          const long j = jp * nr, nrb = min_l(nr, ncb - j);
          const char *bp = bpack + j * kcb * (long)es;
          for (long ir = 0; ir < mcb; ir += mr) {
            const long mrb = min_l(mr, mcb - ir);
            const char *ap = apack + ir * kcb * (long)es;
            char *cp = C + ((ic + ir) * g->crs + (jc + j) * g->ccs) * (long)es;
            if (mrb == mr && nrb == nr && g->ccs == 1) kr->micro(kcb, ap, bp, cp, g->crs, pc > 0);
            else edge_tile(x, kcb, ap, bp, cp, mrb, nrb, pc > 0);
          }
        }
      }
      if (by_rows) kiln_barrier_wait(&x->bar, nth); /* before B's block is packed over */
    }
  }
}

static void gemm_task(void *ctx, int tid, int nth) {
  gemm_ctx *x = ctx;
  const long batch = x->g->batch;
  if (x->batch_split) {
    const size_t bsize = (size_t)x->kc * (x->nc + x->kr->nr) * x->es;
    char *bpack = tid == 0 ? x->bshared : kiln_scratch(1, bsize);
    if (!bpack) abort();
    for (long t = batch * tid / nth; t < batch * (tid + 1) / nth; t++) gemm_one(x, t, 0, 1, bpack);
  } else {
    for (long t = 0; t < batch; t++) gemm_one(x, t, tid, nth, x->bshared);
  }
}

void kiln_gemm(const kiln_gemm_args *g) {
  const size_t es = g->dtype == KILN_F32 ? 4 : 8;
  if (g->m <= 0 || g->n <= 0 || g->batch <= 0) return;
  if (g->k <= 0) { /* an empty sum: zeros */
    for (long t = 0; t < g->batch; t++) {
      char *c = (char *)g->c + (long)g->c_offs[t] * (long)es;
      for (long i = 0; i < g->m; i++)
        for (long j = 0; j < g->n; j++) memset(c + (i * g->crs + j * g->ccs) * (long)es, 0, es);
    }
    return;
  }
  gemm_ctx x = {0};
  x.g = g;
  x.kr = &kiln_k->gemm[g->dtype];
  x.es = es;
  block_sizes(g->dtype, x.kr, &x.kc, &x.mc, &x.nc);
  x.bshared = kiln_scratch(1, (size_t)x.kc * (x.nc + x.kr->nr) * es);
  if (!x.bshared) abort();

  const double flops = 2.0 * g->m * g->n * g->k;
  const int nthreads = kiln_get_num_threads();
  int want = flops * g->batch >= PAR_MIN_FLOPS ? nthreads : 1;
  x.batch_split = want > 1 && g->batch >= want && flops < BATCH_SPLIT_FLOPS;
  kiln_parallel(gemm_task, &x, want);
}
