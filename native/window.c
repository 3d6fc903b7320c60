/*
 * Sliding-window kernels behind convolution and pooling: im2col (unfold), its adjoint col2im
 * (fold), and max pooling with the position of each maximum. They move data rather than compute,
 * so they are plain C that the compiler vectorizes, not per-ISA code.
 *
 * Work is split over the (n, c) planes in fixed groups of planes, each written by one thread, so
 * results do not depend on the thread count. Windows are handled a kernel cell (i, j) and an
 * output row at a time: the range of output columns whose input column lies inside the image is
 * found once per (j), so the inner loops are branch-free copies (a memcpy at unit stride).
 */
#include <string.h>

#include "kiln.h"

#define PLANE_TICKET_CELLS (1L << 14) /* about this many cells per ticket */


/* The output columns x in [*lo, *hi) whose input column x * stride - pad + j * dil lies in [0, W). */
static void inside_range(long ow, long W, long stride, long pad, long off, long *lo, long *hi) {
  const long first = off - pad; /* input column of output column 0 */
  long a = first >= 0 ? 0 : ceil_div(-first, stride);
  long b = first > W - 1 ? 0 : (W - 1 - first) / stride + 1;
  a = min_l(a, ow);
  b = min_l(max_l(b, a), ow);
  *lo = a;
  *hi = b;
}

/* Branch-free "keep the better candidate": GCC turns ?: on floats into jumps, which mispredict half
 * the time on real data, so the choice is made with masks on the bits. */
#define DEFINE_PICK(T, U, SFX)                                                                         \
  static inline void pick_##SFX(T val, long idx, T *best, long *at) {                                    \
    const long m = -(long)((val > *best) | (val != val)); /* all ones to take val */                      \
    U v, b;                                                                                              \
    memcpy(&v, &val, sizeof v);                                                                          \
    memcpy(&b, best, sizeof b);                                                                          \
    b = (v & (U)m) | (b & ~(U)m);                                                                        \
    memcpy(best, &b, sizeof b);                                                                          \
    *at = (idx & m) | (*at & ~m);                                                                        \
  }
DEFINE_PICK(float, uint32_t, f32)
DEFINE_PICK(double, uint64_t, f64)

/* 2 x 2 windows at stride 2 (the common pooling), float32, four outputs at a time: the window
 * cells of outputs z..z+3 are the even and odd columns of two rows, split by shuffles; the same
 * branch-free rule as pick_f32 per lane. Rows r0 and r1 are contiguous; out and the cell numbers
 * (first_cell + 2z, plus 1 or W) go to outputs [z0, z1), z1 - z0 a multiple of 4. */
typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));
typedef float v4fu __attribute__((vector_size(16), aligned(4)));

static inline void pick_v4(v4f val, v4i idx, v4f *best, v4i *at) {
  const v4i m = (val > *best) | (val != val);
  *best = (v4f)(((v4i)val & m) | ((v4i)*best & ~m));
  *at = (idx & m) | (*at & ~m);
}

static void max_pool_2x2_f32(const float *r0, const float *r1, long z0, long z1, long first_cell, long W, float *out,
                             char *pos, int pos64, long base) {
  const v4i lanes = {0, 2, 4, 6}, evens = {0, 2, 4, 6}, odds = {1, 3, 5, 7};
  for (long z = z0; z < z1; z += 4) {
    const v4f a0 = *(const v4fu *)(r0 + 2 * z), a1 = *(const v4fu *)(r0 + 2 * z + 4);
    const v4f b0 = *(const v4fu *)(r1 + 2 * z), b1 = *(const v4fu *)(r1 + 2 * z + 4);
    const v4i cell = (v4i){0, 0, 0, 0} + (int32_t)(first_cell + 2 * z) + lanes;
    v4f best = __builtin_shuffle(a0, a1, evens);
    v4i at = cell;
    pick_v4(__builtin_shuffle(a0, a1, odds), cell + 1, &best, &at);
    pick_v4(__builtin_shuffle(b0, b1, evens), cell + (int32_t)W, &best, &at);
    pick_v4(__builtin_shuffle(b0, b1, odds), cell + (int32_t)W + 1, &best, &at);
    *(v4fu *)(out + z) = best;
    for (int l = 0; l < 4; l++) {
      if (pos64) ((int64_t *)pos)[z + l] = base + at[l];
      else ((int32_t *)pos)[z + l] = (int32_t)(base + at[l]);
    }
  }
}

typedef struct {
  kiln_dtype dt;
  const kiln_plane_geometry *g;
  const kiln_window *w;
  const char *src;
  char *dst;
  char *pos; /* max pooling: positions */
  int pos64;
  long planes_per_ticket;
} window_job;

