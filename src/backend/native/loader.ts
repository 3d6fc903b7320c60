/**
 * Loads kiln's native addon (build/Release/kiln.node, built by `npm install` through node-gyp).
 * Returns null when it is missing (no compiler at install time) or disabled with KILN_NATIVE=0;
 * kiln then runs on its TypeScript kernels.
 */
import { createRequire } from 'node:module';

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
  /** op 0..5 = add, sub, mul, div, maximum, minimum (NaN-propagating) over `outer` rows of `inner` elements; ai/bi: 1 contiguous, 0 scalar. */
  binary(
    dtype: number, op: number, outer: number, inner: number, out: F, outOff: number, os: number,
    a: F, aOff: number, as: number, ai: number, b: F, bOff: number, bs: number, bi: number,
  ): void;
  /** op 0..7 = exp, tanh, sigmoid, log, negative, abs, gelu (erf form; float32 only), gelu (tanh form). */
  unary(dtype: number, op: number, outer: number, inner: number, out: F, outOff: number, os: number,
    x: F, xOff: number, xs: number): void;
  /** out[r*os] = sum of the contiguous row r (float64 accumulation). */
  sumRows(dtype: number, rows: number, len: number, x: F, xOff: number, xs: number, out: F, outOff: number, os: number): void;
  /** out[j*os] = sum over i < len of x[i*xs + j], for j < cols. */
  sumCols(dtype: number, len: number, cols: number, x: F, xOff: number, xs: number, out: F, outOff: number, os: number): void;
  /** (Log-)softmax (log: 1) of each contiguous row of len elements: x rows at stride xs, out rows at os. */
  softmax(dtype: number, rows: number, len: number, x: F, xOff: number, xs: number, out: F, outOff: number, os: number, log: number): void;
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
