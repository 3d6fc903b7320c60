/**
 * LU factorization with partial pivoting (LAPACK's getrf: the pivot is the first entry of largest
 * magnitude), the kernel behind inv, solve, det and slogdet.
 */

export interface LU {
  /** L (unit lower, below the diagonal) and U (upper, with the diagonal), packed in place. */
  readonly lu: Float64Array;
  /** perm[i] is the row of A that ended up in row i. */
  readonly perm: Int32Array;
  /** +1 or -1: the parity of the row swaps. */
  readonly sign: number;
  /** A pivot was exactly zero, as LAPACK's info > 0: the matrix is singular. */
  readonly singular: boolean;
}

/**
 * Factors the n x n matrix `a` (row-major; overwritten) as P A = L U. Left-looking with dot
 * products, as OpenBLAS's getf2: each entry gets its whole update sum subtracted at once, which
 * also reproduces NumPy's exact zero pivots (and so its "Singular matrix") on singular integer
 * matrices such as [[1, 2, 3], [4, 5, 6], [7, 8, 9]].
 */
export function luFactor(a: Float64Array, n: number): LU {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let sign = 1;
  let singular = false;
  for (let j = 0; j < n; j++) {
    // Column j of U above the diagonal, then of the not-yet-pivoted part below it.
    for (let i = 1; i < n; i++) {
      const kEnd = Math.min(i, j);
      let s = 0;
      for (let k = 0; k < kEnd; k++) s += a[i * n + k]! * a[k * n + j]!;
      a[i * n + j]! -= s;
    }
    let p = j;
    let best = Math.abs(a[j * n + j]!);
    for (let i = j + 1; i < n; i++) {
      const v = Math.abs(a[i * n + j]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (p !== j) {
      for (let k = 0; k < n; k++) {
        const t = a[j * n + k]!;
        a[j * n + k] = a[p * n + k]!;
        a[p * n + k] = t;
      }
      const t = perm[j]!;
      perm[j] = perm[p]!;
      perm[p] = t;
      sign = -sign;
    }
    const pivot = a[j * n + j]!;
    if (pivot === 0) {
      // LAPACK carries on past a zero pivot (the column below is zero too) and reports it.
      singular = true;
      continue;
    }
    // Scale by the reciprocal, as LAPACK does when it cannot underflow.
    const inv = 1 / pivot;
    const useInv = Math.abs(pivot) >= 2.2250738585072014e-308;
    for (let i = j + 1; i < n; i++) a[i * n + j] = useInv ? a[i * n + j]! * inv : a[i * n + j]! / pivot;
  }
  return { lu: a, perm, sign, singular };
}

/** Solves A X = B for X given A's factors; B is n x k row-major, X is returned fresh. */
export function luSolve(f: LU, n: number, b: Float64Array, k: number): Float64Array {
  const { lu, perm } = f;
  const x = new Float64Array(n * k);
  for (let i = 0; i < n; i++) x.set(b.subarray(perm[i]! * k, perm[i]! * k + k), i * k);
  // forward: L y = P b (unit diagonal)
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < i; p++) {
      const l = lu[i * n + p]!;
      if (l === 0) continue;
      for (let j = 0; j < k; j++) x[i * k + j]! -= l * x[p * k + j]!;
    }
  }
  // backward: U x = y
  for (let i = n - 1; i >= 0; i--) {
    for (let p = i + 1; p < n; p++) {
      const u = lu[i * n + p]!;
      if (u === 0) continue;
      for (let j = 0; j < k; j++) x[i * k + j]! -= u * x[p * k + j]!;
    }
    const d = lu[i * n + i]!;
    for (let j = 0; j < k; j++) x[i * k + j]! /= d;
  }
  return x;
}

/** sign and log|det| from the factors, accumulated as NumPy's slogdet does. */
export function luLogDet(f: LU, n: number): [number, number] {
  if (f.singular) return [0, -Infinity];
  let sign = f.sign;
  let logdet = 0;
  for (let i = 0; i < n; i++) {
    const d = f.lu[i * n + i]!;
    if (d < 0) sign = -sign;
    logdet += Math.log(Math.abs(d));
  }
  return [sign, logdet];
}
