/**
 * Scalar helpers the generated CPU loops call (see core/elementwise-ops.ts). They implement
 * NumPy's semantics where JS's operators differ: Python's floor division and modulo, NaN
 * propagation in maximum/minimum, round-half-to-even, integer division by zero giving 0.
 */
import { erf, gelu, geluTanh } from './special-functions.js';
import { ValueError } from '../../core/errors.js';
import { fromHalfBits, roundToHalf, toHalfBits } from '../../core/float16.js';
import { fromBfloat16Bits, roundToBfloat16, toBfloat16Bits } from '../../core/bfloat16.js';

const INT64_MIN = -(2n ** 63n);

// ---- complex numbers ------------------------------------------------------------------------------
// Complex helpers take the loop's rounding `F` (Math.fround for complex64, the identity for
// complex128) and apply it wherever the C code they follow rounds, then leave a complex result's
// parts in the scratch pair C (the generated loops read C[0] and C[1] right away).

/** The scratch pair complex helpers write their result into. */
const C = new Float64Array(2);
type Round = (x: number) => number;
const id: Round = (x) => x;

const DBL_MIN = 2.2250738585072014e-308;
const FLT_MIN = 1.1754943508222875e-38;
const DBL_MAX = Number.MAX_VALUE;
const FLT_MAX = 3.4028234663852886e38;
const isF32 = (F: Round): boolean => F !== id;

function put(re: number, im: number): void {
  C[0] = re;
  C[1] = im;
}

/** NumPy's complex division (Smith's method, with a reciprocal scale, as its loops do). */
function cdiv(ar: number, ai: number, br: number, bi: number, F: Round): void {
  const abr = Math.abs(br);
  const abi = Math.abs(bi);
  if (abr >= abi) {
    if (abr === 0 && abi === 0) {
      put(F(ar / abr), F(ai / abr));
      return;
    }
    const rat = F(bi / br);
    const scl = F(1 / F(br + F(bi * rat)));
    put(F(F(ar + F(ai * rat)) * scl), F(F(ai - F(ar * rat)) * scl));
  } else {
    const rat = F(br / bi);
    const scl = F(1 / F(bi + F(br * rat)));
    put(F(F(F(ar * rat) + ai) * scl), F(F(F(ai * rat) - ar) * scl));
  }
}

/** NumPy's complex reciprocal loop. */
function crecip(xr: number, xi: number, F: Round): void {
  if (Math.abs(xi) <= Math.abs(xr)) {
    const r = F(xi / xr);
    const d = F(xr + F(xi * r));
    put(F(1 / d), F(-r / d));
  } else {
    const r = F(xr / xi);
    const d = F(F(xr * r) + xi);
    put(F(r / d), F(-1 / d));
  }
}

// ---- fused multiply-add, as NumPy's SIMD complex loops use it -------------------------------------

/** The rounding error of x + y, exactly (Knuth's TwoSum). */
function sumError(x: number, y: number, s: number): number {
  const bb = s - x;
  return (x - (s - bb)) + (y - bb);
}

/**
 * Rounds to nearest the exact value s + e, where s is x + y already rounded to a grid of spacing
 * 2 * |rem| around it (a tie) and e is what the sum that produced s left out: a tie broken the
 * wrong way by the first rounding is moved to the neighbour on e's side.
 */
function breakTie(r: number, rem: number, e: number): number {
  return e !== 0 && (e > 0) === (rem > 0) ? r + 2 * rem : r;
}

/**
 * fma(a, b, c) = a * b + c with one rounding, as NumPy's SIMD complex loops compute it. float64:
 * Dekker's exact product, an exact sum with c, and one correction for the rare case where
 * rounding the low part first lands on a tie. float32 (F = Math.fround): the product of two
 * float32 values is exact in float64, so only the double rounding of the sum needs the check.
 */
