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

/**
 * A sliding window over the last two axes of an (N, C, H, W) view, as convolution and pooling use
 * it (1-D ops pass H = 1). Output cell (y, x) covers input cells
 * (y * stride[0] - padding[0] + i * dilation[0], x * stride[1] - padding[1] + j * dilation[1]) for
 * i < kernel[0], j < kernel[1]; cells outside the input are padding. The output's spatial size is
 * the out view's, so windows may run past the input on either side (asymmetric 'same' padding,
 * ceilMode).
 */
export interface Window2d {
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
}

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
  /**
   * Softmax, or log-softmax with `log`, along the last axis of x (float32 or float64) into out
   * (same shape and dtype; callers move the axis last), as PyTorch's kernels compute it.
   */
  softmax(x: View, out: View, log: boolean): void;
  /** Inclusive scan along the last axis of x into out (same shape). */
  scan(op: ScanOp, x: View, out: View): void;
  /** Batched matrix product: a (..., n, k) @ b (..., k, m) -> out (..., n, m); batch axes already broadcast. */
  matmul(a: View, b: View, out: View): void;
  /** Stable sort along the last axis: writes sorted values to `values` and/or source positions to `indices`. */
  sort(x: View, values: View | null, indices: View | null): void;
  /**
   * out[k] = the element of x numbered positions[k] in C order (x.flatten()[p], for strided x
   * too); positions (an int32 or int64 view, in range) has out's shape, out has x's dtype.
   * Indexing, gather, indexSelect and take all reduce to this.
   */
  take(x: View, positions: View, out: View): void;
  /**
   * The adjoint of take: writes src[k] to the element of out numbered positions[k] in C order,
   * or adds it when `accumulate` (repeated positions then sum; without it the last one wins).
   * src has positions' shape (0 strides allowed) and out's dtype.
   */
  put(src: View, positions: View, out: View, accumulate: boolean): void;
  /**
   * im2col: out (N, C, kh, kw, oh, ow)[n, c, i, j, y, x] = the input cell of x (N, C, H, W) that
   * window cell (i, j) of output cell (y, x) covers, or 0 in the padding. Same dtype; any strides.
   */
  unfold(x: View, out: View, window: Window2d): void;
  /**
   * col2im, unfold's adjoint: out (N, C, H, W) = the sum, over every window cell, of cols
   * (N, C, kh, kw, oh, ow) at the input cell it covers (cells in the padding are dropped).
   * Overwrites out.
   */
  fold(cols: View, out: View, window: Window2d): void;
  /**
   * Max pooling of x (N, C, H, W) into out (N, C, oh, ow), skipping the padding, as PyTorch's CPU
   * kernel: NaN wins, ties keep the first cell. `positions` (int32 or int64, out's shape) gets the
   * C-order element number in x of each maximum, so take/put give the gradients.
   */
  maxPool(x: View, out: View, positions: View, window: Window2d): void;
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
