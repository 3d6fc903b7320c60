/**
 * Scalar helpers the generated CPU loops call (see core/elementwise-ops.ts). They implement
 * NumPy's semantics where JS's operators differ: Python's floor division and modulo, NaN
 * propagation in maximum/minimum, round-half-to-even, integer division by zero giving 0.
 */
import { ValueError } from '../../core/errors.js';
import { fromHalfBits, roundToHalf, toHalfBits } from '../../core/float16.js';

const INT64_MIN = -(2n ** 63n);

/** NumPy's npy_divmod for floats, returning [floor quotient, modulus]. */
function divmodF(a: number, b: number): [number, number] {
  const m0 = a % b;
  if (b === 0) return [a / b, m0];
  let mod = m0;
  let div = (a - mod) / b;
  // C's `if (mod)` is true for NaN, JS's is not: test against zero as C does
  if (mod !== 0) {
    if (b < 0 !== mod < 0) {
      mod += b;
      div -= 1;
    }
  } else {
    mod = b < 0 ? -0 : 0;
  }
  let floordiv: number;
  if (div !== 0) {
    floordiv = Math.floor(div);
    if (div - floordiv > 0.5) floordiv += 1;
  } else {
    floordiv = a / b < 0 || Object.is(a / b, -0) ? -0 : 0;
  }
  return [floordiv, mod];
}

