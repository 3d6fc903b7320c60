/**
 * Creation functions: zeros, ones, empty, full and their *Like forms, arange, linspace, eye,
 * identity, diag, tri/triu/tril, meshgrid. Every one takes a trailing options object.
 */
import { type ComplexLike, isComplexLike } from '../core/complex.js';
import {
  type DType, type DTypeLike, checkPyIntFits, complexPart, isComplex, isInteger, pyIntDType, toNumpyDType, weakKind,
} from '../core/dtype.js';
import { KilnTypeError, ValueError, ZeroDivisionError, shapeString } from '../core/errors.js';
import { toHalfBits } from '../core/float16.js';
import { broadcastShapes, shapesEqual, toShape } from '../core/shape.js';
import { Storage } from '../core/storage.js';
import { ELEMENTWISE } from '../core/elementwise-ops.js';
import { backendFor } from '../backend/backend.js';
import { NDArray, type ArrayLike } from './ndarray.js';
import { asarray, copyInto, scalarArray } from './convert.js';
import { readScalar, writeElement } from './elements.js';
import * as uf from './ufuncs.js';

export interface DTypeOption {
  dtype?: DTypeLike;
}

export interface LikeOptions extends DTypeOption {
  /** Overrides the shape of the prototype array. */
  shape?: number | readonly number[];
}

type Shape = number | readonly number[];
type Scalar = number | boolean | bigint | ComplexLike;

const dtypeOr = (options: DTypeOption, fallback: DType): DType =>
  options.dtype === undefined ? fallback : toNumpyDType(options.dtype);

/**
 * A new array of `shape` filled with `value` (cast to `dtype` as np.copyto casts: floats truncate
 * silently, but a Python int must fit an integer dtype, NEP 50).
 */
function filled(shape: Shape, value: Scalar, dtype: DType): NDArray {
  const out = NDArray.empty(toShape(shape), dtype);
  if (isInteger(dtype) && weakKind(value) === 'int') checkPyIntFits(value as number | bigint, dtype);
  // fresh memory is zeroed; -0.0 still needs writing
  if (!Object.is(value, 0) && value !== false && value !== 0n) {
    // a complex value cast to a real dtype drops its imaginary part (np.copyto's unsafe cast)
    const src = isComplexLike(value) && !isComplex(dtype) ? scalarArray(value, 'complex128') : scalarArray(value, dtype);
    backendFor(out).elementwise(ELEMENTWISE.copy, [src.broadcastTo(out.shape)], out, src.dtype);
  }
  return out;
}

/** The dtype np.full gives a Python scalar: bool, int64 (uint64 past int64's range) or float64. */
function scalarDType(value: Scalar): DType {
  const kind = weakKind(value);
  if (kind === 'complex') return 'complex128';
  if (kind === 'int') return pyIntDType(value as number | bigint) ?? 'int64';
  return kind === 'bool' ? 'bool' : 'float64';
}

export function empty(shape: Shape, options: DTypeOption = {}): NDArray {
  return NDArray.empty(toShape(shape), dtypeOr(options, 'float64'));
}

export function zeros(shape: Shape, options: DTypeOption = {}): NDArray {
  return filled(shape, 0, dtypeOr(options, 'float64'));
}

export function ones(shape: Shape, options: DTypeOption = {}): NDArray {
  return filled(shape, 1, dtypeOr(options, 'float64'));
}

/** np.full: the dtype follows the fill value unless given (7 gives int64, 7.5 float64). */
export function full(shape: Shape, fillValue: Scalar | NDArray, options: DTypeOption = {}): NDArray {
  if (fillValue instanceof NDArray) {
    const out = NDArray.empty(toShape(shape), dtypeOr(options, fillValue.dtype));
    let ok: boolean;
    try {
      ok = shapesEqual(broadcastShapes(fillValue.shape, out.shape), out.shape);
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new ValueError(`could not broadcast input array from shape ${shapeString(fillValue.shape)} into shape ${shapeString(out.shape)}`);
    }
    copyInto(out, fillValue);
    return out;
  }
  return filled(shape, fillValue, dtypeOr(options, scalarDType(fillValue)));
}

