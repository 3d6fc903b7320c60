/**
 * take and put (gather and scatter by C-order position) on the addon, for float32/float64 values
 * and int32/int64 positions when every operand is contiguous (put's source may also be one value
 * broadcast); anything else, and small problems, stays with the TypeScript kernels.
 */
import { isContiguous } from '../../core/shape.js';
import type { View } from '../../core/view.js';
import { NATIVE_F32, NATIVE_F64, type NativeAddon } from './loader.js';

/** Below this many positions, the call into the addon costs more than it saves. */
const GATHER_MIN = 128;

type Floats = Float32Array | Float64Array;
const floats = (v: View): Floats => v.storage.typed(v.dtype) as Floats;
const contiguous = (v: View): boolean => isContiguous(v.shape, v.elementStrides);
const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function dtypeCode(v: View): number {
  return v.dtype === 'float32' ? NATIVE_F32 : v.dtype === 'float64' ? NATIVE_F64 : -1;
}

function positionsArray(p: View): Int32Array | BigInt64Array | null {
  if ((p.dtype !== 'int32' && p.dtype !== 'int64') || !contiguous(p)) return null;
  return p.storage.typed(p.dtype) as Int32Array | BigInt64Array;
}

export function nativeTake(addon: NativeAddon, x: View, positions: View, out: View): boolean {
  const dt = dtypeCode(x);
  const n = sizeOf(positions.shape);
  if (dt < 0 || out.dtype !== x.dtype || n < GATHER_MIN || !contiguous(x) || !contiguous(out)) return false;
  const pos = positionsArray(positions);
  if (!pos || out.storage === x.storage) return false;
  addon.take(dt, n, floats(x), x.offset, sizeOf(x.shape), pos, positions.offset, floats(out), out.offset);
  return true;
}

export function nativePut(addon: NativeAddon, src: View, positions: View, out: View, accumulate: boolean): boolean {
  const dt = dtypeCode(out);
  const n = sizeOf(positions.shape);
  if (dt < 0 || src.dtype !== out.dtype || n < GATHER_MIN || !contiguous(out)) return false;
  const scalar = src.elementStrides.every((s) => s === 0);
  const pos = positionsArray(positions);
  if (!pos || (!scalar && !contiguous(src)) || src.storage === out.storage) return false;
  addon.put(dt, n, floats(src), src.offset, scalar ? 1 : 0, pos, positions.offset, floats(out), out.offset, sizeOf(out.shape), accumulate ? 1 : 0);
  return true;
}