function fma(a: number, b: number, c: number, F: Round): number {
  const p = a * b;
  if (F !== id) {
    const r = p + c;
    const f = F(r);
    if (f === r || !Number.isFinite(r)) return f;
    const d = r - f;
    const g = f + 2 * d; // the float32 on r's other side, if r is exactly between the two
    return F(g) === g ? breakTie(f, d, sumError(p, c, r)) : f;
  }
  if (!Number.isFinite(p) || !Number.isFinite(c)) {
    // an infinite c wins over a finite (even if overflowing) product, as in exact arithmetic
    return Number.isFinite(a) && Number.isFinite(b) && !Number.isFinite(c) ? c : p + c;
  }
  const ap = p < 0 ? -p : p;
  if (p === 0 || ap < 1.0020841800044864e-289 || ap > 8.98846567431158e307 || a > 1e300 || a < -1e300 || b > 1e300 || b < -1e300) {
    return p + c; // products near underflow or overflow: Dekker's split would not be exact
  }
  // Dekker's exact product p + pl (inline: no allocation in this hot path)
  let t = 134217729 * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = 134217729 * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const pl = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  // th + tl = c + p exactly; the result is th + (tl + pl) rounded once
  const th = c + p;
  const tl = sumError(c, p, th);
  const v = tl + pl;
  const r = th + v;
  const rem = sumError(th, v, r);
  // a tie at r's precision: was it made by rounding tl + pl to v?
  if (rem !== 0 && (r + 2 * rem) - r === 2 * rem) return breakTie(r, rem, sumError(tl, pl, v));
  return r;
}

/** The complex product as NumPy's SIMD loop computes it: re = fma(ar, br, -ai*bi), im = fma(ar, bi, ai*br). */
function cmulFused(ar: number, ai: number, br: number, bi: number, F: Round): void {
  put(fma(ar, br, -F(ai * bi), F), fma(ar, bi, F(ai * br), F));
}

/**
 * |z| as NumPy's SIMD loop computes it: larger * sqrt(fma(ratio, ratio, 1)) with ratio =
 * smaller / larger, and an infinite part winning over NaN.
 */
function cabs(xr: number, xi: number, F: Round): number {
  const re = Math.abs(xr);
  const im = Math.abs(xi);
  if (re === Infinity || im === Infinity) return Infinity;
  if (re !== re || im !== im) return NaN;
  const larger = re > im ? re : im;
  if (larger === 0) return 0;
  const ratio = F((re > im ? im : re) / larger);
  return F(F(Math.sqrt(fma(ratio, ratio, 1, F))) * larger);
}

/** NumPy 2's sign of a complex number: z / hypot(re, im) (0 for 0; NaN parts for NaN). */
function csign(xr: number, xi: number, F: Round): void {
  const a = hypot(xr, xi, F);
  if (a !== a) put(NaN, NaN);
  else if (a === Infinity) {
    const ri = xr === Infinity || xr === -Infinity;
    const ii = xi === Infinity || xi === -Infinity;
    if (ri && ii) put(NaN, NaN);
    else if (ri) put(xr > 0 ? 1 : -1, 0);
    else put(0, xi > 0 ? 1 : -1);
  } else if (a === 0) put(0, 0);
  else put(F(xr / a), F(xi / a));
}

/** The complex product as NumPy's scalar code writes it (nc_prod), into C. */
function cmulInto(ar: number, ai: number, br: number, bi: number, F: Round): void {
  put(F(F(ar * br) - F(ai * bi)), F(F(ar * bi) + F(ai * br)));
}

