/**
 * CPU stable sort along the last axis, NaN last (NumPy's order). Each lane is copied into a
 * typed array first and values are written from that copy, so `values` may be the input itself
 * (an in-place sort).
 *
 * Values alone use the engine's native typed-array sort (numeric, NaN last). Indices need a
 * stable order: short lanes sort positions with a comparator (Array.prototype.sort is stable),
 * long ones with a radix sort over the keys' bits.
 */
import { type DType, dtypeInfo, isBig, isComplex } from '../../core/dtype.js';
import type { View } from '../../core/view.js';
import { ELEMENTWISE_HELPERS as H } from './helpers.js';

type Lane = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array
  | Int8Array | Uint8Array | BigInt64Array | BigUint64Array;
type Raw = { [i: number]: number | bigint };

/** Element offsets of the first element of every lane (all axes but the last), in C order. */
function laneOffsets(v: View, lead: readonly number[]): Float64Array {
  let lanes = 1;
  for (const d of lead) lanes *= d;
  const out = new Float64Array(lanes);
  const counter = new Array<number>(lead.length).fill(0);
  let off = v.offset;
  for (let l = 0; l < lanes; l++) {
    out[l] = off;
    for (let d = lead.length - 1; d >= 0; d--) {
      off += v.elementStrides[d]!;
      if (++counter[d]! < lead[d]!) break;
      counter[d] = 0;
      off -= v.elementStrides[d]! * lead[d]!;
    }
  }
  return out;
}

/** NaN-last comparison of two lane positions, for float lanes. */
const floatOrder = (k: Lane) => (i: number, j: number): number => {
  const a = k[i] as number;
  const b = k[j] as number;
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  return a !== a ? (b !== b ? 0 : 1) : -1;
};
const bigOrder = (k: Lane) => (i: number, j: number): number => {
  const a = k[i] as bigint;
  const b = k[j] as bigint;
  return a < b ? -1 : a > b ? 1 : 0;
};
const intOrder = (k: Lane) => (i: number, j: number): number => (k[i] as number) - (k[j] as number);

/**
 * NumPy's order for complex numbers (npysort's CFLOAT_LT): lexicographic, with NaN parts last:
 * R + Rj < R + nanj < nan + Rj < nan + nanj.
 */
function complexLess(ar: number, ai: number, br: number, bi: number): boolean {
  if (ar < br) return ai === ai || bi !== bi;
  if (ar > br) return bi !== bi && ai === ai;
  if (ar === br || (ar !== ar && br !== br)) return ai < bi || (bi !== bi && ai === ai);
  return br !== br;
}

/** sortCpu for complex lanes: a stable comparison sort of positions, values moved as (re, im) pairs. */
function sortComplex(x: View, values: View | null, indices: View | null, n: number, lead: number[]): void {
  const nd = x.shape.length;
  const step = (v: View): number => (nd === 0 ? 0 : v.elementStrides[nd - 1]!);
  const src = x.storage.typed(x.dtype) as Float32Array | Float64Array;
  const xOff = laneOffsets(x, lead);
  const vOff = values ? laneOffsets(values, lead) : null;
  const iOff = indices ? laneOffsets(indices, lead) : null;
  const vDst = values ? (values.storage.typed(values.dtype) as Float32Array | Float64Array) : null;
  const iDst = indices ? (indices.storage.typed(indices.dtype) as unknown as Raw) : null;
  const bigIndices = indices ? isBig(indices.dtype) : false;
  const [xs, vs, is] = [step(x), values ? step(values) : 0, indices ? step(indices) : 0];
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const order: number[] = new Array(n);
  const compare = (i: number, j: number): number =>
    complexLess(re[i]!, im[i]!, re[j]!, im[j]!) ? -1 : complexLess(re[j]!, im[j]!, re[i]!, im[i]!) ? 1 : 0;
  for (let l = 0; l < xOff.length; l++) {
    const xo = xOff[l]!;
    for (let i = 0; i < n; i++) {
      re[i] = src[2 * (xo + i * xs)]!;
      im[i] = src[2 * (xo + i * xs) + 1]!;
      order[i] = i;
    }
    order.sort(compare);
    if (vDst) {
      const vo = vOff![l]!;
      for (let i = 0; i < n; i++) {
        vDst[2 * (vo + i * vs)] = re[order[i]!]!;
        vDst[2 * (vo + i * vs) + 1] = im[order[i]!]!;
      }
    }
    if (iDst) {
      const io = iOff![l]!;
      for (let i = 0; i < n; i++) iDst[io + i * is] = bigIndices ? BigInt(order[i]!) : order[i]!;
    }
  }
}