export const ELEMENTWISE_HELPERS = {
  floorDivF: (a: number, b: number): number => divmodF(a, b)[0],
  modF: (a: number, b: number): number => divmodF(a, b)[1],
  floorDivI: (a: number, b: number): number => (b === 0 ? 0 : Math.floor(a / b)),
  modI: (a: number, b: number): number => {
    if (b === 0) return 0;
    const m = a % b;
    return m !== 0 && m < 0 !== b < 0 ? m + b : m;
  },
  floorDivB: (a: bigint, b: bigint): bigint => {
    if (b === 0n) return 0n;
    const q = a / b;
    return (a % b !== 0n) && (a < 0n !== b < 0n) ? q - 1n : q;
  },
  modB: (a: bigint, b: bigint): bigint => {
    if (b === 0n) return 0n;
    const m = a % b;
    return m !== 0n && m < 0n !== b < 0n ? m + b : m;
  },
  /** Integer power by squaring; exact modulo 2^32 for the 32-bit-and-smaller loops. */
  powI: (a: number, b: number): number => {
    if (b < 0) throw new ValueError('Integers to negative integer powers are not allowed.');
    let result = 1;
    let base = a;
    let e = b;
    while (e > 0) {
      if (e & 1) result = Math.imul(result, base);
      base = Math.imul(base, base);
      e = Math.floor(e / 2);
    }
    return result;
  },
  powB: (a: bigint, b: bigint): bigint => {
    if (b < 0n) throw new ValueError('Integers to negative integer powers are not allowed.');
    let result = 1n;
    let base = BigInt.asIntN(64, a);
    let e = b;
    while (e > 0n) {
      if (e & 1n) result = BigInt.asIntN(64, result * base);
      base = BigInt.asIntN(64, base * base);
      e >>= 1n;
    }
    return result;
  },
  recipI: (a: number): number => (a === 0 ? -2147483648 : Math.trunc(1 / a)),
  recipB: (a: bigint): bigint => (a === 0n ? INT64_MIN : 1n / a),
  /** C's pow: pow(1, y) and pow(x, 0) are 1 even for NaN, pow(-1, ±inf) is 1 (Math.pow gives NaN). */
  powF: (a: number, b: number): number => (a === 1 || b === 0 ? 1 : a === -1 && !Number.isFinite(b) && b === b ? 1 : Math.pow(a, b)),
  // NaN propagates; equal values (0 and -0) give the second, as NumPy's loops do
  maxF: (a: number, b: number): number => (a !== a || b !== b ? NaN : a > b ? a : b),
  minF: (a: number, b: number): number => (a !== a || b !== b ? NaN : a < b ? a : b),
  fmaxF: (a: number, b: number): number => (a !== a ? b : b !== b ? a : a > b ? a : b),
  fminF: (a: number, b: number): number => (a !== a ? b : b !== b ? a : a < b ? a : b),
  copysignF: (a: number, b: number): number => {
    const neg = b < 0 || Object.is(b, -0) || (b !== b && 1 / b < 0);
    return neg ? -Math.abs(a) : Math.abs(a);
  },
  /** npy_logaddexp: equal infinities without inf - inf; NaN propagates through the difference. */
  logaddexpF: (a: number, b: number): number => {
    if (a === b) return a + Math.LN2;
    const d = a - b;
    if (d > 0) return a + Math.log1p(Math.exp(-d));
    if (d <= 0) return b + Math.log1p(Math.exp(d));
    return d;
  },
  signF: (a: number): number => (a > 0 ? 1 : a < 0 ? -1 : a === 0 ? 0 : NaN),
  /** Round half to even, as np.rint and np.round. */
  rintF: (a: number): number => {
    if (!Number.isFinite(a)) return a;
    const r = Math.round(a);
    if (Math.abs(a - Math.trunc(a)) === 0.5) return 2 * Math.round(a / 2);
    return r === 0 && a < 0 ? -0 : r;
  },
  sigmoidF: (a: number): number => (a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a))),
  /**
   * minimum(maximum(x, lo), hi): NaN anywhere propagates, and hi wins when lo > hi. x equal to a
   * bound is kept (so -0.0 stays), as NumPy's loop with scalar bounds does.
   */
  clipF: (x: number, lo: number, hi: number): number => {
    if (x !== x || lo !== lo || hi !== hi) return NaN;
    const m = x >= lo ? x : lo;
    return m <= hi ? m : hi;
  },
  clipI: <T extends number | bigint>(x: T, lo: T, hi: T): T => {
    const m = x >= lo ? x : lo;
    return m <= hi ? m : hi;
  },
  shlI: (a: number, b: number): number => (b >= 32 || b < 0 ? 0 : a << b),
  // shifts by a negative amount or past the width give 0 (or -1 for negative a), as npy_rshift
  shrI: (a: number, b: number): number => (b < 0 ? (a < 0 ? -1 : 0) : Math.floor(a / 2 ** Math.min(b, 64))),
  shlB: (a: bigint, b: bigint): bigint => (b >= 64n || b < 0n ? 0n : a << b),
  shrB: (a: bigint, b: bigint): bigint => (b < 0n || b >= 64n ? (a < 0n ? -1n : 0n) : a >> b),
  /** Reads a float16 bit pattern. */
  halfToNum: fromHalfBits,
  /** Rounds to float16 and returns its bit pattern. */
  numToHalf: toHalfBits,
  /** Rounds to the nearest float16 value. */
  roundToHalf,
  /** int64/uint64 to float32 with one rounding (through float64 first would round twice). */
  bigToF32: (a: bigint): number => {
    const n = Number(a);
    if (Math.abs(n) <= 2 ** 53) return n;
    // keep at least 26 significant bits, folding the rest into a sticky bit, so the store into
    // a Float32Array rounds as if from the exact value
    const neg = a < 0n;
    let m = neg ? -a : a;
    const shift = BigInt(Math.floor(Math.log2(Math.abs(n))) + 1 - 27);
    const rest = m & ((1n << shift) - 1n);
    m >>= shift;
    if (rest !== 0n) m |= 1n;
    return (neg ? -1 : 1) * Number(m) * 2 ** Number(shift);
  },
  /** C's float-to-int64 cast: truncation; NaN and out-of-range give INT64_MIN as on x86. */
  numToBig: (a: number): bigint => {
    if (!Number.isFinite(a) || Math.abs(a) >= 2 ** 63) return INT64_MIN;
    return BigInt(Math.trunc(a));
  },
};

export type ElementwiseHelpers = typeof ELEMENTWISE_HELPERS;