/** glibc's cexp (and cexpf with F = Math.fround). */
function cexp(xr: number, xi: number, F: Round): void {
  const f32 = isF32(F);
  const MIN = f32 ? FLT_MIN : DBL_MIN;
  const rfin = Number.isFinite(xr);
  const ifin = Number.isFinite(xi);
  if (rfin) {
    if (!ifin) {
      put(NaN, NaN);
      return;
    }
    const t = f32 ? 88 : 709;
    let sinix = xi;
    let cosix = 1;
    if (Math.abs(xi) > MIN) {
      sinix = F(Math.sin(xi));
      cosix = F(Math.cos(xi));
    }
    let r = xr;
    if (r > t) {
      const expT = F(Math.exp(t));
      r = F(r - t);
      sinix = F(sinix * expT);
      cosix = F(cosix * expT);
      if (r > t) {
        r = F(r - t);
        sinix = F(sinix * expT);
        cosix = F(cosix * expT);
      }
    }
    if (r > t) {
      const max = f32 ? FLT_MAX : DBL_MAX;
      put(F(max * cosix), F(max * sinix));
    } else {
      const e = F(Math.exp(r));
      put(F(e * cosix), F(e * sinix));
    }
    return;
  }
  if (xr === Infinity || xr === -Infinity) {
    if (ifin) {
      const value = xr < 0 ? 0 : Infinity;
      if (xi === 0) put(value, xi);
      else {
        let sinix = xi;
        let cosix = 1;
        if (Math.abs(xi) > MIN) {
          sinix = Math.sin(xi);
          cosix = Math.cos(xi);
        }
        put(copysign(value, cosix), copysign(value, sinix));
      }
    } else if (xr > 0) put(Infinity, xi - xi);
    else put(0, copysign(0, xi));
    return;
  }
  // the real part is NaN
  put(NaN, xi === 0 ? xi : NaN);
}

function copysign(a: number, b: number): number {
  const neg = b < 0 || Object.is(b, -0) || (b !== b && 1 / b < 0);
  return neg ? -Math.abs(a) : Math.abs(a);
}

/** x * 2^n, exactly (as C's scalbn), for the n glibc's complex functions use. */
function scalbn(x: number, n: number): number {
  if (n > 1000) return x * 2 ** 1000 * 2 ** (n - 1000);
  if (n < -1000) return x * 2 ** -1000 * 2 ** (n + 1000);
  return x * 2 ** n;
}

/** Dekker's exact product: a * b = hi + lo. */
function twoProduct(a: number, b: number): [number, number] {
  const hi = a * b;
  const split = (v: number): [number, number] => {
    const c = 134217729 * v;
    const h = c - (c - v);
    return [h, v - h];
  };
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return [hi, ((ah * bh - hi) + ah * bl + al * bh) + al * bl];
}

/** x^2 + y^2 - 1 with little cancellation (glibc's __x2y2m1), for 0.5 <= x < 1. */
function x2y2m1(x: number, y: number, F: Round): number {
  if (isF32(F)) return F((x * x - 1) + y * y); // float32: exact enough in double, as glibc's float version
  const [x2h, x2l] = twoProduct(x, x);
  const [y2h, y2l] = twoProduct(y, y);
  const terms = [-1, x2h, x2l, y2h, y2l].sort((p, q) => Math.abs(q) - Math.abs(p));
  // sum from the largest magnitude with compensation
  let s = 0;
  let c = 0;
  for (let i = terms.length - 1; i >= 0; i--) {
    const v = terms[i]!;
    const u = s + v;
    c += Math.abs(s) >= Math.abs(v) ? (s - u) + v : (v - u) + s;
    s = u;
  }
  return s + c;
}

