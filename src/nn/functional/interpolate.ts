/**
 * torch.nn.functional.interpolate for 'nearest' (3-D and 4-D input), 'linear' (3-D) and
 * 'bilinear' (4-D). Source indices and weights follow PyTorch's CPU kernels, in float32 arithmetic
 * for float32 input as they do. Nearest is one gather; linear resampling is separable, so it is a
 * product with one interpolation matrix per axis (two nonzeros a row), which makes its gradient,
 * and that gradient's, plain matrix products.
 */
import { NotImplementedError, ValueError } from '../../core/errors.js';
import { tensor } from '../../tensor/creation.js';
import { matmul } from '../../tensor/ops/linalg.js';
import { transpose } from '../../tensor/ops/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { positionsTensor, takeAt } from '../../tensor/ops/positions.js';
import { isFloat, refuseDtype } from './window.js';

export type InterpolateMode = 'nearest' | 'linear' | 'bilinear';

export interface InterpolateOptions {
  /** The output's spatial size: one number for every axis, or one per axis. */
  size?: number | readonly number[] | null;
  /** Multiplier of each spatial size (output size = floor(size * scaleFactor)). */
  scaleFactor?: number | readonly number[] | null;
  mode?: InterpolateMode;
  /** Linear modes: align the corner pixels' centres instead of their outer edges. */
  alignCorners?: boolean | null;
  /** Compute the scale from the sizes instead of using scaleFactor in the index arithmetic. */
  recomputeScaleFactor?: boolean | null;
}

const MODES = 'nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact';

/** PyTorch's compute_scales_value: 1 / scaleFactor when one was given, else in / out. */
function scaleValue(scale: number | null, inSize: number, outSize: number, f: (v: number) => number): number {
  return scale !== null && scale > 0 ? f(1 / scale) : f(inSize / outSize);
}

/** Source index of each output index for 'nearest' (PyTorch's nearest_idx, float arithmetic). */
function nearestIndices(inSize: number, outSize: number, scale: number | null): number[] {
  return Array.from({ length: outSize }, (_, i) => {
    if (outSize === inSize) return i;
    if (outSize === 2 * inSize) return i >> 1;
    const s = scaleValue(scale, inSize, outSize, Math.fround);
    return Math.min(Math.floor(Math.fround(i * s)), inSize - 1);
  });
}

/** The (out, in) matrix of linear interpolation weights along one axis, in `dtype`. */
function linearMatrix(inSize: number, outSize: number, scale: number | null, alignCorners: boolean, dtype: Tensor['dtype']): Tensor {
  // PyTorch computes in float for float32 input (its opmath type), in double for float64
  const f = dtype === 'float32' ? Math.fround : (v: number): number => v;
  const m = new Float64Array(outSize * inSize);
  const s = alignCorners
    ? (outSize > 1 ? f((inSize - 1) / (outSize - 1)) : 0)
    : scaleValue(scale, inSize, outSize, f);
  for (let i = 0; i < outSize; i++) {
    const src = alignCorners ? f(s * i) : Math.max(f(f(s * f(i + 0.5)) - 0.5), 0);
    const i0 = Math.min(Math.trunc(src), inSize - 1);
    const i1 = i0 + (i0 < inSize - 1 ? 1 : 0);
    const l1 = Math.min(Math.max(f(src - i0), 0), 1);
    m[i * inSize + i0] += f(1 - l1);
    m[i * inSize + i1] += l1;
  }
  return tensor(m, { dtype }).reshape([outSize, inSize]);
}

/** A per-axis list from a number or list, checked against the spatial rank as PyTorch does. */
function spatial(v: number | readonly number[], dims: number, x: Tensor, what: 'output size' | 'scale_factor'): number[] {
  if (typeof v === 'number') return new Array<number>(dims).fill(v);
  if (v.length !== dims) {
    const given = `(${v.join(', ')}${v.length === 1 ? ',' : ''})`;
    const [noun, fmt] = what === 'output size' ? ['output', 'output size in (o1, o2, ...,oK)'] : ['scale_factor', 'scale_factor in (s1, s2, ...,sK)'];
    throw new ValueError(`Input and ${noun} must have the same number of spatial dimensions, but got input with spatial dimensions of [${x.shape.slice(2).join(', ')}] and ${what === 'output size' ? 'output size of' : 'scale_factor of shape'} ${given}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and ${fmt} format.`);
  }
  return [...v];
}

