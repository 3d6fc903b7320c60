/**
 * In-place shuffles along axis 0 and permutations, as NumPy's Generator and RandomState do them:
 * Fisher–Yates from the last row down, row i swapped with row `draw(i)` in [0, i].
 */
import { AxisError, IndexError } from '../../core/errors.js';
import { NDArray, type ArrayLike } from '../ndarray.js';
import { arange } from '../creation.js';
import { asarray } from '../convert.js';
import { rowOffsets } from './output.js';

/** Draws an index in [0, max]. */
export type IndexDraw = (max: number) => number;

/** Shuffles an array's rows (or a JS array's items) in place. */
export function shuffleInPlace(x: NDArray | unknown[], draw: IndexDraw): void {
  if (Array.isArray(x)) {
    for (let i = x.length - 1; i >= 1; i--) {
      const j = draw(i);
      [x[i], x[j]] = [x[j], x[i]];
    }
    return;
  }
  if (x.ndim === 0) throw new AxisError('axis 0 is out of bounds for array of dimension 0');
  if (x.size === 0) return;
  const typed = x.storage.typed(x.dtype);
  const data = typed as unknown as { [i: number]: number | bigint };
  const per = x.itemsize / typed.BYTES_PER_ELEMENT; // typed-array entries per element: 2 for complex
  const stride = x.elementStrides[0]!;
  const rel = rowOffsets(x);
  for (let i = x.shape[0]! - 1; i >= 1; i--) {
    const j = draw(i);
    if (i === j) continue;
    const a = x.offset + i * stride;
    const b = x.offset + j * stride;
    for (const r of rel) {
      for (let q = 0; q < per; q++) {
        const ia = (a + r) * per + q;
        const ib = (b + r) * per + q;
        const t = data[ia]!;
        data[ia] = data[ib]!;
        data[ib] = t;
      }
    }
  }
  x.storage.version++;
}

/**
 * A shuffled copy: of arange(x) for an integer, else of the array along axis 0. Shuffling the
 * rows of a copy makes the same draws as NumPy's shuffled index array, so the results agree.
 */
export function permutationOf(x: number | ArrayLike, draw: IndexDraw, legacy: boolean): NDArray {
  const out = typeof x === 'number' ? arange(x) : asarray(x).copy();
  if (out.ndim === 0) {
    if (legacy) throw new IndexError('x must be an integer or at least 1-dimensional');
    throw new AxisError('axis 0 is out of bounds for array of dimension 0');
  }
  shuffleInPlace(out, draw);
  return out;
}
