/**
 * The symmetric eigenvalue kernel: Householder reduction to tridiagonal form, then the implicit
 * QL algorithm with Wilkinson-style shifts (EISPACK's tred2 and tql2, by way of JAMA).
 */
import { allFinite } from './matrix.js';

export interface SymmetricEigen {
  /** Eigenvalues, ascending. */
  readonly w: Float64Array;
  /** Eigenvectors as the columns of an n x n row-major matrix (unit norm). */
  readonly v: Float64Array;
}

const EPS = 2 ** -52;

/**
 * Eigen-decomposes the symmetric n x n matrix whose lower triangle is in `a` (the upper triangle
 * is ignored). Without `wantVectors`, v is left meaningless and the QL sweeps skip their O(n^3) rotations.
 * Returns null when the QL iteration does not converge.
 */
export function symmetricEigen(a: Float64Array, n: number, wantVectors = true): SymmetricEigen | null {
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) v[i * n + j] = v[j * n + i] = a[i * n + j]!;
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (!allFinite(v)) return nanResult(n);
  tridiagonalize(v, d, e, n);
  if (!ql(v, d, e, n, wantVectors)) return null;
  // Sort ascending (selection sort keeps it simple; n is small next to the O(n^3) above).
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    for (let j = i + 1; j < n; j++) if (d[j]! < d[k]!) k = j;
    if (k === i) continue;
    [d[i], d[k]] = [d[k]!, d[i]!];
    if (!wantVectors) continue;
    for (let r = 0; r < n; r++) {
      const t = v[r * n + i]!;
      v[r * n + i] = v[r * n + k]!;
      v[r * n + k] = t;
    }
  }
  return { w: d, v };
}

/** NaN or infinity in the matrix: LAPACK's answer is NaN everywhere, so is ours. */
function nanResult(n: number): SymmetricEigen {
  return { w: new Float64Array(n).fill(NaN), v: new Float64Array(n * n).fill(NaN) };
}

/** Householder tridiagonalization (tred2): d gets the diagonal, e the subdiagonal, V the transform. */
function tridiagonalize(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  if (n === 0) return;
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j]!;
        V[i * n + j] = 0;
        V[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k]! /= scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        V[j * n + i] = f;
        g = e[j]! + V[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k * n + j]! * d[k]!;
          e[k]! += V[k * n + j]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j]! /= h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) V[k * n + j]! -= f * e[k]! + g * d[k]!;
        d[j] = V[(i - 1) * n + j]!;
        V[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i]!;
    V[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k * n + i + 1]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1]! * V[k * n + j]!;
        for (let k = 0; k <= i; k++) V[k * n + j]! -= g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[(n - 1) * n + j]!;
    V[(n - 1) * n + j] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e), accumulating rotations into V (tql2). */
function ql(V: Float64Array, d: Float64Array, e: Float64Array, n: number, wantVectors: boolean): boolean {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  if (n > 0) e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n - 1 && !(Math.abs(e[m]!) <= EPS * tst1)) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 30 * Math.max(n, 10)) return false;
        // implicit shift from the leading 2 x 2 block
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f += h;
        // the QL sweep
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          for (let k = 0; k < n && wantVectors; k++) {
            const row = k * n;
            h = V[row + i + 1]!;
            V[row + i + 1] = s * V[row + i]! + c * h;
            V[row + i] = c * V[row + i]! - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (!(Math.abs(e[l]!) <= EPS * tst1));
    }
    d[l]! += f;
    e[l] = 0;
  }
  return true;
}
