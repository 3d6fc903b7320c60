/**
 * Pooling: max (a kernel that also finds where each maximum is, so take/put give the gradient),
 * average (im2col, a sum over the window and PyTorch's divisor), and adaptive average and max
 * pooling (windows [floor(i * n / out), ceil((i + 1) * n / out)), as averaging matrices and as a
 * gather). 1-D pooling runs as 2-D pooling of height 1.
 */
import type { Window2d } from '../../backend/backend.js';
import { backendFor } from '../../backend/backend.js';
import { record } from '../../tensor/autograd/record.js';
import { tensor } from '../../tensor/creation.js';
import { matmul } from '../../tensor/ops/linalg.js';
import { div, remainder, to } from '../../tensor/ops/pointwise.js';
import { max, sum } from '../../tensor/ops/reduce.js';
import { squeeze, transpose, unsqueeze } from '../../tensor/ops/shape.js';
import { gather } from '../../tensor/ops/indexing.js';
import { Tensor } from '../../tensor/tensor.js';
import { im2col } from './im2col.js';
import { addAt, positionsTensor, takeAt } from '../../tensor/ops/positions.js';
import { type Size2, isConvDtype, isFloat, refuseDtype, showShape, slidingOutput, window, withBatch } from './window.js';

export interface MaxPoolOptions {
  /** Defaults to kernelSize. */
  stride?: Size2 | null;
  padding?: Size2;
  dilation?: Size2;
  ceilMode?: boolean;
  /** Also return, per output cell, the flat index (h * W + w) of its maximum in its plane. */
  returnIndices?: boolean;
}

export interface AvgPoolOptions {
  stride?: Size2 | null;
  padding?: Size2;
  ceilMode?: boolean;
  /** Count the padding in the divisor (default true). */
  countIncludePad?: boolean;
}

export interface AvgPool2dOptions extends AvgPoolOptions {
  /** Divide every window's sum by this instead. */
  divisorOverride?: number | null;
}

// ---- arguments ----------------------------------------------------------------------------------

/** A pooling size argument with 1 or `dims` entries, else PyTorch's message for `arg`. */
function sizes(v: Size2, dims: number, message: (got: number) => string): number[] {
  if (typeof v === 'number') return new Array<number>(dims).fill(v);
  if (v.length !== 1 && v.length !== dims) throw new Error(message(v.length));
  return v.length === 1 ? new Array<number>(dims).fill(v[0]!) : [...v];
}

interface PoolArgs {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
}

/** PyTorch's messages for a size argument of the wrong length, which differ op by op. */
function lengthMessage(name: string, dims: number, arg: 'kernel_size' | 'stride' | 'padding' | 'dilation'): (got: number) => string {
  // (PyTorch's argument parser words the 1-D ops' messages)
  if (dims === 1) return (got) => `${name}() argument '${arg}' should contain one int (got ${got})`;
  const what = {
    kernel_size: 'must either be', stride: 'must either be omitted,', dilation: 'must be either',
    // (sic) PyTorch's max_pool2d says "must be either be"
    padding: name === 'max_pool2d' ? 'must be either be' : 'must either be',
  }[arg];
  return () => `${name}: ${arg} ${what} a single int, or a tuple of two ints`;
}

function poolArgs(name: string, dims: number, kernelSize: Size2, options: MaxPoolOptions): PoolArgs {
  const kernel = sizes(kernelSize, dims, lengthMessage(name, dims, 'kernel_size'));
  const given = options.stride;
  const noStride = given === undefined || given === null || (Array.isArray(given) && given.length === 0);
  const stride = noStride ? kernel : sizes(given, dims, lengthMessage(name, dims, 'stride'));
  const padding = sizes(options.padding ?? 0, dims, lengthMessage(name, dims, 'padding'));
  const dilation = sizes(options.dilation ?? 1, dims, lengthMessage(name, dims, 'dilation'));
  return { kernel, stride, padding, dilation };
}

/** The pooled size per axis, with pooling_output_shape's checks. */
function pooledSize(x: Tensor, dims: number, a: PoolArgs, ceilMode: boolean): number[] {
  const inSize = x.shape.slice(-dims);
  return inSize.map((n, i) => {
    const [k, s, p, d] = [a.kernel[i]!, a.stride[i]!, a.padding[i]!, a.dilation[i]!];
    if (s === 0) throw new Error('stride should not be zero');
    if (p < 0) throw new Error(`pad must be non-negative, but got pad: ${p}`);
    if (p > Math.floor(k / 2)) throw new Error(`pad should be at most half of kernel size, but got pad=${p} and kernel_size=${k}`);
    return slidingOutput(n, k, s, p, p, d, ceilMode);
  });
}

