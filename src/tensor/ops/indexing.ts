/** Tensor indexing, gather, scatter, indexSelect. (Stub: being written.) */
import type { Index } from '../../np/indexing.js';
import type { Tensor } from '../tensor.js';
import type { Scalar, TensorLike } from '../types.js';

/** NDArray's index notation, with Tensors allowed where NDArrays are. */
export type TensorIndex = Index | Tensor | readonly unknown[];

const todo = (name: string): never => {
  throw new Error(`${name} is not implemented yet`);
};

export function get(x: Tensor, index: TensorIndex): Tensor { return todo(`get(${String(index)}) on ${x.shape}`); }
export function set<T extends Tensor>(x: T, index: TensorIndex, value: TensorLike): T { return todo(`set(${String(index)}, ${String(value)}) on ${x.shape}`); }
export function gather(x: Tensor, dim: number, index: Tensor): Tensor { return todo(`gather(${dim}, ${index.shape}) on ${x.shape}`); }
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | Scalar): Tensor { return todo(`scatter(${dim}, ${index.shape}, ${String(src)}) on ${x.shape}`); }
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor { return todo(`indexSelect(${dim}, ${index.shape}) on ${x.shape}`); }
