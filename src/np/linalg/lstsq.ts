/** Least squares (lstsq) and the pseudo-inverse (pinv), both from the SVD as LAPACK's gelsd. */
import { ValueError } from '../../core/errors.js';
import type { ArrayLike, NDArray } from '../ndarray.js';
import { asarray } from '../convert.js';
import { LinAlgError } from './errors.js';
import { identity } from './matrix.js';
import { svdOf, symmetricSVD } from './svd.js';
import { type FloatDType, atLeast2d, exactly2d, floatType, fromFloat64, mapMatrices, readMatrices } from './stack.js';

const EPS64 = 2 ** -52;
const EPS32 = 2 ** -23;

export interface LstsqOptions {
  /** Singular values at most rcond * largest count as zero; the default is eps * max(M, N). */
  rcond?: number | null;
}

/**
 * x = V diag(1/s) U^T b over the singular values above `cutoff` (relative to the largest), for
 * the m x n `a` and the m x k `b`; also returns the rank used and the singular values.
 */
function svdSolve(a: Float64Array, m: number, n: number, b: Float64Array, k: number, rcond: number) {
  const { s, u, vt } = svdOf(a, m, n, 'reduced');
  const r = Math.min(m, n);
  const cutoff = rcond * (s[0] ?? 0);
  let rank = 0;
  while (rank < r && s[rank]! > cutoff) rank++;
  // y = diag(1/s) U^T b over the kept singular values (rank x k)
  const y = new Float64Array(rank * k);
  for (let p = 0; p < rank; p++) {
    for (let i = 0; i < m; i++) {
      const upi = u![i * r + p]!;
      for (let j = 0; j < k; j++) y[p * k + j]! += upi * b[i * k + j]!;
    }
    for (let j = 0; j < k; j++) y[p * k + j]! /= s[p]!;
  }
  const x = new Float64Array(n * k);
  for (let p = 0; p < rank; p++) {
    for (let i = 0; i < n; i++) {
      const vip = vt![p * n + i]!;
      for (let j = 0; j < k; j++) x[i * k + j]! += vip * y[p * k + j]!;
    }
  }
  return { x, rank, s };
}

/**
 * `const [x, residuals, rank, s] = lstsq(a, b)`: the minimum-norm x minimizing ||b - a x||.
 * residuals holds the squared residual norm of each column of b when a has full column rank and
 * M > N (shape (1,) for a 1-D b), and is empty otherwise; rank is a number; s the singular values.
 */
export function lstsq(a: ArrayLike, b: ArrayLike, options: LstsqOptions = {}): [NDArray, NDArray, number, NDArray] {
  const ax = asarray(a);
  let bx = asarray(b);
  const vector = bx.ndim === 1;
  if (vector) bx = bx.reshape(-1, 1);
  exactly2d(ax);
  exactly2d(bx);
  const dtype = floatType(ax, bx);
  const [m, n] = ax.shape as [number, number];
  const [m2, k] = bx.shape as [number, number];
  if (m !== m2) throw new LinAlgError('Incompatible dimensions');
  // LAPACK's gelsd takes a negative rcond to mean machine precision.
  let rcond = options.rcond ?? EPS64 * Math.max(m, n);
  if (rcond < 0) rcond = EPS64;
  const am = readMatrices(ax, dtype);
  const bm = readMatrices(bx, dtype);
  const { x, rank, s } = svdSolve(am.data, m, n, bm.data, k, rcond);
  let residuals = new Float64Array(0);
  if (rank === n && m > n) {
    residuals = new Float64Array(k);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < k; j++) {
        let r = bm.data[i * k + j]!;
        for (let p = 0; p < n; p++) r -= am.data[i * n + p]! * x[p * k + j]!;
        residuals[j]! += r * r;
      }
    }
  }
  return [
    fromFloat64(x, vector ? [n] : [n, k], dtype),
    fromFloat64(residuals, [residuals.length], dtype),
    rank,
    fromFloat64(s, [s.length], dtype),
  ];
}

export interface PinvOptions {
  /** Singular values at most rcond * largest are dropped (NumPy's default 1e-15). */
  rcond?: number | null;
  /** NumPy 2's name for the same cutoff; if given as null, max(M, N) * eps. */
  rtol?: number | null;
  /** The matrices are symmetric (uses eigh). */
  hermitian?: boolean;
}

/** The Moore-Penrose pseudo-inverse of each matrix: (..., N, M). */
export function pinv(a: ArrayLike, options: PinvOptions = {}): NDArray {
  const x = atLeast2d(a);
  const mats = readMatrices(x);
  const { rows: m, cols: n, batch, dtype } = mats;
  const rcond = pinvCutoff(options, m, n, dtype);
  if (options.hermitian && m !== n) throw new LinAlgError('Last 2 dimensions of the array must be square');
  const eye = identity(m);
  const [out] = mapMatrices(mats, [n * m], (mat, [res]) => {
    // pinv(A) solves A X = I in the least-squares, minimum-norm sense.
    res!.set(pinvOne(mat, m, n, rcond, options.hermitian ?? false, eye));
  });
  return fromFloat64(out!, [...batch, n, m], dtype);
}

function pinvCutoff(options: PinvOptions, m: number, n: number, dtype: FloatDType): number {
  if (options.rcond != null) {
    if (options.rtol !== undefined) throw new ValueError("`rtol` and `rcond` can't be both set.");
    return options.rcond;
  }
  if (options.rtol === undefined) return 1e-15;
  if (options.rtol === null) return Math.max(m, n) * (dtype === 'float32' ? EPS32 : EPS64);
  return options.rtol;
}

function pinvOne(a: Float64Array, m: number, n: number, rcond: number, hermitian: boolean, eye: Float64Array): Float64Array {
  if (!hermitian) return svdSolve(a, m, n, eye, m, rcond).x;
  // hermitian: pinv = V diag(1/w) V^T over |w| above the cutoff
  const { s, u, vt } = symmetricSVD(a, n);
  const cutoff = rcond * (s[0] ?? 0);
  const out = new Float64Array(n * n);
  for (let p = 0; p < n; p++) {
    if (!(s[p]! > cutoff)) continue;
    for (let i = 0; i < n; i++) {
      const f = vt![p * n + i]! / s[p]!;
      for (let j = 0; j < n; j++) out[i * n + j]! += f * u![j * n + p]!;
    }
  }
  return out;
}