/** pool2d_shape_check: positive sizes and a non-empty output, in PyTorch's words. */
function checkPoolShape(x: Tensor, dims: number, a: PoolArgs, out: number[]): void {
  const two = (v: number[]): [number, number] => (dims === 1 ? [1, v[0]!] : [v[0]!, v[1]!]);
  const [kh, kw] = two(a.kernel);
  const [sh, sw] = two(a.stride);
  const [dh, dw] = two(a.dilation);
  if (kh <= 0 || kw <= 0) throw new Error(`kernel size should be greater than zero, but got kH: ${kh} kW: ${kw}`);
  if (sh <= 0 || sw <= 0) throw new Error(`stride should be greater than zero, but got dH: ${sh} dW: ${sw}`);
  if (dh <= 0 || dw <= 0) throw new Error(`dilation should be greater than zero, but got dilationH: ${dh} dilationW: ${dw}`);
  const [h, w] = two(x.shape.slice(-dims));
  const [oh, ow] = two(out);
  const planes = x.shape[x.ndim - dims - 1]!;
  if (oh < 1 || ow < 1) {
    throw new Error(`Given input size: (${planes}x${h}x${w}). Calculated output size: (${planes}x${oh}x${ow}). Output size is too small`);
  }
}

/** Inputs of pooling: (C, ...) or (N, C, ...) with non-empty non-batch axes. */
function checkPoolInput(name: string, x: Tensor, dims: number): void {
  const ok = x.ndim === dims + 1 || x.ndim === dims + 2;
  if (!ok) {
    if (dims === 2) throw new Error('non-empty 3D or 4D (batch mode) tensor expected for input');
    throw new Error(`${name}: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:${showShape(x.shape)}`);
  }
  if (x.shape.slice(-dims - 1).some((d) => d === 0)) {
    const what = dims === 2 ? '3D or 4D' : '2D or 3D';
    throw new Error(`Expected ${what} (batch mode) tensor with optional 0 dim batch size for input, but got:${showShape(x.shape)}`);
  }
}

/** A 1-D op's (N, C, L) input as (N, C, 1, L), and its result back. */
function asTall<T extends Tensor | Tensor[]>(dims: number, x: Tensor, fn: (x4: Tensor) => T): T {
  if (dims === 2) return fn(x);
  const out = fn(unsqueeze(x, 2));
  return (Array.isArray(out) ? out.map((t) => squeeze(t, 2)) : squeeze(out as Tensor, 2)) as T;
}

// ---- max pooling --------------------------------------------------------------------------------

/** Max pooling of x (N, C, H, W); the second result holds each maximum's position in x. */
function maxPoolPositions(x: Tensor, w: Window2d, outSize: readonly [number, number]): [Tensor, Tensor] {
  const [n, c] = x.shape as [number, number];
  const shape = [n, c, ...outSize];
  const out = Tensor.empty(shape, x.dtype);
  const positions = Tensor.empty(shape, x.numel() > 2 ** 31 - 1 ? 'int64' : 'int32');
  backendFor(x).maxPool(x, out, positions, w);
  record(out, 'MaxPool2DWithIndicesBackward0', [x], (g) => [addAt(g, positions, x.shape, 'MaxPool2DWithIndicesBackwardBackward0')]);
  return [out, positions];
}

/** Positions in x (N, C, H, W) as PyTorch's indices: the flat index within each (H, W) plane. */
function planeIndices(positions: Tensor, x: Tensor): Tensor {
  const [h, w] = x.shape.slice(-2) as [number, number];
  return remainder(to(positions, 'int64'), h * w);
}

function maxPoolNd(name: string, dims: 1 | 2, x: Tensor, kernelSize: Size2, options: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  const a = poolArgs(name, dims, kernelSize, options);
  checkPoolInput(name, x, dims);
  const out = pooledSize(x, dims, a, options.ceilMode ?? false);
  checkPoolShape(x, dims, a, out);
  refuseDtype(x, 'max_pool2d', isFloat);
  const w = window(a.kernel, a.stride, a.padding, a.dilation);
  const outSize: [number, number] = dims === 1 ? [1, out[0]!] : [out[0]!, out[1]!];
  const result = withBatch(x, dims + 2, (xb) => asTall(dims, xb, (x4) => {
    const [values, positions] = maxPoolPositions(x4, w, outSize);
    return options.returnIndices ? [values, planeIndices(positions, x4)] : [values];
  }));
  return options.returnIndices ? [result[0]!, result[1]!] : result[0]!;
}

