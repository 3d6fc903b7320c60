/*
 * The Node-API face of kiln's native kernels. Kernels work in place on the memory of JS typed
 * arrays; every call checks that the elements it will touch lie inside the arrays it was given,
 * so a wrong view throws a RangeError instead of corrupting memory.
 *
 * Environment: KILN_ISA=avx512|avx2|sse2|scalar caps the instruction set (tests cover each path);
 * KILN_NUM_THREADS sets the initial thread count; KILN_MALLOC_TUNE=0 leaves malloc as it is (see
 * tune_malloc). KILN_NATIVE=0 is handled by the JS loader.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <pthread.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "kiln.h"

/* ---- ISA selection ---- */

const kiln_kernels *kiln_k = &kiln_kernels_scalar;

static int supported(const kiln_kernels *t) {
#ifdef KILN_X86
  if (t == &kiln_kernels_avx512)
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (t == &kiln_kernels_avx2) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
  (void)t;
  return 1; /* 128-bit vectors are baseline on x86-64 and arm64; scalar runs anywhere */
}

void kiln_select_isa(const char *wanted) {
  static const kiln_kernels *const order[] = {
#ifdef KILN_X86
    &kiln_kernels_avx512, &kiln_kernels_avx2,
#endif
    &kiln_kernels_sse2, &kiln_kernels_scalar,
  };
  const int n = sizeof order / sizeof order[0];
#ifdef KILN_X86
  __builtin_cpu_init();
#endif
  int start = 0;
  for (int i = 0; wanted && *wanted && i < n; i++)
    if (strcmp(wanted, order[i]->name) == 0) start = i;
  for (int i = start; i < n; i++)
    if (supported(order[i])) {
      kiln_k = order[i];
      return;
    }
}

/*
 * Large JS buffers come from malloc (V8's ArrayBuffer allocator) and the GC frees them in bursts;
 * glibc's defaults then hand that memory back to the OS, and the next buffers fault in fresh
 * pages (about 2 us per 4 KiB page on these VMs), which can cost more than the op that fills
 * them. Keep it in the heap instead: buffers below 64 MiB come from the heap, and up to 256 MiB
 * of free heap is kept for reuse. Off with KILN_MALLOC_TUNE=0, or when GLIBC_TUNABLES sets malloc.
 */
static void tune_malloc(void) {
#ifdef __GLIBC__
  const char *off = getenv("KILN_MALLOC_TUNE"), *tunables = getenv("GLIBC_TUNABLES");
  if ((off && strcmp(off, "0") == 0) || (tunables && strstr(tunables, "glibc.malloc"))) return;
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static void init_from_env(void) {
  kiln_select_isa(getenv("KILN_ISA"));
  tune_malloc();
}

/* ---- argument helpers: each returns 0 after throwing a JS error ---- */

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    napi_throw_type_error(env, NULL, "kiln native: wrong number of arguments");
    return 0;
  }
  return 1;
}

static int get_long(napi_env env, napi_value v, long *out) {
  int64_t x;
  if (napi_get_value_int64(env, v, &x) != napi_ok) {
    napi_throw_type_error(env, NULL, "kiln native: expected an integer");
    return 0;
  }
  *out = (long)x;
  return 1;
}

static int get_dtype(napi_env env, napi_value v, kiln_dtype *dt) {
  long x;
  if (!get_long(env, v, &x)) return 0;
  if (x != KILN_F32 && x != KILN_F64) {
    napi_throw_type_error(env, NULL, "kiln native: unsupported dtype");
    return 0;
  }
  *dt = (kiln_dtype)x;
  return 1;
}

/* A typed array of the dtype's element type: its data and length in elements. */
static int get_array(napi_env env, napi_value v, kiln_dtype dt, void **data, long *len) {
  napi_typedarray_type type;
  size_t length;
  if (napi_get_typedarray_info(env, v, &type, &length, data, NULL, NULL) != napi_ok ||
      type != (dt == KILN_F32 ? napi_float32_array : napi_float64_array)) {
    napi_throw_type_error(env, NULL, "kiln native: expected a Float32Array or Float64Array matching the dtype");
    return 0;
  }
  *len = (long)length;
  return 1;
}

/* Checks that off + i*s1 + j*s2 + k*s3 (i < n1, j < n2, k < n3) stays in [0, len); 128-bit, so no
 * overflow. */
