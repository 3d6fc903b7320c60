/**
 * IEEE 754 half-precision conversion. Node 20 has no Float16Array, so float16 arrays are stored as
 * raw 16-bit patterns in a Uint16Array and converted at the edges of each kernel.
 */

const f64 = new Float64Array(1);
const words = new Uint32Array(f64.buffer); // [low, high] on little-endian machines

/**
 * Rounds a number to the nearest half (ties to even) and returns its bit pattern. Works on the
 * double's bits directly: going through float32 first would round twice.
 */
export function toHalfBits(value: number): number {
  f64[0] = value;
  const hi = words[1]!;
  const sticky = words[0]! !== 0; // the low 32 mantissa bits only matter as "more than nothing"
  const sign = (hi >>> 16) & 0x8000;
  const exp = (hi >>> 20) & 0x7ff;
  const mant = hi & 0xfffff; // the top 20 of the double's 52 mantissa bits
  if (exp === 0x7ff) return sign | 0x7c00 | (mant !== 0 || sticky ? 0x200 : 0); // inf or nan
  const e = exp - 1023;
  if (e > 15) return sign | 0x7c00;
  if (e < -25) return sign; // below half the smallest subnormal: zero
  // keep `drop` low bits of the 21-bit significand (1.mant), rounding half to even on the rest
  const sig = e >= -14 ? mant : 0x100000 | mant;
  const drop = e >= -14 ? 10 : 10 + (-14 - e);
  const kept = sig >>> drop;
  const rest = sig & ((1 << drop) - 1);
  const halfway = 1 << (drop - 1);
  const up = rest > halfway || (rest === halfway && (sticky || (kept & 1) === 1)) ? 1 : 0;
  // a carry out of the mantissa moves into the exponent (and past 65504 into infinity)
  return sign | ((e >= -14 ? (e + 15) << 10 : 0) + kept + up);
}

const halfTable = new Float64Array(65536);
for (let h = 0; h < 65536; h++) {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  let v: number;
  if (exp === 0) v = mant * 2 ** -24;
  else if (exp === 0x1f) v = mant ? NaN : Infinity;
  else v = (1 + mant / 1024) * 2 ** (exp - 15);
  halfTable[h] = sign * v;
}

/** The value of a half bit pattern. */
export function fromHalfBits(bits: number): number {
  return halfTable[bits & 0xffff]!;
}

/** Rounds a number to the nearest representable half value. */
export function roundToHalf(value: number): number {
  return fromHalfBits(toHalfBits(value));
}
