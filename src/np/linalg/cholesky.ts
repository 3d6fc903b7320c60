/** Cholesky factorization A = L L^T of symmetric positive-definite matrices (LAPACK's potrf). */
import type { ArrayLike, NDArray } from '../ndarray.js';
import { LinAlgError } from './errors.js';
import { transpose } from './matrix.js';
import { fromFloat64, mapMatrices, readMatrices, squareInput } from './stack.js';

/** L (lower) from the lower triangle of `a`; false when `a` is not positive definite. */
export function choleskyLower(a: Float64Array, n: number): Float64Array | false {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! * l[j * n + k]!;
    // `<= 0` rather than `!(d > 0)`: a NaN propagates into L as LAPACK's does, no error.
    if (d <= 0) return false;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

export interface CholeskyOptions {
  /** Use the upper triangle and return U with A = U^T U (NumPy 2's `upper`). */
  upper?: boolean;
}

/** The Cholesky factor of each matrix; only one triangle of the input is read. */
export function cholesky(a: ArrayLike, options: CholeskyOptions = {}): NDArray {
  const x = squareInput(a);
  const m = readMatrices(x);
  const n = m.rows;
  const [out] = mapMatrices(m, [n * n], (mat, [res]) => {
    // The upper triangle of A is the lower triangle of A^T, and U = (chol of A^T)^T.
    const l = choleskyLower(options.upper ? transpose(mat, n, n) : mat, n);
    if (!l) throw new LinAlgError('Matrix is not positive definite');
    res!.set(options.upper ? transpose(l, n, n) : l);
  });
  return fromFloat64(out!, x.shape, m.dtype);
}