static int span_ok3(napi_env env, long len, long off, long n1, long s1, long n2, long s2, long n3, long s3) {
  if (n1 <= 0 || n2 <= 0 || n3 <= 0) return 1;
  __int128 lo = off, hi = off;
  const __int128 d[3] = {(__int128)(n1 - 1) * s1, (__int128)(n2 - 1) * s2, (__int128)(n3 - 1) * s3};
  for (int i = 0; i < 3; i++) {
    if (d[i] < 0) lo += d[i];
    else hi += d[i];
  }
  if (lo < 0 || hi >= len) {
    napi_throw_range_error(env, NULL, "kiln native: view out of its array's bounds");
    return 0;
  }
  return 1;
}

static int span_ok(napi_env env, long len, long off, long n1, long s1, long n2, long s2) {
  return span_ok3(env, len, off, n1, s1, n2, s2, 1, 0);
}

static int get_longs(napi_env env, napi_value *argv, int count, long *out) {
  for (int i = 0; i < count; i++)
    if (!get_long(env, argv[i], &out[i])) return 0;
  return 1;
}

/* Batch offsets: a number (one product) or a Float64Array. */
static int get_offsets(napi_env env, napi_value v, double *one, const double **offs, long *count) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_number) {
    napi_get_value_double(env, v, one);
    *offs = one;
    *count = 1;
    return 1;
  }
  void *data;
  napi_typedarray_type type;
  size_t length;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, NULL, NULL) != napi_ok ||
      type != napi_float64_array) {
    napi_throw_type_error(env, NULL, "kiln native: offsets must be a number or a Float64Array");
    return 0;
  }
  *offs = data;
  *count = (long)length;
  return 1;
}

/* ---- exported functions ---- */

/* gemm(dtype, a, b, c, m, n, k, ars, acs, brs, bcs, crs, ccs, aOffs, bOffs, cOffs) */
static napi_value js_gemm(napi_env env, napi_callback_info info) {
  napi_value argv[16];
  if (!get_args(env, info, 16, argv)) return NULL;
  kiln_gemm_args g;
  void *a, *b, *c;
  long alen, blen, clen, v[9];
  if (!get_dtype(env, argv[0], &g.dtype) || !get_array(env, argv[1], g.dtype, &a, &alen) ||
      !get_array(env, argv[2], g.dtype, &b, &blen) || !get_array(env, argv[3], g.dtype, &c, &clen) ||
      !get_longs(env, argv + 4, 9, v))
    return NULL;
  g.a = a, g.b = b, g.c = c;
  g.m = v[0], g.n = v[1], g.k = v[2];
  g.ars = v[3], g.acs = v[4], g.brs = v[5], g.bcs = v[6], g.crs = v[7], g.ccs = v[8];
  double one[3];
  long na, nb, nc;
  if (!get_offsets(env, argv[13], &one[0], &g.a_offs, &na) || !get_offsets(env, argv[14], &one[1], &g.b_offs, &nb) ||
      !get_offsets(env, argv[15], &one[2], &g.c_offs, &nc))
    return NULL;
  if (na != nc || nb != nc || g.m < 0 || g.n < 0 || g.k < 0) {
    napi_throw_range_error(env, NULL, "kiln native: inconsistent gemm arguments");
    return NULL;
  }
  g.batch = nc;
  for (long t = 0; t < nc; t++) {
    if (!span_ok(env, alen, (long)g.a_offs[t], g.m, g.ars, g.k, g.acs) ||
        !span_ok(env, blen, (long)g.b_offs[t], g.k, g.brs, g.n, g.bcs) ||
        !span_ok(env, clen, (long)g.c_offs[t], g.m, g.crs, g.n, g.ccs))
      return NULL;
  }
  kiln_gemm(&g);
  return NULL;
}

/* binary(dtype, op, outer, inner, out, outOff, oo, oi, a, aOff, ao, ai, b, bOff, bo, bi): row and
 * element strides of each operand, any values */
