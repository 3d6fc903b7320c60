/**
 * CPU reductions over the trailing axes of a view. Each output element reduces one block; after
 * merging contiguous axes a block is a few strided lines (usually one), and each line is reduced
 * by a tight loop compiled separately for each input dtype (see `specialise`). A reduction over an
 * outer axis with many outputs (`sum(a, {axis: 0})` of a C-ordered matrix) instead adds whole rows
 * into an accumulator, walking memory in order.
 *
 * Arithmetic: floats accumulate in float64 (lines in NumPy's pairwise order) and are rounded once
 * into the output dtype. Integer sums and products are exact: 64-bit sums add their 32-bit words
 * separately, products fall back to BigInt when they leave a double's exact range, and the exact
 * result wraps into the output dtype as NumPy's modular arithmetic does. Callers cast the input
 * to the output dtype first where that cast is not safe (float to int), as NumPy does.
 */
import { type DType, dtypeInfo, isBig, isComplex } from '../../core/dtype.js';
import { ELEMENTWISE } from '../../core/elementwise-ops.js';
import { toHalfBits } from '../../core/float16.js';
import { toBfloat16Bits } from '../../core/bfloat16.js';
import { contiguousStrides, sizeOf } from '../../core/shape.js';
import { Storage } from '../../core/storage.js';
import { type View, makeView } from '../../core/view.js';
import type { ReduceOp } from '../backend.js';
import { collapseAxes, runElementwise } from './elementwise.js';
import { ELEMENTWISE_HELPERS as H } from './helpers.js';

/** A typed array read as numbers; the 64-bit kernels are handed BigInt arrays under this type. */
type Nums = ArrayLike<number>;
type LineKernel<T> = (a: Nums, p: number, n: number, s: number) => T;
/** Reduces n rows (stride s) of k elements (stride ks) from p into acc[0..k). */
type RowsKernel = (a: Nums, p: number, n: number, s: number, k: number, ks: number, acc: Float64Array) => void;

// ---- kernels: self-contained, since they are recompiled from their source (see specialise) ------

/** NumPy's pairwise summation (eight accumulators, blocks of 128), in float64. */
function sumLine(a: Nums, p: number, n: number, s: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[p + i * s]!;
    return res;
  }
  if (n <= 128) {
    let r0 = a[p]!, r1 = a[p + s]!, r2 = a[p + 2 * s]!, r3 = a[p + 3 * s]!;
    let r4 = a[p + 4 * s]!, r5 = a[p + 5 * s]!, r6 = a[p + 6 * s]!, r7 = a[p + 7 * s]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const q = p + i * s;
      r0 += a[q]!; r1 += a[q + s]!; r2 += a[q + 2 * s]!; r3 += a[q + 3 * s]!;
      r4 += a[q + 4 * s]!; r5 += a[q + 5 * s]!; r6 += a[q + 6 * s]!; r7 += a[q + 7 * s]!;
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += a[p + i * s]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return sumLine(a, p, n2, s) + sumLine(a, p + n2 * s, n - n2, s);
}

/**
 * The exact sum of int64 or uint64 elements, handed over as their little-endian 32-bit words (`a`
 * is an Int32Array for int64, a Uint32Array for uint64; p and s still count 64-bit elements).
 * High and low words are summed separately, each exactly in a double, 2^20 elements at a time.
 */
function sumWordsLine(a: Nums, p: number, n: number, s: number): bigint {
  let total = 0n;
  for (let start = 0; start < n; start += 1048576) {
    const end = Math.min(n, start + 1048576);
    let lo = 0;
    let hi = 0;
    for (let i = start, q = 2 * (p + start * s); i < end; i++, q += 2 * s) {
      lo += a[q]! >>> 0;
      hi += a[q + 1]!;
    }
    total += BigInt(hi) * 4294967296n + BigInt(lo);
  }
  return total;
}

/** int64/uint64 words (as in sumWordsLine) converted to doubles and summed, as NumPy does for a float result. */
function sumWordsAsNumberLine(a: Nums, p: number, n: number, s: number): number {
  let res = 0;
  for (let i = 0, q = 2 * p; i < n; i++, q += 2 * s) res += a[q + 1]! * 4294967296 + (a[q]! >>> 0); // rounds once
  return res;
}

