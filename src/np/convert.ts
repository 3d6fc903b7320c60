/**
 * Turning JS values into NDArrays (np.array / np.asarray): nested arrays, scalars, typed arrays.
 * A JS number is a Python int when it is whole (below 2**64) and a Python float otherwise, so
 * `[1, 2.5]` gives float64, `[1, 2]` int64 and `[true, false]` bool, as NumPy infers them. A
 * complex number (`np.complex(1, 2)`, or any `{ re, im }` object) is a Python complex: `[1,
 * np.complex(0, 1)]` gives complex128.
 */
import { type ComplexLike, isComplexLike } from '../core/complex.js';
import {
  type DType, type DTypeLike, checkPyIntFits, integerRange, isComplex, isInteger, pyIntDType, resultType, toNumpyDType, weakKind,
} from '../core/dtype.js';
import { KilnTypeError, OverflowError, ValueError } from '../core/errors.js';
import { contiguousStrides } from '../core/shape.js';
import { Storage } from '../core/storage.js';
import { backendFor } from '../backend/backend.js';
import { ELEMENTWISE } from '../core/elementwise-ops.js';
import { NDArray, type ArrayLike } from './ndarray.js';
import { complexToRealError, writeElement } from './elements.js';
import { toHalfBits } from '../core/float16.js';
import { toBfloat16Bits } from '../core/bfloat16.js';

const TYPED_DTYPES: [new (...a: never[]) => ArrayBufferView, DType][] = [
  [Float64Array, 'float64'], [Float32Array, 'float32'], [Int8Array, 'int8'], [Uint8Array, 'uint8'],
  [Uint8ClampedArray, 'uint8'], [Int16Array, 'int16'], [Uint16Array, 'uint16'], [Int32Array, 'int32'],
  [Uint32Array, 'uint32'], [BigInt64Array, 'int64'], [BigUint64Array, 'uint64'],
];

export interface ArrayOptions {
  dtype?: DTypeLike;
}

/** np.array: always a new array. */
export function array(data: ArrayLike, options: ArrayOptions = {}): NDArray {
  const dtype = options.dtype === undefined ? undefined : toNumpyDType(options.dtype);
  if (data instanceof NDArray) return data.astype(dtype ?? data.dtype);
  return fromJS(data, dtype);
}

/** np.asarray: the same array when it already has the dtype asked for, else a conversion. */
export function asarray(data: ArrayLike, options: ArrayOptions = {}): NDArray {
  if (data instanceof NDArray) {
    return options.dtype === undefined ? data : data.astype(options.dtype, { copy: false });
  }
  return array(data, options);
}

