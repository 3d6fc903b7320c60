/** np.linalg.norm: vector norms along one axis, matrix norms over two, as NumPy defines them. */
import { type DType, isComplex } from '../../core/dtype.js';
import { KilnTypeError, ValueError } from '../../core/errors.js';
import { normalizeAxis } from '../../core/shape.js';
import type { ArrayLike, NDArray } from '../ndarray.js';
import { asarray } from '../convert.js';
import { abs } from '../ufuncs.js';
import { svdOf } from './svd.js';
import { floatType, fromFloat64 } from './stack.js';

/** A norm order: a number (including Infinity and -Infinity), 'fro' or 'nuc'; null is the default. */
export type NormOrder = number | 'fro' | 'nuc' | null;

export interface NormOptions {
  /** One axis (vector norms), two axes (matrix norms), or null: the whole 1-D or 2-D array. */
  axis?: number | readonly number[] | null;
  /** Keep the reduced axes with length one. */
  keepdims?: boolean;
}

/**
 * The norm of a vector or matrix (or of many, along `axis`): a number when the result has no
 * axes left, else an array. Integer input is converted to float64; float32 stays float32.
 */
export function norm(x: ArrayLike, ord: NormOrder = null, options: NormOptions = {}): number | NDArray {
  const given = asarray(x);
  // complex input: every norm kiln computes here depends on |z| only (SVD-based orders refuse it)
  const a = isComplex(given.dtype) ? abs(given) : given;
  const dtype: DType = a.dtype === 'float16' || a.dtype === 'float32' ? a.dtype : 'float64';
  const keepdims = options.keepdims ?? false;
  let axes: number[];
  if (options.axis == null) {
    // The Frobenius norm of the flattened array, for any number of dimensions.
    if (ord === null || (ord === 'fro' && a.ndim === 2) || (ord === 2 && a.ndim === 1)) {
      const values = a.astype('float64').storage.typed('float64') as Float64Array;
      let sum = 0;
      for (let i = 0; i < a.size; i++) sum += values[i]! * values[i]!;
      return finish(new Float64Array([Math.sqrt(sum)]), keepdims ? a.shape.map(() => 1) : [], dtype);
    }
    axes = a.shape.map((_, i) => i);
  } else if (typeof options.axis === 'number') {
    axes = [options.axis];
  } else {
    axes = [...options.axis];
  }
  if (axes.some((ax) => !Number.isInteger(ax))) throw new KilnTypeError("'axis' must be None, an integer or a tuple of integers");
  axes = axes.map((ax) => normalizeAxis(ax, a.ndim));
  if (axes.length === 1) return reduce(a, axes, ord, keepdims, dtype, (v, o) => vectorNorm(v, o as number));
  if (axes.length === 2) {
    if (axes[0] === axes[1]) throw new ValueError('Duplicate axes given.');
    if (!(ord === null || ord === 'fro' || ord === 'nuc' || [1, -1, 2, -2, Infinity, -Infinity].includes(ord))) {
      throw new ValueError('Invalid norm order for matrices.');
    }
    if (ord === 2 || ord === -2 || ord === 'nuc') floatType(given); // no float16 (or complex) SVD
    const rows = a.shape[axes[0]!]!;
    const cols = a.shape[axes[1]!]!;
    return reduce(a, axes, ord, keepdims, dtype, (v) => matrixNorm(v, rows, cols, ord));
  }
  throw new ValueError('Improper number of dimensions to norm.');
}

/**
 * Moves `axes` to the end, copies to float64 and applies `fn` to each contiguous group of their
 * values (a vector, or a matrix with rows along axes[0]).
 */
function reduce(
  a: NDArray, axes: number[], ord: NormOrder, keepdims: boolean, dtype: DType,
  fn: (values: Float64Array, ord: NormOrder) => number,
): number | NDArray {
  if (axes.length === 1 && typeof ord === 'string') throw new ValueError(`Invalid norm order '${ord}' for vectors`);
  const kept = a.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const values = a.transpose([...kept, ...axes]).astype('float64').storage.typed('float64') as Float64Array;
  const group = axes.reduce((p, ax) => p * a.shape[ax]!, 1);
  const count = kept.reduce((p, ax) => p * a.shape[ax]!, 1);
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) out[k] = fn(values.subarray(k * group, (k + 1) * group), ord);
  const shape = keepdims ? a.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : kept.map((i) => a.shape[i]!);
  return finish(out, shape, dtype);
}

/** A number for a 0-d result, else an array, in the result dtype. */
function finish(values: Float64Array, shape: number[], dtype: DType): number | NDArray {
  const arr = fromFloat64(values, shape, 'float64');
  const typed = dtype === 'float64' ? arr : arr.astype(dtype);
  return shape.length === 0 ? (typed.item() as number) : typed;
}

function vectorNorm(x: Float64Array, ord: number | null): number {
  const n = x.length;
  let acc = 0;
  if (ord === null || ord === 2) {
    for (let i = 0; i < n; i++) acc += x[i]! * x[i]!;
    return Math.sqrt(acc);
  }
  if (ord === Infinity || ord === -Infinity) {
    // max/min of |x|, with NaN propagating as NumPy's max does
    acc = -ord;
    for (let i = 0; i < n; i++) {
      const v = Math.abs(x[i]!);
      if (Number.isNaN(v)) return NaN;
      acc = ord > 0 ? Math.max(acc, v) : Math.min(acc, v);
    }
    return n === 0 ? NaN : acc;
  }
  if (ord === 0) {
    for (let i = 0; i < n; i++) if (x[i] !== 0) acc++;
    return acc;
  }
  if (ord === 1) {
    for (let i = 0; i < n; i++) acc += Math.abs(x[i]!);
    return acc;
  }
  for (let i = 0; i < n; i++) acc += Math.abs(x[i]!) ** ord;
  return acc ** (1 / ord);
}

function matrixNorm(x: Float64Array, rows: number, cols: number, ord: NormOrder): number {
  if (ord === null || ord === 'fro') {
    let acc = 0;
    for (let i = 0; i < x.length; i++) acc += x[i]! * x[i]!;
    return Math.sqrt(acc);
  }
  if (ord === 2 || ord === -2 || ord === 'nuc') {
    const { s } = svdOf(x, rows, cols, 'none');
    if (ord === 2) return s[0]!;
    if (ord === -2) return s[s.length - 1]!;
    return s.reduce((p, v) => p + v, 0);
  }
  // 1 / -1: max / min column sum of |x|; inf / -inf: max / min row sum
  const byColumn = ord === 1 || ord === -1;
  const sums = new Float64Array(byColumn ? cols : rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) sums[byColumn ? j : i]! += Math.abs(x[i * cols + j]!);
  }
  const pickMax = ord === 1 || ord === Infinity;
  let best = pickMax ? -Infinity : Infinity;
  for (const v of sums) {
    if (Number.isNaN(v)) return NaN;
    best = pickMax ? Math.max(best, v) : Math.min(best, v);
  }
  return best;
}
