/**
 * Loads kiln's native addon (build/Release/kiln.node, built by `npm install` through node-gyp).
 * Returns null when it is missing (no compiler at install time) or disabled with KILN_NATIVE=0;
 * kiln then runs on its TypeScript kernels.
 */
import { createRequire } from 'node:module';
import type { TypedArray } from '../../core/dtype.js';

/** Dtype codes of the addon. */
export const NATIVE_F32 = 0;
export const NATIVE_F64 = 1;

type F = Float32Array | Float64Array;

/** The addon's functions. Offsets and strides count elements; every call checks its bounds. */
export interface NativeAddon {
  /** c = a @ b for each batch entry (offsets: one number, or a Float64Array per operand). */
  gemm(
    dtype: number, a: F, b: F, c: F, m: number, n: number, k: number,
    ars: number, acs: number, brs: number, bcs: number, crs: number, ccs: number,
    aOffs: number | Float64Array, bOffs: number | Float64Array, cOffs: number | Float64Array,
  ): void;
  /** op 0..6 = add, sub, mul, div, maximum, minimum (NaN-propagating), reluBackward (a where b > 0 or NaN, else 0) over `outer` rows of `inner`
   * elements; each operand has a row stride and an element stride (any; 0 broadcasts). */
  binary(
    dtype: number, op: number, outer: number, inner: number, out: F, outOff: number, oo: number, oi: number,
    a: F, aOff: number, ao: number, ai: number, b: F, bOff: number, bo: number, bi: number,
  ): void;
  /** op 0..7 = exp, tanh, sigmoid, log, negative, abs, gelu (erf form; float32 only), gelu (tanh form); strides as binary's. */
  unary(dtype: number, op: number, outer: number, inner: number, out: F, outOff: number, oo: number, oi: number,
    x: F, xOff: number, xo: number, xi: number): void;
  /** out(o, i) = x(o, i) for o < outer, i < inner, cast from dtype code `from` to `to` (0 float32,
   * 1 float64, 2 int32, 3 int64, 4 uint8/bool; a same-dtype copy moves bits by size); any strides. */
  copy(from: number, to: number, outer: number, inner: number, out: TypedArray, outOff: number, oo: number, oi: number,
    x: TypedArray, xOff: number, xo: number, xi: number): void;
  /** out[r*os] = sum of the m contiguous lines of len elements at r*xs + q*ms (float32 sums in
   * float32 blocks whose sums add in float64). */
  sumRows(dtype: number, rows: number, m: number, ms: number, len: number, x: F, xOff: number, xs: number,
    out: F, outOff: number, os: number): void;
  /** out[j*os] = sum over i < len of x[i*xs + j], for j < cols. */
  sumCols(dtype: number, len: number, cols: number, x: F, xOff: number, xs: number, out: F, outOff: number, os: number): void;
  /** (Log-)softmax (log: 1) of each contiguous row of len elements: x rows at stride xs, out rows at os. */
  softmax(dtype: number, rows: number, len: number, x: F, xOff: number, xs: number, out: F, outOff: number, os: number, log: number): void;
  /**
   * Sliding windows; spec = [N, C, H, W, oh, ow, xn, xc, xh, xw, kh, kw, sh, sw, ph, pw, dh, dw]
   * (the image's strides; the other operand contiguous). unfold: cols = im2col(x); fold: out =
   * col2im(cols); maxPool: out and positions (C-order cell numbers) of each window's maximum.
   */
  unfold(dtype: number, spec: Float64Array, x: F, xOff: number, cols: F, colsOff: number): void;
  fold(dtype: number, spec: Float64Array, cols: F, colsOff: number, out: F, outOff: number): void;
  maxPool(dtype: number, spec: Float64Array, x: F, xOff: number, out: F, outOff: number,
    positions: Int32Array | BigInt64Array, posOff: number): void;
  /** out[k] = x[xOff + positions[posOff + k]] for k < n; x has xCount elements from xOff (positions are checked). */
  take(dtype: number, n: number, x: F, xOff: number, xCount: number, positions: Int32Array | BigInt64Array, posOff: number,
    out: F, outOff: number): void;
  /** out[outOff + positions[posOff + k]] = (or +=, in order) src[srcOff + k] (src[srcOff] when srcScalar is 1). */
  put(dtype: number, n: number, src: F, srcOff: number, srcScalar: number, positions: Int32Array | BigInt64Array, posOff: number,
    out: F, outOff: number, outCount: number, accumulate: number): void;
  /** Advises a fresh buffer's whole 2 MiB pages as transparent huge pages (cheaper first touch). */
  adviseHugePages(buffer: ArrayBuffer): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /** The instruction set the kernels were picked for: 'avx512', 'avx2', 'sse2' or 'scalar'. */
  isa(): string;
}

let addon: NativeAddon | null | undefined;

export function loadNative(): NativeAddon | null {
  if (addon !== undefined) return addon;
  addon = null;
  if (process.env.KILN_NATIVE === '0') return addon;
  try {
    // the same path from src/backend/native and dist/backend/native
    const require = createRequire(import.meta.url);
    addon = require('../../../build/Release/kiln.node') as NativeAddon;
  } catch {
    addon = null;
  }
  return addon;
}