static napi_value js_binary(napi_env env, napi_callback_info info) {
  napi_value argv[16];
  if (!get_args(env, info, 16, argv)) return NULL;
  kiln_dtype dt;
  void *out, *a, *b;
  long olen, alen, blen, v[3], ov[3], av[3], bv[3];
  if (!get_dtype(env, argv[0], &dt) || !get_longs(env, argv + 1, 3, v) ||
      !get_array(env, argv[4], dt, &out, &olen) || !get_longs(env, argv + 5, 3, ov) ||
      !get_array(env, argv[8], dt, &a, &alen) || !get_longs(env, argv + 9, 3, av) ||
      !get_array(env, argv[12], dt, &b, &blen) || !get_longs(env, argv + 13, 3, bv))
    return NULL;
  const long op = v[0], outer = v[1], inner = v[2];
  if (op < KILN_ADD || op > KILN_RELU_BACKWARD) {
    napi_throw_range_error(env, NULL, "kiln native: bad binary op");
    return NULL;
  }
  if (!span_ok(env, olen, ov[0], outer, ov[1], inner, ov[2]) || !span_ok(env, alen, av[0], outer, av[1], inner, av[2]) ||
      !span_ok(env, blen, bv[0], outer, bv[1], inner, bv[2]))
    return NULL;
  if (outer <= 0 || inner <= 0) return NULL;
  const size_t es = (size_t)esize(dt);
  kiln_binary(dt, (int)op, outer, inner, (char *)out + ov[0] * es, ov[1], ov[2], (char *)a + av[0] * es, av[1], av[2],
              (char *)b + bv[0] * es, bv[1], bv[2]);
  return NULL;
}

/* unary(dtype, op, outer, inner, out, outOff, oo, oi, x, xOff, xo, xi) */
static napi_value js_unary(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  if (!get_args(env, info, 12, argv)) return NULL;
  kiln_dtype dt;
  void *out, *x;
  long olen, xlen, v[3], ov[3], xv[3];
  if (!get_dtype(env, argv[0], &dt) || !get_longs(env, argv + 1, 3, v) ||
      !get_array(env, argv[4], dt, &out, &olen) || !get_longs(env, argv + 5, 3, ov) ||
      !get_array(env, argv[8], dt, &x, &xlen) || !get_longs(env, argv + 9, 3, xv))
    return NULL;
  const long op = v[0], outer = v[1], inner = v[2];
  if (op < KILN_EXP || op >= KILN_UNOP_COUNT || (op == KILN_GELU && dt != KILN_F32)) {
    napi_throw_range_error(env, NULL, "kiln native: bad unary op");
    return NULL;
  }
  if (!span_ok(env, olen, ov[0], outer, ov[1], inner, ov[2]) || !span_ok(env, xlen, xv[0], outer, xv[1], inner, xv[2]))
    return NULL;
  if (outer <= 0 || inner <= 0) return NULL;
  const size_t es = (size_t)esize(dt);
  kiln_unary(dt, (int)op, outer, inner, (char *)out + ov[0] * es, ov[1], ov[2], (char *)x + xv[0] * es, xv[1], xv[2]);
  return NULL;
}

/* sumRows(dtype, rows, m, ms, len, x, xOff, xs, out, outOff, os): out[r] = sum of x's m lines of
 * len contiguous elements at r*xs + q*ms */
static napi_value js_sum_rows(napi_env env, napi_callback_info info) {
  napi_value argv[11];
  if (!get_args(env, info, 11, argv)) return NULL;
  kiln_dtype dt;
  void *x, *out;
  long xlen, olen, v[4], xv[2], ov[2];
  if (!get_dtype(env, argv[0], &dt) || !get_longs(env, argv + 1, 4, v) || !get_array(env, argv[5], dt, &x, &xlen) ||
      !get_longs(env, argv + 6, 2, xv) || !get_array(env, argv[8], dt, &out, &olen) ||
      !get_longs(env, argv + 9, 2, ov))
    return NULL;
  const size_t es = (size_t)esize(dt);
  const long rows = v[0], m = v[1], ms = v[2], len = v[3];
  if (m < 0 || len < 0) {
    napi_throw_range_error(env, NULL, "kiln native: bad sum arguments");
    return NULL;
  }
  if (!span_ok3(env, xlen, xv[0], rows, xv[1], m, ms, len, 1) || !span_ok(env, olen, ov[0], rows, ov[1], 1, 0)) return NULL;
  if (rows > 0) kiln_sum_rows(dt, rows, m, ms, len, (char *)x + xv[0] * es, xv[1], (char *)out + ov[0] * es, ov[1]);
  return NULL;
}

