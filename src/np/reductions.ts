/**
 * Reductions (sum, prod, mean, std, var, min, max, argmin, argmax, any, all, nansum, nanmean) and
 * scans (cumsum, cumprod) with NumPy's `axis`, `keepdims` and result dtypes. As in NumPy, a
 * reduction whose result is 0-d (all axes reduced, or a 0-d input) returns a scalar: here a plain
 * JS number or boolean.
 */
import type { Complex } from '../core/complex.js';
import {
  type DType, type DTypeLike, canCastSafely, complexPart, dtypeInfo, isComplex, isInexact, toNumpyDType,
} from '../core/dtype.js';
import { KilnTypeError, ValueError } from '../core/errors.js';
import { normalizeAxes, normalizeAxis } from '../core/shape.js';
import type { ReduceOp } from '../backend/backend.js';
import { backendFor } from '../backend/backend.js';
import { NDArray, type ArrayLike } from './ndarray.js';
import { asarray, scalarArray } from './convert.js';
import * as uf from './ufuncs.js';

export interface ReduceAxisOptions {
  /** Axis or axes to reduce; omitted or null reduces all of them. */
  axis?: number | readonly number[] | null;
  /** Keep reduced axes as length-one axes, so the result broadcasts against the input. */
  keepdims?: boolean;
}

