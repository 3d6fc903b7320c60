/** eigh and eigvalsh of real symmetric matrices. */
import { ValueError } from '../../core/errors.js';
import type { ArrayLike, NDArray } from '../ndarray.js';
import { LinAlgError } from './errors.js';
import { transpose } from './matrix.js';
import { symmetricEigen } from './symmetric-eigen.js';
import { type Matrices, fromFloat64, mapMatrices, readMatrices, squareInput } from './stack.js';

export interface EighOptions {
  /** Which triangle of each matrix to read: 'L' (the default) or 'U'. The other is ignored. */
  UPLO?: 'L' | 'U';
}

function decompose(a: ArrayLike, options: EighOptions, wantVectors: boolean): { m: Matrices; w: Float64Array; v: Float64Array } {
  const uplo = (options.UPLO ?? 'L').toUpperCase();
  if (uplo !== 'L' && uplo !== 'U') throw new ValueError("UPLO argument must be 'L' or 'U'");
  const m = readMatrices(squareInput(a));
  const n = m.rows;
  const [w, v] = mapMatrices(m, [n, wantVectors ? n * n : 0], (mat, [wOut, vOut]) => {
    // The kernel reads the lower triangle; the upper triangle of A is the lower one of A^T.
    const res = symmetricEigen(uplo === 'U' ? transpose(mat, n, n) : mat, n, wantVectors);
    if (!res) throw new LinAlgError('Eigenvalues did not converge');
    wOut!.set(res.w);
    if (wantVectors) vOut!.set(res.v);
  });
  return { m, w: w!, v: v! };
}

/**
 * `const [w, v] = eigh(a)`: eigenvalues in ascending order (..., n) and orthonormal eigenvectors
 * as the columns of v (..., n, n).
 */
export function eigh(a: ArrayLike, options: EighOptions = {}): [NDArray, NDArray] {
  const { m, w, v } = decompose(a, options, true);
  const n = m.rows;
  return [fromFloat64(w, [...m.batch, n], m.dtype), fromFloat64(v, [...m.batch, n, n], m.dtype)];
}

/** The eigenvalues of each symmetric matrix, ascending (..., n). */
export function eigvalsh(a: ArrayLike, options: EighOptions = {}): NDArray {
  const { m, w } = decompose(a, options, false);
  return fromFloat64(w, [...m.batch, m.rows], m.dtype);
}
