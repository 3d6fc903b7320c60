/**
 * Convolutions (conv1d, conv2d, convTranspose1d, convTranspose2d) as im2col / col2im plus a
 * batched matrix product (one per image and group). Every step is a recorded op, so the
 * gradients w.r.t. input, weight and bias, and their gradients, come from those ops. 1-D
 * convolutions run as 2-D ones of height 1. This file also re-exports the rest of the family
 * (pooling, resampling, unfold/fold) for nn.functional.
 */
import type { Window2d } from '../../backend/backend.js';
import { matmul } from '../../tensor/ops/linalg.js';
import { add } from '../../tensor/ops/pointwise.js';
import { reshape, squeeze, transpose, unsqueeze } from '../../tensor/ops/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { col2im } from './im2col.js';
import { convolve } from './convolve.js';
import { type Size2, asPair, isConvDtype, perAxis, refuseDtype, showShape, slidingOutput, window, withBatch } from './window.js';

export * from './im2col.js';
export * from './pooling.js';
export * from './interpolate.js';
export type { Size2 } from './window.js';

export type Padding = Size2 | 'same' | 'valid';

export interface ConvOptions {
  stride?: Size2;
  /** Zeros added on both sides, per axis; 'valid' is none, 'same' keeps the size (stride 1 only). */
  padding?: Padding;
  dilation?: Size2;
  groups?: number;
}

export interface ConvTransposeOptions {
  stride?: Size2;
  padding?: Size2;
  /** Extra size added on one side of the output (smaller than stride or dilation). */
  outputPadding?: Size2;
  groups?: number;
  dilation?: Size2;
}

/** C++ type names, as PyTorch's bias type message prints them. */
const CPP_NAMES: Record<string, string> = {
  float32: 'float', float64: 'double', int64: 'long int', int32: 'int', int16: 'short int', int8: 'signed char', uint8: 'unsigned char',
};

interface Geometry {
  stride: number[];
  dilation: number[];
  /** Padding before each axis, and after it (they differ only for 'same' with an even span). */
  padBefore: number[];
  padAfter: number[];
  outputPadding: number[];
}

