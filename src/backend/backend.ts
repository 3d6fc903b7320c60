/**
 * The Backend interface: the only way ops reach kernels. Each device has one backend; a view's
 * storage names its device, and `backendFor` finds the backend that runs kernels on it. The
 * WebGPU backend will implement the same interface.
 */
import type { DType } from '../core/dtype.js';
import type { ElementwiseOp } from '../core/elementwise-ops.js';
import type { Device, Storage } from '../core/storage.js';
import type { View } from '../core/view.js';

export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin' | 'any' | 'all';
export type ScanOp = 'cumsum' | 'cumprod';

export interface Backend {
  readonly device: Device;
  /** A name for humans: which kernels are active ('cpu-js' for the TypeScript kernels). */
  readonly name: string;
  allocate(dtype: DType, size: number): Storage;
  /**
   * out = op(...inputs), elementwise. Inputs are already broadcast to out's shape (0 strides);
   * `loop` is the dtype the arithmetic happens in; the result is cast to out's dtype.
   */
  elementwise(op: ElementwiseOp, inputs: readonly View[], out: View, loop: DType): void;
  /**
   * Reduces `x` over the trailing `reduceNdim` axes (callers move the reduced axes last) into
   * `out`, whose shape is x's leading axes. Arg-reductions store the flat index within the
   * reduced block.
   */
  reduce(op: ReduceOp, x: View, reduceNdim: number, out: View): void;
  /** Inclusive scan along the last axis of x into out (same shape). */
  scan(op: ScanOp, x: View, out: View): void;
  /** Batched matrix product: a (..., n, k) @ b (..., k, m) -> out (..., n, m); batch axes already broadcast. */
  matmul(a: View, b: View, out: View): void;
  /** Stable sort along the last axis: writes sorted values to `values` and/or source positions to `indices`. */
  sort(x: View, values: View | null, indices: View | null): void;
}

const backends = new Map<Device, Backend>();

export function registerBackend(backend: Backend): void {
  backends.set(backend.device, backend);
}

export function backendFor(view: { readonly storage: Storage }): Backend {
  const b = backends.get(view.storage.device);
  if (!b) throw new Error(`no backend is registered for device '${view.storage.device}'`);
  return b;
}

export function backendForDevice(device: Device): Backend {
  const b = backends.get(device);
  if (!b) throw new Error(`no backend is registered for device '${device}'`);
  return b;
}