/** torch.nn.functional.interpolate (upsampling or downsampling) of (N, C, W) or (N, C, H, W). */
export function interpolate(x: Tensor, options: InterpolateOptions = {}): Tensor {
  const mode = options.mode ?? 'nearest';
  const given = options.alignCorners ?? null;
  if (given !== null && ['nearest', 'area', 'nearest-exact'].includes(mode)) {
    throw new ValueError('align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
  }
  const alignCorners = given ?? false;
  const dims = x.ndim - 2;
  const { size = null, scaleFactor = null } = options;
  let outSize: number[];
  let scales: (number | null)[];
  if (size !== null && scaleFactor !== null) throw new ValueError('only one of size or scale_factor should be defined');
  if (size !== null) {
    outSize = spatial(size, dims, x, 'output size');
    scales = outSize.map(() => null);
    if (options.recomputeScaleFactor) throw new ValueError('recompute_scale_factor is not meaningful with an explicit size.');
  } else if (scaleFactor !== null) {
    scales = spatial(scaleFactor, dims, x, 'scale_factor');
    outSize = scales.map((s, i) => Math.floor(x.shape[i + 2]! * s!));
    if (options.recomputeScaleFactor) scales = scales.map(() => null);
  } else {
    throw new ValueError('either size or scale_factor should be defined');
  }

  const supported = (mode === 'nearest' && (dims === 1 || dims === 2)) || (mode === 'linear' && dims === 1) || (mode === 'bilinear' && dims === 2);
  if (!supported) {
    if (mode === 'linear' && x.ndim >= 3 && x.ndim <= 5) throw new NotImplementedError(`Got ${x.ndim}D input, but linear mode needs 3D input`);
    if (mode === 'bilinear' && x.ndim >= 3 && x.ndim <= 5) throw new NotImplementedError(`Got ${x.ndim}D input, but bilinear mode needs 4D input`);
    throw new NotImplementedError(`Input Error: Only 3D, 4D and 5D input Tensors supported (got ${x.ndim}D) for the modes: ${MODES} (got ${mode})`);
  }
  const inSize = x.shape.slice(2);
  if (inSize.some((n) => n <= 0) || outSize.some((n) => n <= 0)) {
    const names = dims === 1 ? ['W'] : ['H', 'W'];
    const show = (v: number[]): string => v.map((n, i) => `${names[i]}: ${n}`).join(', ');
    throw new Error(`Input and output sizes should be greater than 0, but got input (${show(inSize)}) output (${show(outSize)})`);
  }
  refuseDtype(x, mode === 'nearest' ? 'compute_indices_weights_nearest' : 'compute_indices_weights_linear', isFloat);

  if (mode === 'nearest') {
    const [h, w] = dims === 1 ? [1, inSize[0]!] : [inSize[0]!, inSize[1]!];
    const rows = dims === 1 ? [0] : nearestIndices(h, outSize[0]!, scales[0]!);
    const cols = nearestIndices(w, outSize[dims - 1]!, scales[dims - 1]!);
    const planes = x.shape[0]! * x.shape[1]!;
    const table = new Float64Array(planes * rows.length * cols.length);
    let k = 0;
    for (let p = 0; p < planes; p++) {
      for (const r of rows) for (const c of cols) table[k++] = (p * h + r) * w + c;
    }
    const name = dims === 1 ? 'UpsampleNearest1DBackward0' : 'UpsampleNearest2DBackward0';
    return takeAt(x, positionsTensor(table, [...x.shape.slice(0, 2), ...outSize], x.numel()), name);
  }
  const along = (i: number): Tensor => linearMatrix(inSize[i]!, outSize[i]!, scales[i]!, alignCorners, x.dtype);
  const widthwise = matmul(x, transpose(along(dims - 1), 0, 1));
  return dims === 1 ? widthwise : matmul(along(0), widthwise);
}