const likeShape = (a: NDArray, options: LikeOptions): Shape => options.shape ?? a.shape;

export function emptyLike(a: ArrayLike, options: LikeOptions = {}): NDArray {
  const x = asarray(a);
  return empty(likeShape(x, options), { dtype: dtypeOr(options, x.dtype) });
}

export function zerosLike(a: ArrayLike, options: LikeOptions = {}): NDArray {
  const x = asarray(a);
  return zeros(likeShape(x, options), { dtype: dtypeOr(options, x.dtype) });
}

export function onesLike(a: ArrayLike, options: LikeOptions = {}): NDArray {
  const x = asarray(a);
  return ones(likeShape(x, options), { dtype: dtypeOr(options, x.dtype) });
}

export function fullLike(a: ArrayLike, fillValue: Scalar, options: LikeOptions = {}): NDArray {
  const x = asarray(a);
  return filled(likeShape(x, options), fillValue, dtypeOr(options, x.dtype));
}

/** Python's message for a float where an integer is required. */
function requireInt(n: number): void {
  if (!Number.isInteger(n)) throw new KilnTypeError("'float' object cannot be interpreted as an integer");
}

/**
 * np.arange(stop), np.arange(start, stop, step = 1): `ceil((stop - start) / step)` values; int64
 * when every argument is whole, else float64. As NumPy, the first two values are made in the
 * target dtype and the rest continue their difference in that dtype's arithmetic, so
 * arange(0, 5, 1.5, {dtype: 'int64'}) is [0, 1, 2, 3] and float32 ranges round as NumPy's do.
 */
export function arange(stop: number, options?: DTypeOption): NDArray;
export function arange(start: number, stop: number, options?: DTypeOption): NDArray;
export function arange(start: number, stop: number, step: number, options?: DTypeOption): NDArray;
export function arange(...args: (number | DTypeOption | undefined)[]): NDArray {
  const options = (typeof args[args.length - 1] === 'object' ? args.pop() : {}) as DTypeOption;
  const nums = args.filter((a): a is number => typeof a === 'number');
  const [start, stop, step] = nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
  if (step === 0) throw new ZeroDivisionError('division by zero');
  const delta = stop - start;
  const q = delta / step;
  let length: number;
  if (Number.isNaN(q)) throw new ValueError('arange: cannot compute length');
  if (!Number.isFinite(q) || q > Number.MAX_SAFE_INTEGER) throw new ValueError('Maximum allowed size exceeded');
  if (q === 0 && delta !== 0) length = Object.is(q, -0) ? 0 : 1; // (stop - start) / step underflowed
  else length = Math.max(0, Math.ceil(q));
  const dtype = dtypeOr(options, [start, stop, step].every(Number.isInteger) ? 'int64' : 'float64');
  // complex ranges are real ranges in the parts' precision (NumPy's complex fill has im = 0 here)
  if (isComplex(dtype)) return arange(start, stop, step, { dtype: complexPart(dtype) }).astype(dtype);
  if (dtype === 'bool' && length > 2) {
    throw new KilnTypeError('arange() is only supported for booleans when the result has at most length 2.');
  }
  const out = NDArray.empty([length], dtype);
  const first = [start, start + step].slice(0, length);
  // the first two values are Python numbers converted to the dtype
  const firstTwo = first.map((v) => {
    if (isInteger(dtype) && Number.isFinite(v)) checkPyIntFits(Math.trunc(v), dtype);
    const cell = NDArray.empty([], dtype);
    writeElement(cell, 0, v);
    return readScalar(cell, 0) as number | boolean;
  });
  firstTwo.forEach((v, i) => writeElement(out, i, v));
  if (length > 2) fillArange(out, Number(firstTwo[0]), Number(firstTwo[1]), dtype);
  return out;
}