/** glibc's clog (clogf with F = Math.fround). */
function clog(xr: number, xi: number, F: Round): void {
  const f32 = isF32(F);
  if (xr === 0 && xi === 0) {
    const im = Object.is(xr, -0) || xr < 0 ? Math.PI : 0;
    put(-1 / Math.abs(xr), F(copysign(im, xi)));
    return;
  }
  if (xr !== xr || xi !== xi) {
    put(Math.abs(xr) === Infinity || Math.abs(xi) === Infinity ? Infinity : NaN, NaN);
    return;
  }
  const MIN = f32 ? FLT_MIN : DBL_MIN;
  const MAX = f32 ? FLT_MAX : DBL_MAX;
  const EPS = f32 ? 2 ** -23 : 2 ** -52;
  const MANT = f32 ? 24 : 53;
  let absx = Math.abs(xr);
  let absy = Math.abs(xi);
  let scale = 0;
  if (absx < absy) [absx, absy] = [absy, absx];
  if (absx > MAX / 2) {
    scale = -1;
    absx = scalbn(absx, scale);
    absy = absy >= MIN * 2 ? scalbn(absy, scale) : 0;
  } else if (absx < MIN && absy < MIN) {
    scale = MANT;
    absx = scalbn(absx, scale);
    absy = scalbn(absy, scale);
  }
  let re: number;
  if (absx === 1 && scale === 0) {
    re = F(F(Math.log1p(F(absy * absy))) / 2);
  } else if (absx > 1 && absx < 2 && absy < 1 && scale === 0) {
    let d2m1 = F(F(absx - 1) * F(absx + 1));
    if (absy >= EPS) d2m1 = F(d2m1 + F(absy * absy));
    re = F(F(Math.log1p(d2m1)) / 2);
  } else if (absx < 1 && absx >= 0.5 && absy < EPS / 2 && scale === 0) {
    const d2m1 = F(F(absx - 1) * F(absx + 1));
    re = F(F(Math.log1p(d2m1)) / 2);
  } else if (absx < 1 && absx >= 0.5 && scale === 0 && F(F(absx * absx) + F(absy * absy)) >= 0.5) {
    const d2m1 = F(x2y2m1(absx, absy, F));
    re = F(F(Math.log1p(d2m1)) / 2);
  } else {
    const d = hypot(absx, absy, F);
    re = F(F(Math.log(d)) - F(scale * (f32 ? Math.fround(Math.LN2) : Math.LN2)));
  }
  put(re, F(Math.atan2(xi, xr)));
}

/** C's hypot: float64 with a correction step (near correctly rounded); float32 through a double. */
function hypot(x: number, y: number, F: Round): number {
  if (isF32(F)) return F(Math.sqrt(x * x + y * y));
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  if (ax === Infinity || ay === Infinity) return Infinity;
  if (ax !== ax || ay !== ay) return NaN;
  let big = ax > ay ? ax : ay;
  let small = ax > ay ? ay : ax;
  if (big === 0) return 0;
  // scale into a range where squares neither overflow nor lose bits to underflow
  let scale = 1;
  if (big > 2 ** 500) {
    scale = 2 ** 600;
    big *= 2 ** -600;
    small *= 2 ** -600;
  } else if (big < 2 ** -500) {
    scale = 2 ** -600;
    big *= 2 ** 600;
    small *= 2 ** 600;
  }
  const [bh, bl] = twoProduct(big, big);
  const [sh, sl] = twoProduct(small, small);
  const sumHi = bh + sh;
  const sumLo = (bh - sumHi) + sh + bl + sl;
  const s = sumHi + sumLo;
  const r = Math.sqrt(s);
  // one Newton step on the residual s - r^2, computed exactly
  const [rh, rl] = twoProduct(r, r);
  const resid = ((sumHi - rh) + sumLo) - rl;
  return (r + resid / (2 * r)) * scale;
}

