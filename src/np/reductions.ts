/**
 * Reductions (sum, prod, mean, std, var, min, max, argmin, argmax, any, all, nansum, nanmean) and
 * scans (cumsum, cumprod) with NumPy's `axis`, `keepdims` and result dtypes. A reduction over all
 * axes without keepdims returns a plain JS number or boolean, as NumPy returns a scalar.
 */
import { type DType, type DTypeLike, dtypeInfo, isFloat, toDType } from '../core/dtype.js';
import { ValueError } from '../core/errors.js';
import { normalizeAxes, normalizeAxis } from '../core/shape.js';
import type { ReduceOp } from '../backend/backend.js';
import { backendFor } from '../backend/backend.js';
import { NDArray, type ArrayLike } from './ndarray.js';
import { asarray, copyInto } from './convert.js';
import * as uf from './ufuncs.js';

export interface ReduceOptions {
  /** Axis or axes to reduce; omitted or null reduces all of them. */
  axis?: number | readonly number[] | null;
  /** Keep reduced axes as length-one axes, so the result broadcasts against the input. */
  keepdims?: boolean;
  /** The dtype to accumulate in and return. */
  dtype?: DTypeLike;
}

export interface VarOptions extends ReduceOptions {
  /** Delta degrees of freedom: the divisor is N - ddof. */
  ddof?: number;
}

export interface ArgOptions {
  axis?: number | null;
  keepdims?: boolean;
}

export interface ScanOptions {
  /** The axis to accumulate along; omitted or null flattens first. */
  axis?: number | null;
  dtype?: DTypeLike;
}

const NUMPY_NAMES: Record<ReduceOp, string> = {
  sum: 'add', prod: 'multiply', max: 'maximum', min: 'minimum', argmax: 'argmax', argmin: 'argmin',
  any: 'logical_or', all: 'logical_and',
};

/** NumPy's accumulator dtype for sum/prod/cumsum/cumprod: small ints widen to the 64-bit ints. */
function accumulatorDType(d: DType): DType {
  const kind = dtypeInfo(d).kind;
  if (kind === 'b' || kind === 'i') return 'int64';
  if (kind === 'u') return 'uint64';
  return d;
}

/** Scalar when reducing everything without keepdims, else the array. */
function finish(result: NDArray, allAxes: boolean, keepdims: boolean): NDArray | number | boolean {
  return allAxes && !keepdims ? (result.item() as number | boolean) : result;
}

/** Runs a backend reduction over `axes`, returning an array of the kept shape (or keepdims shape). */
function reduceArray(x: NDArray, op: ReduceOp, axes: number[], outDtype: DType, keepdims: boolean): NDArray {
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const size = axes.reduce((n, a) => n * x.shape[a]!, 1);
  if (size === 0 && op !== 'sum' && op !== 'prod' && op !== 'any' && op !== 'all') {
    if (op === 'argmax' || op === 'argmin') throw new ValueError(`attempt to get ${op} of an empty sequence`);
    throw new ValueError(`zero-size array to reduction operation ${NUMPY_NAMES[op]} which has no identity`);
  }
  const view = x.transpose([...kept, ...axes]);
  const out = NDArray.empty(kept.map((i) => x.shape[i]!), outDtype);
  backendFor(x).reduce(op, view, axes.length, out);
  if (!keepdims) return out;
  return out.reshape(x.shape.map((d, i) => (axes.includes(i) ? 1 : d)));
}

function reduction(op: ReduceOp, dtypeOf: (d: DType) => DType) {
  return (a: ArrayLike, options: ReduceOptions = {}): NDArray | number | boolean => {
    const x = asarray(a);
    const axes = normalizeAxes(options.axis ?? undefined, x.ndim);
    const dtype = options.dtype !== undefined ? toDType(options.dtype) : dtypeOf(x.dtype);
    const keepdims = options.keepdims ?? false;
    return finish(reduceArray(x, op, axes, dtype, keepdims), options.axis == null, keepdims);
  };
}

export const sum = reduction('sum', accumulatorDType) as (a: ArrayLike, options?: ReduceOptions) => NDArray | number;
export const prod = reduction('prod', accumulatorDType) as (a: ArrayLike, options?: ReduceOptions) => NDArray | number;
export const max = reduction('max', (d) => d);
export const min = reduction('min', (d) => d);
export const amax = max;
export const amin = min;
export const any = reduction('any', () => 'bool') as (a: ArrayLike, options?: ReduceOptions) => NDArray | boolean;
export const all = reduction('all', () => 'bool') as (a: ArrayLike, options?: ReduceOptions) => NDArray | boolean;

/** The dtype mean/var/std return: floats keep theirs, everything else is float64. */
function meanDType(d: DType): DType {
  return isFloat(d) ? d : 'float64';
}

