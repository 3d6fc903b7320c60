/**
 * Turning JS values into NDArrays (np.array / np.asarray): nested arrays, scalars, typed arrays.
 * A JS number is a Python int when it is whole and a Python float otherwise, so `[1, 2.5]` gives
 * float64, `[1, 2]` int64 and `[true, false]` bool, as NumPy infers them.
 */
import { type DType, type DTypeLike, toDType } from '../core/dtype.js';
import { KilnTypeError, ValueError } from '../core/errors.js';
import { Storage } from '../core/storage.js';
import { backendFor } from '../backend/backend.js';
import { ELEMENTWISE } from '../core/elementwise-ops.js';
import { NDArray, type ArrayLike } from './ndarray.js';
import { writeElement } from './elements.js';

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
  const dtype = options.dtype === undefined ? undefined : toDType(options.dtype);
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
  const flat: (number | boolean | bigint)[] = [];
  let kind = 'none' as 'bool' | 'int' | 'float' | 'none';
  let nestedDtype: DType | undefined;
  const walk = (x: unknown, depth: number): void => {
    if (depth < shape.length && !(x instanceof NDArray)) {
      if (!Array.isArray(x) || x.length !== shape[depth]) inhomogeneous(depth);
      for (const item of x as unknown[]) walk(item, depth + 1);
      return;
    }
    if (x instanceof NDArray) {
      if (x.ndim !== shape.length - depth || x.shape.some((d, i) => d !== shape[depth + i])) inhomogeneous(depth);
      nestedDtype = nestedDtype ? (nestedDtype === x.dtype ? nestedDtype : undefined) : x.dtype;
      for (const v of x.toArray()) addScalar(v);
      return;
    }
    if (Array.isArray(x)) inhomogeneous(depth);
    addScalar(x);
  };
  const addScalar = (x: unknown): void => {
    if (typeof x === 'boolean') {
      if (kind === 'none') kind = 'bool';
    } else if (typeof x === 'bigint') {
      if (kind === 'none' || kind === 'bool') kind = 'int';
    } else if (typeof x === 'number') {
      if (Number.isInteger(x)) {
        if (kind === 'none' || kind === 'bool') kind = 'int';
      } else kind = 'float';
    } else {
      throw new KilnTypeError(`cannot make an array from a ${x === null ? 'null' : typeof x} element`);
    }
    flat.push(x as number | boolean | bigint);
  };
  const inhomogeneous = (depth: number): never => {
    throw new ValueError(
      `setting an array element with a sequence. The requested array has an inhomogeneous shape after ${depth} dimensions. The detected shape was (${shape.slice(0, depth).join(', ')}${depth === 1 ? ',' : ''}) + inhomogeneous part.`,
    );
  };
  walk(data, 0);
  const inferred: DType = kind === 'bool' ? 'bool' : kind === 'int' ? 'int64' : 'float64';
  const target = dtype ?? (nestedDtype && kind !== 'float' ? nestedDtype : inferred);
  const out = NDArray.empty(shape, target);
  for (let i = 0; i < flat.length; i++) writeElement(out, i, flat[i]!);
  return out;
}

/** A 0-d array of `dtype` holding a scalar, cast as NumPy casts it. */
export function scalarArray(value: number | boolean | bigint, dtype: DType): NDArray {
  const out = NDArray.empty([], dtype);
  writeElement(out, 0, value);
  return out;
}

/** Copies `src` (already broadcastable to dst) into dst with a cast. */
export function copyInto(dst: NDArray, src: NDArray): void {
  backendFor(dst).elementwise(ELEMENTWISE.copy, [src.broadcastTo(dst.shape)], dst, src.dtype);
}