/* sumCols(dtype, len, cols, x, xOff, xs, out, outOff, os): out[j] = sum over i < len of x[i*xs + j] */
static napi_value js_sum_cols(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  if (!get_args(env, info, 9, argv)) return NULL;
  kiln_dtype dt;
  void *x, *out;
  long xlen, olen, v[2], xv[2], ov[2];
  if (!get_dtype(env, argv[0], &dt) || !get_longs(env, argv + 1, 2, v) || !get_array(env, argv[3], dt, &x, &xlen) ||
      !get_longs(env, argv + 4, 2, xv) || !get_array(env, argv[6], dt, &out, &olen) ||
      !get_longs(env, argv + 7, 2, ov))
    return NULL;
  const size_t es = (size_t)esize(dt);
  const long len = v[0], ncols = v[1];
  if (!span_ok(env, xlen, xv[0], len, xv[1], ncols, 1) || !span_ok(env, olen, ov[0], ncols, ov[1], 1, 0)) return NULL;
  if (ncols > 0) kiln_sum_cols(dt, len, ncols, (char *)x + xv[0] * es, xv[1], (char *)out + ov[0] * es, ov[1]);
  return NULL;
}


/* Any typed array: its data and its length in elements of `es` bytes. */
static int get_any_array(napi_env env, napi_value v, long es, void **data, long *len) {
  napi_typedarray_type type;
  size_t length;
  if (napi_get_typedarray_info(env, v, &type, &length, data, NULL, NULL) != napi_ok) {
    napi_throw_type_error(env, NULL, "kiln native: expected a typed array");
    return 0;
  }
  long bytes;
  switch (type) {
    case napi_int8_array: case napi_uint8_array: case napi_uint8_clamped_array: bytes = 1; break;
    case napi_int16_array: case napi_uint16_array: bytes = 2; break;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: bytes = 4; break;
    default: bytes = 8; break;
  }
  *len = (long)length * bytes / es;
  return 1;
}

/* copy(from, to, outer, inner, out, outOff, oo, oi, x, xOff, xo, xi): out(o, i) = x(o, i), cast
 * from `from` to `to` (kiln_cdtype codes) */
static napi_value js_copy(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  if (!get_args(env, info, 12, argv)) return NULL;
  long v[4], ov[3], xv[3];
  if (!get_longs(env, argv, 4, v)) return NULL;
  const long from = v[0], to = v[1], outer = v[2], inner = v[3];
  if (!kiln_copy_supported((int)from, (int)to)) {
    napi_throw_range_error(env, NULL, "kiln native: unsupported copy");
    return NULL;
  }
  const long ein = from == KILN_CF32 || from == KILN_CI32 ? 4 : from == KILN_CU8 ? 1 : 8;
  const long eout = to == KILN_CF32 || to == KILN_CI32 ? 4 : to == KILN_CU8 ? 1 : 8;
  void *out, *x;
  long olen, xlen;
  if (!get_any_array(env, argv[4], eout, &out, &olen) || !get_longs(env, argv + 5, 3, ov) ||
      !get_any_array(env, argv[8], ein, &x, &xlen) || !get_longs(env, argv + 9, 3, xv))
    return NULL;
  if (!span_ok(env, olen, ov[0], outer, ov[1], inner, ov[2]) || !span_ok(env, xlen, xv[0], outer, xv[1], inner, xv[2]))
    return NULL;
  if (outer <= 0 || inner <= 0) return NULL;
  kiln_copy((int)from, (int)to, outer, inner, (char *)out + ov[0] * eout, ov[1], ov[2], (char *)x + xv[0] * ein, xv[1], xv[2]);
  return NULL;
}

/* ---- sliding windows ---- */

/* Checks that off + sum of i_d * s_d (i_d < n_d) stays in [0, len) for a view of any rank. */
static int view_ok(napi_env env, long len, long off, int nd, const long *n, const long *s) {
  __int128 lo = off, hi = off;
  for (int d = 0; d < nd; d++) {
    if (n[d] <= 0) return 1; /* empty: touches nothing */
    const __int128 e = (__int128)(n[d] - 1) * s[d];
    if (e < 0) lo += e; else hi += e;
  }
  if (lo < 0 || hi >= len) {
    napi_throw_range_error(env, NULL, "kiln native: view out of its array's bounds");
    return 0;
  }
  return 1;
}

/* spec: a Float64Array [N, C, H, W, oh, ow, xn, xc, xh, xw, cn, cc, ci, cj, cy, cx, kh, kw, sh, sw, ph, pw,
 * dh, dw]: the image's and the columns' element strides, then the window. */
