/**
 * im2col and col2im as recorded ops, and the public unfold and fold built on them. Each is the
 * other's adjoint, so each one's gradient is the other and gradients of any order compose;
 * convolution, transposed convolution and average pooling are written with them.
 */
import type { Window2d } from '../../backend/backend.js';
import { backendFor } from '../../backend/backend.js';
import { record } from '../../tensor/autograd/record.js';
import { reshape } from '../../tensor/ops/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { allocTensor } from '../../tensor/alloc.js';
import { type Size2, isFloat, perAxis, refuseDtype, showShape, slidingOutput, window, withBatch } from './window.js';

/** x (N, C, H, W) -> (N, C, kh, kw, oh, ow): every window's cells, zeros in the padding. */
export function im2col(x: Tensor, w: Window2d, outSize: readonly [number, number]): Tensor {
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const cols = Tensor.empty([n, c, ...w.kernel, ...outSize], x.dtype);
  backendFor(x).unfold(x, cols, w);
  return record(cols, 'Im2ColBackward0', [x], (g) => [col2im(g, w, [h, wd])]);
}

/** cols (N, C, kh, kw, oh, ow) -> (N, C, H, W): each window cell added at the input cell it covers. */
export function col2im(cols: Tensor, w: Window2d, size: readonly [number, number]): Tensor {
  const [n, c, , , oh, ow] = cols.shape as number[];
  const out = Tensor.empty([n!, c!, ...size], cols.dtype);
  backendFor(cols).fold(cols, out, w);
  return record(out, 'Col2ImBackward0', [cols], (g) => [im2col(g, w, [oh!, ow!])]);
}

/**
 * x (N, C, H, W) -> (C * kh * kw, N * oh * ow): im2col with the images side by side in the
 * columns, so that one matrix product convolves the whole batch (a wide product runs faster than
 * a batch of small ones, and the weight's gradient needs no sum over the batch).
 */
export function im2colBatched(x: Tensor, w: Window2d, outSize: readonly [number, number]): Tensor {
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const [kh, kw] = w.kernel;
  const [oh, ow] = outSize;
  const rows = c * kh * kw;
  const cols = allocTensor([rows, n * oh * ow], x.dtype);
  backendFor(x).unfold(x, batchedCells(cols, n, c, w, outSize), w);
  return record(cols, 'Im2ColBackward0', [x], (g) => [col2imBatched(g, n, w, [h, wd], outSize)]);
}

/** The adjoint of im2colBatched: cols (C * kh * kw, N * oh * ow) -> (N, C, H, W). */
export function col2imBatched(cols: Tensor, n: number, w: Window2d, size: readonly [number, number], outSize: readonly [number, number]): Tensor {
  const c = cols.shape[0]! / (w.kernel[0] * w.kernel[1]);
  const out = allocTensor([n, c, ...size], cols.dtype);
  backendFor(cols).fold(batchedCells(cols, n, c, w, outSize), out, w);
  return record(out, 'Col2ImBackward0', [cols], (g) => [im2colBatched(g, w, outSize)]);
}

/** A (C * kh * kw, N * oh * ow) matrix seen as the (N, C, kh, kw, oh, ow) cells the kernels index. */
export function batchedCells(cols: Tensor, n: number, c: number, w: Window2d, [oh, ow]: readonly [number, number]): Tensor {
  const [kh, kw] = w.kernel;
  const [rs, cs] = cols.elementStrides as [number, number];
  return cols.makeView([n, c, kh, kw, oh, ow], [oh * ow * cs, kh * kw * rs, kw * rs, rs, ow * cs, cs], cols.offset);
}

export interface UnfoldOptions {
  dilation?: Size2;
  padding?: Size2;
  stride?: Size2;
}

interface Checked {
  kernel: number[];
  dilation: number[];
  padding: number[];
  stride: number[];
}