/** glibc's csqrt (csqrtf with F = Math.fround). */
function csqrt(xr: number, xi: number, F: Round): void {
  const f32 = isF32(F);
  const MIN = f32 ? FLT_MIN : DBL_MIN;
  const MAX = f32 ? FLT_MAX : DBL_MAX;
  const MANT = f32 ? 24 : 53;
  const rinf = xr === Infinity || xr === -Infinity;
  const iinf = xi === Infinity || xi === -Infinity;
  if (!Number.isFinite(xr) || !Number.isFinite(xi)) {
    if (iinf) put(Infinity, xi);
    else if (rinf) {
      if (xr < 0) put(xi !== xi ? NaN : 0, copysign(Infinity, xi));
      else put(xr, xi !== xi ? NaN : copysign(0, xi));
    } else put(NaN, NaN);
    return;
  }
  if (xi === 0) {
    if (xr < 0) put(0, copysign(F(Math.sqrt(-xr)), xi));
    else put(Math.abs(F(Math.sqrt(xr))), copysign(0, xi));
    return;
  }
  if (xr === 0) {
    const r = Math.abs(xi) >= 2 * MIN ? F(Math.sqrt(F(0.5 * Math.abs(xi)))) : F(0.5 * F(Math.sqrt(F(2 * Math.abs(xi)))));
    put(r, copysign(r, xi));
    return;
  }
  let re = xr;
  let im = xi;
  let scale = 0;
  if (Math.abs(re) > MAX / 4) {
    scale = 1;
    re = scalbn(re, -2);
    im = scalbn(im, -2);
  }
  if (Math.abs(im) > MAX / 4) {
    scale = 1;
    re = Math.abs(re) >= 4 * MIN ? scalbn(re, -2) : 0;
    im = scalbn(im, -2);
  } else if (Math.abs(re) < 2 * MIN && Math.abs(im) < 2 * MIN) {
    scale = -((MANT + 1) >> 1);
    re = scalbn(re, -2 * scale);
    im = scalbn(im, -2 * scale);
  }
  const d = hypot(re, im, F);
  let r: number;
  let s: number;
  if (re > 0) {
    r = F(Math.sqrt(F(0.5 * F(d + re))));
    if (scale === 1 && Math.abs(im) < 1) {
      s = F(im / r);
      r = scalbn(r, scale);
      scale = 0;
    } else s = F(0.5 * F(im / r));
  } else {
    s = F(Math.sqrt(F(0.5 * F(d - re))));
    if (scale === 1 && Math.abs(im) < 1) {
      r = Math.abs(F(im / s));
      s = scalbn(s, scale);
      scale = 0;
    } else r = Math.abs(F(0.5 * F(im / s)));
  }
  if (scale) {
    r = scalbn(r, scale);
    s = scalbn(s, scale);
  }
  put(r, copysign(s, xi));
}

/** C99's complex product with GCC's recovery of infinities (__muldc3), as cpow's `y * log(x)` runs. */
function cmulC99(ar: number, ai: number, br: number, bi: number, F: Round): [number, number] {
  const ac = F(ar * br);
  const bd = F(ai * bi);
  const ad = F(ar * bi);
  const bc = F(ai * br);
  let x = F(ac - bd);
  let y = F(ad + bc);
  if (x !== x && y !== y) {
    let a = ar;
    let b = ai;
    let c = br;
    let d = bi;
    let recalc = false;
    const inf = (v: number): boolean => v === Infinity || v === -Infinity;
    const box = (v: number, isInf: boolean): number => copysign(isInf ? 1 : 0, v);
    const nanTo0 = (v: number): number => (v !== v ? copysign(0, v) : v);
    if (inf(a) || inf(b)) {
      a = box(a, inf(a));
      b = box(b, inf(b));
      c = nanTo0(c);
      d = nanTo0(d);
      recalc = true;
    }
    if (inf(c) || inf(d)) {
      c = box(c, inf(c));
      d = box(d, inf(d));
      a = nanTo0(a);
      b = nanTo0(b);
      recalc = true;
    }
    if (!recalc && (inf(ac) || inf(bd) || inf(ad) || inf(bc))) {
      a = nanTo0(a);
      b = nanTo0(b);
      c = nanTo0(c);
      d = nanTo0(d);
      recalc = true;
    }
    if (recalc) {
      x = Infinity * (a * c - b * d);
      y = Infinity * (a * d + b * c);
    }
  }
  return [x, y];
}

/**
 * NumPy's complex power (npy_cpow): 0 ** b is 0 for Re(b) > 0 (NaN otherwise); integer powers
 * below 100 in magnitude by repeated products (reciprocal by Smith's division for negative ones);
 * everything else glibc's cpow = cexp(b * clog(a)).
 */