export interface ReduceOptions extends ReduceAxisOptions {
  /** The dtype to accumulate in and return; the input is cast to it first, as in NumPy. */
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

/** NumPy's accumulator dtype for sum/prod/cumsum/cumprod: smaller ints widen to the 64-bit ints. */
function accumulatorDType(d: DType): DType {
  const kind = dtypeInfo(d).kind;
  if (kind === 'b' || kind === 'i') return 'int64';
  if (kind === 'u') return 'uint64';
  return d;
}

/** NumPy returns a scalar, not a 0-d array, from a reduction. */
function finish(result: NDArray): NDArray | number | boolean | Complex {
  return result.ndim === 0 ? result.item() : result;
}

function optionalDType(dtype: DTypeLike | null | undefined): DType | undefined {
  return dtype === undefined || dtype === null ? undefined : toNumpyDType(dtype);
}

/** Runs a backend reduction of x over `axes` (normalised) into a new array of `outDtype`. */
function reduceArray(x: NDArray, op: ReduceOp, axes: number[], outDtype: DType, keepdims: boolean): NDArray {
  if (countOf(x, axes) === 0 && op !== 'sum' && op !== 'prod' && op !== 'any' && op !== 'all') {
    if (op === 'argmax' || op === 'argmin') throw new ValueError(`attempt to get ${op} of an empty sequence`);
    throw new ValueError(`zero-size array to reduction operation ${NUMPY_NAMES[op]} which has no identity`);
  }
  // NumPy casts the input to the dtype it accumulates in: sum([1.5, 2.5], dtype=int64) is 3 (and
  // real input summed as complex is complex first)
  const cast = !canCastSafely(x.dtype, outDtype) || (isComplex(outDtype) && x.dtype !== outDtype);
  const input = (op === 'sum' || op === 'prod') && cast ? x.astype(outDtype) : x;
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const out = NDArray.empty(kept.map((i) => x.shape[i]!), outDtype);
  backendFor(input).reduce(op, input.transpose([...kept, ...axes]), axes.length, out);
  return keepdims ? out.reshape(x.shape.map((d, i) => (axes.includes(i) ? 1 : d))) : out;
}

function axesOf(x: NDArray, options: ReduceAxisOptions): number[] {
  return normalizeAxes(options.axis ?? undefined, x.ndim);
}

/** The axes of a ufunc reduction (sum, prod, max, min, any, all), which take axis 0 or -1 of a 0-d array. */
function ufuncAxesOf(x: NDArray, options: ReduceAxisOptions): number[] {
  if (x.ndim === 0 && options.axis !== undefined && options.axis !== null) {
    const list = typeof options.axis === 'number' ? [options.axis] : options.axis;
    for (const axis of list) if (axis !== 0 && axis !== -1) normalizeAxis(axis, 0);
    return [];
  }
  return axesOf(x, options);
}

function countOf(x: NDArray, axes: number[]): number {
  return axes.reduce((n, a) => n * x.shape[a]!, 1);
}

/** total / count, cast back to total's dtype (NumPy divides into the sum with casting='unsafe'). */
function divideInto(total: NDArray, count: number | NDArray): NDArray {
  // NumPy's count is an np.intp, a strong int64: complex64 / int64 divides in complex128 (for
  // real dtypes a weak count rounds the same and stays in the cheaper loop)
  const n = isComplex(total.dtype) && typeof count === 'number' ? scalarArray(count, 'int64') : count;
  return uf.divide(total, n).astype(total.dtype, { copy: false });
}

export function sum(a: ArrayLike, options: ReduceOptions = {}): NDArray | number | Complex {
  const x = asarray(a);
  const dtype = optionalDType(options.dtype) ?? accumulatorDType(x.dtype);
  return finish(reduceArray(x, 'sum', ufuncAxesOf(x, options), dtype, options.keepdims ?? false)) as NDArray | number | Complex;
}

export function prod(a: ArrayLike, options: ReduceOptions = {}): NDArray | number | Complex {
  const x = asarray(a);
  const dtype = optionalDType(options.dtype) ?? accumulatorDType(x.dtype);
  return finish(reduceArray(x, 'prod', ufuncAxesOf(x, options), dtype, options.keepdims ?? false)) as NDArray | number | Complex;
}

function extremum(op: 'max' | 'min') {
  return (a: ArrayLike, options: ReduceAxisOptions = {}): NDArray | number | boolean | Complex => {
    const x = asarray(a);
    return finish(reduceArray(x, op, ufuncAxesOf(x, options), x.dtype, options.keepdims ?? false));
  };
}

export const max = extremum('max');
export const min = extremum('min');
export const amax = max;
export const amin = min;

function logical(op: 'any' | 'all') {
  return (a: ArrayLike, options: ReduceAxisOptions = {}): NDArray | boolean => {
    const x = asarray(a);
    return finish(reduceArray(x, op, ufuncAxesOf(x, options), 'bool', options.keepdims ?? false)) as NDArray | boolean;
  };
}

export const any = logical('any');
export const all = logical('all');

/**
 * np.mean: the sum divided by the count. NumPy sums integers and booleans in float64 and float16 in
 * float32 (returning float16); with `dtype` it sums and divides in that dtype.
 */
export function mean(a: ArrayLike, options: ReduceOptions = {}): NDArray | number | Complex {
  const x = asarray(a);
  const axes = axesOf(x, options);
  const given = optionalDType(options.dtype);
  const acc = given ?? (x.dtype === 'float16' ? 'float32' : isInexact(x.dtype) ? x.dtype : 'float64');
  const result = divideInto(reduceArray(x, 'sum', axes, acc, options.keepdims ?? false), countOf(x, axes));
  return finish(given === undefined && x.dtype === 'float16' ? result.astype('float16') : result) as NDArray | number | Complex;
}

/**
 * NumPy's _var: the mean of squared deviations from the mean, in float64 for integer input. For
 * complex input the squared deviation is |d|^2 = re^2 + im^2, and the result is real.
 */
function variance(a: ArrayLike, options: VarOptions): NDArray {
  const x = asarray(a);
  const axes = axesOf(x, options);
  const dtype = optionalDType(options.dtype) ?? (isInexact(x.dtype) ? x.dtype : 'float64');
  const mu = divideInto(reduceArray(x, 'sum', axes, dtype, true), countOf(x, axes));
  const d = uf.subtract(x, mu);
  const squares = isComplex(d.dtype)
    ? uf.add(uf.multiply(d.real, d.real), uf.multiply(d.imag, d.imag))
    : uf.multiply(d, d);
  const total = reduceArray(squares, 'sum', axes, isComplex(dtype) ? complexPart(dtype) : dtype, options.keepdims ?? false);
  return divideInto(total, Math.max(countOf(x, axes) - (options.ddof ?? 0), 0));
}

export function var_(a: ArrayLike, options: VarOptions = {}): NDArray | number {
  return finish(variance(a, options)) as NDArray | number;
}
export { var_ as var };

export function std(a: ArrayLike, options: VarOptions = {}): NDArray | number {
  const v = variance(a, options);
  return finish(uf.sqrt(v).astype(v.dtype, { copy: false })) as NDArray | number;
}

function argReduction(op: 'argmax' | 'argmin') {
  return (a: ArrayLike, options: ArgOptions = {}): NDArray | number => {
    const x = asarray(a);
    const keepdims = options.keepdims ?? false;
    if (options.axis === undefined || options.axis === null) {
      // the flat index in C order: reduce over every axis at once (no copy for a strided view)
      const r = reduceArray(x, op, x.shape.map((_, i) => i), 'int64', keepdims);
      return finish(r) as NDArray | number;
    }
    if (x.ndim === 0) {
      normalizeAxis(options.axis, 1); // NumPy treats a 0-d array as 1-d here
      return 0;
    }
    return finish(reduceArray(x, op, [normalizeAxis(options.axis, x.ndim)], 'int64', keepdims)) as NDArray | number;
  };
}

export const argmax = argReduction('argmax');
export const argmin = argReduction('argmin');

function scan(op: 'cumsum' | 'cumprod') {
  return (a: ArrayLike, options: ScanOptions = {}): NDArray => {
    let x = asarray(a);
    if (x.ndim === 0) x = x.reshape(1); // NumPy treats a 0-d array as 1-d
    let axis = 0;
    if (options.axis === undefined || options.axis === null) x = x.ravel();
    else axis = normalizeAxis(options.axis, x.ndim);
    const dtype = optionalDType(options.dtype) ?? accumulatorDType(x.dtype);
    // NumPy casts the input to the accumulation dtype first: cumsum([1.5, 2.7], dtype=int32) is [1, 3]
    if (!canCastSafely(x.dtype, dtype) || (isComplex(dtype) && x.dtype !== dtype)) x = x.astype(dtype);
    const out = NDArray.empty(x.shape, dtype);
    if (out.size > 0) backendFor(x).scan(op, x.swapaxes(axis, -1), out.swapaxes(axis, -1));
    return out;
  };
}

export const cumsum = scan('cumsum');
export const cumprod = scan('cumprod');

/** Sum treating NaN as zero. */
export function nansum(a: ArrayLike, options: ReduceOptions = {}): NDArray | number | Complex {
  const x = asarray(a);
  return sum(isInexact(x.dtype) ? uf.where(uf.isnan(x), 0, x) : x, options);
}

/** Mean of the elements that are not NaN (NaN where there are none). */
export function nanmean(a: ArrayLike, options: ReduceOptions = {}): NDArray | number | Complex {
  const x = asarray(a);
  if (!isInexact(x.dtype)) return mean(x, options);
  const given = optionalDType(options.dtype);
  if (given !== undefined && !isInexact(given)) throw new KilnTypeError('If a is inexact, then dtype must be inexact');
  const axes = axesOf(x, options);
  const keepdims = options.keepdims ?? false;
  const nan = uf.isnan(x);
  const count = reduceArray(uf.logicalNot(nan), 'sum', axes, 'int64', keepdims);
  const total = reduceArray(uf.where(nan, 0, x), 'sum', axes, given ?? x.dtype, keepdims);
  return finish(divideInto(total, count)) as NDArray | number | Complex;
}