/** Big-endian hosts: int64/uint64 sums in BigInt. */
function sumBigLine(a: Nums, p: number, n: number, s: number): bigint {
  const b = a as unknown as ArrayLike<bigint>;
  let res = 0n;
  for (let i = 0; i < n; i++) res += b[p + i * s]!;
  return res;
}

/** Big-endian hosts: int64/uint64 summed as doubles. */
function sumBigAsNumberLine(a: Nums, p: number, n: number, s: number): number {
  const b = a as unknown as ArrayLike<bigint>;
  let res = 0;
  for (let i = 0; i < n; i++) res += Number(b[p + i * s]!);
  return res;
}

function prodLine(a: Nums, p: number, n: number, s: number): number {
  let res = 1;
  for (let i = 0; i < n; i++) res *= a[p + i * s]!;
  return res;
}

/** The exact product wrapped to 64 bits, for integers of any width (BigInt(x) of a BigInt is x). */
function prodExactLine(a: Nums, p: number, n: number, s: number): bigint {
  let res = 1n;
  for (let i = 0; i < n; i++) res = BigInt.asIntN(64, res * BigInt(a[p + i * s]!));
  return res;
}

/** int64/uint64 multiplied as doubles, for a float result dtype. */
function prodBigAsNumberLine(a: Nums, p: number, n: number, s: number): number {
  const b = a as unknown as ArrayLike<bigint>;
  let res = 1;
  for (let i = 0; i < n; i++) res *= Number(b[p + i * s]!);
  return res;
}

// The comparison kernels also run on BigInt arrays: `<=` and `!=` work on both, and `v !== v`
// (NaN) is never true for a BigInt.

/** Index of the first maximum; the first NaN wins, as NaN propagates. */
function argmaxLine(a: Nums, p: number, n: number, s: number): number {
  let best = a[p]!;
  let k = 0;
  if (best !== best) return 0;
  for (let i = 1, q = p + s; i < n; i++, q += s) {
    const v = a[q]!;
    if (!(v <= best)) {
      best = v;
      k = i;
      if (v !== v) break;
    }
  }
  return k;
}

function argminLine(a: Nums, p: number, n: number, s: number): number {
  let best = a[p]!;
  let k = 0;
  if (best !== best) return 0;
  for (let i = 1, q = p + s; i < n; i++, q += s) {
    const v = a[q]!;
    if (!(v >= best)) {
      best = v;
      k = i;
      if (v !== v) break;
    }
  }
  return k;
}

/** Index of the first nonzero element (NaN counts as nonzero), or -1. */
function firstNonzeroLine(a: Nums, p: number, n: number, s: number): number {
  for (let i = 0, q = p; i < n; i++, q += s) if (a[q] != 0) return i;
  return -1;
}

function firstZeroLine(a: Nums, p: number, n: number, s: number): number {
  for (let i = 0, q = p; i < n; i++, q += s) if (a[q] == 0) return i;
  return -1;
}

/** acc[j] = sum over rows of element j (numbers only), from 0 as NumPy; four rows per pass halve the traffic to acc. */
function sumRows(a: Nums, p: number, n: number, s: number, k: number, ks: number, acc: Float64Array): void {
  acc.fill(0);
  let i = 0;
  for (; i + 4 <= n; i += 4, p += 4 * s) {
    for (let j = 0, q = p; j < k; j++, q += ks) acc[j] += (a[q]! + a[q + s]!) + (a[q + 2 * s]! + a[q + 3 * s]!);
  }
  for (; i < n; i++, p += s) {
    for (let j = 0, q = p; j < k; j++, q += ks) acc[j] += a[q]!;
  }
}

/** acc[j] = max over rows of element j; a NaN sticks (v > NaN is false, and NaN replaces anything). */
function maxRows(a: Nums, p: number, n: number, s: number, k: number, ks: number, acc: Float64Array): void {
  for (let j = 0, q = p; j < k; j++, q += ks) acc[j] = a[q]!;
  for (let i = 1; i < n; i++) {
    p += s;
    for (let j = 0, q = p; j < k; j++, q += ks) {
      const v = a[q]!;
      if (v > acc[j]! || v !== v) acc[j] = v;
    }
  }
}