function cpow(ar: number, ai: number, br: number, bi: number, F: Round): void {
  if (br === 0 && bi === 0) {
    put(1, 0);
    return;
  }
  if (ar === 0 && ai === 0) {
    // 0 ** b: 0 for Re(b) > 0, else undefined (npy_cpow)
    if (br > 0) put(0, 0);
    else put(NaN, NaN);
    return;
  }
  if (bi === 0 && Number.isInteger(br) && br > -100 && br < 100) {
    const n0 = br;
    if (n0 === 1) {
      put(ar, ai);
      return;
    }
    if (n0 === 2) {
      cmulInto(ar, ai, ar, ai, F);
      return;
    }
    if (n0 === 3) {
      cmulInto(ar, ai, ar, ai, F);
      cmulInto(ar, ai, C[0]!, C[1]!, F);
      return;
    }
    const n = Math.abs(n0);
    let accR = 1;
    let accI = 0;
    let pr = ar;
    let pi = ai;
    for (let mask = 1; ; mask *= 2) {
      if (n & mask) {
        cmulInto(accR, accI, pr, pi, F);
        accR = C[0]!;
        accI = C[1]!;
      }
      if (n < mask * 2) break;
      cmulInto(pr, pi, pr, pi, F);
      pr = C[0]!;
      pi = C[1]!;
    }
    if (n0 < 0) cdiv(1, 0, accR, accI, F);
    else put(accR, accI);
    return;
  }
  clog(ar, ai, F);
  const [lr, li] = cmulC99(br, bi, C[0]!, C[1]!, F);
  cexp(lr, li, F);
}

/** Lexicographic x >= y with NaN checks (NumPy's CGE), and its mirror. */
const cge = (xr: number, xi: number, yr: number, yi: number): boolean =>
  (xr > yr && xi === xi && yi === yi) || (xr === yr && xi >= yi);
const cle = (xr: number, xi: number, yr: number, yi: number): boolean =>
  (xr < yr && xi === xi && yi === yi) || (xr === yr && xi <= yi);

/** NumPy's complex clip: min(max(x, lo), hi) with NaN in x kept (PyArray_CGT/CLT have no NaN checks). */
function cclip(xr: number, xi: number, lr: number, li: number, hr: number, hi: number): void {
  let mr = xr;
  let mi = xi;
  if (!(xr > lr || (xr === lr && xi > li) || xr !== xr || xi !== xi)) {
    mr = lr;
    mi = li;
  }
  if (mr < hr || (mr === hr && mi < hi) || mr !== mr || mi !== mi) put(mr, mi);
  else put(hr, hi);
}

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
  C, id, cdiv, crecip, cabs, csign, cexp, clog, csqrt, cpow, cclip, cmulFused,
  /** maximum: the first operand wins when it is NaN or lexicographically >= (NumPy's loop). */
  cmaxFirst: (xr: number, xi: number, yr: number, yi: number): boolean => xr !== xr || xi !== xi || cge(xr, xi, yr, yi),
  cminFirst: (xr: number, xi: number, yr: number, yi: number): boolean => xr !== xr || xi !== xi || cle(xr, xi, yr, yi),
  /** fmax: the first operand wins unless the second is the one without NaN or the larger. */
  cfmaxFirst: (xr: number, xi: number, yr: number, yi: number): boolean => yr !== yr || yi !== yi || cge(xr, xi, yr, yi),
  cfminFirst: (xr: number, xi: number, yr: number, yi: number): boolean => yr !== yr || yi !== yi || cle(xr, xi, yr, yi),
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
  erfF: erf,
  geluF: gelu,
  geluTanhF: geluTanh,
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
  /** Reads a bfloat16 bit pattern. */
  bf16ToNum: fromBfloat16Bits,
  /** Rounds to bfloat16 (through float32, as PyTorch) and returns its bit pattern. */
  numToBf16: toBfloat16Bits,
  /** Rounds to the nearest bfloat16 value. */
  roundToBf16: roundToBfloat16,
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
