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

/* Checks that off + i*s1 + j*s2 (i < n1, j < n2) stays in [0, len); 128-bit, so no overflow. */
static int span_ok(napi_env env, long len, long off, long n1, long s1, long n2, long s2) {
  if (n1 <= 0 || n2 <= 0) return 1;
  __int128 lo = off, hi = off;
  const __int128 d1 = (__int128)(n1 - 1) * s1, d2 = (__int128)(n2 - 1) * s2;
  if (d1 < 0) lo += d1; else hi += d1;
  if (d2 < 0) lo += d2; else hi += d2;
  if (lo < 0 || hi >= len) {
    napi_throw_range_error(env, NULL, "kiln native: view out of its array's bounds");
    return 0;
  }
  return 1;
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

/* binary(dtype, op, outer, inner, out, outOff, os, a, aOff, as, ai, b, bOff, bs, bi) */
static napi_value js_binary(napi_env env, napi_callback_info info) {
  napi_value argv[15];
  if (!get_args(env, info, 15, argv)) return NULL;
  kiln_dtype dt;
  void *out, *a, *b;
  long olen, alen, blen, v[3], ov[2], av[3], bv[3];
  if (!get_dtype(env, argv[0], &dt) || !get_longs(env, argv + 1, 3, v) ||
      !get_array(env, argv[4], dt, &out, &olen) || !get_longs(env, argv + 5, 2, ov) ||
      !get_array(env, argv[7], dt, &a, &alen) || !get_longs(env, argv + 8, 3, av) ||
      !get_array(env, argv[11], dt, &b, &blen) || !get_longs(env, argv + 12, 3, bv))
    return NULL;
  const long op = v[0], outer = v[1], inner = v[2];
  if (op < KILN_ADD || op > KILN_MIN || (av[2] != 0 && av[2] != 1) || (bv[2] != 0 && bv[2] != 1)) {
    napi_throw_range_error(env, NULL, "kiln native: bad binary arguments");
    return NULL;
  }
  if (!span_ok(env, olen, ov[0], outer, ov[1], inner, 1) || !span_ok(env, alen, av[0], outer, av[1], inner, av[2]) ||
      !span_ok(env, blen, bv[0], outer, bv[1], inner, bv[2]))
    return NULL;
  if (outer <= 0 || inner <= 0) return NULL;
  const size_t es = dt == KILN_F32 ? 4 : 8;
  kiln_binary(dt, (int)op, outer, inner, (char *)out + ov[0] * es, ov[1], (char *)a + av[0] * es, av[1], (int)av[2],
              (char *)b + bv[0] * es, bv[1], (int)bv[2]);
  return NULL;
}

/* unary(dtype, op, outer, inner, out, outOff, os, x, xOff, xs) */
static napi_value js_unary(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  if (!get_args(env, info, 10, argv)) return NULL;
  kiln_dtype dt;
  void *out, *x;
  long olen, xlen, v[3], ov[2], xv[2];
  if (!get_dtype(env, argv[0], &dt) || !get_longs(env, argv + 1, 3, v) ||
      !get_array(env, argv[4], dt, &out, &olen) || !get_longs(env, argv + 5, 2, ov) ||
      !get_array(env, argv[7], dt, &x, &xlen) || !get_longs(env, argv + 8, 2, xv))
    return NULL;
  const long op = v[0], outer = v[1], inner = v[2];
  if (op < KILN_EXP || op >= KILN_UNOP_COUNT || (op == KILN_GELU && dt != KILN_F32)) {
    napi_throw_range_error(env, NULL, "kiln native: bad unary op");
    return NULL;
  }
  if (!span_ok(env, olen, ov[0], outer, ov[1], inner, 1) || !span_ok(env, xlen, xv[0], outer, xv[1], inner, 1))
    return NULL;
  if (outer <= 0 || inner <= 0) return NULL;
  const size_t es = dt == KILN_F32 ? 4 : 8;
  kiln_unary(dt, (int)op, outer, inner, (char *)out + ov[0] * es, ov[1], (char *)x + xv[0] * es, xv[1]);
  return NULL;
}

/* sumRows(dtype, rows, len, x, xOff, xs, out, outOff, os): out[r] = sum of x's row r (contiguous) */
/* sumCols(dtype, len, cols, x, xOff, xs, out, outOff, os): out[j] = sum over i < len of x[i*xs + j] */
static napi_value sum_common(napi_env env, napi_callback_info info, int cols) {
  napi_value argv[9];
  if (!get_args(env, info, 9, argv)) return NULL;
  kiln_dtype dt;
  void *x, *out;
  long xlen, olen, v[2], xv[2], ov[2];
  if (!get_dtype(env, argv[0], &dt) || !get_longs(env, argv + 1, 2, v) || !get_array(env, argv[3], dt, &x, &xlen) ||
      !get_longs(env, argv + 4, 2, xv) || !get_array(env, argv[6], dt, &out, &olen) ||
      !get_longs(env, argv + 7, 2, ov))
    return NULL;
  const size_t es = dt == KILN_F32 ? 4 : 8;
  if (cols) {
    const long len = v[0], ncols = v[1];
    if (!span_ok(env, xlen, xv[0], len, xv[1], ncols, 1) || !span_ok(env, olen, ov[0], ncols, ov[1], 1, 0)) return NULL;
    if (ncols > 0) kiln_sum_cols(dt, len, ncols, (char *)x + xv[0] * es, xv[1], (char *)out + ov[0] * es, ov[1]);
  } else {
    const long rows = v[0], len = v[1];
    if (!span_ok(env, xlen, xv[0], rows, xv[1], len, 1) || !span_ok(env, olen, ov[0], rows, ov[1], 1, 0)) return NULL;
    if (rows > 0) kiln_sum_rows(dt, rows, len, (char *)x + xv[0] * es, xv[1], (char *)out + ov[0] * es, ov[1]);
  }
  return NULL;
}

static napi_value js_sum_rows(napi_env env, napi_callback_info info) { return sum_common(env, info, 0); }
static napi_value js_sum_cols(napi_env env, napi_callback_info info) { return sum_common(env, info, 1); }

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
  const size_t es = dt == KILN_F32 ? 4 : 8;
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
    {"sumCols", js_sum_cols}, {"softmax", js_softmax}, {"adviseHugePages", js_advise}, {"setNumThreads", js_set_threads},
    {"getNumThreads", js_get_threads}, {"isa", js_isa},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    if (napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f) != napi_ok ||
        napi_set_named_property(env, exports, fns[i].name, f) != napi_ok)
      return NULL;
  }
  return exports;
}