function fromJS(data: Exclude<ArrayLike, NDArray>, dtype: DType | undefined): NDArray {
  if (ArrayBuffer.isView(data)) {
    const entry = TYPED_DTYPES.find(([ctor]) => data instanceof ctor);
    if (!entry) throw new KilnTypeError(`cannot make an array from ${data.constructor.name}`);
    const length = (data as unknown as { length: number }).length;
    const storage = new Storage(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    const view = new NDArray(storage, entry[1], [length], [1], 0, null);
    return dtype && dtype !== entry[1] ? view.astype(dtype) : view;
  }
  const shape: number[] = [];
  let probe: unknown = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  if (probe instanceof NDArray) shape.push(...probe.shape);
  // scalars in C order; nested arrays sit at their first element's position
  const flat: (number | boolean | bigint | ComplexLike)[] = [];
  const nested: [number, NDArray][] = [];
  // each element's own dtype: Python scalars take NumPy's defaults, arrays keep theirs
  const found = new Set<DType>();
  const walk = (x: unknown, depth: number): void => {
    if (depth < shape.length && !(x instanceof NDArray)) {
      if (!Array.isArray(x) || x.length !== shape[depth]) inhomogeneous(depth);
      for (const item of x as unknown[]) walk(item, depth + 1);
      return;
    }
    if (x instanceof NDArray) {
      if (x.ndim !== shape.length - depth || x.shape.some((d, i) => d !== shape[depth + i])) inhomogeneous(depth);
      found.add(x.dtype);
      nested.push([flat.length, x]);
      flat.length += x.size;
      return;
    }
    if (Array.isArray(x)) inhomogeneous(depth);
    found.add(scalarDType(x));
    flat.push(x as number | boolean | bigint | ComplexLike);
  };
  const inhomogeneous = (depth: number): never => {
    throw new ValueError(
      `setting an array element with a sequence. The requested array has an inhomogeneous shape after ${depth} dimensions. The detected shape was (${shape.slice(0, depth).join(', ')}${depth === 1 ? ',' : ''}) + inhomogeneous part.`,
    );
  };
  walk(data, 0);
  const target = dtype ?? (found.size > 0 ? resultType(...found) : 'float64');
  const out = NDArray.empty(shape, target);
  writeScalars(out, flat);
  for (const [at, x] of nested) copyInto(out.makeView(x.shape, contiguousStrides(x.shape), at), x);
  return out;
}

/**
 * Stores Python scalars (C order; holes are nested arrays' places) into a fresh contiguous array
 * with NumPy's casts, straight into its typed array: per-element BigInts would be slow for
 * int64, the default integer type.
 */
function writeScalars(out: NDArray, flat: readonly (number | boolean | bigint | ComplexLike | undefined)[]): void {
  const d = out.dtype;
  if (isComplex(d)) {
    const parts = out.storage.typed(d) as Float32Array | Float64Array;
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i];
      if (v === undefined) continue;
      if (typeof v === 'object') {
        parts[2 * i] = v.re;
        parts[2 * i + 1] = v.im;
      } else parts[2 * i] = Number(v);
    }
    return;
  }
  // Python's float(), int() refuse a complex number; bool() takes its truth
  if (d !== 'bool' && flat.some((v) => typeof v === 'object')) throw complexToRealError(d);
  const check = isInteger(d);
  const [lo, hi] = check ? integerRange(d) : [0, 0];
  const fits = (v: number | bigint): void => {
    if (typeof v === 'bigint') checkPyIntFits(v, d);
    else if (!(v >= lo && v <= hi && Math.abs(v) < 2 ** 53)) checkIntegerElement(v, d);
  };
  if (d === 'int64' || d === 'uint64') {
    const big = out.storage.typed(d) as BigInt64Array | BigUint64Array;
    const words = out.storage.typed(d === 'int64' ? 'int32' : 'uint32') as Int32Array | Uint32Array;
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i];
      if (v === undefined || typeof v === 'object') continue;
      if (typeof v === 'bigint') {
        fits(v);
        big[i] = v;
        continue;
      }
      const n = typeof v === 'boolean' ? Number(v) : v;
      fits(n);
      const t = Math.trunc(n);
      const high = Math.floor(t / 4294967296); // exact: the words of a whole double
      words[2 * i] = t - high * 4294967296;
      words[2 * i + 1] = high;
    }
    return;
  }
  const typed = out.storage.typed(d) as unknown as { [i: number]: number };
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (v === undefined) continue;
    if (typeof v === 'object') typed[i] = v.re !== 0 || v.im !== 0 ? 1 : 0; // only bool gets here
    else if (d === 'bool') typed[i] = v !== 0 && v !== false && v !== 0n ? 1 : 0;
    else if (d === 'float16') typed[i] = toHalfBits(Number(v));
    else if (d === 'bfloat16') typed[i] = toBfloat16Bits(Number(v));
    else {
      if (check && typeof v !== 'boolean') fits(v);
      typed[i] = Number(v); // stores into integer arrays truncate, as Python's int() does
    }
  }
}

/** The dtype NumPy discovers for a Python scalar inside a list. */
function scalarDType(x: unknown): DType {
  if (typeof x === 'boolean') return 'bool';
  if (typeof x === 'number' && Number.isSafeInteger(x)) return 'int64'; // the common case, quickly
  if (isComplexLike(x)) return 'complex128';
  if (typeof x === 'number' || typeof x === 'bigint') {
    if (weakKind(x) === 'float') return 'float64';
    const d = pyIntDType(x);
    // NumPy would make an object array, which kiln does not have
    if (!d) throw new OverflowError('Python int too large to convert to C long');
    return d;
  }
  throw new KilnTypeError(`cannot make an array from a ${x === null ? 'null' : typeof x} element`);
}

/**
 * NumPy's errors for a Python number stored into an integer array: an int must fit (NEP 50); a
 * float is truncated, then must fit; nan and inf have no integer value.
 */
function checkIntegerElement(v: number | bigint, d: DType): void {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new ValueError('cannot convert float NaN to integer');
    if (!Number.isFinite(v)) throw new OverflowError('cannot convert float infinity to integer');
    checkPyIntFits(Math.trunc(v), d);
    return;
  }
  checkPyIntFits(v, d);
}

/** A 0-d array of `dtype` holding a scalar, cast as NumPy casts it. */
export function scalarArray(value: number | boolean | bigint | ComplexLike, dtype: DType): NDArray {
  const out = NDArray.empty([], dtype);
  writeElement(out, 0, value);
  return out;
}

/** Copies `src` (already broadcastable to dst) into dst with a cast. */
export function copyInto(dst: NDArray, src: NDArray): void {
  backendFor(dst).elementwise(ELEMENTWISE.copy, [src.broadcastTo(dst.shape)], dst, src.dtype);
}
