/**
 * The one data structure both faces hold: a strided view into a storage. Strides and offset are
 * counted in elements (NumPy's byte strides are derived from them), so kernels index typed arrays
 * directly.
 */
import type { DType } from './dtype.js';
import type { Storage } from './storage.js';

export interface View {
  readonly storage: Storage;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Element strides; 0 on broadcast axes; negative after a reversing slice. */
  readonly elementStrides: readonly number[];
  /** Element offset of the first element into the storage. */
  readonly offset: number;
}

/** A plain view record (NDArray and Tensor also satisfy View). */
export function makeView(
  storage: Storage, dtype: DType, shape: readonly number[], elementStrides: readonly number[], offset: number,
): View {
  return { storage, dtype, shape, elementStrides, offset };
}
