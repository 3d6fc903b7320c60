/**
 * Gathering elements by C-order position and adding them back, as a recorded pair: each is the
 * other's gradient, so everything built on them (indexing, gather, index_select, max pooling,
 * nearest resampling) differentiates to any order.
 */
import { backendFor } from '../../backend/backend.js';
import type { DType } from '../../core/dtype.js';
import { record } from '../autograd/record.js';
import { allocTensor } from '../alloc.js';
import { Tensor } from '../tensor.js';

/** Positions as a tensor for the backend: int32 (no BigInt per element) unless the source is huge. */
export function positionsTensor(values: ArrayLike<number>, shape: readonly number[], sourceSize: number): Tensor {
  const dtype: DType = sourceSize <= 2 ** 31 - 1 ? 'int32' : 'int64';
  const t = Tensor.empty(shape, dtype);
  const typed = t.storage.typed(dtype);
  if (typed instanceof Int32Array) typed.set(values);
  else for (let i = 0; i < values.length; i++) (typed as BigInt64Array)[i] = BigInt(values[i]!);
  return t;
}

/** x.flatten()[positions], shaped as positions. Its gradient adds back into x's shape. */
export function takeAt(x: Tensor, positions: Tensor, name = 'TakeBackward0'): Tensor {
  const out = allocTensor(positions.shape, x.dtype);
  backendFor(x).take(x, positions, out);
  return record(out, name, [x], (g) => [addAt(g, positions, x.shape)]);
}

/** zeros(shape) with src[k] added at positions[k] (repeats sum): the adjoint of takeAt. */
export function addAt(src: Tensor, positions: Tensor, shape: readonly number[], name = 'PutBackward0'): Tensor {
  const out = Tensor.empty(shape, src.dtype); // zeroed: put adds into it
  backendFor(out).put(src, positions, out, true);
  return record(out, name, [src], (g) => [takeAt(g, positions)]);
}