function minRows(a: Nums, p: number, n: number, s: number, k: number, ks: number, acc: Float64Array): void {
  for (let j = 0, q = p; j < k; j++, q += ks) acc[j] = a[q]!;
  for (let i = 1; i < n; i++) {
    p += s;
    for (let j = 0, q = p; j < k; j++, q += ks) {
      const v = a[q]!;
      if (v < acc[j]! || v !== v) acc[j] = v;
    }
  }
}

const specialised = new Map<string, unknown>();

/**
 * A copy of `kernel` compiled for one input dtype. V8 optimises a typed-array loop for the array
 * types it has seen, and a loop shared by every dtype turns megamorphic and several times slower;
 * compiling the same source once per dtype keeps each copy monomorphic. Hence kernels may use only
 * their arguments and globals.
 */
export function specialise<F extends (...args: never[]) => unknown>(kernel: F, dtype: string): F {
  const key = `${kernel.name}:${dtype}`;
  let f = specialised.get(key) as F | undefined;
  if (!f) {
    f = new Function(`return (${kernel.toString()}); // for ${dtype}`)() as F;
    specialised.set(key, f);
  }
  return f;
}

// ---- the driver ---------------------------------------------------------------------------------

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Up to this many integers below 2^32 in magnitude, every partial sum is exact in a double. */
const EXACT_CHUNK = 2 ** 21;

type Result = number | bigint | boolean;
type Dst = { [i: number]: number | bigint };

/** float16 and bfloat16 are read through a float32 copy (exact), so the kernels see plain numbers. */
function readable(x: View): View {
  if (x.dtype !== 'float16' && x.dtype !== 'bfloat16') return x;
  const out = makeView(Storage.allocate('float32', sizeOf(x.shape)), 'float32', x.shape, contiguousStrides(x.shape), 0);
  runElementwise(ELEMENTWISE.copy, [x], out, x.dtype);
  return out;
}

/**
 * How a result is written into an output of `dtype`. Integer results are exact and wrap into
 * narrower integer dtypes as NumPy's fixed-width arithmetic does (typed arrays wrap numbers).
 */
function storer(dtype: DType): (dst: Dst, o: number, v: Result) => void {
  const kind = dtypeInfo(dtype).kind;
  if (dtype === 'bool') return (dst, o, v) => (dst[o] = v != 0 ? 1 : 0); // NaN is true
  if (dtype === 'float16') return (dst, o, v) => (dst[o] = toHalfBits(Number(v)));
  if (dtype === 'bfloat16') return (dst, o, v) => (dst[o] = toBfloat16Bits(Number(v)));
  if (kind === 'f') return (dst, o, v) => (dst[o] = Number(v));
  if (isBig(dtype)) {
    return (dst, o, v) => {
      if (typeof v === 'bigint') dst[o] = v;
      else dst[o] = Number.isFinite(v) ? BigInt(Math.trunc(Number(v))) : -(2n ** 63n);
    };
  }
  return (dst, o, v) => (dst[o] = typeof v === 'bigint' ? Number(BigInt.asUintN(32, v)) : Number(v));
}

/** Calls visit(p, q) at every position of an odometer over shape, with offsets along two stride sets. */
function forEachOffset(
  shape: readonly number[], sp: readonly number[], sq: readonly number[], visit: (p: number, q: number) => boolean | void,
): void {
  const nd = shape.length;
  const total = sizeOf(shape);
  const counter = new Array<number>(nd).fill(0);
  let p = 0;
  let q = 0;
  for (let k = 0; k < total; k++) {
    if (visit(p, q) === false) return;
    for (let d = nd - 1; d >= 0; d--) {
      p += sp[d]!;
      q += sq[d]!;
      if (++counter[d]! < shape[d]!) break;
      counter[d] = 0;
      p -= sp[d]! * shape[d]!;
      q -= sq[d]! * shape[d]!;
    }
  }
}

