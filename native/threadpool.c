/*
 * A persistent thread pool: workers are created once (lazily, up to the thread count) and wait
 * for jobs. A job is posted by bumping a generation word that also carries the job's thread
 * count, so a worker learns both from one atomic read. Workers spin briefly after a job (the
 * next op usually follows at once) and then sleep on a condition variable.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "kiln.h"

#define MAX_THREADS 64
#define SPIN_WORKER 20000 /* pauses before a worker sleeps (a few hundred microseconds) */
#define SPIN_YIELD 2000   /* pauses before a waiting thread starts yielding its core */

static inline void cpu_relax(void) {
#ifdef KILN_X86
  __builtin_ia32_pause();
#endif
}

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER; /* held for a whole job */
static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cond = PTHREAD_COND_INITIALIZER;
static _Atomic int num_threads = 0; /* 0 until first asked */
static int started = 1;             /* threads that exist, the callers' included (guarded by pool_lock) */
static _Atomic unsigned long job_word = 0; /* (generation << 8) | thread count */
static kiln_task job_task;
static void *job_ctx;
static _Atomic int job_pending = 0; /* workers still running the current job */
static _Atomic int sleepers = 0;

static int default_threads(void) {
  const char *env = getenv("KILN_NUM_THREADS");
  if (env && atoi(env) > 0) return atoi(env) < MAX_THREADS ? atoi(env) : MAX_THREADS;
  cpu_set_t set;
  int n = 0;
  if (sched_getaffinity(0, sizeof set, &set) == 0) n = CPU_COUNT(&set);
  if (n <= 0) n = (int)sysconf(_SC_NPROCESSORS_ONLN);
  if (n <= 0) n = 1;
  return n < MAX_THREADS ? n : MAX_THREADS;
}

int kiln_get_num_threads(void) {
  int n = atomic_load(&num_threads);
  if (n == 0) {
    int expected = 0;
    atomic_compare_exchange_strong(&num_threads, &expected, default_threads());
    n = atomic_load(&num_threads);
  }
  return n;
}

void kiln_set_num_threads(int n) {
  if (n < 1) n = 1;
  if (n > MAX_THREADS) n = MAX_THREADS;
  atomic_store(&num_threads, n);
}

/* The generation current when each worker was created (it must not read its own: by the time
 * it starts, the job it was created for may have been posted). */
static unsigned long start_gen[MAX_THREADS];

static void *worker_main(void *arg) {
  const int tid = (int)(intptr_t)arg;
  unsigned long seen = start_gen[tid];
  for (;;) {
    unsigned long word;
    int spins = 0;
    while (((word = atomic_load(&job_word)) >> 8) == seen) {
      if (++spins < SPIN_WORKER) {
        cpu_relax();
        continue;
      }
      pthread_mutex_lock(&wake_lock);
      atomic_fetch_add(&sleepers, 1);
      while ((atomic_load(&job_word) >> 8) == seen) pthread_cond_wait(&wake_cond, &wake_lock);
      atomic_fetch_sub(&sleepers, 1);
      pthread_mutex_unlock(&wake_lock);
      spins = 0;
    }
    seen = word >> 8;
    const int n = (int)(word & 0xff);
    /* a participant's task and ctx stay put until it reports done, so reading them is safe */
    if (tid < n) {
      job_task(job_ctx, tid, n);
      atomic_fetch_sub(&job_pending, 1);
    }
  }
  return NULL;
}

void kiln_parallel(kiln_task task, void *ctx, int want) {
  int n = want < kiln_get_num_threads() ? want : kiln_get_num_threads();
  if (n <= 1 || pthread_mutex_trylock(&pool_lock) != 0) {
    task(ctx, 0, 1); /* one thread, or the pool is busy with another JS thread's job */
    return;
  }
  while (started < n) {
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    start_gen[started] = atomic_load(&job_word) >> 8;
    int ok = pthread_create(&t, &attr, worker_main, (void *)(intptr_t)started) == 0;
    pthread_attr_destroy(&attr);
    if (!ok) break;
    started++;
  }
  if (n > started) n = started;
  if (n <= 1) {
    pthread_mutex_unlock(&pool_lock);
    task(ctx, 0, 1);
    return;
  }
  job_task = task;
  job_ctx = ctx;
  atomic_store(&job_pending, n - 1);
  atomic_store(&job_word, (((atomic_load(&job_word) >> 8) + 1) << 8) | (unsigned long)n);
  if (atomic_load(&sleepers) > 0) {
    pthread_mutex_lock(&wake_lock);
    pthread_cond_broadcast(&wake_cond);
    pthread_mutex_unlock(&wake_lock);
  }
  task(ctx, 0, n);
  for (int spins = 0; atomic_load(&job_pending) != 0; spins++) {
    if (spins < SPIN_YIELD) cpu_relax();
    else sched_yield();
  }
  pthread_mutex_unlock(&pool_lock);
}

void kiln_barrier_wait(kiln_barrier *b, int nthreads) {
  if (nthreads <= 1) return;
  const int phase = atomic_load(&b->phase);
  if (atomic_fetch_add(&b->count, 1) == nthreads - 1) {
    atomic_store(&b->count, 0);
    atomic_store(&b->phase, phase + 1);
    return;
  }
  for (int spins = 0; atomic_load(&b->phase) == phase; spins++) {
    if (spins < SPIN_YIELD) cpu_relax();
    else sched_yield();
  }
}