/** How a dtype stored as bit patterns (float16, bfloat16) is decoded; null for the others. */
function bitsDecoder(dtype: DType): ((bits: number) => number) | null {
  return dtype === 'float16' ? H.halfToNum : dtype === 'bfloat16' ? H.bf16ToNum : null;
}

/** How a value is stored into a dtype stored as bit patterns; null for the others. */
function bitsEncoder(dtype: DType): ((value: number) => number) | null {
  return dtype === 'float16' ? H.numToHalf : dtype === 'bfloat16' ? H.numToBf16 : null;
}

export function sortCpu(x: View, values: View | null, indices: View | null): void {
  const nd = x.shape.length;
  const n = nd === 0 ? 1 : x.shape[nd - 1]!;
  const lead = x.shape.slice(0, Math.max(nd - 1, 0));
  if (n === 0 || lead.some((d) => d === 0)) return;
  if (isComplex(x.dtype)) {
    sortComplex(x, values, indices, n, lead);
    return;
  }
  const step = (v: View): number => (nd === 0 ? 0 : v.elementStrides[nd - 1]!);
  // float16 and bfloat16 are stored as bits: their lanes hold the decoded values
  const decode = bitsDecoder(x.dtype);
  const encode = bitsEncoder(x.dtype);
  const kind = dtypeInfo(x.dtype).kind;
  const src = x.storage.typed(x.dtype) as unknown as Raw;
  const xs = step(x);
  const xOff = laneOffsets(x, lead);
  const vOff = values ? laneOffsets(values, lead) : null;
  const iOff = indices ? laneOffsets(indices, lead) : null;
  const vDst = values ? (values.storage.typed(values.dtype) as unknown as Raw) : null;
  const iDst = indices ? (indices.storage.typed(indices.dtype) as unknown as Raw) : null;
  const vs = values ? step(values) : 0;
  const is = indices ? step(indices) : 0;
  const bigIndices = indices ? isBig(indices.dtype) : false;
  const keys: Lane = decode ? new Float64Array(n) : new (dtypeInfo(x.dtype).array)(n) as Lane;
  const radix = indices && n > RADIX_MIN ? new RadixArgsort(keys, n) : null;
  const order: number[] = new Array(n);
  const compare = kind === 'f' ? floatOrder(keys) : isBig(x.dtype) ? bigOrder(keys) : intOrder(keys);

  for (let l = 0; l < xOff.length; l++) {
    const xo = xOff[l]!;
    for (let i = 0; i < n; i++) keys[i] = decode ? decode(src[xo + i * xs] as number) : src[xo + i * xs]!;

    if (!indices) {
      keys.sort(); // numeric for typed arrays, NaN last
      if (kind === 'f') restoreZeroOrder(keys as Float64Array | Float32Array, src, xo, xs, decode);
      const vo = vOff![l]!;
      for (let i = 0; i < n; i++) vDst![vo + i * vs] = encode ? encode(keys[i] as number) : keys[i]!;
      continue;
    }

    let sorted: ArrayLike<number>;
    if (radix) sorted = radix.run();
    else {
      for (let i = 0; i < n; i++) order[i] = i;
      sorted = order.sort(compare);
    }
    if (vDst) {
      const vo = vOff![l]!;
      for (let i = 0; i < n; i++) {
        const v = keys[sorted[i]!]!;
        vDst[vo + i * vs] = encode ? encode(v as number) : v;
      }
    }
    const io = iOff![l]!;
    for (let i = 0; i < n; i++) iDst![io + i * is] = bigIndices ? BigInt(sorted[i]!) : sorted[i]!;
  }
}

/** Below this lane length a comparison sort beats the radix sort's fixed costs. */
const RADIX_MIN = 256;

/**
 * Stable LSD radix argsort over the lane's bits: each key becomes one or two unsigned 32-bit
 * words that order as the values do (sign bits flipped; negative floats inverted; -0 and every
 * NaN made one key, so equal values keep input order and NaN sorts last). Passes over bytes that
 * all keys share are skipped, so small integer ranges take only a pass or two.
 */
class RadixArgsort {
  private readonly lo: Uint32Array;
  private readonly hi: Uint32Array | null;
  private a: Uint32Array;
  private b: Uint32Array;
  /** Float keys are copied here to make -0 and NaN canonical without touching the lane. */
  private readonly scratch: Float64Array | Float32Array | null;