#define DEFINE_WINDOW_KERNELS(T, SFX)                                                                             \
  /* out (oh, W) = the image (H, W), rows contiguous, shifted by r rows and s columns (|s| < W), 0 outside. */      \
  static void unfold_shifted_##SFX(const T *x, T *out, long H, long W, long oh, long r, long s) {                  \
    const long ylo = r < 0 ? (-r < oh ? -r : oh) : 0, yhi = H - r < oh ? (H - r > ylo ? H - r : ylo) : oh;      \
    memset(out, 0, ylo * W * sizeof(T));                                                                          \
    memset(out + yhi * W, 0, (oh - yhi) * W * sizeof(T));                                                         \
    if (yhi <= ylo) return;                                                                                       \
    /* output cell t reads image cell t + d; clamp to the image, the rest is 0 */                               \
    const long d = r * W + s, t0 = ylo * W, t1 = yhi * W;                                                         \
    const long a = t0 + d < 0 ? -d : t0, b = t1 + d > H * W ? H * W - d : t1;                                     \
    for (long t = t0; t < a; t++) out[t] = 0;                                                                     \
    memcpy(out + a, x + a + d, (b - a) * sizeof(T));                                                              \
    for (long t = b; t < t1; t++) out[t] = 0;                                                                     \
    /* columns that wrapped in from the next or previous row */                                                 \
    for (long y = ylo; y < yhi; y++) {                                                                            \
      T *row = out + y * W;                                                                                       \
      for (long c = 0; c < -s; c++) row[c] = 0;                                                                   \
      for (long c = W - s; c < W; c++) row[c] = 0;                                                                \
    }                                                                                                             \
  }                                                                                                               \
                                                                                                                  \
  /* One plane: its cols cells (kh, kw, oh, ow; strides ci, cj, cy, cx) from the image at x (strides xh, xw). */   \
  static void unfold_plane_##SFX(const T *x, long xh, long xw, T *cols, const kiln_plane_geometry *g,            \
                                 const kiln_window *w) {                                                        \
    const long H = g->H, W = g->W, oh = g->oh, ow = g->ow, cx = g->cx;                                          \
    /* stride 1 over whole, contiguous rows (a 'same' convolution): each window cell's block is the    \
     * image shifted, so it is one copy plus zeros where the shift ran past an edge */                   \
    const int shifted = w->sh == 1 && w->sw == 1 && xw == 1 && xh == W && cx == 1 && g->cy == ow && ow == W;   \
    for (long i = 0; i < w->kh; i++)                                                                              \
      for (long j = 0; j < w->kw; j++) {                                                                          \
        const long r = i * w->dh - w->ph, s = j * w->dw - w->pw; /* the shift, rows and columns */            \
        if (shifted && s > -W && s < W) {                                                                         \
          unfold_shifted_##SFX(x, cols + i * g->ci + j * g->cj, H, W, oh, r, s);                                  \
          continue;                                                                                               \
        }                                                                                                         \
        long lo, hi;                                                                                              \
        inside_range(ow, W, w->sw, w->pw, j * w->dw, &lo, &hi);                                                   \
        const long v0 = lo * w->sw - w->pw + j * w->dw; /* input column of output column lo */                  \
        for (long y = 0; y < oh; y++) {                                                                           \
          T *out = cols + i * g->ci + j * g->cj + y * g->cy;                                                      \
          const long h = y * w->sh - w->ph + i * w->dh;                                                           \
          if (h < 0 || h >= H) {                                                                                  \
            for (long c = 0; c < ow; c++) out[c * cx] = 0;                                                        \
            continue;                                                                                             \
          }                                                                                                       \
          for (long c = 0; c < lo; c++) out[c * cx] = 0;                                                          \
          const T *row = x + h * xh + v0 * xw;                                                                    \
          if (w->sw == 1 && xw == 1 && cx == 1) /* short rows: an inline loop beats a call to memcpy */        \
            for (long c = lo; c < hi; c++) out[c] = row[c - lo];                                                  \
          else                                                                                                    \
            for (long c = lo; c < hi; c++) out[c * cx] = row[(c - lo) * w->sw * xw];                              \
          for (long c = hi; c < ow; c++) out[c * cx] = 0;                                                         \
        }                                                                                                         \
      }                                                                                                           \
  }                                                                                                               \
                                                                                                                  \
  /* One plane: out (H, W) contiguous = the sum of its cols cells at the image cells they cover. */              \
  static void fold_plane_##SFX(const T *cols, T *out, const kiln_plane_geometry *g, const kiln_window *w) {       \
    const long H = g->H, W = g->W, oh = g->oh, ow = g->ow, cx = g->cx;                                          \
    memset(out, 0, H * W * sizeof(T));                                                                            \
    for (long i = 0; i < w->kh; i++)                                                                              \
      for (long j = 0; j < w->kw; j++) {                                                                          \
        long lo, hi;                                                                                              \
        inside_range(ow, W, w->sw, w->pw, j * w->dw, &lo, &hi);                                                   \
        const long v0 = lo * w->sw - w->pw + j * w->dw;                                                           \
        for (long y = 0; y < oh; y++) {                                                                           \
          const long h = y * w->sh - w->ph + i * w->dh;                                                           \
          if (h < 0 || h >= H) continue;                                                                          \
          const T *in = cols + i * g->ci + j * g->cj + y * g->cy;                                                 \
          T *row = out + h * W + v0;                                                                              \
          if (w->sw == 1 && cx == 1)                                                                              \
            for (long c = lo; c < hi; c++) row[c - lo] += in[c];                                                  \
          else                                                                                                    \
            for (long c = lo; c < hi; c++) row[(c - lo) * w->sw] += in[c * cx];                                   \
        }                                                                                                         \
      }                                                                                                           \
  }                                                                                                               \
                                                                                                                  \
  /* One plane: the maximum of each window (a NaN wins, the last if several; ties keep the first)     \
   * into out (oh, ow) contiguous, and its cell's number base + h * W + v into pos. Windows wholly    \
   * inside the image (nearly all) skip the bounds checks; updates are branch-free, since on real    \
   * data the winner is unpredictable. */                                                             \
  static void max_pool_plane_##SFX(const T *x, long xh, long xw, T *out, char *pos, int pos64, long base,         \
                                   const kiln_plane_geometry *g, const kiln_window *w) {                          \
    const long H = g->H, W = g->W, oh = g->oh, ow = g->ow, kh = w->kh, kw = w->kw, dh = w->dh, dw = w->dw;      \
    const int two_by_two = kh == 2 && kw == 2 && dh == 1 && dw == 1;                                            \
    /* float32 2 x 2 windows at stride 2 over contiguous rows: whole groups of 4 inside go vectorized */  \
    const int vec = sizeof(T) == 4 && two_by_two && w->sw == 2 && xw == 1 && H * W < INT32_MAX;                 \
    long zlo = 0, zhi = 0;                                                                                        \
    if (vec) inside_range(ow, W - 1, 2, w->pw, 0, &zlo, &zhi);                                                    \
    const long zvec = zlo + (zhi - zlo) / 4 * 4;                                                                  \
    for (long y = 0; y < oh; y++) {                                                                               \
      const long h0 = y * w->sh - w->ph;                                                                          \
      const int rows_inside = h0 >= 0 && h0 + (kh - 1) * dh < H;                                                  \
      for (long z = 0; z < ow; z++) {                                                                             \
        if (vec && rows_inside && z == zlo && zvec > zlo) {                                                       \
          /* output z's window starts at column 2z - pw: rows r0, r1 are indexed by 2z */                      \
          const float *r0 = (const float *)(x + h0 * xh - w->pw);                                                 \
          max_pool_2x2_f32(r0, r0 + xh, zlo, zvec, h0 * W - w->pw, W, (float *)out + y * ow,                      \
                           pos + y * ow * (pos64 ? 8 : 4), pos64, base);                                          \
          z = zvec - 1;                                                                                           \
          continue;                                                                                               \
        }                                                                                                         \
        const long v0 = z * w->sw - w->pw;                                                                        \
        T best;                                                                                                   \
        long at;                                                                                                  \
        if (rows_inside && v0 >= 0 && v0 + (kw - 1) * dw < W) {                                                   \
          const T *cell = x + h0 * xh + v0 * xw;                                                                  \
          best = cell[0];                                                                                         \
          at = h0 * W + v0;                                                                                       \
          if (two_by_two) {                                                                                       \
            pick_##SFX(cell[xw], at + 1, &best, &at);                                                             \
            pick_##SFX(cell[xh], h0 * W + v0 + W, &best, &at);                                                    \
            pick_##SFX(cell[xh + xw], h0 * W + v0 + W + 1, &best, &at);                                           \
          } else {                                                                                                \
            for (long i = 0; i < kh; i++)                                                                         \
              for (long j = i == 0; j < kw; j++) {                                                                \
                pick_##SFX(cell[i * dh * xh + j * dw * xw], (h0 + i * dh) * W + v0 + j * dw, &best, &at);         \
              }                                                                                                   \
          }                                                                                                       \
        } else {                                                                                                  \
          best = -(T)__builtin_inf();                                                                             \
          at = -1;                                                                                                \
          for (long i = 0; i < kh; i++) {                                                                         \
            const long h = h0 + i * dh;                                                                           \
            if (h < 0 || h >= H) continue;                                                                        \
            for (long j = 0; j < kw; j++) {                                                                       \
              const long v = v0 + j * dw;                                                                         \
              if (v < 0 || v >= W) continue;                                                                      \
              if (at < 0) at = h * W + v; /* an all -inf window reports its first cell */                        \
              pick_##SFX(x[h * xh + v * xw], h * W + v, &best, &at);                                              \
            }                                                                                                     \
          }                                                                                                       \
          if (at < 0) at = 0; /* an empty window (not possible with valid arguments) */                          \
        }                                                                                                         \
        const long t = y * ow + z;                                                                                \
        out[t] = best;                                                                                            \
        if (pos64) ((int64_t *)pos)[t] = base + at;                                                               \
        else ((int32_t *)pos)[t] = (int32_t)(base + at);                                                          \
      }                                                                                                           \
    }                                                                                                             \
  }

