/**
 * PyTorch's float32 arithmetic, reproduced bit for bit in JS doubles: fused multiply-adds
 * (PyTorch's AVX2 build compiles with -mfma, and GCC contracts `a * b + c` into one rounding),
 * and the float32 log / sincos of avx_mathfun.h (Cephes polynomials, used by the AVX2 normal
 * fill), evaluated one lane at a time with every step rounded to float32. The contractions
 * inside log256/sincos256 are GCC's (the first product feeding each add is fused).
 */

const fround = Math.fround;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * fmaf(a, b, c) for float32 inputs: a * b is exact in a double, so only the sum rounds twice
 * (to double, then to float). That goes wrong only when the double sum lands exactly halfway
 * between two floats (then r + 2t is the float on the other side); the sum's own rounding error
 * says which way the exact value lies.
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = fround(s);
  const t = s - r; // exact
  if (t === 0 || fround(r + 2 * t) !== r + 2 * t) return r;
  const bp = s - p;
  const err = (p - (s - bp)) + (c - bp); // exact p + c - s (TwoSum)
  if (err === 0) return r;
  return (err > 0) === (t > 0) ? r + 2 * t : r;
}

// ---- avx_mathfun.h constants, as float32 --------------------------------------------------
const SQRTHF = fround(0.707106781186547524);
const LOG_P = [
  7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
  -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
].map(fround);
const LOG_Q1 = fround(-2.12194440e-4);
const LOG_Q2 = fround(0.693359375);
const MINUS_DP1 = fround(-0.78515625);
const MINUS_DP2 = fround(-2.4187564849853515625e-4);
const MINUS_DP3 = fround(-3.77489497744594108e-8);
const SIN_P0 = fround(-1.9515295891e-4);
const SIN_P1 = fround(8.3321608736e-3);
const SIN_P2 = fround(-1.6666654611e-1);
const COS_P0 = fround(2.443315711809948e-5);
const COS_P1 = fround(-1.388731625493765e-3);
const COS_P2 = fround(4.166664568298827e-2);
const FOPI = fround(1.27323954473516); // 4 / pi

/** log256_ps for one positive, normal float32 (the AVX2 normal fill only passes (0, 1]). */
export function log256(v: number): number {
  f32[0] = v;
  const bits = u32[0]!;
  let e = (bits >>> 23) - 0x7f + 1; // exponent for a mantissa in [0.5, 1)
  u32[0] = (bits & ~0x7f800000) | 0x3f000000;
  let x = f32[0]!;
  // x < sqrt(1/2): use 2x - 1 and one less in the exponent
  if (x < SQRTHF) {
    e -= 1;
    x = fround(fround(x - 1) + x);
  } else {
    x = fround(x - 1);
  }
  const z = fround(x * x);
  let y = LOG_P[0]!;
  for (let k = 1; k <= 8; k++) y = fmaf(y, x, LOG_P[k]!);
  y = fround(y * x);
  y = fmaf(y, z, fround(e * LOG_Q1));
  y = fround(y - z * 0.5); // z * 0.5 is exact
  x = fround(x + y);
  return fround(x + e * LOG_Q2); // e * q2 is exact (q2 has 9 significant bits)
}

/** sincos256_ps's results: [sin, cos] of the last call (reused, to spare allocations). */
export const sincosOut = new Float64Array(2);

/** sincos256_ps for one float32 of magnitude below 8192; results in sincosOut. */
export function sincos256(v: number): void {
  const ax = Math.abs(v);
  let j = Math.trunc(fround(ax * FOPI));
  j = (j + 1) & ~1;
  const y = j; // exact as a float
  // extended-precision reduction: x - y * pi/4 in three pieces, each a fused multiply-add
  let x = fmaf(y, MINUS_DP1, ax);
  x = fmaf(y, MINUS_DP2, x);
  x = fmaf(y, MINUS_DP3, x);
  const z = fround(x * x);
  // cos polynomial on [0, pi/4]
  let c = fmaf(COS_P0, z, COS_P1);
  c = fmaf(c, z, COS_P2);
  c = fround(c * z);
  c = fmaf(c, z, -(z * 0.5));
  c = fround(c + 1);
  // sin polynomial on [0, pi/4]
  let s = fmaf(SIN_P0, z, SIN_P1);
  s = fmaf(s, z, SIN_P2);
  s = fround(s * z);
  s = fmaf(s, x, x);
  // pick the polynomial per octant, then the signs
  const swap = (j & 2) !== 0;
  // the vector code blends by adding a zeroed lane, which turns -0 into +0
  let sin = (swap ? c : s) + 0;
  let cos = (swap ? s : c) + 0;
  if (j & 4) sin = -sin;
  if (((j - 2) & 4) === 0) cos = -cos;
  if (v < 0) sin = -sin;
  sincosOut[0] = sin;
  sincosOut[1] = cos;
}
