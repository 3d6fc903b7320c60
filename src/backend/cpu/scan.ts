/**
 * CPU inclusive scans (cumsum, cumprod) along the last axis. NumPy accumulates in the output dtype,
 * rounding or wrapping at every step, and so do these loops: float32 and float16 round each
 * partial result, integers wrap (exactly: 64-bit types in BigInt, 32-bit products with
 * Math.imul). Callers cast the input to the output dtype first when that cast is not safe.
 * bfloat16, which NumPy lacks, scans as PyTorch does: a float32 running value (its acc_type),
 * rounded to bfloat16 only where stored.
 */
import { type DType, dtypeInfo, isBig, isComplex } from '../../core/dtype.js';
import { fromHalfBits, toHalfBits } from '../../core/float16.js';
import { fromBfloat16Bits, toBfloat16Bits } from '../../core/bfloat16.js';
import type { View } from '../../core/view.js';
import type { ScanOp } from '../backend.js';
import { specialise } from './reduce.js';

type Values = { [i: number]: number | bigint };

/** One lane: n elements of src from p at stride s into dst from q at stride t. */
type Lane = (src: Values, p: number, s: number, dst: Values, q: number, t: number, n: number, isSum: boolean, flag: boolean) => void;

// Kernels are specialised per dtype pair (see reduce.ts), so they use only arguments and globals.

/** Number inputs into float32 (`flag`: round every step) or float64. */
function scanFloat(src: Values, p: number, s: number, dst: Values, q: number, t: number, n: number, isSum: boolean, flag: boolean): void {
  let acc = isSum ? 0 : 1;
  for (let i = 0; i < n; i++, p += s, q += t) {
    acc = isSum ? acc + (src[p] as number) : acc * (src[p] as number);
    if (flag) acc = Math.fround(acc);
    dst[q] = acc;
  }
}

/** Number inputs into 8- to 32-bit integers: the store wraps and is read back; `flag`: 32-bit products need imul. */
function scanInt(src: Values, p: number, s: number, dst: Values, q: number, t: number, n: number, isSum: boolean, flag: boolean): void {
  let acc = isSum ? 0 : 1;
  for (let i = 0; i < n; i++, p += s, q += t) {
    const v = src[p] as number;
    acc = isSum ? acc + v : flag ? Math.imul(acc, v) : acc * v;
    dst[q] = acc;
    acc = dst[q] as number;
  }
}

/** Integers into int64/uint64, exactly (the typed array wraps each stored value to 64 bits). */
function scanBig(src: Values, p: number, s: number, dst: Values, q: number, t: number, n: number, isSum: boolean): void {
  let acc = isSum ? 0n : 1n;
  for (let i = 0; i < n; i++, p += s, q += t) {
    const v = BigInt(src[p]!);
    acc = BigInt.asIntN(64, isSum ? acc + v : acc * v);
    dst[q] = acc;
  }
}

/** The rare pairs (float16 or bfloat16 on either side, 64-bit into narrower, bool results), through conversions. */
function generalLane(inDtype: DType, outDtype: DType): Lane {
  const read: (v: number | bigint) => number = inDtype === 'float16' ? (v) => fromHalfBits(v as number)
    : inDtype === 'bfloat16' ? (v) => fromBfloat16Bits(v as number)
    : Number;
  const bits = dtypeInfo(outDtype).itemsize * 8;
  const kind = dtypeInfo(outDtype).kind;
  // the value as the output holds it, and how it is stored
  const round: (x: number) => number = outDtype === 'bool' ? (x) => (x !== 0 ? 1 : 0)
    : outDtype === 'float16' ? (x) => fromHalfBits(toHalfBits(x))
    : outDtype === 'float32' || outDtype === 'bfloat16' ? Math.fround
    : kind === 'f' ? (x) => x
    : (x) => Number(kind === 'u' ? BigInt.asUintN(bits, BigInt(x)) : BigInt.asIntN(bits, BigInt(x)));
  const encode: (x: number) => number = outDtype === 'float16' ? toHalfBits : outDtype === 'bfloat16' ? toBfloat16Bits : (x) => x;
  return (src, p, s, dst, q, t, n, isSum) => {
    let acc = isSum ? 0 : 1;
    for (let i = 0; i < n; i++, p += s, q += t) {
      acc = round(isSum ? acc + read(src[p]!) : acc * read(src[p]!));
      dst[q] = encode(acc);
    }
  };
}