DEFINE_WINDOW_KERNELS(float, f32)
DEFINE_WINDOW_KERNELS(double, f64)

/* The image plane p = n * C + c of the source. */
static const char *src_plane(const window_job *j, long p) {
  const kiln_plane_geometry *g = j->g;
  return j->src + ((p / g->C) * g->xn + (p % g->C) * g->xc) * esize(j->dt);
}

/* The offset of plane p's first cols cell. */
static long cols_plane(const kiln_plane_geometry *g, long p) { return (p / g->C) * g->cn + (p % g->C) * g->cc; }

static void unfold_ticket(void *ctx, long t, long *cursor) {
  const window_job *j = ctx;
  const kiln_plane_geometry *g = j->g;
  for (long p = t * j->planes_per_ticket; p < min_l(g->N * g->C, (t + 1) * j->planes_per_ticket); p++) {
    if (j->dt == KILN_F32) unfold_plane_f32((const float *)src_plane(j, p), g->xh, g->xw, (float *)j->dst + cols_plane(g, p), g, j->w);
    else unfold_plane_f64((const double *)src_plane(j, p), g->xh, g->xw, (double *)j->dst + cols_plane(g, p), g, j->w);
  }
  (void)cursor;
}

static void fold_ticket(void *ctx, long t, long *cursor) {
  const window_job *j = ctx;
  const kiln_plane_geometry *g = j->g;
  const long plane = g->H * g->W;
  for (long p = t * j->planes_per_ticket; p < min_l(g->N * g->C, (t + 1) * j->planes_per_ticket); p++) {
    if (j->dt == KILN_F32) fold_plane_f32((const float *)j->src + cols_plane(g, p), (float *)j->dst + p * plane, g, j->w);
    else fold_plane_f64((const double *)j->src + cols_plane(g, p), (double *)j->dst + p * plane, g, j->w);
  }
  (void)cursor;
}