#define WINDOW_SPEC 24
static int get_window_spec(napi_env env, napi_value v, kiln_plane_geometry *g, kiln_window *w) {
  void *data;
  napi_typedarray_type type;
  size_t length;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, NULL, NULL) != napi_ok || type != napi_float64_array ||
      length != WINDOW_SPEC) {
    napi_throw_type_error(env, NULL, "kiln native: a window spec is a Float64Array of 24 numbers");
    return 0;
  }
  const double *d = data;
  long q[WINDOW_SPEC];
  for (int i = 0; i < WINDOW_SPEC; i++) q[i] = (long)d[i];
  *g = (kiln_plane_geometry){q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8], q[9],
                             q[10], q[11], q[12], q[13], q[14], q[15]};
  *w = (kiln_window){q[16], q[17], q[18], q[19], q[20], q[21], q[22], q[23]};
  for (int i = 0; i < 6; i++)
    if (q[i] < 0) goto bad;
  if (w->kh < 1 || w->kw < 1 || w->sh < 1 || w->sw < 1 || w->dh < 1 || w->dw < 1 || w->ph < 0 || w->pw < 0) goto bad;
  return 1;
bad:
  napi_throw_range_error(env, NULL, "kiln native: bad window spec");
  return 0;
}

/* Checks that the image (N, C, H, W) with the spec's strides lies inside an array of len elements. */
static int image_ok(napi_env env, const kiln_plane_geometry *g, long len, long off) {
  const long n[4] = {g->N, g->C, g->H, g->W}, s[4] = {g->xn, g->xc, g->xh, g->xw};
  return view_ok(env, len, off, 4, n, s);
}

/* The same for the columns (N, C, kh, kw, oh, ow). */
static int cols_ok(napi_env env, const kiln_plane_geometry *g, const kiln_window *w, long len, long off) {
  const long n[6] = {g->N, g->C, w->kh, w->kw, g->oh, g->ow}, s[6] = {g->cn, g->cc, g->ci, g->cj, g->cy, g->cx};
  return view_ok(env, len, off, 6, n, s);
}

/* A contiguous run of `count` elements at off inside an array of len. */
static int run_ok(napi_env env, long len, long off, long count) {
  const long one = 1;
  return view_ok(env, len, off, 1, &count, &one) && (count > 0 || off >= 0);
}

/* unfold(dtype, spec, x, xOff, cols, colsOff) and fold(dtype, spec, cols, colsOff, out, outOff); the JS side
 * passes only columns whose planes do not overlap (fresh or contiguous-row layouts). */
static napi_value window_copy(napi_env env, napi_callback_info info, int fold) {
  napi_value argv[6];
  if (!get_args(env, info, 6, argv)) return NULL;
  kiln_dtype dt;
  kiln_plane_geometry g;
  kiln_window w;
  void *src, *dst;
  long slen, dlen, soff, doff;
  if (!get_dtype(env, argv[0], &dt) || !get_window_spec(env, argv[1], &g, &w) ||
      !get_array(env, argv[2], dt, &src, &slen) || !get_long(env, argv[3], &soff) ||
      !get_array(env, argv[4], dt, &dst, &dlen) || !get_long(env, argv[5], &doff))
    return NULL;
  const long cols = g.N * g.C * w.kh * w.kw * g.oh * g.ow, image = g.N * g.C * g.H * g.W;
  const size_t es = (size_t)esize(dt);
  if (fold) {
    if (!cols_ok(env, &g, &w, slen, soff) || !run_ok(env, dlen, doff, image)) return NULL;
    if (image > 0) kiln_fold(dt, &g, &w, (char *)src + soff * es, (char *)dst + doff * es);
  } else {
    if (!image_ok(env, &g, slen, soff) || !cols_ok(env, &g, &w, dlen, doff)) return NULL;
    if (cols > 0) kiln_unfold(dt, &g, &w, (char *)src + soff * es, (char *)dst + doff * es);
  }
  return NULL;
}

static napi_value js_unfold(napi_env env, napi_callback_info info) { return window_copy(env, info, 0); }
static napi_value js_fold(napi_env env, napi_callback_info info) { return window_copy(env, info, 1); }

