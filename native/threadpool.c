/*
 * A persistent thread pool. Workers are created once (lazily, up to the thread count) and wait
 * for jobs. A job is a count of tickets (work items) that every participating thread, the
 * caller included, claims in order from one atomic counter: a worker that wakes late, or is
 * descheduled on a busy machine, just claims fewer tickets, and the caller never waits for a
 * thread that has not started. Ticket boundaries depend only on the problem, not on the threads,
 * so results do not depend on the thread count either.
 *
 * Workers spin briefly after a job (the next op usually follows at once) and then sleep on a
 * condition variable.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kiln.h"

#define MAX_THREADS 64
#define SPIN_WORKER 20000 /* pauses before an idle worker sleeps (some hundreds of microseconds) */
#define SPIN_YIELD 1000   /* pauses before a waiting thread starts yielding its core */

void kiln_relax(int *spins) {
  if (++*spins < SPIN_YIELD) {
#ifdef KILN_X86
    __builtin_ia32_pause();
#endif
  } else {
    sched_yield();
  }
}

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER; /* held by the caller of a job */
static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cond = PTHREAD_COND_INITIALIZER;
static _Atomic int num_threads = 0; /* 0 until first asked */
static int started = 1;             /* threads that exist, the caller's included (under pool_lock) */
static _Atomic int sleepers = 0;

/* The current job. Its fields are valid while `open` is set; a worker counts itself in `active`
 * before checking `open`, and the caller closes the job and waits for `active` to drain before
 * it returns (the job's context lives on the caller's stack). */
static _Atomic unsigned long job_word = 0; /* (generation << 8) | threads allowed */
static kiln_ticket_fn job_fn;
static void *job_ctx;
static long job_tickets;
static _Atomic long job_next;
static _Atomic int job_open;
static _Atomic int job_active;

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

/* Claims and runs tickets until none are left. */
static void run_tickets(void) {
  long cursor[KILN_CURSOR] = {0};
  for (long t; (t = atomic_fetch_add(&job_next, 1)) < job_tickets;) job_fn(job_ctx, t, cursor);
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
#ifdef KILN_X86
        __builtin_ia32_pause();
#endif
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
    if (tid >= (int)(word & 0xff)) continue; /* the job asked for fewer threads */
    atomic_fetch_add(&job_active, 1);
    if (atomic_load(&job_open)) run_tickets();
    atomic_fetch_sub(&job_active, 1);
  }
  return NULL;
}

void kiln_run(long tickets, kiln_ticket_fn fn, void *ctx, int want) {
  if (tickets <= 0) return;
  int n = want < kiln_get_num_threads() ? want : kiln_get_num_threads();
  if (n > tickets) n = (int)tickets;
  if (n <= 1 || pthread_mutex_trylock(&pool_lock) != 0) {
    /* one thread, or the pool is busy with another JS thread's job: run here, in order */
    long cursor[KILN_CURSOR] = {0};
    for (long t = 0; t < tickets; t++) fn(ctx, t, cursor);
    return;
  }
  while (started < n) {
    pthread_t th;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    start_gen[started] = atomic_load(&job_word) >> 8;
    const int ok = pthread_create(&th, &attr, worker_main, (void *)(intptr_t)started) == 0;
    pthread_attr_destroy(&attr);
    if (!ok) break;
    started++;
  }
  if (n > started) n = started;
  job_fn = fn;
  job_ctx = ctx;
  job_tickets = tickets;
  atomic_store(&job_next, 0);
  atomic_store(&job_open, 1);
  atomic_store(&job_word, (((atomic_load(&job_word) >> 8) + 1) << 8) | (unsigned long)n);
  if (atomic_load(&sleepers) > 0) {
    pthread_mutex_lock(&wake_lock);
    pthread_cond_broadcast(&wake_cond);
    pthread_mutex_unlock(&wake_lock);
  }
  run_tickets();
  atomic_store(&job_open, 0);
  for (int spins = 0; atomic_load(&job_active) != 0;) kiln_relax(&spins);
  pthread_mutex_unlock(&pool_lock);
}