static void max_pool_ticket(void *ctx, long t, long *cursor) {
  const window_job *j = ctx;
  const kiln_plane_geometry *g = j->g;
  const long outs = g->oh * g->ow, plane = g->H * g->W;
  for (long p = t * j->planes_per_ticket; p < min_l(g->N * g->C, (t + 1) * j->planes_per_ticket); p++) {
    char *pos = j->pos + p * outs * (j->pos64 ? 8 : 4);
    if (j->dt == KILN_F32)
      max_pool_plane_f32((const float *)src_plane(j, p), g->xh, g->xw, (float *)j->dst + p * outs, pos, j->pos64, p * plane, g, j->w);
    else
      max_pool_plane_f64((const double *)src_plane(j, p), g->xh, g->xw, (double *)j->dst + p * outs, pos, j->pos64, p * plane, g, j->w);
  }
  (void)cursor;
}

/* Runs fn over the planes, in groups of about PLANE_TICKET_CELLS cells of work. */
static void run_planes(window_job *j, long cells_per_plane, kiln_ticket_fn fn) {
  const long planes = j->g->N * j->g->C;
  j->planes_per_ticket = max_l(1, PLANE_TICKET_CELLS / max_l(1, cells_per_plane));
  const long tickets = ceil_div(planes, j->planes_per_ticket);
  kiln_run(tickets, fn, j, tickets > 1 ? kiln_get_num_threads() : 1);
}

void kiln_unfold(kiln_dtype dt, const kiln_plane_geometry *g, const kiln_window *w, const void *x, void *cols) {
  window_job j = {dt, g, w, x, cols, NULL, 0, 0};
  run_planes(&j, w->kh * w->kw * g->oh * g->ow, unfold_ticket);
}

void kiln_fold(kiln_dtype dt, const kiln_plane_geometry *g, const kiln_window *w, const void *cols, void *out) {
  window_job j = {dt, g, w, cols, out, NULL, 0, 0};
  run_planes(&j, w->kh * w->kw * g->oh * g->ow + g->H * g->W, fold_ticket);
}

void kiln_max_pool(kiln_dtype dt, const kiln_plane_geometry *g, const kiln_window *w, const void *x, void *out,
                   void *pos, int pos64) {
  window_job j = {dt, g, w, x, out, pos, pos64, 0};
  run_planes(&j, w->kh * w->kw * g->oh * g->ow, max_pool_ticket);
}