function countOf(x: NDArray, options: ReduceOptions): number {
  return normalizeAxes(options.axis ?? undefined, x.ndim).reduce((n, a) => n * x.shape[a]!, 1);
}

export function mean(a: ArrayLike, options: ReduceOptions = {}): NDArray | number {
  const x = asarray(a);
  const dtype = options.dtype !== undefined ? toDType(options.dtype) : meanDType(x.dtype);
  const total = sum(x, { ...options, dtype: 'float64', keepdims: true }) as NDArray;
  const result = uf.divide(total, countOf(x, options)).astype(dtype);
  return finish(dropKept(result, x, options), options.axis == null, options.keepdims ?? false) as NDArray | number;
}

/** Removes the kept length-one axes when keepdims was not asked for. */
function dropKept(result: NDArray, x: NDArray, options: ReduceOptions): NDArray {
  if (options.keepdims) return result;
  const axes = normalizeAxes(options.axis ?? undefined, x.ndim);
  return axes.length === 0 ? result : result.squeeze(axes);
}

export function var_(a: ArrayLike, options: VarOptions = {}): NDArray | number {
  const x = asarray(a);
  const dtype = options.dtype !== undefined ? toDType(options.dtype) : meanDType(x.dtype);
  const xf = x.astype('float64');
  const m = mean(xf, { axis: options.axis ?? null, keepdims: true }) as NDArray | number;
  const centered = uf.subtract(xf, m);
  const sq = uf.multiply(centered, centered);
  const total = sum(sq, { axis: options.axis ?? null, keepdims: true, dtype: 'float64' });
  const n = countOf(x, options) - (options.ddof ?? 0);
  const result = uf.divide(total, Math.max(n, 0)).astype(dtype);
  return finish(dropKept(result, x, options), options.axis == null, options.keepdims ?? false) as NDArray | number;
}
export { var_ as var };

export function std(a: ArrayLike, options: VarOptions = {}): NDArray | number {
  const v = var_(a, { ...options, keepdims: true, dtype: 'float64' }) as NDArray;
  const x = asarray(a);
  const dtype = options.dtype !== undefined ? toDType(options.dtype) : meanDType(x.dtype);
  const result = uf.sqrt(v).astype(dtype);
  return finish(dropKept(result, x, options), options.axis == null, options.keepdims ?? false) as NDArray | number;
}

function argReduction(op: 'argmax' | 'argmin') {
  return (a: ArrayLike, options: ArgOptions = {}): NDArray | number => {
    const x = asarray(a);
    if (options.axis == null) {
      const flat = x.ravel();
      const r = reduceArray(flat, op, [0], 'int64', false);
      return options.keepdims ? r.reshape(x.shape.map(() => 1)) : (r.item() as number);
    }
    const axis = normalizeAxis(options.axis, x.ndim);
    return reduceArray(x, op, [axis], 'int64', options.keepdims ?? false);
  };
}

export const argmax = argReduction('argmax');
export const argmin = argReduction('argmin');

function scan(op: 'cumsum' | 'cumprod') {
  return (a: ArrayLike, options: ScanOptions = {}): NDArray => {
    let x = asarray(a);
    let axis: number;
    if (options.axis == null) {
      x = x.ravel();
      axis = 0;
    } else {
      axis = normalizeAxis(options.axis, x.ndim);
    }
    const dtype = options.dtype !== undefined ? toDType(options.dtype) : accumulatorDType(x.dtype);
    const out = NDArray.empty(x.shape, dtype);
    if (x.ndim === 0) {
      copyInto(out, x);
      return out;
    }
    backendFor(x).scan(op, x.swapaxes(axis, -1), out.swapaxes(axis, -1));
    return out;
  };
}

export const cumsum = scan('cumsum');
export const cumprod = scan('cumprod');

/** Sum treating NaN as zero. */
export function nansum(a: ArrayLike, options: ReduceOptions = {}): NDArray | number {
  const x = asarray(a);
  const clean = isFloat(x.dtype) ? uf.where(uf.isnan(x), 0, x) : x;
  return sum(clean, options);
}

/** Mean of the elements that are not NaN. */
export function nanmean(a: ArrayLike, options: ReduceOptions = {}): NDArray | number {
  const x = asarray(a);
  if (!isFloat(x.dtype)) return mean(x, options);
  const valid = uf.logicalNot(uf.isnan(x));
  const total = nansum(x, { ...options, dtype: 'float64' });
  const count = sum(valid, { axis: options.axis ?? null, keepdims: options.keepdims ?? false });
  const result = uf.divide(total, count);
  const dtype = options.dtype !== undefined ? toDType(options.dtype) : x.dtype;
  if (typeof total === 'number') return Number(result.astype(dtype).item());
  return result.astype(dtype);
}
