/**
 * A natural logarithm that is correctly rounded but for a rare case very near a rounding midpoint
 * (none in 160000 inputs checked against 50-digit arithmetic).
 *
 * Why not Math.log: NumPy's legacy normals (the polar method) pass every pair through the C
 * library's log, and its legacy exponentials every value. glibc's log is correctly rounded on all
 * but ~0.05% of inputs, while V8's Math.log differs from it in the last bit on ~7%. A correctly
 * rounded log therefore reproduces NumPy's legacy normals on Linux in all but about one value in
 * 2500.
 *
 * Method: x = 2^k * m with m in [0.75, 1.5); c = m rounded to a multiple of 1/128, so
 * log(x) = k*ln2 + log(c) + 2*atanh(s) with s = (m - c) / (m + c), |s| < 2^-8. ln2 and the 97
 * values log(c) are computed once, exactly enough, with BigInt fixed point; s is carried as a
 * double-double; the few series terms after 2s need only double precision.
 */

const PREC = 160n; // bits of the fixed-point tables
const ONE = 1n << PREC;

/** log(num/den) for num/den near 1, as a fixed-point BigInt (2*atanh series). */
function fixedLog(num: bigint, den: bigint): bigint {
  if (num < den) return -fixedLog(den, num); // keeps the series positive, so it ends at 0
  const s = ((num - den) << PREC) / (num + den);
  const s2 = (s * s) >> PREC;
  let power = s;
  let sum = 0n;
  for (let k = 1n; power !== 0n; k += 2n) {
    sum += power / k;
    power = (power * s2) >> PREC;
  }
  return 2n * sum;
}

/** A fixed-point value as the pair [hi, lo] of doubles whose sum is within 2^-106 of it. */
function splitFixed(v: bigint): [number, number] {
  const hi = Number(v) / 2 ** Number(PREC);
  const lo = Number(v - BigInt(hi * 2 ** Number(PREC))) / 2 ** Number(PREC);
  return [hi, lo];
}

// ln2 split so that k * LN2_HI is exact for every exponent k of a double.
const LN2_FIXED = fixedLog(2n, 1n);
const LN2_HI = Math.floor(Number(LN2_FIXED >> (PREC - 40n))) / 2 ** 40;
const LN2_LO = splitFixed(LN2_FIXED - BigInt(LN2_HI * 2 ** 40) * (ONE >> 40n))[0];

// log(j / 128) for j = 96 .. 192, as hi and lo parts.
const LOG_C_HI = new Float64Array(97);
const LOG_C_LO = new Float64Array(97);
for (let j = 96; j <= 192; j++) {
  [LOG_C_HI[j - 96], LOG_C_LO[j - 96]] = splitFixed(fixedLog(BigInt(j), 128n));
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer); // little-endian: U32[1] holds sign, exponent and top mantissa bits
const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's constant

export function exactLog(x: number): number {
  // Zero, negatives, NaN, infinity and subnormals are rare here: Math.log is right on those.
  if (!(x >= 2.2250738585072014e-308) || x === Infinity) return Math.log(x);
  F64[0] = x;
  let k = (U32[1]! >>> 20) - 1023;
  U32[1] = (U32[1]! & 0x000fffff) | 0x3ff00000; // m in [1, 2)
  let m = F64[0]!;
  if (m >= 1.5) {
    m /= 2;
    k += 1;
  }
  const j = Math.round(m * 128);
  const c = j / 128;
  const u = m - c; // exact: both are multiples of 2^-53 and |u| <= 2^-8
  // d = m + c exactly, as dHi + dLo (TwoSum)
  const dHi = m + c;
  const bv = dHi - m;
  const dLo = (m - (dHi - bv)) + (c - bv);
  // s = u / d as sHi + sLo; sHi * dHi is formed exactly by Dekker's product.
  const sHi = u / dHi;
  const a1 = SPLITTER * sHi;
  const aH = a1 - (a1 - sHi);
  const aL = sHi - aH;
  const b1 = SPLITTER * dHi;
  const bH = b1 - (b1 - dHi);
  const bL = dHi - bH;
  const pHi = sHi * dHi;
  const pLo = ((aH * bH - pHi) + aH * bL + aL * bH) + aL * bL;
  const sLo = ((u - pHi) - pLo - sHi * dLo) / dHi;
  const s2 = sHi * sHi;
  const tail = sHi * s2 * (2 / 3 + s2 * (2 / 5 + s2 * (2 / 7 + s2 * (2 / 9))));
  // Sum the large parts with their rounding errors (TwoSum), then everything small.
  const A = k * LN2_HI;
  const B = LOG_C_HI[j - 96]!;
  const C = 2 * sHi;
  const t1 = A + B;
  const v1 = t1 - A;
  const e1 = (A - (t1 - v1)) + (B - v1);
  const t2 = t1 + C;
  const v2 = t2 - t1;
  const e2 = (t1 - (t2 - v2)) + (C - v2);
  return t2 + (e1 + e2 + (k * LN2_LO + LOG_C_LO[j - 96]! + 2 * sLo + tail));
}
