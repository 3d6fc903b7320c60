/**
 * Sliding-window kernels (im2col, col2im, max pooling) on the addon, for float32/float64 images
 * and columns of any strides (outputs: distinct cells; fold's and pooling's outputs contiguous, as
 * the ops allocate them); anything else, and small problems, stays with the TypeScript kernels.
 */
import { isContiguous } from '../../core/shape.js';
import type { View } from '../../core/view.js';
import type { Window2d } from '../backend.js';
import { NATIVE_F32, NATIVE_F64, type NativeAddon } from './loader.js';

/** Below this many cells moved, the call into the addon costs more than it saves. */
const WINDOW_MIN = 256;

type Floats = Float32Array | Float64Array;
const floats = (v: View): Floats => v.storage.typed(v.dtype) as Floats;
const contiguous = (v: View): boolean => isContiguous(v.shape, v.elementStrides);

function dtypeCode(v: View): number {
  return v.dtype === 'float32' ? NATIVE_F32 : v.dtype === 'float64' ? NATIVE_F64 : -1;
}

/**
 * The addon's window spec for an (N, C, H, W) image, (oh, ow) output cells per window cell, and
 * the columns' strides (zeros where there are no columns).
 */
function spec(image: View, oh: number, ow: number, w: Window2d, colStrides: readonly number[] = [0, 0, 0, 0, 0, 0]): Float64Array {
  const [N, C, H, W] = image.shape as [number, number, number, number];
  const [xn, xc, xh, xw] = image.elementStrides as [number, number, number, number];
  return new Float64Array([
    N, C, H, W, oh, ow, xn, xc, xh, xw, ...colStrides,
    w.kernel[0], w.kernel[1], w.stride[0], w.stride[1], w.padding[0], w.padding[1], w.dilation[0], w.dilation[1],
  ]);
}

/** Whether v's elements are distinct and fill its span (a permutation of a contiguous layout). */
function dense(v: View): boolean {
  const axes = v.shape.map((n, d) => [n, v.elementStrides[d]!] as const).filter(([n]) => n > 1);
  axes.sort((a, b) => a[1] - b[1]);
  let expected = 1;
  for (const [n, s] of axes) {
    if (s !== expected) return false;
    expected *= n;
  }
  return true;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const usable = (w: Window2d): boolean => w.padding[0] >= 0 && w.padding[1] >= 0;

/** im2col: x (N, C, H, W) -> cols (N, C, kh, kw, oh, ow). */
export function nativeUnfold(addon: NativeAddon, x: View, cols: View, w: Window2d): boolean {
  const dt = dtypeCode(x);
  // threads write whole planes of cols, so its cells must be distinct
  if (dt < 0 || cols.dtype !== x.dtype || !dense(cols) || !usable(w) || sizeOf(cols.shape) < WINDOW_MIN) return false;
  if (cols.storage === x.storage) return false;
  const [oh, ow] = cols.shape.slice(4) as [number, number];
  addon.unfold(dt, spec(x, oh, ow, w, cols.elementStrides), floats(x), x.offset, floats(cols), cols.offset);
  return true;
}

/** col2im: cols (N, C, kh, kw, oh, ow), any strides -> out (N, C, H, W), contiguous. */
export function nativeFold(addon: NativeAddon, cols: View, out: View, w: Window2d): boolean {
  const dt = dtypeCode(out);
  if (dt < 0 || cols.dtype !== out.dtype || !contiguous(out) || !usable(w)) return false;
  if (sizeOf(cols.shape) < WINDOW_MIN || cols.storage === out.storage) return false;
  const [oh, ow] = cols.shape.slice(4) as [number, number];
  addon.fold(dt, spec(out, oh, ow, w, cols.elementStrides), floats(cols), cols.offset, floats(out), out.offset);
  return true;
}

/** Max pooling of x (N, C, H, W) into out and positions (N, C, oh, ow), both contiguous. */
export function nativeMaxPool(addon: NativeAddon, x: View, out: View, positions: View, w: Window2d): boolean {
  const dt = dtypeCode(x);
  if (dt < 0 || out.dtype !== x.dtype || !contiguous(out) || !contiguous(positions) || !usable(w)) return false;
  if (positions.dtype !== 'int64' && positions.dtype !== 'int32') return false;
  if (sizeOf(x.shape) < WINDOW_MIN || out.storage === x.storage) return false;
  const [oh, ow] = out.shape.slice(2) as [number, number];
  const pos = positions.storage.typed(positions.dtype) as Int32Array | BigInt64Array;
  addon.maxPool(dt, spec(x, oh, ow, w), floats(x), x.offset, floats(out), out.offset, pos, positions.offset);
  return true;
}
