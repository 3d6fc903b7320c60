/** inv and solve: LU with partial pivoting, then triangular solves (LAPACK's gesv). */
import { ValueError } from '../../core/errors.js';
import { broadcastShapes } from '../../core/shape.js';
import type { ArrayLike, NDArray } from '../ndarray.js';
import { asarray } from '../convert.js';
import { LinAlgError } from './errors.js';
import { luFactor, luSolve } from './lu.js';
import { identity } from './matrix.js';
import { floatType, fromFloat64, mapMatrices, readMatrices, squareInput } from './stack.js';

/** The inverse of each square matrix; an exactly singular one throws "Singular matrix". */
export function inv(a: ArrayLike): NDArray {
  const x = squareInput(a);
  const m = readMatrices(x);
  const n = m.rows;
  const eye = identity(n);
  const [out] = mapMatrices(m, [n * n], (mat, [res]) => {
    const f = luFactor(mat, n);
    if (f.singular) throw new LinAlgError('Singular matrix');
    res!.set(luSolve(f, n, eye, n));
  });
  return fromFloat64(out!, x.shape, m.dtype);
}

/**
 * Solves a x = b. As in NumPy 2, a 1-D b is one vector; any other b is a stack of (M, K)
 * matrices. The leading axes of a and b broadcast.
 */
export function solve(a: ArrayLike, b: ArrayLike): NDArray {
  const x = squareInput(a);
  const y = asarray(b);
  const dtype = floatType(x, y);
  const n = x.shape[x.ndim - 1]!;
  const vector = y.ndim === 1;
  const rowsOfB = vector ? y.shape[0]! : y.shape[y.ndim - 2];
  if (rowsOfB !== n) {
    const [name, sig] = vector ? ['solve1', '(m,m),(m)->(m)'] : ['solve', '(m,m),(m,n)->(m,n)'];
    throw new ValueError(
      `${name}: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature ${sig} (size ${rowsOfB} is different from ${n})`,
    );
  }
  const bMat = vector ? y.reshape(n, 1) : y;
  const k = bMat.shape[bMat.ndim - 1]!;
  const batch = broadcastShapes(x.shape.slice(0, -2), vector ? [] : y.shape.slice(0, -2));
  const am = readMatrices(x.broadcastTo([...batch, n, n]), dtype);
  const bm = readMatrices(bMat.broadcastTo([...batch, n, k]), dtype);
  const [out] = mapMatrices(am, [n * k], (mat, [res], i) => {
    const f = luFactor(mat, n);
    if (f.singular) throw new LinAlgError('Singular matrix');
    res!.set(luSolve(f, n, bm.data.subarray(i * n * k, (i + 1) * n * k), k));
  });
  return fromFloat64(out!, vector ? [...batch, n] : [...batch, n, k], dtype);
}
