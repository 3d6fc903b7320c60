/** np.linalg.qr over stacks of matrices. */
import { ValueError } from '../../core/errors.js';
import type { ArrayLike, NDArray } from '../ndarray.js';
import { formQ, householderQR, upperR } from './householder.js';
import { transpose } from './matrix.js';
import { atLeast2d, fromFloat64, mapMatrices, readMatrices } from './stack.js';

export type QRMode = 'reduced' | 'complete' | 'r' | 'raw';

export interface QROptions {
  mode?: QRMode;
}

/**
 * `const [q, r] = qr(a)`: Q (M, K) with orthonormal columns and upper-triangular R (K, N),
 * K = min(M, N). 'complete' gives Q (M, M) and R (M, N); 'r' gives R alone; 'raw' gives
 * [h, tau] as LAPACK leaves them (h is (N, M), NumPy's Fortran-order result). The mode may be
 * given as `{ mode }` or as the string alone.
 */
export function qr(a: ArrayLike, options: { mode: 'r' } | 'r'): NDArray;
export function qr(a: ArrayLike, options?: { mode?: Exclude<QRMode, 'r'> } | Exclude<QRMode, 'r'>): [NDArray, NDArray];
export function qr(a: ArrayLike, options: QROptions | QRMode = {}): NDArray | [NDArray, NDArray] {
  const mode = typeof options === 'string' ? options : options.mode ?? 'reduced';
  if (!['reduced', 'complete', 'r', 'raw'].includes(mode)) throw new ValueError(`Unrecognized mode '${mode}'`);
  const x = atLeast2d(a);
  const mats = readMatrices(x);
  const { rows: m, cols: n, batch } = mats;
  const k = Math.min(m, n);
  const qCols = mode === 'complete' ? m : k;
  const rRows = mode === 'complete' ? m : k;
  const rSize = mode === 'raw' ? n * m : rRows * n;
  const [q, r, tau] = mapMatrices(mats, [mode === 'r' || mode === 'raw' ? 0 : m * qCols, rSize, k], (mat, [qOut, rOut, tauOut]) => {
    const t = householderQR(mat, m, n);
    tauOut!.set(t);
    if (mode === 'raw') {
      rOut!.set(transpose(mat, m, n));
      return;
    }
    rOut!.set(upperR(mat, m, n, rRows));
    if (mode !== 'r') qOut!.set(formQ(mat, t, m, n, qCols));
  });
  const dtype = mats.dtype;
  if (mode === 'raw') return [fromFloat64(r!, [...batch, n, m], dtype), fromFloat64(tau!, [...batch, k], dtype)];
  const rArr = fromFloat64(r!, [...batch, rRows, n], dtype);
  if (mode === 'r') return rArr;
  return [fromFloat64(q!, [...batch, m, qCols], dtype), rArr];
}