export function reduceCpu(op: ReduceOp, input: View, reduceNdim: number, out: View): void {
  const keepNdim = input.shape.length - reduceNdim;
  if (sizeOf(input.shape.slice(0, keepNdim)) === 0) return;
  if (isComplex(input.dtype)) {
    reduceComplex(op, input, reduceNdim, out);
    return;
  }
  const dst = out.storage.typed(out.dtype) as unknown as Dst;
  const put = storer(out.dtype);
  const x = readable(input);
  const [keepShape, [keepStrides, outStrides]] = collapseAxes(
    x.shape.slice(0, keepNdim), [x.elementStrides.slice(0, keepNdim), out.elementStrides],
  );
  const blockSize = sizeOf(x.shape.slice(keepNdim));
  if (blockSize === 0) {
    if (op !== 'sum' && op !== 'prod' && op !== 'any' && op !== 'all') throw new Error(`${op} of an empty block`);
    const identity = op === 'prod' || op === 'all' ? 1 : 0;
    forEachOffset(keepShape, keepStrides!, outStrides!, (_, o) => put(dst, out.offset + o, identity));
    return;
  }
  // A block is lines (outer axes, usually none) of n elements at stride s; collapsing leaves no
  // axes at all for a block of one element.
  const [blockShape, [blockStrides]] = collapseAxes(x.shape.slice(keepNdim), [x.elementStrides.slice(keepNdim)]);
  const block: Block = { n: blockShape.pop() ?? 1, s: blockStrides!.pop() ?? 0, shape: blockShape, strides: blockStrides!, size: blockSize };
  if (reduceRows(op, x, block, keepShape, keepStrides!, outStrides!, dst, out.offset, put)) return;
  const reduceBlock = blockReducer(op, x, out.dtype, block);
  forEachOffset(keepShape, keepStrides!, outStrides!, (p, o) => put(dst, out.offset + o, reduceBlock(x.offset + p)));
}

interface Block { n: number; s: number; shape: number[]; strides: number[]; size: number }

/**
 * The row-wise path: when the innermost kept axis runs faster through memory than the reduced
 * line (a reduction over an outer axis), sums, maxima and minima add whole rows into an
 * accumulator instead of walking one strided column per output. Returns false when it does not
 * apply.
 */
function reduceRows(
  op: ReduceOp, x: View, block: Block, keepShape: number[], keepStrides: number[], outStrides: number[],
  dst: Dst, outOffset: number, put: (dst: Dst, o: number, v: Result) => void,
): boolean {
  if (op !== 'sum' && op !== 'max' && op !== 'min') return false;
  if (isBig(x.dtype) || !rowsApply(block, keepShape, keepStrides)) return false;
  const last = keepShape.length - 1;
  const k = keepShape[last]!;
  const ks = keepStrides[last]!;
  const os = outStrides[last]!;
  const acc = new Float64Array(k);
  const kernel = specialise((op === 'sum' ? sumRows : op === 'max' ? maxRows : minRows) as RowsKernel, x.dtype);
  const a = x.storage.typed(x.dtype) as unknown as Nums;
  forEachOffset(keepShape.slice(0, last), keepStrides.slice(0, last), outStrides.slice(0, last), (p, o) => {
    kernel(a, x.offset + p, block.n, block.s, k, ks, acc);
    for (let j = 0; j < k; j++) put(dst, outOffset + o + j * os, acc[j]!);
  });
  return true;
}

/** Whether the row-wise path fits: the innermost kept axis is faster through memory than the reduced line. */
function rowsApply(block: Block, keepShape: number[], keepStrides: number[]): boolean {
  if (block.shape.length > 0 || keepShape.length === 0 || block.n > EXACT_CHUNK) return false;
  const last = keepShape.length - 1;
  return Math.abs(keepStrides[last]!) < Math.abs(block.s) && keepShape[last]! >= 8;
}

// ---- complex reductions ---------------------------------------------------------------------------

/** The scratch pair complex line kernels leave their result in. */
const pair = new Float64Array(2);

/**
 * NumPy's pairwise sum of complex numbers (CDOUBLE_pairwise_sum): `n` counts float units (twice
 * the elements), eight accumulators hold four elements' parts, blocks of 128 units; `F` rounds
 * each step to float32 for complex64, which NumPy accumulates in float32. `p` is the float index
 * of the first real part and `hs` the element stride (floats per unit).
 */