/* maxPool(dtype, spec, x, xOff, out, outOff, positions (Int32Array or BigInt64Array), posOff) */
static napi_value js_max_pool(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (!get_args(env, info, 8, argv)) return NULL;
  kiln_dtype dt;
  kiln_plane_geometry g;
  kiln_window w;
  void *x, *out, *pos;
  long xlen, olen, xoff, ooff, poff;
  napi_typedarray_type ptype;
  size_t plen;
  if (!get_dtype(env, argv[0], &dt) || !get_window_spec(env, argv[1], &g, &w) ||
      !get_array(env, argv[2], dt, &x, &xlen) || !get_long(env, argv[3], &xoff) ||
      !get_array(env, argv[4], dt, &out, &olen) || !get_long(env, argv[5], &ooff) || !get_long(env, argv[7], &poff))
    return NULL;
  if (napi_get_typedarray_info(env, argv[6], &ptype, &plen, &pos, NULL, NULL) != napi_ok ||
      (ptype != napi_int32_array && ptype != napi_bigint64_array)) {
    napi_throw_type_error(env, NULL, "kiln native: positions must be an Int32Array or a BigInt64Array");
    return NULL;
  }
  const int pos64 = ptype == napi_bigint64_array;
  const long outs = g.N * g.C * g.oh * g.ow;
  if (!image_ok(env, &g, xlen, xoff) || !run_ok(env, olen, ooff, outs) || !run_ok(env, (long)plen, poff, outs)) return NULL;
  if (!pos64 && g.N * g.C * g.H * g.W > INT32_MAX) {
    napi_throw_range_error(env, NULL, "kiln native: int32 positions cannot number this many cells");
    return NULL;
  }
  const size_t es = (size_t)esize(dt);
  if (outs > 0) kiln_max_pool(dt, &g, &w, (char *)x + xoff * es, (char *)out + ooff * es, (char *)pos + poff * (pos64 ? 8 : 4), pos64);
  return NULL;
}

/* ---- gather and scatter ---- */

/* Positions: an Int32Array or BigInt64Array; sets *pos to its data at element off, *avail to the
 * elements from there on. */
static int get_positions(napi_env env, napi_value v, long off, void **pos, int *pos64, long *avail) {
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, NULL, NULL) != napi_ok ||
      (type != napi_int32_array && type != napi_bigint64_array)) {
    napi_throw_type_error(env, NULL, "kiln native: positions must be an Int32Array or a BigInt64Array");
    return 0;
  }
  *pos64 = type == napi_bigint64_array;
  if (off < 0 || off > (long)length) {
    napi_throw_range_error(env, NULL, "kiln native: view out of its array's bounds");
    return 0;
  }
  *pos = (char *)data + off * (*pos64 ? 8 : 4);
  *avail = (long)length - off;
  return 1;
}

static napi_value position_error(napi_env env) {
  napi_throw_range_error(env, NULL, "kiln native: a position is out of range");
  return NULL;
}

/* take(dtype, n, x, xOff, xCount, positions, posOff, out, outOff): out[k] = x[xOff + pos[k]] */
static napi_value js_take(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  if (!get_args(env, info, 9, argv)) return NULL;
  kiln_dtype dt;
  void *x, *out, *pos;
  long n, xlen, xoff, xcount, poff, olen, ooff, avail;
  int pos64;
  if (!get_dtype(env, argv[0], &dt) || !get_long(env, argv[1], &n) || !get_array(env, argv[2], dt, &x, &xlen) ||
      !get_long(env, argv[3], &xoff) || !get_long(env, argv[4], &xcount) || !get_long(env, argv[6], &poff) ||
      !get_positions(env, argv[5], poff, &pos, &pos64, &avail) || !get_array(env, argv[7], dt, &out, &olen) ||
      !get_long(env, argv[8], &ooff))
    return NULL;
  if (n < 0 || n > avail || !run_ok(env, olen, ooff, n) || !run_ok(env, xlen, xoff, xcount)) {
    if (n < 0 || n > avail) napi_throw_range_error(env, NULL, "kiln native: view out of its array's bounds");
    return NULL;
  }
  const size_t es = (size_t)esize(dt);
  if (kiln_take(dt, (char *)x + xoff * es, xcount, pos, pos64, n, (char *)out + ooff * es) >= 0) return position_error(env);
  return NULL;
}