/** NumPy's fill: start + i * (second - first), in the dtype's own arithmetic. */
function fillArange(out: NDArray, a: number, b: number, dtype: DType): void {
  const n = out.size;
  const typed = out.storage.typed(dtype) as unknown as { [i: number]: number | bigint };
  if (dtype === 'float32' || dtype === 'float16') {
    // float32 arithmetic (NumPy computes float16 ranges in float32 too)
    const f = Math.fround;
    const d = f(b - a);
    const half = dtype === 'float16';
    for (let i = 2; i < n; i++) {
      const v = f(a + f(f(i) * d));
      typed[i] = half ? toHalfBits(v) : v;
    }
  } else if ((dtype === 'int64' || dtype === 'uint64') && Math.abs(a) + n * Math.abs(b - a) < 2 ** 53) {
    // exact in doubles: write the two 32-bit words of each value (BigInts would be slow)
    const words = out.storage.typed(dtype === 'int64' ? 'int32' : 'uint32') as unknown as { [i: number]: number };
    const d = b - a;
    for (let i = 2; i < n; i++) {
      const v = a + i * d;
      const high = Math.floor(v / 4294967296);
      words[2 * i] = v - high * 4294967296;
      words[2 * i + 1] = high;
    }
  } else if (dtype === 'int64' || dtype === 'uint64') {
    const d = BigInt(b) - BigInt(a);
    for (let i = 2; i < n; i++) typed[i] = BigInt(a) + BigInt(i) * d;
  } else {
    const d = b - a;
    for (let i = 2; i < n; i++) typed[i] = a + i * d; // typed arrays wrap integer values as C does
  }
}

export interface LinspaceOptions extends DTypeOption {
  endpoint?: boolean;
}

/** np.linspace(start, stop, num = 50, {endpoint, dtype}). */
export function linspace(start: number, stop: number, num = 50, options: LinspaceOptions = {}): NDArray {
  requireInt(num);
  if (num < 0) throw new ValueError(`Number of samples, ${num}, must be non-negative.`);
  const endpoint = options.endpoint ?? true;
  const div = endpoint ? num - 1 : num;
  const delta = stop - start;
  const step = div > 0 ? delta / div : NaN;
  const values = new Float64Array(num);
  for (let i = 0; i < num; i++) {
    values[i] = div > 0 ? (step === 0 ? (i / div) * delta : i * step) + start : i * delta + start;
  }
  if (endpoint && num > 1) values[num - 1] = stop;
  const dtype = dtypeOr(options, 'float64');
  const result = new NDArray(new Storage(values.buffer), 'float64', [num], [1], 0, null);
  if (dtype === 'float64') return result;
  return (isInteger(dtype) ? uf.floor(result) : result).astype(dtype);
}

export interface EyeOptions extends DTypeOption {
  /** Diagonal offset: positive above the main diagonal, negative below. */
  k?: number;
}

/** np.eye(N, M = N, {k, dtype}). */
export function eye(N: number, M?: number | null | EyeOptions, options: EyeOptions = {}): NDArray {
  if (typeof M === 'object' && M !== null) {
    options = M;
    M = undefined;
  }
  const cols = M ?? N;
  const k = options.k ?? 0;
  requireInt(N);
  requireInt(cols);
  requireInt(k);
  const out = zeros([N, cols], options);
  for (let i = Math.max(0, -k); i < N && i + k < cols; i++) writeElement(out, i * cols + i + k, 1);
  return out;
}

/** np.identity(n, {dtype}). */
export function identity(n: number, options: DTypeOption = {}): NDArray {
  return eye(n, n, options);
}

