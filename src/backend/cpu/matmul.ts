/**
 * CPU batched matrix product in TypeScript. The arithmetic follows out's dtype, as NumPy's matmul
 * loops do after casting the inputs to it:
 * - floats and bool: operands are packed into zero-padded float64 panels and multiplied by a 4x4
 *   register-tiled kernel (float64 accumulation, rounded once when stored; bool stores `sum != 0`);
 * - integers up to 32 bits: Int32 arithmetic with Math.imul, which wraps exactly as C does;
 * - int64/uint64: the float kernel when every partial sum provably stays below 2^53 (then it is
 *   exact), else BigInt arithmetic wrapped to 64 bits.
 * The native SIMD kernels of the CPU-speed issue replace this for float32/float64.
 */
import type { DType } from '../../core/dtype.js';
import type { View } from '../../core/view.js';
import { ELEMENTWISE_HELPERS as H } from './helpers.js';

type Raw = number | bigint;

/** Converts a stored element to the number the float kernel multiplies. */
function numberReader(dtype: DType, boolDomain: boolean): (raw: Raw) => number {
  if (boolDomain) {
    const read = numberReader(dtype, false);
    return (raw) => (read(raw) !== 0 ? 1 : 0); // NumPy casts to bool before a bool matmul
  }
  if (dtype === 'float16') return (raw) => H.halfToNum(raw as number);
  if (dtype === 'bfloat16') return (raw) => H.bf16ToNum(raw as number);
  if (dtype === 'int64' || dtype === 'uint64') return (raw) => Number(raw);
  return (raw) => raw as number;
}

/** Converts a stored element to an int32 (C's wrap for wider values, truncation for floats). */
function int32Reader(dtype: DType): (raw: Raw) => number {
  if (dtype === 'float16') return (raw) => Math.trunc(H.halfToNum(raw as number)) | 0;
  if (dtype === 'bfloat16') return (raw) => Math.trunc(H.bf16ToNum(raw as number)) | 0;
  if (dtype === 'int64' || dtype === 'uint64') return (raw) => Number(BigInt.asIntN(32, raw as bigint));
  if (dtype === 'float32' || dtype === 'float64') return (raw) => Math.trunc(raw as number) | 0;
  return (raw) => (raw as number) | 0;
}

function bigReader(dtype: DType): (raw: Raw) => bigint {
  if (dtype === 'int64' || dtype === 'uint64') return (raw) => raw as bigint;
  if (dtype === 'float16') return (raw) => H.numToBig(H.halfToNum(raw as number));
  if (dtype === 'bfloat16') return (raw) => H.numToBig(H.bf16ToNum(raw as number));
  if (dtype === 'float32' || dtype === 'float64') return (raw) => H.numToBig(raw as number);
  return (raw) => BigInt(raw as number);
}

/** Offsets of each batch element, for views whose batch axes are already broadcast. */
function batchOffsets(v: View, batchShape: readonly number[]): number[] {
  const out: number[] = [];
  const total = batchShape.reduce((a, b) => a * b, 1);
  for (let t = 0; t < total; t++) {
    let rem = t;
    let off = v.offset;
    for (let d = batchShape.length - 1; d >= 0; d--) {
      const n = batchShape[d]!;
      off += (rem % n) * v.elementStrides[d]!;
      rem = Math.floor(rem / n);
    }
    out.push(off);
  }
  return out;
}

const TILE = 4;
const KBLOCK = 256;

/**
 * Packs a rows x cols matrix (row stride rs, column stride cs) into panels of TILE rows:
 * element (i, p) lands at (i / TILE) * TILE * cols + p * TILE + i % TILE; padding rows are zero.
 * Packing B transposed (rows = its columns) gives the same layout for the column panels.
 */
function packPanels(
  src: ArrayLike<Raw>, base: number, rows: number, cols: number, rs: number, cs: number,
  read: (raw: Raw) => number, into: Float64Array,
): void {
  into.fill(0);
  for (let i = 0; i < rows; i++) {
    const panel = Math.floor(i / TILE) * TILE * cols + (i % TILE);
    const row = base + i * rs;
    for (let p = 0; p < cols; p++) into[panel + p * TILE] = read(src[row + p * cs]!);
  }
}

