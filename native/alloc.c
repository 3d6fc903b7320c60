/*
 * Memory helpers. Large JS buffers stay V8 ArrayBuffers (freed synchronously by the GC; Node 20
 * runs external-buffer finalizers only when the event loop turns, so a synchronous training
 * loop would pile them up), but their fresh pages are advised as transparent huge pages: first
 * touch then faults 2 MiB at a time instead of 4 KiB.
 * Packing buffers for GEMM are per-thread scratch, kept across calls so their pages are touched
 * once.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "kiln.h"

#define HUGE_PAGE ((uintptr_t)2 << 20)

void kiln_advise_huge(void *p, size_t bytes) {
#ifdef MADV_HUGEPAGE
  const uintptr_t lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
  const uintptr_t hi = ((uintptr_t)p + bytes) & ~(HUGE_PAGE - 1);
  if (hi > lo) madvise((void *)lo, hi - lo, MADV_HUGEPAGE); /* advice only: failure is harmless */
#else
  (void)p;
  (void)bytes;
#endif
}

typedef struct {
  void *p[2];
  size_t size[2];
} scratch_t;

static __thread scratch_t scratch;
static pthread_key_t scratch_key; /* only for its destructor: frees a thread's buffers at exit */
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *arg) {
  scratch_t *s = arg;
  for (int i = 0; i < 2; i++) {
    free(s->p[i]);
    s->p[i] = NULL;
    s->size[i] = 0;
  }
}

static void scratch_init(void) { pthread_key_create(&scratch_key, scratch_free); }

void *kiln_scratch(int slot, size_t bytes) {
  if (bytes <= scratch.size[slot]) return scratch.p[slot];
  pthread_once(&scratch_once, scratch_init);
  pthread_setspecific(scratch_key, &scratch);
  free(scratch.p[slot]);
  size_t size = (bytes + bytes / 4 + 4095) & ~(size_t)4095; /* some headroom for the next call */
  void *p = NULL;
  if (posix_memalign(&p, size >= HUGE_PAGE ? HUGE_PAGE : 64, size) != 0) p = NULL;
  if (p && size >= HUGE_PAGE) kiln_advise_huge(p, size);
  scratch.p[slot] = p;
  scratch.size[slot] = p ? size : 0;
  return p;
}