function csumLine(a: Nums, p: number, n: number, hs: number, F: (v: number) => number): void {
  if (n < 8) {
    let rr = 0;
    let ri = 0;
    for (let i = 0; i < n; i += 2) {
      rr = F(rr + a[p + i * hs]!);
      ri = F(ri + a[p + i * hs + 1]!);
    }
    pair[0] = rr;
    pair[1] = ri;
    return;
  }
  if (n <= 128) {
    let r0 = a[p]!, r1 = a[p + 1]!, r2 = a[p + 2 * hs]!, r3 = a[p + 2 * hs + 1]!;
    let r4 = a[p + 4 * hs]!, r5 = a[p + 4 * hs + 1]!, r6 = a[p + 6 * hs]!, r7 = a[p + 6 * hs + 1]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const q = p + i * hs;
      r0 = F(r0 + a[q]!); r1 = F(r1 + a[q + 1]!); r2 = F(r2 + a[q + 2 * hs]!); r3 = F(r3 + a[q + 2 * hs + 1]!);
      r4 = F(r4 + a[q + 4 * hs]!); r5 = F(r5 + a[q + 4 * hs + 1]!); r6 = F(r6 + a[q + 6 * hs]!); r7 = F(r7 + a[q + 6 * hs + 1]!);
    }
    let rr = F(F(F(r0 + r2) + F(r4 + r6)));
    let ri = F(F(F(r1 + r3) + F(r5 + r7)));
    for (; i < n; i += 2) {
      rr = F(rr + a[p + i * hs]!);
      ri = F(ri + a[p + i * hs + 1]!);
    }
    pair[0] = rr;
    pair[1] = ri;
    return;
  }
  let n2 = n / 2;
  n2 -= n2 % 8;
  csumLine(a, p, n2, hs, F);
  const rr = pair[0]!;
  const ri = pair[1]!;
  csumLine(a, p + n2 * hs, n - n2, hs, F);
  pair[0] = F(rr + pair[0]!);
  pair[1] = F(ri + pair[1]!);
}

/**
 * Reductions of complex input, in NumPy's order of operations: sum pairwise along a line, or
 * element by element when the reduced axis is an outer one (NumPy then adds whole rows: out[j] +=
 * a[i, j]); prod left to right (with the fused multiply of NumPy's SIMD loop in the row-wise
 * case); max/min/argmax/argmin in NumPy's lexicographic order with NaN propagating; any/all on
 * "either part nonzero". Results go into a complex output, or a real one (indices, truth values).
 */