/** C (rows padded to TILE, m padded to TILE, row-major with stride mp) = A @ B from packed panels. */
function gemmPanels(A: Float64Array, B: Float64Array, C: Float64Array, np_: number, k: number, mp: number): void {
  C.fill(0);
  for (let p0 = 0; p0 < k; p0 += KBLOCK) {
    const p1 = Math.min(k, p0 + KBLOCK);
    for (let i = 0; i < np_; i += TILE) {
      const ap = i * k;
      const c0 = i * mp;
      for (let j = 0; j < mp; j += TILE) {
        const bp = j * k;
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        for (let p = p0; p < p1; p++) {
          const a = ap + p * TILE;
          const b = bp + p * TILE;
          const a0 = A[a]!, a1 = A[a + 1]!, a2 = A[a + 2]!, a3 = A[a + 3]!;
          const b0 = B[b]!, b1 = B[b + 1]!, b2 = B[b + 2]!, b3 = B[b + 3]!;
          s00 += a0 * b0; s01 += a0 * b1; s02 += a0 * b2; s03 += a0 * b3;
          s10 += a1 * b0; s11 += a1 * b1; s12 += a1 * b2; s13 += a1 * b3;
          s20 += a2 * b0; s21 += a2 * b1; s22 += a2 * b2; s23 += a2 * b3;
          s30 += a3 * b0; s31 += a3 * b1; s32 += a3 * b2; s33 += a3 * b3;
        }
        const r0 = c0 + j, r1 = r0 + mp, r2 = r1 + mp, r3 = r2 + mp;
        C[r0] += s00; C[r0 + 1] += s01; C[r0 + 2] += s02; C[r0 + 3] += s03;
        C[r1] += s10; C[r1 + 1] += s11; C[r1 + 2] += s12; C[r1 + 3] += s13;
        C[r2] += s20; C[r2 + 1] += s21; C[r2 + 2] += s22; C[r2 + 3] += s23;
        C[r3] += s30; C[r3 + 1] += s31; C[r3 + 2] += s32; C[r3 + 3] += s33;
      }
    }
  }
}

function maxAbs(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]!);
    if (!(v <= m)) m = v; // NaN cannot occur for integer inputs, but keeps it if it did
  }
  return m;
}

interface Geometry {
  n: number; k: number; m: number;
  aOffs: number[]; bOffs: number[]; oOffs: number[];
  ars: number; acs: number; brs: number; bcs: number; ors: number; ocs: number;
}

function geometry(a: View, b: View, out: View): Geometry {
  const nd = out.shape.length;
  const ad = a.shape.length;
  const bd = b.shape.length;
  const batchShape = out.shape.slice(0, nd - 2);
  return {
    n: out.shape[nd - 2]!, k: a.shape[ad - 1]!, m: out.shape[nd - 1]!,
    aOffs: batchOffsets(a, batchShape), bOffs: batchOffsets(b, batchShape), oOffs: batchOffsets(out, batchShape),
    ars: a.elementStrides[ad - 2]!, acs: a.elementStrides[ad - 1]!,
    brs: b.elementStrides[bd - 2]!, bcs: b.elementStrides[bd - 1]!,
    ors: out.elementStrides[nd - 2]!, ocs: out.elementStrides[nd - 1]!,
  };
}

/** Float, bool and (when exact) 64-bit integer products through the tiled float64 kernel. */
function matmulFloat(a: View, b: View, out: View, g: Geometry): boolean {
  const { n, k, m } = g;
  const boolDomain = out.dtype === 'bool';
  const big = out.dtype === 'int64' || out.dtype === 'uint64';
  const readA = numberReader(a.dtype, boolDomain);
  const readB = numberReader(b.dtype, boolDomain);
  const srcA = a.storage.typed(a.dtype) as ArrayLike<Raw>;
  const srcB = b.storage.typed(b.dtype) as ArrayLike<Raw>;
  const dst = out.storage.typed(out.dtype) as unknown as Raw[];
  const np_ = Math.ceil(n / TILE) * TILE;
  const mp = Math.ceil(m / TILE) * TILE;
  const A = new Float64Array(np_ * k);
  const B = new Float64Array(mp * k);
  const C = new Float64Array(np_ * mp);
  let packedA = -1;
  let packedB = -1;
  for (let t = 0; t < g.oOffs.length; t++) {
    // broadcast batches reuse the panel packed for the previous batch
    if (g.aOffs[t] !== packedA) packPanels(srcA, (packedA = g.aOffs[t]!), n, k, g.ars, g.acs, readA, A);
    if (g.bOffs[t] !== packedB) packPanels(srcB, (packedB = g.bOffs[t]!), m, k, g.bcs, g.brs, readB, B);
    // 64-bit integers: exact only while |a| * |b| * k < 2^53; the caller falls back to BigInt
    if (big && maxAbs(A) * maxAbs(B) * k >= 2 ** 53) return false;
    gemmPanels(A, B, C, np_, k, mp);
    const base = g.oOffs[t]!;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        const v = C[i * mp + j]!;
        const at = base + i * g.ors + j * g.ocs;
        if (big) dst[at] = out.dtype === 'int64' ? BigInt(v) : BigInt.asUintN(64, BigInt(v));
        else if (boolDomain) dst[at] = v !== 0 ? 1 : 0;
        else if (out.dtype === 'float16') dst[at] = H.numToHalf(v);
        else if (out.dtype === 'bfloat16') dst[at] = H.numToBf16(v);
        else dst[at] = v;
      }
    }
  }
  return true;
}