/** The window arguments of unfold and fold, checked as PyTorch's im2col/col2im shape checks. */
function checkWindow(kernelSize: Size2, options: UnfoldOptions): Checked {
  const get = (v: Size2, name: string): number[] => perAxis(v, 2, () => `It is expected ${name} equals to 2, but got size ${(v as number[]).length}`);
  const kernel = get(kernelSize, 'kernel_size');
  const dilation = get(options.dilation ?? 1, 'dilation');
  const padding = get(options.padding ?? 0, 'padding');
  const stride = get(options.stride ?? 1, 'stride');
  if (kernel.some((k) => k <= 0)) throw new Error(`kernel size should be greater than zero, but got kernel_height: ${kernel[0]} kernel_width: ${kernel[1]}`);
  if (stride.some((s) => s <= 0)) throw new Error(`stride should be greater than zero, but got stride_height: ${stride[0]} stride_width: ${stride[1]}`);
  if (dilation.some((d) => d <= 0)) throw new Error(`dilation should be greater than zero, but got dilation_height: ${dilation[0]} dilation_width: ${dilation[1]}`);
  if (padding.some((p) => p < 0)) throw new Error(`padding should be non-negative, but got pad_height: ${padding[0]} pad_width: ${padding[1]}`);
  return { kernel, dilation, padding, stride };
}

const blocks = (size: number, k: Checked, d: number): number => slidingOutput(size, k.kernel[d]!, k.stride[d]!, k.padding[d]!, k.padding[d]!, k.dilation[d]!);

const tuple = (v: readonly number[]): string => `(${v.join(', ')})`;

/**
 * torch.nn.functional.unfold: the sliding blocks of x (N, C, H, W) or (C, H, W) as columns,
 * (N, C * kh * kw, L) with L blocks in C order.
 */
export function unfold(x: Tensor, kernelSize: Size2, options: UnfoldOptions = {}): Tensor {
  const k = checkWindow(kernelSize, options);
  const validDims = (x.ndim === 3 || x.ndim === 4) && x.shape.slice(-3).every((d) => d > 0);
  if (!validDims) throw new Error(`Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: ${showShape(x.shape)}`);
  refuseDtype(x, 'im2col_out_cpu', isFloat);
  const [h, w] = x.shape.slice(-2) as [number, number];
  const out = [blocks(h, k, 0), blocks(w, k, 1)] as const;
  if (out[0] < 1 || out[1] < 1) {
    throw new Error(`Given input with spatial size ${tuple([h, w])}, kernel_size=${tuple(k.kernel)}, dilation=${tuple(k.dilation)}, padding=${tuple(k.padding)}, calculated shape of the array of sliding blocks as ${tuple(out)}, but its components must be at least one.`);
  }
  return withBatch(x, 4, (xb) => {
    const cols = im2col(xb, window(k.kernel, k.stride, k.padding, k.dilation), out);
    return reshape(cols, [xb.shape[0]!, xb.shape[1]! * k.kernel[0]! * k.kernel[1]!, out[0] * out[1]]);
  });
}

/**
 * torch.nn.functional.fold: sums columns (N, C * kh * kw, L) or (C * kh * kw, L) back into an
 * image of outputSize, the adjoint of unfold.
 */
export function fold(x: Tensor, outputSize: Size2, kernelSize: Size2, options: UnfoldOptions = {}): Tensor {
  const size = perAxis(outputSize, 2, () => `It is expected output_size equals to 2, but got size ${(outputSize as number[]).length}`);
  const k = checkWindow(kernelSize, options);
  const validDims = (x.ndim === 2 || x.ndim === 3) && x.shape.slice(-2).every((d) => d > 0);
  if (!validDims) throw new Error(`Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: ${showShape(x.shape)}`);
  refuseDtype(x, 'col2im_out_cpu', isFloat);
  const [rows, l] = x.shape.slice(-2) as [number, number];
  const cells = k.kernel[0]! * k.kernel[1]!;
  const dim = x.ndim - 2;
  if (rows % cells !== 0) {
    throw new Error(`Expected size of input's dimension ${dim} to be divisible by the product of kernel_size, but got input.size(${dim})=${rows} and kernel_size=${tuple(k.kernel)}.`);
  }
  const out = [blocks(size[0]!, k, 0), blocks(size[1]!, k, 1)] as const;
  if (out[0] * out[1] !== l || out[0] < 1 || out[1] < 1) {
    throw new Error(`Given output_size=${tuple(size)}, kernel_size=${tuple(k.kernel)}, dilation=${tuple(k.dilation)}, padding=${tuple(k.padding)}, stride=${tuple(k.stride)}, expected size of input's dimension ${dim + 1} to match the calculated number of sliding blocks ${out[0]} * ${out[1]} = ${out[0] * out[1]}, but got input.size(${dim + 1})=${l}.`);
  }
  return withBatch(x, 3, (xb) => {
    const cols = reshape(xb, [xb.shape[0]!, rows / cells, ...k.kernel, ...out]);
    return col2im(cols, window(k.kernel, k.stride, k.padding, k.dilation), [size[0]!, size[1]!]);
  });
}