function reduceComplex(op: ReduceOp, x: View, reduceNdim: number, out: View): void {
  const keepNdim = x.shape.length - reduceNdim;
  const complexOut = isComplex(out.dtype);
  const a = x.storage.typed(x.dtype) as unknown as Nums;
  const dst = out.storage.typed(out.dtype) as unknown as Dst;
  const put = complexOut ? null : storer(out.dtype);
  const write = (o: number, re: number, im: number | Result): void => {
    if (complexOut) {
      dst[2 * o] = re;
      dst[2 * o + 1] = im as number;
    } else put!(dst, o, im);
  };
  const [keepShape, [keepStrides, outStrides]] = collapseAxes(
    x.shape.slice(0, keepNdim), [x.elementStrides.slice(0, keepNdim), out.elementStrides],
  );
  const blockSize = sizeOf(x.shape.slice(keepNdim));
  if (blockSize === 0) {
    const one = op === 'prod' ? 1 : 0;
    const truth = op === 'all';
    forEachOffset(keepShape, keepStrides!, outStrides!, (_, o) => write(out.offset + o, one, complexOut ? 0 : truth));
    return;
  }
  const [blockShape, [blockStrides]] = collapseAxes(x.shape.slice(keepNdim), [x.elementStrides.slice(keepNdim)]);
  const block: Block = { n: blockShape.pop() ?? 1, s: blockStrides!.pop() ?? 0, shape: blockShape, strides: blockStrides!, size: blockSize };
  const { n, s } = block;
  const F = x.dtype === 'complex64' ? Math.fround : H.id;
  // the reduced line runs slower through memory than the innermost kept axis: NumPy's iterator
  // then adds (multiplies) whole rows into the output, one reduced index after another
  const last = keepShape.length - 1;
  const rowWise = last >= 0 && block.shape.length === 0 && Math.abs(keepStrides![last]!) < Math.abs(block.s);
  const isNan = (re: number, im: number): boolean => re !== re || im !== im;
  forEachOffset(keepShape, keepStrides!, outStrides!, (p, o) => {
    const base = x.offset + p;
    const at = out.offset + o;
    switch (op) {
      case 'sum': {
        let tr = 0;
        let ti = 0;
        if (rowWise) {
          for (let i = 0, e = 2 * base; i < n; i++, e += 2 * s) {
            tr = F(tr + a[e]!);
            ti = F(ti + a[e + 1]!);
          }
        } else {
          forEachLine(block, base, (q) => {
            csumLine(a, 2 * q, 2 * n, s, F);
            tr = F(tr + pair[0]!);
            ti = F(ti + pair[1]!);
          });
        }
        write(at, tr, ti);
        return;
      }
      case 'prod': {
        let pr = 1;
        let pi = 0;
        forEachLine(block, base, (q) => {
          for (let i = 0, e = 2 * q; i < n; i++, e += 2 * s) {
            const br = a[e]!;
            const bi = a[e + 1]!;
            if (rowWise) {
              H.cmulFused(pr, pi, br, bi, F);
              pr = H.C[0]!;
              pi = H.C[1]!;
            } else {
              // a true reduction runs NumPy's scalar loop: no fused multiply-add
              const r = F(F(pr * br) - F(pi * bi));
              pi = F(F(pr * bi) + F(pi * br));
              pr = r;
            }
          }
        });
        write(at, pr, pi);
        return;
      }
      case 'any':
      case 'all': {
        let found = false;
        forEachLine(block, base, (q) => {
          for (let i = 0, e = 2 * q; i < n; i++, e += 2 * s) {
            const nonzero = a[e] !== 0 || a[e + 1] !== 0;
            if (nonzero === (op === 'any')) {
              found = true;
              return false;
            }
          }
          return true;
        });
        write(at, 0, op === 'any' ? found : !found);
        return;
      }
      default: {
        // max, min, argmax, argmin: a walk in C order; the first NaN wins
        const isMax = op === 'max' || op === 'argmax';
        let br = NaN;
        let bi = NaN;
        let best = -1;
        let k = 0;
        forEachLine(block, base, (q) => {
          for (let i = 0, e = 2 * q; i < n; i++, e += 2 * s, k++) {
            const vr = a[e]!;
            const vi = a[e + 1]!;
            if (best < 0) {
              [br, bi, best] = [vr, vi, k];
            } else if (op === 'max' || op === 'min') {
              // NumPy's maximum/minimum loop: keep the accumulator when it is NaN or wins
              const keep = isNan(br, bi) || (isMax
                ? (br > vr && bi === bi && vi === vi) || (br === vr && bi >= vi)
                : (br < vr && bi === bi && vi === vi) || (br === vr && bi <= vi));
              if (!keep) [br, bi, best] = [vr, vi, k];
            } else if (isMax ? vr > br || (vr === br && vi > bi) || isNan(vr, vi) : vr < br || (vr === br && vi < bi) || isNan(vr, vi)) {
              [br, bi, best] = [vr, vi, k];
            }
            if (isNan(br, bi)) return false;
          }
          return true;
        });
        if (op === 'argmax' || op === 'argmin') write(at, 0, best);
        else write(at, br, bi);
      }
    }
  });
}

/** Calls visit(p, line) with the start of each line of a block; visit may stop the walk by returning false. */
function forEachLine(block: Block, base: number, visit: (p: number, line: number) => boolean | void): void {
  let line = 0;
  forEachOffset(block.shape, block.strides, block.strides, (p) => visit(base + p, line++));
}