/** Integers up to 32 bits: products and sums wrap modulo 2^32, then the store wraps to out's width. */
function matmulInt32(a: View, b: View, out: View, g: Geometry): void {
  const { n, k, m } = g;
  const readA = int32Reader(a.dtype);
  const readB = int32Reader(b.dtype);
  const srcA = a.storage.typed(a.dtype) as ArrayLike<Raw>;
  const srcB = b.storage.typed(b.dtype) as ArrayLike<Raw>;
  const dst = out.storage.typed(out.dtype) as unknown as number[];
  const A = new Int32Array(n * k);
  const B = new Int32Array(k * m);
  const C = new Int32Array(m);
  for (let t = 0; t < g.oOffs.length; t++) {
    for (let i = 0; i < n; i++) for (let p = 0; p < k; p++) A[i * k + p] = readA(srcA[g.aOffs[t]! + i * g.ars + p * g.acs]!);
    for (let p = 0; p < k; p++) for (let j = 0; j < m; j++) B[p * m + j] = readB(srcB[g.bOffs[t]! + p * g.brs + j * g.bcs]!);
    for (let i = 0; i < n; i++) {
      C.fill(0);
      for (let p = 0; p < k; p++) {
        const av = A[i * k + p]!;
        const bp = p * m;
        for (let j = 0; j < m; j++) C[j] = (C[j]! + Math.imul(av, B[bp + j]!)) | 0;
      }
      const row = g.oOffs[t]! + i * g.ors;
      for (let j = 0; j < m; j++) dst[row + j * g.ocs] = C[j]!;
    }
  }
}

/** 64-bit integers with values too large for exact float64 sums. */
function matmulBig(a: View, b: View, out: View, g: Geometry): void {
  const { n, k, m } = g;
  const readA = bigReader(a.dtype);
  const readB = bigReader(b.dtype);
  const srcA = a.storage.typed(a.dtype) as ArrayLike<Raw>;
  const srcB = b.storage.typed(b.dtype) as ArrayLike<Raw>;
  const dst = out.storage.typed(out.dtype) as unknown as bigint[];
  const wrap = out.dtype === 'uint64' ? (v: bigint) => BigInt.asUintN(64, v) : (v: bigint) => BigInt.asIntN(64, v);
  for (let t = 0; t < g.oOffs.length; t++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        let s = 0n;
        for (let p = 0; p < k; p++) {
          s += readA(srcA[g.aOffs[t]! + i * g.ars + p * g.acs]!) * readB(srcB[g.bOffs[t]! + p * g.brs + j * g.bcs]!);
        }
        dst[g.oOffs[t]! + i * g.ors + j * g.ocs] = wrap(s);
      }
    }
  }
}

export function matmulCpu(a: View, b: View, out: View): void {
  const g = geometry(a, b, out);
  switch (out.dtype) {
    case 'int8': case 'uint8': case 'int16': case 'uint16': case 'int32': case 'uint32':
      matmulInt32(a, b, out, g);
      return;
    case 'int64': case 'uint64':
      if (!matmulFloat(a, b, out, g)) matmulBig(a, b, out, g);
      return;
    default:
      matmulFloat(a, b, out, g);
  }
}
