/**
 * What convolution, pooling, unfold and fold share: their size arguments (an int or one per
 * spatial axis), output sizes, the dtypes they accept, and batching of unbatched inputs.
 */
import type { Window2d } from '../../backend/backend.js';
import { torchTypeName } from '../../tensor/ops/pointwise.js';
import { squeeze, unsqueeze } from '../../tensor/ops/shape.js';
import type { Tensor } from '../../tensor/tensor.js';

/** A size given once for every spatial axis or per axis (PyTorch's int-or-tuple arguments). */
export type Size2 = number | readonly number[];

/** `v` as one number per spatial axis; `message` says why a list of the wrong length is refused. */
export function perAxis(v: Size2, n: number, message: () => string): number[] {
  if (typeof v === 'number') return new Array<number>(n).fill(v);
  if (v.length === 1) return new Array<number>(n).fill(v[0]!);
  if (v.length !== n) throw new Error(message());
  return [...v];
}

/** A 1-D op's sizes as the 2-D ones it runs as (height 1, unit stride and dilation along it). */
export function asPair(v: readonly number[], fill: number): [number, number] {
  return v.length === 1 ? [fill, v[0]!] : [v[0]!, v[1]!];
}

/** The backend's 2-D window from per-axis sizes (one entry each for 1-D ops). */
export function window(kernel: readonly number[], stride: readonly number[], padding: readonly number[], dilation: readonly number[]): Window2d {
  return {
    kernel: asPair(kernel, 1), stride: asPair(stride, 1), padding: asPair(padding, 0), dilation: asPair(dilation, 1),
  };
}

/** Output length of a sliding window (PyTorch's pooling_output_shape), with ceilMode's rule. */
export function slidingOutput(size: number, kernel: number, stride: number, padLeft: number, padRight: number, dilation: number, ceilMode = false): number {
  const span = size + padLeft + padRight - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
  let out = Math.floor(span / stride) + 1;
  // with ceilMode the last window must start inside the input or its left padding
  if (ceilMode && (out - 1) * stride >= size + padLeft) out--;
  return out;
}

/** PyTorch's "not implemented for 'Half'" refusal of dtypes a kernel has no loop for. */
export function refuseDtype(x: Tensor, kernel: string, accepted: (d: Tensor['dtype']) => boolean): void {
  if (!accepted(x.dtype)) throw new Error(`"${kernel}" not implemented for '${torchTypeName(x.dtype)}'`);
}

/** The float dtypes PyTorch 1.13's CPU window kernels have loops for: not float16 ('Half'), but bfloat16. */
export const isFloat = (d: Tensor['dtype']): boolean => d === 'float32' || d === 'float64' || d === 'bfloat16';

/** Real dtypes whose values the unfold/fold kernels and matmul handle (not float16, bool, complex). */
export const isConvDtype = (d: Tensor['dtype']): boolean => isFloat(d) || ['int8', 'uint8', 'int16', 'int32', 'int64'].includes(d);

/**
 * Runs `fn` on x with a batch axis: unbatched inputs (one dim fewer than `batchedDims`) gain one
 * and lose it again on every tensor the op returns.
 */
export function withBatch<T extends Tensor | Tensor[]>(x: Tensor, batchedDims: number, fn: (batched: Tensor) => T): T {
  if (x.ndim === batchedDims) return fn(x);
  const out = fn(unsqueeze(x, 0));
  return (Array.isArray(out) ? out.map((t) => squeeze(t, 0)) : squeeze(out as Tensor, 0)) as T;
}

/** PyTorch prints sizes as `[2, 3, 5]` in messages. */
export const showShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