/** How one block, starting at `base`, becomes one result. */
function blockReducer(op: ReduceOp, x: View, outDtype: DType, block: Block): (base: number) => Result {
  const { dtype } = x;
  const { n, s } = block;
  const a = x.storage.typed(dtype) as unknown as Nums;
  const big = isBig(dtype);
  const intIn = dtypeInfo(dtype).kind !== 'f';
  const floatOut = dtypeInfo(outDtype).kind === 'f';
  const oneLine = block.shape.length === 0;
  // sums of numbers: one line, several lines, or chunks exact as BigInt
  const sumWith = (kernel: LineKernel<number>, arr: Nums): ((base: number) => number) => {
    if (oneLine) return (base) => 0 + kernel(arr, base, n, s); // from the identity: -0.0 sums to 0.0
    return (base) => {
      let total = 0;
      forEachLine(block, base, (p) => void (total += kernel(arr, p, n, s)));
      return total;
    };
  };
  const bigSumWith = (kernel: LineKernel<bigint>, arr: Nums): ((base: number) => bigint) => (base) => {
    let total = 0n;
    forEachLine(block, base, (p) => void (total += kernel(arr, p, n, s)));
    return total;
  };

  switch (op) {
    case 'sum': {
      if (big) {
        const words = LITTLE_ENDIAN ? x.storage.typed(dtype === 'int64' ? 'int32' : 'uint32') as unknown as Nums : a;
        // NumPy converts each element to a double for a float result (inexact beyond 2^53)
        if (floatOut) return sumWith(specialise(LITTLE_ENDIAN ? sumWordsAsNumberLine : sumBigAsNumberLine, dtype), words);
        return bigSumWith(specialise(LITTLE_ENDIAN ? sumWordsLine : sumBigLine, dtype), words);
      }
      const kernel = specialise(sumLine, dtype);
      if (intIn && block.size > EXACT_CHUNK) {
        // so many integers that a double could lose digits: add exact chunks as BigInt
        const chunked: LineKernel<bigint> = (arr, p) => {
          let total = 0n;
          for (let i = 0; i < n; i += EXACT_CHUNK) total += BigInt(kernel(arr, p + i * s, Math.min(EXACT_CHUNK, n - i), s));
          return total;
        };
        const exact = bigSumWith(chunked, a);
        return floatOut ? (base) => Number(exact(base)) : exact;
      }
      return sumWith(kernel, a);
    }
    case 'prod': {
      if (floatOut) {
        const kernel = big ? specialise(prodBigAsNumberLine, dtype) : specialise(prodLine, dtype);
        return (base) => {
          let total = 1;
          forEachLine(block, base, (p) => void (total *= kernel(a, p, n, s)));
          return total;
        };
      }
      const exactKernel = specialise(prodExactLine, dtype);
      const kernel = big ? undefined : specialise(prodLine, dtype);
      return (base) => {
        if (kernel) {
          let total = 1;
          forEachLine(block, base, (p) => void (total *= kernel(a, p, n, s)));
          // A product of integers only grows in magnitude (or becomes 0), so a result in the
          // exact range means every partial product was exact.
          if (Math.abs(total) <= Number.MAX_SAFE_INTEGER) return total;
        }
        let exact = 1n;
        forEachLine(block, base, (p) => void (exact = BigInt.asIntN(64, exact * exactKernel(a, p, n, s))));
        return exact;
      };
    }
    case 'max':
    case 'min':
    case 'argmax':
    case 'argmin': {
      const isMax = op === 'max' || op === 'argmax';
      const kernel = specialise(isMax ? argmaxLine : argminLine, dtype);
      const wantIndex = op === 'argmax' || op === 'argmin';
      if (oneLine) return wantIndex ? (base) => kernel(a, base, n, s) : (base) => a[base + kernel(a, base, n, s) * s]!;
      return (base) => {
        let best: number | bigint = 0;
        let bestIndex = -1;
        forEachLine(block, base, (p, line) => {
          const k = kernel(a, p, n, s);
          const v = a[p + k * s]!;
          if (bestIndex < 0 || v !== v || (isMax ? v > best : v < best)) {
            best = v;
            bestIndex = line * n + k;
          }
          return v === v; // the first NaN is the answer
        });
        return wantIndex ? bestIndex : best;
      };
    }
    case 'any':
    case 'all': {
      const isAny = op === 'any';
      const kernel = specialise(isAny ? firstNonzeroLine : firstZeroLine, dtype);
      return (base) => {
        let found = false;
        forEachLine(block, base, (p) => {
          found = kernel(a, p, n, s) >= 0;
          return !found;
        });
        return isAny ? found : !found;
      };
    }
  }
}
