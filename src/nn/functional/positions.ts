/**
 * Gathering elements by C-order position and adding them back, as a recorded pair: each is the
 * other's gradient, so max pooling, nearest resampling and adaptive max pooling differentiate to
 * any order. (The same pair as the tensor face's indexing uses.)
 */
import { backendFor } from '../../backend/backend.js';
import { record } from '../../tensor/autograd/record.js';
import { Tensor } from '../../tensor/tensor.js';

/** x.flatten()[positions], shaped as positions. */
export function takeAt(x: Tensor, positions: Tensor, name: string): Tensor {
  const out = Tensor.empty(positions.shape, x.dtype);
  backendFor(x).take(x, positions, out);
  return record(out, name, [x], (g) => [addAt(g, positions, x.shape, 'TakeAdjoint')]);
}

/** zeros(shape) with src[k] added at positions[k] (repeated positions sum). */
export function addAt(src: Tensor, positions: Tensor, shape: readonly number[], name: string): Tensor {
  const out = Tensor.empty(shape, src.dtype);
  backendFor(out).put(src, positions, out, true);
  return record(out, name, [src], (g) => [takeAt(g, positions, 'PutAdjoint')]);
}

/** A positions tensor: int32 while the source is small enough, as the backend's fast path wants. */
export function positionsTensor(values: ArrayLike<number>, shape: readonly number[], sourceSize: number): Tensor {
  const big = sourceSize > 2 ** 31 - 1;
  const t = Tensor.empty(shape, big ? 'int64' : 'int32');
  const typed = t.storage.typed(t.dtype);
  if (typed instanceof Int32Array) typed.set(values);
  else for (let i = 0; i < values.length; i++) (typed as BigInt64Array)[i] = BigInt(values[i]!);
  return t;
}