/** torch.nn.functional.max_pool1d on (N, C, L) or (C, L); [values, indices] with returnIndices. */
export function maxPool1d(x: Tensor, kernelSize: Size2, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: Size2, options?: MaxPoolOptions): Tensor;
export function maxPool1d(x: Tensor, kernelSize: Size2, options: MaxPoolOptions = {}): Tensor | [Tensor, Tensor] {
  return maxPoolNd('max_pool1d', 1, x, kernelSize, options);
}

/** torch.nn.functional.max_pool2d on (N, C, H, W) or (C, H, W); [values, indices] with returnIndices. */
export function maxPool2d(x: Tensor, kernelSize: Size2, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: Size2, options?: MaxPoolOptions): Tensor;
export function maxPool2d(x: Tensor, kernelSize: Size2, options: MaxPoolOptions = {}): Tensor | [Tensor, Tensor] {
  return maxPoolNd('max_pool2d', 2, x, kernelSize, options);
}

// ---- average pooling ----------------------------------------------------------------------------

/**
 * The divisor of each window along one axis, as PyTorch counts it: the window clipped to the
 * padded input (countIncludePad) or to the input itself.
 */
function divisors(n: number, out: number, k: number, s: number, p: number, includePad: boolean): number[] {
  return Array.from({ length: out }, (_, i) => {
    const start = i * s - p;
    const end = Math.min(start + k, n + p);
    return includePad ? end - start : Math.min(end, n) - Math.max(start, 0);
  });
}

function avgPoolNd(name: string, dims: 1 | 2, x: Tensor, kernelSize: Size2, options: AvgPool2dOptions): Tensor {
  const a = poolArgs(name, dims, kernelSize, { ...options, dilation: 1 });
  const override = options.divisorOverride ?? null;
  if (override !== null && override === 0) throw new Error('divisor must be not zero');
  checkPoolInput(name, x, dims);
  const ceilMode = options.ceilMode ?? false;
  const out = pooledSize(x, dims, a, ceilMode);
  checkPoolShape(x, dims, a, out);
  refuseDtype(x, 'avg_pool2d', isConvDtype);
  const includePad = options.countIncludePad ?? true;
  const inSize = x.shape.slice(-dims);
  const perAxis = out.map((o, i) => divisors(inSize[i]!, o, a.kernel[i]!, a.stride[i]!, a.padding[i]!, includePad));
  const [dh, dw] = dims === 1 ? [[1], perAxis[0]!] : [perAxis[0]!, perAxis[1]!];
  const table = dh.flatMap((u) => dw.map((v) => override ?? u * v));
  const divisor = tensor(Float64Array.from(table), { dtype: x.dtype }).reshape([dh.length, dw.length]);
  const w = window(a.kernel, a.stride, a.padding, [1]);
  const outSize: [number, number] = [dh.length, dw.length];
  return withBatch(x, dims + 2, (xb) => asTall(dims, xb, (x4) => {
    const total = sum(im2col(x4, w, outSize), [2, 3]);
    // integer inputs divide as PyTorch's integer kernel does, truncating
    return isFloat(x.dtype) ? div(total, divisor) : to(div(total, divisor, { roundingMode: 'trunc' }), x.dtype);
  }));
}

/** torch.nn.functional.avg_pool1d on (N, C, L) or (C, L). */
export function avgPool1d(x: Tensor, kernelSize: Size2, options: AvgPoolOptions = {}): Tensor {
  if (x.ndim !== 2 && x.ndim !== 3) {
    throw new Error(`Expected 2 to 3 dimensions, but got ${x.ndim}-dimensional tensor for argument #1 'self' (while checking arguments for avg_pool1d)`);
  }
  return avgPoolNd('avg_pool1d', 1, x, kernelSize, options);
}

/** torch.nn.functional.avg_pool2d on (N, C, H, W) or (C, H, W). */
export function avgPool2d(x: Tensor, kernelSize: Size2, options: AvgPool2dOptions = {}): Tensor {
  return avgPoolNd('avg_pool2d', 2, x, kernelSize, options);
}

// ---- adaptive pooling ---------------------------------------------------------------------------

/** An output size: one number for every axis, or one per axis where null keeps the input's. */
export type AdaptiveSize = number | null | readonly (number | null)[];

/** Window i of `out` windows over n cells: [floor(i * n / out), ceil((i + 1) * n / out)). */
function adaptiveWindow(i: number, n: number, out: number): [number, number] {
  return [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)];
}

