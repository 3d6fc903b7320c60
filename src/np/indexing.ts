/** NumPy indexing for NDArray.get / NDArray.set. (Stub: being written.) */
import type { NDArray, ArrayLike } from './ndarray.js';

/** One item of an index: an integer, a slice string (':', '1:3', '::-1'), null (new axis), '...', an integer array, or a boolean mask. */
export type IndexItem = number | string | null | readonly number[] | readonly boolean[] | NDArray;
/** A whole index: NumPy's notation as a string ('1:3, ::2'), a single item, or one item per axis. */
export type Index = string | number | NDArray | readonly IndexItem[];

export function getIndex(a: NDArray, index: Index): NDArray | number | boolean {
  throw new Error(`indexing is not implemented yet (${String(index)} on ${a.shape})`);
}

export function setIndex(a: NDArray, index: Index, value: ArrayLike): void {
  throw new Error(`indexing is not implemented yet (${String(index)} on ${a.shape} = ${String(value)})`);
}
