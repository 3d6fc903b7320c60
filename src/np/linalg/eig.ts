/** eig and eigvals of general real matrices. */
import { contiguousStrides, sizeOf } from '../../core/shape.js';
import { Storage } from '../../core/storage.js';
import { type ArrayLike, NDArray } from '../ndarray.js';
import { LinAlgError } from './errors.js';
import { generalEigen } from './general-eigen.js';
import { allFinite } from './matrix.js';
import { type FloatDType, fromFloat64, mapMatrices, readMatrices, squareInput } from './stack.js';

/**
 * The eigen-decompositions of a stack, as real and imaginary parts: w (..., n) and, when asked
 * for, v (..., n, n) with eigenvectors as columns.
 */
function decompose(a: ArrayLike, wantVectors: boolean) {
  const x = squareInput(a);
  const m = readMatrices(x);
  if (!allFinite(m.data)) throw new LinAlgError('Array must not contain infs or NaNs');
  const n = m.rows;
  const vSize = wantVectors ? n * n : 0;
  const [wr, wi, vr, vi] = mapMatrices(m, [n, n, vSize, vSize], (mat, [wrOut, wiOut, vrOut, viOut]) => {
    const res = generalEigen(mat, n, wantVectors);
    if (!res) throw new LinAlgError('Eigenvalues did not converge');
    wrOut!.set(res.wr);
    wiOut!.set(res.wi);
    if (wantVectors) {
      vrOut!.set(res.vr!);
      viOut!.set(res.vi!);
    }
  });
  return { m, wr: wr!, wi: wi!, vr: vr!, vi: vi! };
}

/**
 * Real and imaginary parts as one complex array of `shape`: complex128, or complex64 for float32
 * input (NumPy returns complex arrays for a stack when any eigenvalue in it is complex).
 */
function complexArray(re: Float64Array, im: Float64Array, shape: number[], dtype: FloatDType): NDArray {
  const size = sizeOf(shape);
  const parts = new Float64Array(2 * size);
  for (let i = 0; i < size; i++) {
    parts[2 * i] = re[i]!;
    parts[2 * i + 1] = im[i]!;
  }
  const out = new NDArray(new Storage(parts.buffer), 'complex128', [...shape], contiguousStrides(shape), 0, null);
  return dtype === 'float32' ? out.astype('complex64') : out;
}

/**
 * `const [w, v] = eig(a)`: eigenvalues w (..., n) in the order the QR algorithm finds them
 * (unsorted, like NumPy's) and eigenvectors as the columns of v (..., n, n), each of unit norm.
 */
export function eig(a: ArrayLike): [NDArray, NDArray] {
  const { m, wr, wi, vr, vi } = decompose(a, true);
  const n = m.rows;
  if (wi.some((v) => v !== 0)) {
    return [complexArray(wr, wi, [...m.batch, n], m.dtype), complexArray(vr, vi, [...m.batch, n, n], m.dtype)];
  }
  return [fromFloat64(wr, [...m.batch, n], m.dtype), fromFloat64(vr, [...m.batch, n, n], m.dtype)];
}

/** The eigenvalues of each matrix (..., n), as eig's first result. */
export function eigvals(a: ArrayLike): NDArray {
  const { m, wr, wi } = decompose(a, false);
  const shape = [...m.batch, m.rows];
  return wi.some((v) => v !== 0) ? complexArray(wr, wi, shape, m.dtype) : fromFloat64(wr, shape, m.dtype);
}