/** np.diag: the k-th diagonal of a 2-D array, or a 2-D array with a 1-D array on its k-th diagonal. */
export function diag(v: ArrayLike, k = 0): NDArray {
  const x = asarray(v);
  if (x.ndim === 1) {
    const n = x.shape[0]! + Math.abs(k);
    const out = zeros([n, n], { dtype: x.dtype });
    for (let i = 0; i < x.shape[0]!; i++) {
      const row = k >= 0 ? i : i - k;
      const col = k >= 0 ? i + k : i;
      writeElement(out, row * n + col, readScalar(x, x.offset + i * x.elementStrides[0]!));
    }
    return out;
  }
  if (x.ndim !== 2) throw new ValueError('Input must be 1- or 2-d.');
  const [rows, cols] = x.shape as [number, number];
  const start = k >= 0 ? x.offset + k * x.elementStrides[1]! : x.offset - k * x.elementStrides[0]!;
  const len = Math.max(0, k >= 0 ? Math.min(rows, cols - k) : Math.min(rows + k, cols));
  return x.makeView([len], [x.elementStrides[0]! + x.elementStrides[1]!], len === 0 ? x.offset : start).copy();
}

/** np.tri(N, M = N, {k, dtype}): ones at and below the k-th diagonal. */
export function tri(N: number, M?: number | null | EyeOptions, options: EyeOptions = {}): NDArray {
  if (typeof M === 'object' && M !== null) {
    options = M;
    M = undefined;
  }
  const cols = M ?? N;
  const k = options.k ?? 0;
  const rows = arange(N).reshape(N, 1);
  const colsIdx = arange(cols).reshape(1, cols);
  return uf.greaterEqual(uf.add(rows, k), colsIdx).astype(dtypeOr(options, 'float64'));
}

function triMask(x: NDArray, k: number, lower: boolean): NDArray {
  // NumPy takes the mask's shape from the last two axes; a 1-D input gives a square mask
  if (x.ndim === 0) throw new KilnTypeError("tri() missing 1 required positional argument: 'N'");
  const [n, m] = (x.ndim === 1 ? [x.shape[0], x.shape[0]] : x.shape.slice(-2)) as [number, number];
  const mask = tri(n, m, { k: lower ? k : k - 1, dtype: 'bool' });
  return lower ? mask : uf.logicalNot(mask);
}

/** np.tril: zeros above the k-th diagonal (on the last two axes). */
export function tril(m: ArrayLike, k = 0): NDArray {
  const x = asarray(m);
  return uf.where(triMask(x, k, true), x, scalarArray(0, x.dtype));
}

/** np.triu: zeros below the k-th diagonal (on the last two axes). */
export function triu(m: ArrayLike, k = 0): NDArray {
  const x = asarray(m);
  return uf.where(triMask(x, k, false), x, scalarArray(0, x.dtype));
}

export interface MeshgridOptions {
  /** 'xy' (Cartesian, the default) or 'ij' (matrix) indexing. */
  indexing?: 'xy' | 'ij';
}

/** np.meshgrid(x1, x2, ..., {indexing}): coordinate matrices (copies). */
export function meshgrid(...args: (ArrayLike | MeshgridOptions)[]): NDArray[] {
  const last = args[args.length - 1];
  const options: MeshgridOptions =
    last !== undefined && typeof last === 'object' && !Array.isArray(last) && !(last instanceof NDArray) && !ArrayBuffer.isView(last)
      ? (args.pop() as MeshgridOptions)
      : {};
  const indexing = options.indexing ?? 'xy';
  if (indexing !== 'xy' && indexing !== 'ij') throw new ValueError("Valid values for `indexing` are 'xy' and 'ij'.");
  const xs = (args as ArrayLike[]).map((a) => asarray(a).ravel());
  const ndim = xs.length;
  const shape = xs.map((x) => x.size);
  if (indexing === 'xy' && ndim > 1) [shape[0], shape[1]] = [shape[1]!, shape[0]!];
  return xs.map((x, i) => {
    const s = new Array<number>(ndim).fill(1);
    let axis = i;
    if (indexing === 'xy' && ndim > 1 && i < 2) axis = 1 - i;
    s[axis] = x.size;
    return x.reshape(s).broadcastTo(shape).copy();
  });
}