/** PyTorch's checks of a convolution's arguments (check_shape_forward and friends), in its order. */
function checkConv(
  name: string, dims: number, x: Tensor, weight: Tensor, bias: Tensor | null | undefined,
  options: ConvOptions & { outputPadding?: Size2 }, transposed: boolean,
): Geometry {
  const padding = options.padding ?? 0;
  if (typeof padding === 'string' && padding !== 'same' && padding !== 'valid') throw new Error(`Invalid padding string: '${padding}'`);
  if (x.ndim !== dims + 1 && x.ndim !== dims + 2) {
    throw new Error(`Expected ${dims + 1}D (unbatched) or ${dims + 2}D (batched) input to ${name}, but got input of size: ${showShape(x.shape)}`);
  }
  const groups = options.groups ?? 1;
  const shape = x.ndim === dims + 2 ? x.shape : [1, ...x.shape];
  if (weight.ndim !== dims + 2) {
    throw new Error(`Expected ${weight.ndim}-dimensional input for ${weight.ndim}-dimensional weight ${showShape(weight.shape)}, but got ${dims + 2}-dimensional input of size ${showShape(shape)} instead`);
  }
  const list = (v: Size2, arg: string): number[] => perAxis(v, dims, () => `expected ${arg} to be a single integer value or a list of ${dims} values to match the convolution dimensions, but got ${arg}=${showShape(v as number[])}`);
  const stride = list(options.stride ?? 1, 'stride');
  const dilation = list(options.dilation ?? 1, 'dilation');
  const outputPadding = list(options.outputPadding ?? 0, 'output_padding');
  const kernel = weight.shape.slice(2);
  let padBefore: number[];
  let padAfter: number[];
  if (padding === 'same') {
    if (stride.some((s) => s !== 1)) throw new Error("padding='same' is not supported for strided convolutions");
    const total = kernel.map((k, i) => dilation[i]! * (k - 1));
    padBefore = total.map((t) => Math.floor(t / 2));
    padAfter = total.map((t, i) => t - padBefore[i]!);
  } else {
    padBefore = padding === 'valid' ? new Array<number>(dims).fill(0) : list(padding, 'padding');
    padAfter = padBefore;
  }
  if (padBefore.some((p) => p < 0)) throw new Error('negative padding is not supported');
  if (outputPadding.some((p) => p < 0)) throw new Error('negative output_padding is not supported');
  if (stride.some((s) => s <= 0)) throw new Error('non-positive stride is not supported');
  if (dilation.some((d) => d <= 0)) throw new Error('non-positive dilation is not supported');
  if (groups <= 0) throw new Error('non-positive groups is not supported');
  const ws = weight.shape;
  if (ws[0]! < groups) throw new Error(`Given groups=${groups}, expected weight to be at least ${groups} at dimension 0, but got weight of size ${showShape(ws)} instead`);
  if (ws[0]! % groups !== 0) throw new Error(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [${showShape(ws)}] instead`);
  if (!transposed) {
    if (shape[1] !== ws[1]! * groups) {
      throw new Error(`Given groups=${groups}, weight of size ${showShape(ws)}, expected input${showShape(shape)} to have ${ws[1]! * groups} channels, but got ${shape[1]} channels instead`);
    }
    if (bias && (bias.ndim !== 1 || bias.shape[0] !== ws[0])) {
      throw new Error(`Given weight of size ${showShape(ws)}, expected bias to be 1-dimensional with ${ws[0]} elements, but got bias of size ${showShape(bias.shape)} instead`);
    }
    const padded = shape.slice(2).map((n, i) => n + padBefore[i]! + padAfter[i]!);
    const span = kernel.map((k, i) => dilation[i]! * (k - 1) + 1);
    if (padded.some((n, i) => n < span[i]!)) {
      throw new Error(`Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${span.join(' x ')}). Kernel size can't be greater than actual input size`);
    }
  } else {
    if (shape[1] !== ws[0]) {
      throw new Error(`Given transposed=1, weight of size ${showShape(ws)}, expected input${showShape(shape)} to have ${ws[0]} channels, but got ${shape[1]} channels instead`);
    }
    if (bias && (bias.ndim !== 1 || bias.shape[0] !== ws[1]! * groups)) {
      throw new Error(`Given transposed=1, weight of size ${showShape(ws)}, expected bias to be 1-dimensional with ${ws[1]! * groups} elements, but got bias of size ${showShape(bias.shape)} instead`);
    }
  }
  if (x.dtype !== weight.dtype) {
    throw new Error(`Input type (${x.typeName()}) and weight type (${weight.typeName()}) should be the same or input should be a MKLDNN tensor and weight is a dense tensor`);
  }
  if (bias && bias.dtype !== x.dtype) {
    throw new Error(`Input type (${CPP_NAMES[x.dtype] ?? x.dtype}) and bias type (${CPP_NAMES[bias.dtype] ?? bias.dtype}) should be the same`);
  }
  refuseDtype(x, transposed ? 'slow_conv_transpose2d_out_cpu' : 'slow_conv2d_cpu', isConvDtype);
  return { stride, dilation, padBefore, padAfter, outputPadding };
}

/** A 1-D operand (N, C, L) or weight (O, I, k) as 2-D of height 1. */
const tall = (t: Tensor): Tensor => unsqueeze(t, 2);

/** The 2-D window of checked geometry (1-D: height 1). */
function windowOf(g: Geometry, kernel: readonly number[]): Window2d {
  return window(kernel, g.stride, g.padBefore, g.dilation);
}

/** x (N, C, H, W) convolved with weight (O, C / groups, kh, kw): (N, O, oh, ow). */
function convolveWindow(x: Tensor, weight: Tensor, bias: Tensor | null | undefined, w: Window2d, padAfter: readonly [number, number], groups: number): Tensor {
  const [h, wd] = x.shape.slice(2) as [number, number];
  const size = (len: number, a: 0 | 1): number => slidingOutput(len, w.kernel[a], w.stride[a], w.padding[a], padAfter[a], w.dilation[a]);
  return convolve(x, weight, bias, w, [size(h, 0), size(wd, 1)], groups);
}

/**
 * x (N, Cin, H, W) through the transposed convolution of weight (Cin, Cout / groups, kh, kw):
 * the adjoint of convolve w.r.t. its input, so col2im of weightᵀ times x.
 */
