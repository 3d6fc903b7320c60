/** det and slogdet from an LU factorization. */
import type { ArrayLike, NDArray } from '../ndarray.js';
import { luFactor, luLogDet } from './lu.js';
import { fromFloat64, mapMatrices, readMatrices, scalarOrArray, squareInput } from './stack.js';

function signAndLog(a: ArrayLike) {
  const m = readMatrices(squareInput(a));
  const [sign, logdet] = mapMatrices(m, [1, 1], (mat, [s, l]) => {
    [s![0], l![0]] = luLogDet(luFactor(mat, m.rows), m.rows);
  });
  return { m, sign: sign!, logdet: logdet! };
}

/**
 * The determinant: a number for one matrix, an array for a stack. Computed as NumPy does, as
 * sign * exp(log|det|), so det([[1, 2], [3, 4]]) is -2.0000000000000004 in both.
 */
export function det(a: ArrayLike): number | NDArray {
  const { m, sign, logdet } = signAndLog(a);
  const out = sign.map((s, i) => s * Math.exp(logdet[i]!));
  return scalarOrArray(out, m.batch, m.dtype);
}

/** [sign, log|det|]: numbers for one matrix, arrays for a stack; a singular matrix gives [0, -inf]. */
export function slogdet(a: ArrayLike): [number, number] | [NDArray, NDArray] {
  const { m, sign, logdet } = signAndLog(a);
  if (m.batch.length === 0) {
    return [scalarOrArray(sign, [], m.dtype) as number, scalarOrArray(logdet, [], m.dtype) as number];
  }
  return [fromFloat64(sign, m.batch, m.dtype), fromFloat64(logdet, m.batch, m.dtype)];
}
