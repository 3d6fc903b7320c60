/** np.linalg.matrixRank: the number of singular values above a tolerance. */
import type { ArrayLike, NDArray } from '../ndarray.js';
import { array, asarray } from '../convert.js';
import { LinAlgError } from './errors.js';
import { singularValues } from './svd.js';
import { readMatrices } from './stack.js';

export interface MatrixRankOptions {
  /** Absolute threshold: singular values above it count. */
  tol?: number | null;
  /** Threshold relative to the largest singular value; the default is max(M, N) * eps. */
  rtol?: number | null;
  /** The matrices are symmetric (uses eigvalsh). */
  hermitian?: boolean;
}

/** The rank of each matrix by SVD: a number for one matrix, an int64 array for a stack. */
export function matrixRank(a: ArrayLike, options: MatrixRankOptions = {}): number | NDArray {
  const x = asarray(a);
  if (x.ndim < 2) return x.toArray().every((v) => Number(v) === 0) ? 0 : 1;
  const mats = readMatrices(x);
  const { rows: m, cols: n, batch, count, dtype } = mats;
  if (options.hermitian && m !== n) throw new LinAlgError('Last 2 dimensions of the array must be square');
  const k = Math.min(m, n);
  let s = singularValues(mats, options.hermitian);
  // NumPy compares the singular values in the result dtype, with that dtype's eps.
  if (dtype === 'float32') s = s.map(Math.fround);
  const eps = dtype === 'float32' ? 2 ** -23 : 2 ** -52;
  const ranks: number[] = [];
  for (let b = 0; b < count; b++) {
    const sv = s.subarray(b * k, (b + 1) * k);
    let tol = options.tol;
    if (tol == null) {
      const largest = sv.reduce((p, v) => Math.max(p, v), -Infinity);
      tol = largest * (options.rtol ?? Math.max(m, n) * eps);
    }
    ranks.push(sv.filter((v) => v > tol!).length);
  }
  return batch.length === 0 ? ranks[0]! : array(ranks, { dtype: 'int64' }).reshape(batch);
}