function convolveTransposed(x: Tensor, weight: Tensor, bias: Tensor | null | undefined, w: Window2d, outSize: readonly [number, number], groups: number): Tensor {
  const [n, cin, h, wd] = x.shape as [number, number, number, number];
  const cout = weight.shape[1]! * groups;
  const [kh, kw] = w.kernel;
  const k = (cout / groups) * kh * kw;
  const wT = transpose(reshape(weight, [groups, cin / groups, k]), 1, 2);
  const cols = matmul(wT, reshape(x, [n, groups, cin / groups, h * wd]));
  const y = col2im(reshape(cols, [n, cout, kh, kw, h, wd]), w, outSize);
  return bias ? add(y, reshape(bias, [cout, 1, 1])) : y;
}

/**
 * Runs a convolution of bfloat16 operands in float32 and rounds the result once, as PyTorch's
 * kernels accumulate (bias included) in float; other dtypes run as they are.
 */
function inFloat32(
  x: Tensor, weight: Tensor, bias: Tensor | null | undefined,
  run: (x: Tensor, weight: Tensor, bias: Tensor | null | undefined) => Tensor,
): Tensor {
  if (x.dtype !== 'bfloat16') return run(x, weight, bias);
  return run(x.float(), weight.float(), bias ? bias.float() : bias).to('bfloat16');
}

function convNd(name: string, dims: 1 | 2, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, options: ConvOptions): Tensor {
  const g = checkConv(name, dims, x, weight, bias, options, false);
  const groups = options.groups ?? 1;
  const w = windowOf(g, weight.shape.slice(2));
  return inFloat32(x, weight, bias, (xf, wf, bf) => withBatch(xf, dims + 2, (xb) => {
    if (dims === 2) return convolveWindow(xb, wf, bf, w, asPair(g.padAfter, 0), groups);
    return squeeze(convolveWindow(tall(xb), tall(wf), bf, w, asPair(g.padAfter, 0), groups), 2);
  }));
}

/** torch.nn.functional.conv1d: x (N, C, L) or (C, L), weight (O, C / groups, k), bias (O). */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvOptions = {}): Tensor {
  return convNd('conv1d', 1, x, weight, bias, options);
}

/** torch.nn.functional.conv2d: x (N, C, H, W) or (C, H, W), weight (O, C / groups, kh, kw), bias (O). */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvOptions = {}): Tensor {
  return convNd('conv2d', 2, x, weight, bias, options);
}

function convTransposeNd(name: string, dims: 1 | 2, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, options: ConvTransposeOptions): Tensor {
  const g = checkConv(name, dims, x, weight, bias, options, true);
  const groups = options.groups ?? 1;
  const op = g.outputPadding;
  const [sh, sw] = asPair(g.stride, 1);
  const [dh, dw] = asPair(g.dilation, 1);
  const [oph, opw] = asPair(op, 0);
  if (oph >= Math.max(sh, dh) || opw >= Math.max(sw, dw)) {
    throw new Error(`output padding must be smaller than either stride or dilation, but got output_padding_height: ${oph} output_padding_width: ${opw} stride_height: ${sh} stride_width: ${sw} dilation_height: ${dh} dilation_width: ${dw}`);
  }
  const kernel = weight.shape.slice(2);
  const w = windowOf(g, kernel);
  const inSize = x.shape.slice(-dims);
  const outSize = inSize.map((n, i) => (n - 1) * g.stride[i]! - 2 * g.padBefore[i]! + g.dilation[i]! * (kernel[i]! - 1) + op[i]! + 1);
  if (outSize.some((n) => n < 1)) {
    throw new Error(`Given input size per channel: (${inSize.join(' x ')}). Calculated output size per channel: (${outSize.join(' x ')}). Output size is too small`);
  }
  return inFloat32(x, weight, bias, (xf, wf, bf) => withBatch(xf, dims + 2, (xb) => {
    if (dims === 2) return convolveTransposed(xb, wf, bf, w, asPair(outSize, 1), groups);
    return squeeze(convolveTransposed(tall(xb), tall(wf), bf, w, asPair(outSize, 1), groups), 2);
  }));
}

/** torch.nn.functional.conv_transpose1d: x (N, Cin, L), weight (Cin, Cout / groups, k), bias (Cout). */
export function convTranspose1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTransposeOptions = {}): Tensor {
  return convTransposeNd('conv_transpose1d', 1, x, weight, bias, options);
}

/** torch.nn.functional.conv_transpose2d: x (N, Cin, H, W), weight (Cin, Cout / groups, kh, kw), bias (Cout). */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTransposeOptions = {}): Tensor {
  return convTransposeNd('conv_transpose2d', 2, x, weight, bias, options);
}
