/**
 * Shapes results the way NumPy's samplers do: no size gives a JS scalar, a size gives an array
 * filled in C order, one draw per element.
 */
import { toNumpyDType } from '../../core/dtype.js';
import { KilnTypeError } from '../../core/errors.js';
import { sizeOf, toShape } from '../../core/shape.js';
import { NDArray } from '../ndarray.js';
import { readElement } from '../elements.js';

/** NumPy's `size` argument: undefined for one scalar draw, else the output shape. */
export type Size = number | readonly number[] | undefined | null;

/** A list of indices (a JS array or a typed array). */
export type Indices = ArrayLike<number>;

export function shapeOf(size: number | readonly number[]): number[] {
  return toShape(size);
}

/** One double per element (or a JS number when size is undefined). */
export function fillDoubles(size: Size, draw: () => number): number | NDArray {
  if (size === undefined || size === null) return draw();
  const out = NDArray.empty(shapeOf(size), 'float64');
  const data = out.storage.typed('float64') as Float64Array;
  for (let i = 0; i < data.length; i++) data[i] = draw();
  return out;
}

/** float64 or float32 output; float32 samplers return values already rounded to float. */
export function fillFloats(
  size: Size, dtype: string | undefined, draw64: () => number, draw32: () => number, method: string,
): number | NDArray {
  const d = toNumpyDType(dtype ?? 'float64');
  if (d === 'float64') return fillDoubles(size, draw64);
  if (d === 'float32') {
    if (size === undefined || size === null) return draw32();
    const out = NDArray.empty(shapeOf(size), 'float32');
    const data = out.storage.typed('float32') as Float32Array;
    for (let i = 0; i < data.length; i++) data[i] = draw32();
    return out;
  }
  throw new KilnTypeError(`Unsupported dtype dtype('${d}') for ${method}`);
}

/** The elements of a view along axis 0 at `indices`, as a new array of shape indexShape + rest. */
export function takeRows(a: NDArray, indices: ArrayLike<number>, indexShape: readonly number[]): NDArray {
  const src = a.isContiguous ? a : a.copy();
  const rowShape = src.shape.slice(1);
  const rowSize = sizeOf(rowShape);
  const out = NDArray.empty([...indexShape, ...rowShape], src.dtype);
  const from = src.storage.typed(src.dtype);
  const to = out.storage.typed(out.dtype);
  const per = src.itemsize / from.BYTES_PER_ELEMENT; // typed-array entries per element: 2 for complex
  for (let i = 0; i < indices.length; i++) {
    const start = (src.offset + indices[i]! * rowSize) * per;
    to.set(from.subarray(start, start + rowSize * per) as never, i * rowSize * per);
  }
  return out;
}

/** An int64 array holding `values` (indices, which are always below 2^53). */
export function int64Array(values: ArrayLike<number>, shape: readonly number[]): NDArray {
  const out = NDArray.empty(shape, 'int64');
  const data = out.storage.typed('int64') as BigInt64Array;
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]!);
  return out;
}

/** Element offsets (relative to the row's start) of every element of one row along axis 0. */
export function rowOffsets(a: NDArray): number[] {
  const shape = a.shape.slice(1);
  const strides = a.elementStrides.slice(1);
  const offsets: number[] = [];
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < sizeOf(shape); k++) {
    let off = 0;
    for (let d = 0; d < shape.length; d++) off += idx[d]! * strides[d]!;
    offsets.push(off);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return offsets;
}

/** The element at flat position i of a 1-D view, as a JS value (booleans for bool arrays). */
export function elementAt(a: NDArray, i: number): number | boolean {
  return readElement(a, a.offset + i * (a.elementStrides[0] ?? 0));
}
