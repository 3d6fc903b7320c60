/** np.linalg.svd over stacks of matrices. */
import type { ArrayLike, NDArray } from '../ndarray.js';
import { LinAlgError } from './errors.js';
import { type SVD, type SVDVectors, svdKernel } from './jacobi-svd.js';
import { symmetricEigen } from './symmetric-eigen.js';
import { type Matrices, atLeast2d, fromFloat64, mapMatrices, readMatrices } from './stack.js';

export interface SVDOptions {
  /** U is (M, M) and Vh (N, N) when true (the default), else (M, K) and (K, N), K = min(M, N). */
  fullMatrices?: boolean;
  /** Return [u, s, vh] (the default) or only s. */
  computeUv?: boolean;
  /** The matrices are symmetric: use the (faster) symmetric eigen-decomposition. */
  hermitian?: boolean;
}

/** The SVD of one matrix, throwing NumPy's error when it does not converge. */
export function svdOf(a: Float64Array, m: number, n: number, vectors: SVDVectors): SVD {
  const res = svdKernel(a, m, n, vectors);
  if (!res) throw new LinAlgError('SVD did not converge');
  return res;
}

/** The singular values of each matrix of a stack (descending), computed in float64. */
export function singularValues(m: Matrices, hermitian = false): Float64Array {
  const k = Math.min(m.rows, m.cols);
  const [s] = mapMatrices(m, [k], (mat, [out]) => {
    out!.set(hermitian ? symmetricSVD(mat, m.rows, false).s : svdOf(mat, m.rows, m.cols, 'none').s);
  });
  return s!;
}

/**
 * The SVD of a symmetric matrix from its eigen-decomposition, as NumPy's hermitian=True: s = |w|
 * (descending), U = the eigenvectors, Vh = (U with columns times sign(w))^T.
 */
export function symmetricSVD(a: Float64Array, n: number, wantVectors = true): SVD {
  const e = symmetricEigen(a, n, wantVectors);
  if (!e) throw new LinAlgError('Eigenvalues did not converge');
  // NumPy sorts |w| ascending with argsort (stable) and reverses it.
  const asc = Array.from({ length: n }, (_, i) => i).sort((p, q) => Math.abs(e.w[p]!) - Math.abs(e.w[q]!));
  const order = asc.reverse();
  const s = Float64Array.from(order, (j) => Math.abs(e.w[j]!));
  if (!wantVectors) return { s, u: null, vt: null };
  const u = new Float64Array(n * n);
  const vt = new Float64Array(n * n);
  order.forEach((j, c) => {
    const sign = Math.sign(e.w[j]!);
    for (let i = 0; i < n; i++) {
      u[i * n + c] = e.v[i * n + j]!;
      vt[c * n + i] = e.v[i * n + j]! * sign;
    }
  });
  return { s, u, vt };
}

/**
 * `const [u, s, vh] = svd(a)`: a = u @ diag(s) @ vh with s descending; u and vh are orthogonal
 * (their columns/rows unique up to sign). With `computeUv: false`, returns s alone.
 */
export function svd(a: ArrayLike, options: SVDOptions & { computeUv: false }): NDArray;
export function svd(a: ArrayLike, options?: SVDOptions): [NDArray, NDArray, NDArray];
export function svd(a: ArrayLike, options: SVDOptions = {}): NDArray | [NDArray, NDArray, NDArray] {
  const { fullMatrices = true, computeUv = true, hermitian = false } = options;
  const x = atLeast2d(a);
  const mats = readMatrices(x);
  const { rows: m, cols: n, batch, dtype } = mats;
  const k = Math.min(m, n);
  // NumPy's hermitian path goes through eigh, which checks squareness.
  if (hermitian && m !== n) throw new LinAlgError('Last 2 dimensions of the array must be square');
  if (!computeUv) return fromFloat64(singularValues(mats, hermitian), [...batch, k], dtype);
  const uCols = fullMatrices ? m : k;
  const vRows = fullMatrices ? n : k;
  const [u, s, vt] = mapMatrices(mats, [m * uCols, k, vRows * n], (mat, [uOut, sOut, vOut]) => {
    const res = hermitian ? symmetricSVD(mat, m) : svdOf(mat, m, n, fullMatrices ? 'full' : 'reduced');
    uOut!.set(res.u!);
    sOut!.set(res.s);
    vOut!.set(res.vt!);
  });
  return [
    fromFloat64(u!, [...batch, m, uCols], dtype),
    fromFloat64(s!, [...batch, k], dtype),
    fromFloat64(vt!, [...batch, vRows, n], dtype),
  ];
}