  constructor(private readonly keys: Lane, private readonly n: number) {
    this.scratch = keys instanceof Float64Array ? new Float64Array(n) : keys instanceof Float32Array ? new Float32Array(n) : null;
    this.lo = new Uint32Array(n);
    this.hi = keys.BYTES_PER_ELEMENT === 8 ? new Uint32Array(n) : null;
    this.a = new Uint32Array(n);
    this.b = new Uint32Array(n);
  }

  run(): Uint32Array {
    const { keys, n, lo, hi, scratch } = this;
    if (scratch) {
      scratch.set(keys as Float64Array | Float32Array);
      for (let i = 0; i < n; i++) if (scratch[i] === 0 || scratch[i] !== scratch[i]) scratch[i] = scratch[i] === 0 ? 0 : NaN;
    }
    if (scratch instanceof Float64Array) {
      const w = new Uint32Array(scratch.buffer, 0, 2 * n);
      for (let i = 0; i < n; i++) {
        const h = w[2 * i + 1]!;
        const neg = h >>> 31 === 1;
        hi![i] = neg ? ~h >>> 0 : (h | 0x80000000) >>> 0;
        lo[i] = neg ? ~w[2 * i]! >>> 0 : w[2 * i]!;
      }
    } else if (scratch instanceof Float32Array) {
      const w = new Uint32Array(scratch.buffer, 0, n);
      for (let i = 0; i < n; i++) lo[i] = w[i]! >>> 31 === 1 ? ~w[i]! >>> 0 : (w[i]! | 0x80000000) >>> 0;
    } else if (keys instanceof BigInt64Array || keys instanceof BigUint64Array) {
      const w = new Uint32Array(keys.buffer, keys.byteOffset, 2 * n);
      const flip = keys instanceof BigInt64Array ? 0x80000000 : 0;
      for (let i = 0; i < n; i++) {
        hi![i] = (w[2 * i + 1]! ^ flip) >>> 0;
        lo[i] = w[2 * i]!;
      }
    } else {
      const signed = keys instanceof Int8Array || keys instanceof Int16Array || keys instanceof Int32Array;
      for (let i = 0; i < n; i++) lo[i] = signed ? ((keys[i] as number) ^ 0x80000000) >>> 0 : (keys[i] as number) >>> 0;
    }
    let src = this.a;
    let dst = this.b;
    for (let i = 0; i < n; i++) src[i] = i;
    for (const words of hi ? [lo, hi] : [lo]) {
      const counts = new Uint32Array(4 * 256);
      for (let i = 0; i < n; i++) {
        const k = words[i]!;
        counts[k & 0xff]++;
        counts[256 + ((k >>> 8) & 0xff)]++;
        counts[512 + ((k >>> 16) & 0xff)]++;
        counts[768 + (k >>> 24)]++;
      }
      for (let pass = 0; pass < 4; pass++) {
        const base = pass * 256;
        const shift = pass * 8;
        if (counts[base + ((words[0]! >>> shift) & 0xff)] === n) continue; // every key has this byte
        let total = 0;
        for (let d = 0; d < 256; d++) {
          const c = counts[base + d]!;
          counts[base + d] = total;
          total += c;
        }
        for (let i = 0; i < n; i++) {
          const idx = src[i]!;
          dst[counts[base + ((words[idx]! >>> shift) & 0xff)]++] = idx;
        }
        [src, dst] = [dst, src];
      }
    }
    this.a = src;
    this.b = dst;
    return src;
  }
}

/**
 * The native sort puts -0 before +0, but they compare equal, so a stable sort keeps them in
 * input order: rewrite the run of zeros in the order the lane had them.
 */
function restoreZeroOrder(
  keys: Float64Array | Float32Array, src: Raw, xo: number, xs: number, decode: ((bits: number) => number) | null,
): void {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < 0) lo = mid + 1;
    else hi = mid;
  }
  if (lo >= keys.length || keys[lo] !== 0 || !Object.is(keys[lo], -0)) return; // no -0 in the lane
  let end = lo;
  while (end < keys.length && keys[end] === 0) end++;
  if (Object.is(keys[end - 1], -0)) return; // only -0s: nothing to reorder
  let k = lo;
  for (let i = 0; k < end; i++) {
    const raw = src[xo + i * xs] as number;
    const v = decode ? decode(raw) : raw;
    if (v === 0) keys[k++] = v;
  }
}