/* put(dtype, n, src, srcOff, srcScalar, positions, posOff, out, outOff, outCount, accumulate) */
static napi_value js_put(napi_env env, napi_callback_info info) {
  napi_value argv[11];
  if (!get_args(env, info, 11, argv)) return NULL;
  kiln_dtype dt;
  void *src, *out, *pos;
  long n, slen, soff, scalar, poff, olen, ooff, ocount, acc, avail;
  int pos64;
  if (!get_dtype(env, argv[0], &dt) || !get_long(env, argv[1], &n) || !get_array(env, argv[2], dt, &src, &slen) ||
      !get_long(env, argv[3], &soff) || !get_long(env, argv[4], &scalar) || !get_long(env, argv[6], &poff) ||
      !get_positions(env, argv[5], poff, &pos, &pos64, &avail) || !get_array(env, argv[7], dt, &out, &olen) ||
      !get_long(env, argv[8], &ooff) || !get_long(env, argv[9], &ocount) || !get_long(env, argv[10], &acc))
    return NULL;
  if (n < 0 || n > avail) {
    napi_throw_range_error(env, NULL, "kiln native: view out of its array's bounds");
    return NULL;
  }
  if (!run_ok(env, slen, soff, n == 0 ? 0 : scalar ? 1 : n) || !run_ok(env, olen, ooff, ocount)) return NULL;
  const size_t es = (size_t)esize(dt);
  if (kiln_put(dt, (char *)src + soff * es, scalar != 0, pos, pos64, n, (char *)out + ooff * es, ocount, acc != 0) >= 0)
    return position_error(env);
  return NULL;
}

/* softmax(dtype, rows, len, x, xOff, xs, out, outOff, os, log): (log-)softmax of each contiguous row */
static napi_value js_softmax(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  if (!get_args(env, info, 10, argv)) return NULL;
  kiln_dtype dt;
  void *x, *out;
  long xlen, olen, v[2], xv[2], ov[2], log;
  if (!get_dtype(env, argv[0], &dt) || !get_longs(env, argv + 1, 2, v) || !get_array(env, argv[3], dt, &x, &xlen) ||
      !get_longs(env, argv + 4, 2, xv) || !get_array(env, argv[6], dt, &out, &olen) ||
      !get_longs(env, argv + 7, 2, ov) || !get_long(env, argv[9], &log))
    return NULL;
  const long rows = v[0], len = v[1];
  if (!span_ok(env, xlen, xv[0], rows, xv[1], len, 1) || !span_ok(env, olen, ov[0], rows, ov[1], len, 1)) return NULL;
  if (rows <= 0 || len <= 0) return NULL;
  const size_t es = (size_t)esize(dt);
  kiln_softmax(dt, rows, len, (char *)x + xv[0] * es, xv[1], (char *)out + ov[0] * es, ov[1], log != 0);
  return NULL;
}

/* adviseHugePages(arrayBuffer): call on a fresh buffer, before its pages are first touched */
static napi_value js_advise(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  void *data;
  size_t len;
  if (napi_get_arraybuffer_info(env, argv[0], &data, &len) == napi_ok && data) kiln_advise_huge(data, len);
  return NULL;
}

static napi_value js_set_threads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  long n;
  if (!get_args(env, info, 1, argv) || !get_long(env, argv[0], &n)) return NULL;
  kiln_set_num_threads(n < 1 ? 1 : n > 1024 ? 1024 : (int)n); /* the pool caps it further */
  return NULL;
}

static napi_value js_get_threads(napi_env env, napi_callback_info info) {
  napi_value r;
  napi_create_int32(env, kiln_get_num_threads(), &r);
  return r;
}

static napi_value js_isa(napi_env env, napi_callback_info info) {
  napi_value r;
  napi_create_string_utf8(env, kiln_k->name, NAPI_AUTO_LENGTH, &r);
  return r;
}

NAPI_MODULE_INIT() {
  pthread_once(&init_once, init_from_env);
  static const struct {
    const char *name;
    napi_callback fn;
  } fns[] = {
    {"gemm", js_gemm}, {"binary", js_binary}, {"unary", js_unary}, {"sumRows", js_sum_rows},
    {"sumCols", js_sum_cols}, {"copy", js_copy}, {"softmax", js_softmax}, {"adviseHugePages", js_advise},
    {"setNumThreads", js_set_threads}, {"getNumThreads", js_get_threads}, {"isa", js_isa}, {"unfold", js_unfold},
    {"fold", js_fold}, {"maxPool", js_max_pool}, {"take", js_take}, {"put", js_put},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    if (napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f) != napi_ok ||
        napi_set_named_property(env, exports, fns[i].name, f) != napi_ok)
      return NULL;
  }
  return exports;
}