function adaptiveSizes(name: string, dims: number, x: Tensor, outputSize: AdaptiveSize): number[] {
  const list = outputSize === null || typeof outputSize === 'number' ? new Array(dims).fill(outputSize) : [...outputSize];
  if (list.length !== dims) throw new Error(`${name}: output_size must be ${dims}`);
  const sizes = list.map((s, i) => (s === null ? x.shape[x.ndim - dims + i]! : s));
  if (sizes.some((s) => s < 0)) {
    throw new Error(`${name}: elements of output_size must be greater than or equal to 0 but received {${sizes.join(', ')}}`);
  }
  if (x.ndim !== dims + 1 && x.ndim !== dims + 2) throw new Error(`${name}(): Expected ${dims + 1}D or ${dims + 2}D tensor, but got ${showShape(x.shape)}`);
  const empty = x.shape.findIndex((d, i) => i > 0 && d === 0);
  if (empty >= 0) {
    throw new Error(`${name}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${showShape(x.shape)} with dimension ${empty} being empty`);
  }
  return sizes;
}

/** The (out, n) matrix that averages each adaptive window, in `dtype`. */
function averagingMatrix(n: number, out: number, dtype: Tensor['dtype']): Tensor {
  const m = new Float64Array(out * n);
  for (let i = 0; i < out; i++) {
    const [start, end] = adaptiveWindow(i, n, out);
    for (let j = start; j < end; j++) m[i * n + j] = 1 / (end - start);
  }
  return tensor(m, { dtype }).reshape([out, n]);
}

/** torch.nn.functional.adaptive_avg_pool1d on (N, C, L) or (C, L). */
export function adaptiveAvgPool1d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  const [out] = adaptiveSizes('adaptive_avg_pool1d', 1, x, outputSize) as [number];
  refuseDtype(x, 'adaptive_avg_pool1d', isFloat);
  return matmul(x, transpose(averagingMatrix(x.shape[x.ndim - 1]!, out, x.dtype), 0, 1));
}

/** torch.nn.functional.adaptive_avg_pool2d on (N, C, H, W) or (C, H, W): Aₕ · x · Aᵥᵀ. */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  const [oh, ow] = adaptiveSizes('adaptive_avg_pool2d', 2, x, outputSize) as [number, number];
  refuseDtype(x, 'adaptive_avg_pool2d', isFloat);
  const [h, w] = x.shape.slice(-2) as [number, number];
  const rows = matmul(averagingMatrix(h, oh, x.dtype), x);
  return matmul(rows, transpose(averagingMatrix(w, ow, x.dtype), 0, 1));
}

/**
 * torch.nn.functional.adaptive_max_pool2d on (N, C, H, W) or (C, H, W). Every window is gathered
 * padded to the largest window by repeating its first cell (which leaves its maximum alone), then
 * reduced with max over the last axis.
 */
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, options: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, options?: { returnIndices?: boolean }): Tensor;
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, options: { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  const [oh, ow] = adaptiveSizes('adaptive_max_pool2d', 2, x, outputSize) as [number, number];
  refuseDtype(x, 'adaptive_max_pool2d', isFloat);
  const result = withBatch(x, 4, (xb) => {
    const [n, c, h, w] = xb.shape as [number, number, number, number];
    const rows = Array.from({ length: oh }, (_, i) => adaptiveWindow(i, h, oh));
    const cols = Array.from({ length: ow }, (_, j) => adaptiveWindow(j, w, ow));
    const kh = Math.max(1, ...rows.map(([s, e]) => e - s));
    const kw = Math.max(1, ...cols.map(([s, e]) => e - s));
    const cells = kh * kw;
    const table = new Float64Array(n * c * oh * ow * cells);
    let k = 0;
    for (let plane = 0; plane < n * c; plane++) {
      for (const [r0, r1] of rows) {
        for (const [c0, c1] of cols) {
          for (let u = 0; u < kh; u++) {
            for (let v = 0; v < kw; v++) {
              const inside = r0 + u < r1 && c0 + v < c1;
              table[k++] = plane * h * w + (inside ? (r0 + u) * w + c0 + v : r0 * w + c0);
            }
          }
        }
      }
    }
    const positions = positionsTensor(table, [n, c, oh, ow, cells], xb.numel());
    const [values, which] = max(takeAt(xb, positions, 'AdaptiveMaxPool2DBackward0'), -1) as [Tensor, Tensor];
    if (!options.returnIndices) return [values];
    const picked = gather(to(positions, 'int64'), 4, unsqueeze(which, -1));
    return [values, remainder(squeeze(picked, -1), h * w)];
  });
  return options.returnIndices ? [result[0]!, result[1]!] : result[0]!;
}
