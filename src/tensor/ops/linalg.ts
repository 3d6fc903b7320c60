/** Matrix products for tensors. (Stub: being written.) */
import type { Tensor } from '../tensor.js';

const todo = (name: string): never => {
  throw new Error(`${name} is not implemented yet`);
};

export function matmul(a: Tensor, b: Tensor): Tensor { return todo(`matmul ${a.shape} ${b.shape}`); }
export function mm(a: Tensor, b: Tensor): Tensor { return todo(`mm ${a.shape} ${b.shape}`); }
export function bmm(a: Tensor, b: Tensor): Tensor { return todo(`bmm ${a.shape} ${b.shape}`); }
export function mv(a: Tensor, b: Tensor): Tensor { return todo(`mv ${a.shape} ${b.shape}`); }
export function dot(a: Tensor, b: Tensor): Tensor { return todo(`dot ${a.shape} ${b.shape}`); }
export function outer(a: Tensor, b: Tensor): Tensor { return todo(`outer ${a.shape} ${b.shape}`); }