/**
 * Complex input into a complex output of the same dtype (callers cast first): (re, im) pairs at
 * [2p, 2p + 1]; `flag` rounds every step to float32 (complex64), as NumPy accumulates in the
 * output dtype.
 */
function scanComplex(src: Values, p: number, s: number, dst: Values, q: number, t: number, n: number, isSum: boolean, flag: boolean): void {
  const F = flag ? Math.fround : (v: number) => v;
  let ar = isSum ? 0 : 1;
  let ai = 0;
  for (let i = 0; i < n; i++, p += s, q += t) {
    const vr = src[2 * p] as number;
    const vi = src[2 * p + 1] as number;
    if (isSum) {
      ar = F(ar + vr);
      ai = F(ai + vi);
    } else {
      const r = F(F(ar * vr) - F(ai * vi));
      ai = F(F(ar * vi) + F(ai * vr));
      ar = r;
    }
    dst[2 * q] = ar;
    dst[2 * q + 1] = ai;
  }
}

function laneKernel(inDtype: DType, outDtype: DType): Lane {
  const key = `${inDtype}>${outDtype}`;
  if (isComplex(outDtype)) {
    if (inDtype !== outDtype) throw new Error(`internal: a ${inDtype} scan into ${outDtype} (cast first)`);
    return specialise(scanComplex, key);
  }
  if (isBig(outDtype)) return specialise(scanBig, key) as Lane;
  const plainIn = inDtype !== 'float16' && inDtype !== 'bfloat16' && !isBig(inDtype);
  if (plainIn && (outDtype === 'float64' || outDtype === 'float32')) return specialise(scanFloat, key);
  if (plainIn && dtypeInfo(outDtype).kind !== 'f' && outDtype !== 'bool') return specialise(scanInt, key);
  return generalLane(inDtype, outDtype);
}

export function scanCpu(op: ScanOp, x: View, out: View): void {
  const nd = x.shape.length;
  const n = nd === 0 ? 1 : x.shape[nd - 1]!;
  const xs = nd === 0 ? 0 : x.elementStrides[nd - 1]!;
  const os = nd === 0 ? 0 : out.elementStrides[nd - 1]!;
  const src = x.storage.typed(x.dtype) as unknown as Values;
  const dst = out.storage.typed(out.dtype) as unknown as Values;
  const lane = laneKernel(x.dtype, out.dtype);
  const isSum = op === 'cumsum';
  // float32 rounding for scanFloat, Math.imul for 32-bit products in scanInt
  const flag = out.dtype === 'float32' || out.dtype === 'complex64' || dtypeInfo(out.dtype).itemsize === 4;
  const outer = x.shape.slice(0, -1);
  const lanes = outer.reduce((a, b) => a * b, 1);
  const counter = new Array<number>(outer.length).fill(0);
  let p = x.offset;
  let q = out.offset;
  for (let k = 0; k < lanes; k++) {
    lane(src, p, xs, dst, q, os, n, isSum, flag);
    for (let d = outer.length - 1; d >= 0; d--) {
      p += x.elementStrides[d]!;
      q += out.elementStrides[d]!;
      if (++counter[d]! < outer[d]!) break;
      counter[d] = 0;
      p -= x.elementStrides[d]! * outer[d]!;
      q -= out.elementStrides[d]! * outer[d]!;
    }
  }
}
