/**
 * IEEE 754 half-precision conversion. Node 20 has no Float16Array, so float16 arrays are stored as
 * raw 16-bit patterns in a Uint16Array and converted at the edges of each kernel.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Rounds a number to the nearest half (ties to even) and returns its bit pattern. */
export function toHalfBits(value: number): number {
  f32[0] = value; // first rounding to float32 is exact enough: doubles are rounded once more below
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // inf or nan
  // Re-round from the double directly to avoid double rounding through float32.
  const abs = Math.abs(value);
  if (abs >= 65520) return sign | 0x7c00; // overflows to infinity
  if (abs < 2 ** -24 * 0.5) return sign; // underflows to zero (exact half of smallest subnormal rounds to even = 0)
  if (abs < 2 ** -14) {
    // subnormal: units of 2^-24
    const q = abs / 2 ** -24;
    return sign | roundHalfEven(q);
  }
  let e = Math.floor(Math.log2(abs));
  if (2 ** e > abs) e -= 1;
  if (2 ** (e + 1) <= abs) e += 1;
  const scaled = abs / 2 ** e; // in [1, 2)
  let m = roundHalfEven((scaled - 1) * 1024);
  if (m === 1024) {
    m = 0;
    e += 1;
  }
  if (e > 15) return sign | 0x7c00;
  mant = m;
  return sign | ((e + 15) << 10) | mant;
}

function roundHalfEven(q: number): number {
  const f = Math.floor(q);
  const d = q - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
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
