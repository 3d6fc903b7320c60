/**
 * Householder QR in LAPACK's conventions (geqrf/orgqr): each reflector is H = I - tau v v^T with
 * v[0] = 1 and R's diagonal entry beta = -sign(alpha) * norm, so Q and R come out with the same
 * signs NumPy's do.
 */
import { norm2 } from './matrix.js';

/**
 * Factors the m x n row-major `a` in place: R on and above the diagonal, the reflectors' v below
 * it. Returns the k = min(m, n) scalars tau.
 */
export function householderQR(a: Float64Array, m: number, n: number): Float64Array {
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  const w = new Float64Array(n);
  for (let j = 0; j < k; j++) reflectColumn(a, m, n, j, tau, w);
  return tau;
}

/**
 * QR with column pivoting, A P = Q R (LAPACK's geqp3 without blocking): each step brings forward
 * the remaining column of largest norm, so |R| decreases down the diagonal. perm[j] is the
 * column of A that became column j.
 */
export function householderQRPivoted(a: Float64Array, m: number, n: number): { tau: Float64Array; perm: Int32Array } {
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const w = new Float64Array(n);
  for (let j = 0; j < k; j++) {
    // Norms of the remaining parts of the columns, recomputed (simpler than LAPACK's downdating).
    let p = j;
    let best = -1;
    for (let c = j; c < n; c++) {
      const nrm = norm2(a, j * n + c, m - j, n);
      if (nrm > best) {
        best = nrm;
        p = c;
      }
    }
    if (p !== j) {
      for (let i = 0; i < m; i++) {
        const t = a[i * n + j]!;
        a[i * n + j] = a[i * n + p]!;
        a[i * n + p] = t;
      }
      const t = perm[j]!;
      perm[j] = perm[p]!;
      perm[p] = t;
    }
    reflectColumn(a, m, n, j, tau, w);
  }
  return { tau, perm };
}

/** One Householder step: zeroes column j below the diagonal and updates the columns after it. */
function reflectColumn(a: Float64Array, m: number, n: number, j: number, tau: Float64Array, w: Float64Array): void {
  const alpha = a[j * n + j]!;
  const xnorm = norm2(a, (j + 1) * n + j, m - j - 1, n);
  if (xnorm === 0) return; // H = I (tau = 0), as LAPACK's larfg
  const beta = alpha >= 0 ? -Math.hypot(alpha, xnorm) : Math.hypot(alpha, xnorm);
  tau[j] = (beta - alpha) / beta;
  const scale = 1 / (alpha - beta);
  for (let i = j + 1; i < m; i++) a[i * n + j]! *= scale;
  a[j * n + j] = beta;
  applyReflector(a, m, n, j, j + 1, tau[j]!, a, n, w);
}

/**
 * Applies H_j = I - tau v v^T (v stored in column j of `v`, rows j+1.., with v[j] = 1) from the
 * left to rows j.. and columns c0.. of the m x cols matrix `c`.
 */
function applyReflector(
  c: Float64Array, m: number, cols: number, j: number, c0: number, tau: number,
  v: Float64Array, vCols: number, w: Float64Array,
): void {
  if (tau === 0) return;
  // w = v^T C, row by row so the inner loops run over contiguous memory
  for (let q = c0; q < cols; q++) w[q] = c[j * cols + q]!;
  for (let i = j + 1; i < m; i++) {
    const vi = v[i * vCols + j]!;
    if (vi === 0) continue;
    for (let q = c0; q < cols; q++) w[q]! += vi * c[i * cols + q]!;
  }
  // C -= tau v w^T
  for (let q = c0; q < cols; q++) c[j * cols + q]! -= tau * w[q]!;
  for (let i = j + 1; i < m; i++) {
    const f = tau * v[i * vCols + j]!;
    if (f === 0) continue;
    for (let q = c0; q < cols; q++) c[i * cols + q]! -= f * w[q]!;
  }
}

/** The first `cols` columns of Q = H_0 H_1 ... H_{k-1} (m x cols), accumulated backwards. */
export function formQ(qr: Float64Array, tau: Float64Array, m: number, n: number, cols: number): Float64Array {
  const q = new Float64Array(m * cols);
  for (let i = 0; i < Math.min(m, cols); i++) q[i * cols + i] = 1;
  const w = new Float64Array(cols);
  for (let j = tau.length - 1; j >= 0; j--) applyReflector(q, m, cols, j, j, tau[j]!, qr, n, w);
  return q;
}

/** The upper-trapezoidal `rows` x n R from a factored matrix (zeros below the diagonal). */
export function upperR(qr: Float64Array, m: number, n: number, rows: number): Float64Array {
  const r = new Float64Array(rows * n);
  for (let i = 0; i < Math.min(rows, m); i++) {
    for (let j = i; j < n; j++) r[i * n + j] = qr[i * n + j]!;
  }
  return r;
}
