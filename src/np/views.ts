/** Function forms of NDArray's view methods (np.reshape, np.transpose, ...) and memory queries. */
import { broadcastShapes } from '../core/shape.js';
import type { NDArray, ArrayLike } from './ndarray.js';
import { asarray } from './convert.js';

/** Byte range [lo, hi] of storage an array's elements can touch. */
function extent(a: NDArray): [number, number] {
  let lo = a.offset;
  let hi = a.offset;
  a.shape.forEach((d, i) => {
    const s = a.elementStrides[i]! * (d - 1);
    if (s < 0) lo += s;
    else hi += s;
  });
  return [lo * a.itemsize, (hi + 1) * a.itemsize - 1];
}

/** Whether two arrays can touch the same memory (same storage, overlapping byte ranges). */
export function mayShareMemory(a: NDArray, b: NDArray): boolean {
  if (a.storage !== b.storage || a.size === 0 || b.size === 0) return false;
  const [alo, ahi] = extent(a);
  const [blo, bhi] = extent(b);
  return alo <= bhi && blo <= ahi;
}

/** Whether two arrays share at least one element's memory (exact for the views kiln makes). */
export function sharesMemory(a: NDArray, b: NDArray): boolean {
  if (!mayShareMemory(a, b)) return false;
  // exact test: collect the byte offsets of the smaller array and probe the other
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  const bytes = new Set<number>();
  const visit = (v: NDArray, fn: (byte: number) => boolean | void): boolean => {
    const idx = new Array<number>(v.ndim).fill(0);
    for (let k = 0; k < v.size; k++) {
      let off = v.offset;
      for (let d = 0; d < v.ndim; d++) off += idx[d]! * v.elementStrides[d]!;
      for (let byte = 0; byte < v.itemsize; byte++) if (fn(off * v.itemsize + byte)) return true;
      for (let d = v.ndim - 1; d >= 0; d--) {
        if (++idx[d]! < v.shape[d]!) break;
        idx[d] = 0;
      }
    }
    return false;
  };
  visit(small, (byte) => void bytes.add(byte));
  return visit(large, (byte) => bytes.has(byte));
}

export const reshape = (a: ArrayLike, shape: number | readonly number[]): NDArray => asarray(a).reshape(shape);
export const transpose = (a: ArrayLike, axes?: readonly number[]): NDArray => asarray(a).transpose(axes ?? []);
export const swapaxes = (a: ArrayLike, axis1: number, axis2: number): NDArray => asarray(a).swapaxes(axis1, axis2);
export const moveaxis = (a: ArrayLike, source: number | readonly number[], destination: number | readonly number[]): NDArray =>
  asarray(a).moveaxis(source, destination);
export const squeeze = (a: ArrayLike, axis?: number | readonly number[]): NDArray => asarray(a).squeeze(axis);
export const expandDims = (a: ArrayLike, axis: number | readonly number[]): NDArray => asarray(a).expandDims(axis);
export const ravel = (a: ArrayLike): NDArray => asarray(a).ravel();
export const copy = (a: ArrayLike): NDArray => asarray(a).copy();
export const broadcastTo = (a: ArrayLike, shape: number | readonly number[]): NDArray => asarray(a).broadcastTo(shape);

/** np.broadcast_arrays: views of every input at the common shape. */
export function broadcastArrays(...arrays: ArrayLike[]): NDArray[] {
  const xs = arrays.map((a) => asarray(a));
  const shape = broadcastShapes(...xs.map((x) => x.shape));
  return xs.map((x) => x.broadcastTo(shape));
}
