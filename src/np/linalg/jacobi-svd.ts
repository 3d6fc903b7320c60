/**
 * The singular value decomposition kernel: one-sided (Hestenes) Jacobi, preconditioned by a QR
 * factorization with column pivoting (Drmač and Veselić): A P = Q R, then Jacobi on R^T, whose
 * columns are already nearly orthogonal, so it converges in a few sweeps. Jacobi is short, needs no
 * bidiagonal QR iteration, and finds even the small singular values to high relative accuracy.
 */
import { formQ, householderQRPivoted, upperR } from './householder.js';
import { transpose } from './matrix.js';

export type SVDVectors = 'none' | 'reduced' | 'full';

export interface SVD {
  /** The k = min(m, n) singular values, descending. */
  readonly s: Float64Array;
  /** U: m x k ('reduced') or m x m ('full'); null for 'none'. */
  readonly u: Float64Array | null;
  /** V^T: k x n ('reduced') or n x n ('full'); null for 'none'. */
  readonly vt: Float64Array | null;
}

const EPS = 2 ** -52;
const MAX_SWEEPS = 60;

/** The SVD of the m x n row-major `a` (not modified), or null when it did not converge. */
export function svdKernel(a: Float64Array, m: number, n: number, vectors: SVDVectors): SVD | null {
  if (m < n) {
    // A^T = U' S V'^T, so A = V' S U'^T.
    const t = svdKernel(transpose(a, m, n), n, m, vectors);
    if (!t) return null;
    return { s: t.s, u: t.vt && transpose(t.vt, m, m), vt: t.u && transpose(t.u, n, t.u.length / n) };
  }
  let amax = 0;
  for (let i = 0; i < a.length; i++) amax = Math.max(amax, Math.abs(a[i]!));
  if (Number.isNaN(amax) || amax === Infinity) return null;
  // Scale by a power of two (exact) so squared column norms neither overflow nor underflow.
  const scale = amax === 0 ? 1 : 2 ** Math.round(Math.log2(amax));
  const work = a.map((v) => v / scale);

  // A P = Q R; R^T = U_X S V_J^T by Jacobi; so A = (Q V_J) S (P U_X)^T.
  const { tau, perm } = householderQRPivoted(work, m, n);
  const res = jacobi(transpose(upperR(work, m, n, n), n, n), n, vectors !== 'none');
  if (!res) return null;
  const { sigma, ux, vjt } = res;
  for (let i = 0; i < n; i++) sigma[i]! *= scale;
  if (vectors === 'none') return { s: sigma, u: null, vt: null };

  // U = Q [V_J 0; 0 I]: its first n columns are Q[:, :n] V_J, the rest Q's own.
  const uCols = vectors === 'full' ? m : n;
  const q = formQ(work, tau, m, n, uCols);
  const u = new Float64Array(m * uCols);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < n; p++) sum += q[i * uCols + p]! * vjt![j * n + p]!;
      u[i * uCols + j] = sum;
    }
    for (let j = n; j < uCols; j++) u[i * uCols + j] = q[i * uCols + j]!;
  }
  // V = P U_X: row perm[r] of V is row r of U_X.
  const vt = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let i = 0; i < n; i++) vt[i * n + perm[r]!] = ux![r * n + i]!;
  return { s: sigma, u, vt };
}

/**
 * One-sided Jacobi on the columns of the n x n matrix `x`: rotates pairs of columns until all are
 * orthogonal, X V_J = W; then the column norms of W are the singular values. Returns sigma
 * (descending), U_X (W's columns normalized, n x n) and V_J^T (rows in the same order), or null
 * when it did not converge.
 */
function jacobi(x: Float64Array, n: number, wantVectors: boolean) {
  // g holds the columns of X as rows (contiguous); v holds the columns of V_J as rows.
  const g = transpose(x, n, n);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const tol = EPS * Math.sqrt(n);
  let converged = false;
  // Squared column norms, recomputed each sweep and updated by each rotation (Rutishauser), so
  // that a pair costs one dot product instead of three.
  const nsq = new Float64Array(n);
  for (let sweep = 0; sweep < MAX_SWEEPS && !converged; sweep++) {
    converged = true;
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += g[j * n + i]! * g[j * n + i]!;
      nsq[j] = sum;
    }
    for (let j = 0; j < n - 1; j++) {
      const gj = j * n;
      for (let k = j + 1; k < n; k++) {
        const gk = k * n;
        let gamma = 0;
        for (let i = 0; i < n; i++) gamma += g[gj + i]! * g[gk + i]!;
        const alpha = nsq[j]!;
        const beta = nsq[k]!;
        if (gamma === 0 || Math.abs(gamma) <= tol * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
        converged = false;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.hypot(1, zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(g, gj, gk, n, c, s);
        if (wantVectors) rotate(v, gj, gk, n, c, s);
        nsq[j] = alpha - t * gamma;
        nsq[k] = beta + t * gamma;
      }
    }
  }
  if (!converged) return null;

  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += g[j * n + i]! ** 2;
    norms[j] = Math.sqrt(sum);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => norms[q]! - norms[p]!);
  const sigma = Float64Array.from(order, (j) => norms[j]!);
  if (!wantVectors) return { sigma, ux: null, vjt: null };

  // U_X's column i is W's column order[i], normalized; V_J^T's row i is V_J's column order[i].
  const uxT = new Float64Array(n * n);
  const vjt = new Float64Array(n * n);
  const missing: number[] = [];
  order.forEach((j, i) => {
    vjt.set(v.subarray(j * n, j * n + n), i * n);
    // Columns that are (numerically) zero have no direction: fill them in below.
    if (norms[j]! <= 1e-280) missing.push(i);
    else for (let p = 0; p < n; p++) uxT[i * n + p] = g[j * n + p]! / norms[j]!;
  });
  if (missing.length) completeBasis(uxT, n, missing);
  return { sigma, ux: transpose(uxT, n, n), vjt };
}

/** Applies a plane rotation to rows p and q (offsets into `x`, length n each). */
function rotate(x: Float64Array, p: number, q: number, n: number, c: number, s: number): void {
  for (let i = 0; i < n; i++) {
    const a = x[p + i]!;
    const b = x[q + i]!;
    x[p + i] = c * a - s * b;
    x[q + i] = s * a + c * b;
  }
}

/**
 * Fills the rows `missing` of the n x n `rows` (the others orthonormal) with unit vectors
 * orthogonal to all others: Gram-Schmidt (twice, for stability) on the best standard basis vector.
 */
function completeBasis(rows: Float64Array, n: number, missing: number[]): void {
  const filled = new Set(Array.from({ length: n }, (_, i) => i).filter((i) => !missing.includes(i)));
  const w = new Float64Array(n);
  for (const target of missing) {
    let best: Float64Array | null = null;
    let bestNorm = -1;
    for (let e = 0; e < n; e++) {
      w.fill(0);
      w[e] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (const f of filled) {
          let d = 0;
          for (let i = 0; i < n; i++) d += rows[f * n + i]! * w[i]!;
          for (let i = 0; i < n; i++) w[i]! -= d * rows[f * n + i]!;
        }
      }
      let nrm = 0;
      for (let i = 0; i < n; i++) nrm += w[i]! * w[i]!;
      if (nrm > bestNorm) {
        bestNorm = nrm;
        best = w.slice();
      }
    }
    const scale = 1 / Math.sqrt(bestNorm);
    for (let i = 0; i < n; i++) rows[target * n + i] = best![i]! * scale;
    filled.add(target);
  }
}
