/**
 * Float to text exactly as NumPy prints it: the Dragon4 digit generator (shortest digits that
 * round-trip in the value's own precision, optionally cut off or extended), the positional and
 * scientific layouts built on it, and the formatter that lines up a whole array of floats.
 */
import { roundToHalf, toHalfBits } from '../../core/float16.js';

export type FloatDType = 'float16' | 'float32' | 'float64';

/** How trailing zeros are treated (NumPy's `trim`): 'k' keep, '.' drop zeros keep the point,
 * '0' drop zeros but leave one, '-' drop zeros and the point. */
export type Trim = 'k' | '.' | '0' | '-';

// ---- decomposing a float into mantissa * 2^exponent ------------------------------------------

const LAYOUT: Record<FloatDType, { fractionBits: number; bias: number }> = {
  float16: { fractionBits: 10, bias: 15 },
  float32: { fractionBits: 23, bias: 127 },
  float64: { fractionBits: 52, bias: 1023 },
};

interface Parts {
  mantissa: bigint;
  exponent: number;
  /** Index of the highest set bit of the mantissa. */
  mantissaBit: number;
  /** A power of two above the subnormals: the gap below is half the gap above. */
  unequalMargins: boolean;
}

const scratch = new DataView(new ArrayBuffer(8));

/** Biased exponent and fraction bits of |x| in the given format (x must be representable). */
function bits(x: number, dtype: FloatDType): [number, bigint] {
  if (dtype === 'float16') {
    const h = toHalfBits(x);
    return [(h >>> 10) & 0x1f, BigInt(h & 0x3ff)];
  }
  if (dtype === 'float32') {
    scratch.setFloat32(0, x);
    const b = scratch.getUint32(0);
    return [(b >>> 23) & 0xff, BigInt(b & 0x7fffff)];
  }
  scratch.setFloat64(0, x);
  const hi = scratch.getUint32(0);
  return [(hi >>> 20) & 0x7ff, (BigInt(hi & 0xfffff) << 32n) | BigInt(scratch.getUint32(4))];
}

function decompose(x: number, dtype: FloatDType): Parts {
  const { fractionBits, bias } = LAYOUT[dtype];
  const [biased, fraction] = bits(Math.abs(x), dtype);
  if (biased !== 0) {
    return {
      mantissa: fraction | (1n << BigInt(fractionBits)),
      exponent: biased - bias - fractionBits,
      mantissaBit: fractionBits,
      unequalMargins: biased !== 1 && fraction === 0n,
    };
  }
  return {
    mantissa: fraction,
    exponent: 1 - bias - fractionBits,
    mantissaBit: fraction.toString(2).length - 1,
    unequalMargins: false,
  };
}

// ---- Dragon4 ---------------------------------------------------------------------------------

interface Digits {
  /** Significant digits, the first nonzero (or '0' for zero). */
  digits: string;
  /** Power of ten of the first digit. */
  exponent: number;
}

/**
 * Steele & White's Dragon4 as NumPy runs it: digits of the exact value, stopping as soon as they
 * identify it uniquely among neighbours of its type (ties at the interval ends count as inside
 * when the mantissa is even, as round-half-even reading does). `precision` caps the digits and
 * `minDigits` forces more (exact ones), counted as total digits or as digits past the point.
 */
function dragon4(p: Parts, mode: 'total' | 'fraction', precision: number, minDigits: number): Digits {
  if (p.mantissa === 0n) return { digits: '0', exponent: 0 };
  const isEven = (p.mantissa & 1n) === 0n;
  // value = scaledValue / scale; the margins are half the distances to the neighbouring floats
  let value: bigint;
  let scale: bigint;
  let marginLow: bigint;
  const e = BigInt(Math.abs(p.exponent));
  const extra = p.unequalMargins ? 2n : 1n;
  if (p.exponent > 0) {
    value = p.mantissa << (e + extra);
    scale = 1n << extra;
    marginLow = 1n << e;
  } else {
    value = p.mantissa << extra;
    scale = 1n << (e + extra);
    marginLow = 1n;
  }
  const highFactor = p.unequalMargins ? 2n : 1n;

  // estimate of floor(log10(v)) + 1 that is right or one too small (Burger & Dybvig)
  let digitExponent = Math.ceil((p.mantissaBit + p.exponent) * 0.30102999566398119521373889472449 - 0.69);
  // with a fractional cutoff, start no further right than the last digit allowed
  if (precision >= 0 && mode === 'fraction' && digitExponent <= -precision) digitExponent = -precision + 1;
  if (digitExponent > 0) scale *= 10n ** BigInt(digitExponent);
  else if (digitExponent < 0) {
    const pow = 10n ** BigInt(-digitExponent);
    value *= pow;
    marginLow *= pow;
  }
  if (value >= scale) digitExponent += 1;
  else {
    value *= 10n;
    marginLow *= 10n;
  }

  let cutoffMax = -Infinity;
  if (precision >= 0) cutoffMax = mode === 'total' ? digitExponent - precision : -precision;
  let cutoffMin = digitExponent;
  if (minDigits >= 0) cutoffMin = Math.min(cutoffMin, mode === 'total' ? digitExponent - minDigits : -minDigits);
  let outExponent = digitExponent - 1;

  let out = '';
  let digit: number;
  let low: boolean;
  let high: boolean;
  for (;;) {
    digitExponent -= 1;
    digit = Number(value / scale);
    value %= scale;
    const marginHigh = marginLow * highFactor;
    low = isEven ? value <= marginLow : value < marginLow;
    high = isEven ? value + marginHigh >= scale : value + marginHigh > scale;
    if (((low || high) && digitExponent <= cutoffMin) || digitExponent === cutoffMax) break;
    out += digit;
    value *= 10n;
    marginLow *= 10n;
  }

  // round the last digit: towards the side that is still inside the interval, else to nearest
  let roundDown = low;
  if (low === high) {
    const twice = value * 2n;
    roundDown = twice < scale || (twice === scale && digit % 2 === 0);
  }
  if (roundDown) out += digit;
  else if (digit < 9) out += digit + 1;
  else {
    // carry: drop trailing nines and bump the digit before them
    let i = out.length - 1;
    while (i >= 0 && out[i] === '9') i--;
    if (i < 0) {
      out = '1';
      outExponent += 1;
    } else out = out.slice(0, i) + String(Number(out[i]) + 1);
  }
  return { digits: out, exponent: outExponent };
}

// ---- positional and scientific layouts --------------------------------------------------------

export interface PositionalOptions {
  /** Most digits past the point (-1: as many as uniqueness needs). */
  precision?: number;
  /** Fewest digits past the point (-1: none). */
  minDigits?: number;
  trim?: Trim;
  /** Pad with spaces to this many characters left of the point (sign included). */
  padLeft?: number;
  /** Pad with spaces to this many characters right of the point. */
  padRight?: number;
  /** Prefix positive values with '+' (NumPy's sign='+'). */
  sign?: boolean;
}

/** NumPy's dragon4_positional for a finite value with unique digits: `12.5`, `0.001`, `-0.`. */
export function formatPositional(x: number, dtype: FloatDType, o: PositionalOptions = {}): string {
  const precision = o.precision ?? -1;
  const minDigits = o.minDigits ?? -1;
  const trim = o.trim ?? 'k';
  const sign = x < 0 || Object.is(x, -0) ? '-' : o.sign ? '+' : '';
  const { digits, exponent } = dragon4(decompose(x, dtype), 'fraction', precision, minDigits);

  let whole: string;
  let frac: string;
  if (exponent >= 0) {
    whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
    frac = digits.slice(exponent + 1);
  } else {
    whole = '0';
    frac = '0'.repeat(-exponent - 1) + digits;
  }
  let point = trim !== '-' || frac.length > 0;
  const wanted = Math.max(minDigits, 0);
  if (trim === '0' && frac.length === 0) frac = '0';
  else if (trim === 'k' && wanted > frac.length) frac = frac.padEnd(wanted, '0');
  if (trim !== 'k' && frac.length > 0) {
    frac = frac.replace(/0+$/, '');
    if (frac.length === 0 && trim === '0') frac = '0';
    if (frac.length === 0 && trim === '-') point = false;
  }

  let s = sign + whole + (point ? '.' : '') + frac;
  const padRight = o.padRight ?? -1;
  if (padRight >= frac.length) s += (trim === '-' && frac.length === 0 ? ' ' : '') + ' '.repeat(padRight - frac.length);
  const padLeft = o.padLeft ?? -1;
  if (padLeft > whole.length + sign.length) s = ' '.repeat(padLeft - whole.length - sign.length) + s;
  return s;
}

export interface ScientificOptions {
  /** Most digits past the point (-1: as many as uniqueness needs). */
  precision?: number;
  /** Fewest digits past the point (-1: none). */
  minDigits?: number;
  trim?: Trim;
  /** Pad with spaces to this many characters left of the point (sign included). */
  padLeft?: number;
  /** Fewest exponent digits (-1: 2). */
  expDigits?: number;
  /** Prefix positive values with '+' (NumPy's sign='+'). */
  sign?: boolean;
}

/** NumPy's dragon4_scientific for a finite value with unique digits: `1.5e+10`, `1.e-05`. */
export function formatScientific(x: number, dtype: FloatDType, o: ScientificOptions = {}): string {
  const precision = o.precision ?? -1;
  const minDigits = o.minDigits ?? -1;
  const trim = o.trim ?? 'k';
  const sign = x < 0 || Object.is(x, -0) ? '-' : o.sign ? '+' : '';
  const { digits, exponent } = dragon4(
    decompose(x, dtype), 'total', precision < 0 ? -1 : precision + 1, minDigits < 0 ? -1 : minDigits + 1,
  );

  let frac = digits.slice(1);
  let point = trim !== '-' || frac.length > 0;
  const wanted = Math.max(minDigits, 0);
  if (trim === '0' && frac.length === 0) frac = '0';
  else if (trim === 'k' && wanted > frac.length) frac = frac.padEnd(wanted, '0');
  if (trim !== 'k' && frac.length > 0) {
    frac = frac.replace(/0+$/, '');
    if (frac.length === 0 && trim === '0') frac = '0';
    // NumPy keeps the point here even for '-': it only drops it when no digits were printed
  }

  const expDigits = Math.min(o.expDigits !== undefined && o.expDigits >= 0 ? o.expDigits : 2, 5);
  const exp = (exponent < 0 ? '-' : '+') + String(Math.abs(exponent)).padStart(expDigits, '0');
  const padLeft = o.padLeft ?? -1;
  const pad = padLeft > 1 + sign.length ? ' '.repeat(padLeft - 1 - sign.length) : '';
  return pad + sign + digits[0] + (point ? '.' : '') + frac + 'e' + exp;
}

// ---- whole arrays -----------------------------------------------------------------------------

const PRECISION = 8;

/** Rounds a number to the given float type, as NumPy computes in that type. */
function roundTo(dtype: FloatDType): (v: number) => number {
  return dtype === 'float16' ? roundToHalf : dtype === 'float32' ? Math.fround : (v) => v;
}

/** NumPy's decimal precision of each type (np.finfo(t).precision). */
const DECIMAL_PRECISION: Record<FloatDType, number> = { float16: 3, float32: 6, float64: 15 };

/**
 * NumPy's FloatingFormat with the default options (precision 8, floatmode 'maxprec', no
 * suppress): one formatter for all elements of an array, so that they share a layout. `sign`
 * '+' marks positive values too, as the imaginary parts of complex numbers are printed.
 */
export function floatFormatter(values: readonly number[], dtype: FloatDType, signMode: '-' | '+' = '-'): (x: number) => string {
  const sign = signMode === '+';
  const finite = values.filter(Number.isFinite);
  const round = roundTo(dtype);

  // scientific when the magnitudes are very large, very small or far apart
  let scientific = false;
  let max = -Infinity;
  let min = Infinity;
  for (const v of finite) {
    if (v === 0) continue;
    max = Math.max(max, Math.abs(v));
    min = Math.min(min, Math.abs(v));
  }
  if (max > 0) {
    const cutoff = 10 ** Math.min(8, DECIMAL_PRECISION[dtype]);
    scientific = max >= cutoff || min < round(1e-4) || round(max / min) > 1000;
  }

  // a first pass over the values fixes the widths and the shared number of digits
  let padLeft = 0;
  let padRight = 0;
  let expSize = -1;
  let precision = PRECISION;
  if (finite.length > 0 && scientific) {
    let fracMax = 0;
    for (const v of finite) {
      const s = formatScientific(v, dtype, { precision: PRECISION, trim: '.', sign });
      const [mant, exp] = s.split('e') as [string, string];
      const [int, frac] = mant.split('.') as [string, string];
      padLeft = Math.max(padLeft, int.length);
      fracMax = Math.max(fracMax, frac.length);
      expSize = Math.max(expSize, exp.length - 1);
    }
    precision = fracMax;
    padRight = expSize + 2 + precision;
  } else if (finite.length > 0) {
    for (const v of finite) {
      const [int, frac] = formatPositional(v, dtype, { precision: PRECISION, trim: '.', sign }).split('.') as [string, string];
      padLeft = Math.max(padLeft, int.length);
      padRight = Math.max(padRight, frac.length);
    }
  }
  if (finite.length !== values.length) {
    // room for nan, inf and -inf (+nan, +inf with sign '+') in the same columns
    const negInf = sign || values.some((v) => v === -Infinity) ? 1 : 0;
    padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + negInf - (padRight + 1));
  }

  return (x: number): string => {
    if (!Number.isFinite(x)) {
      const s = (Number.isNaN(x) ? '' : x < 0 ? '-' : '') + (sign && !(x < 0) ? '+' : '') + (Number.isNaN(x) ? 'nan' : 'inf');
      return ' '.repeat(Math.max(0, padLeft + padRight + 1 - s.length)) + s;
    }
    if (scientific) {
      return formatScientific(x, dtype, { precision, minDigits: precision, trim: 'k', padLeft, expDigits: expSize, sign });
    }
    return formatPositional(x, dtype, { precision: PRECISION, minDigits: 0, trim: '.', padLeft, padRight, sign });
  };
}

/** Largest magnitude a float scalar prints in positional notation, per type (NumPy 2.3+). */
const MAX_POSITIONAL: Record<FloatDType, number> = { float16: 1e3, float32: 1e6, float64: 1e16 };

/**
 * One part of a complex scalar's str (NumPy's `_either` with trim '-'): `1`, `0.5`, `1e-05`,
 * `+2`; non-finite parts as `nan`, `-inf` (`+nan`, `+inf` for a signed part).
 */
function complexPartString(x: number, dtype: FloatDType, sign: boolean): string {
  if (Number.isNaN(x)) return sign ? '+nan' : 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : sign ? '+inf' : 'inf';
  const a = Math.abs(x);
  if (x === 0 || (a >= 1e-4 && a < MAX_POSITIONAL[dtype])) return formatPositional(x, dtype, { trim: '-', sign });
  return formatScientific(x, dtype, { trim: '-', sign });
}

/**
 * `str()` of a NumPy complex scalar, whose parts have the float type `dtype`: `(1+2j)`, `2j`
 * (a real part of +0 is left out), `(nan+infj)`, `(1e+20-1.5j)`.
 */
export function complexScalarString(re: number, im: number, dtype: FloatDType): string {
  if (re === 0 && !Object.is(re, -0)) return complexPartString(im, dtype, false) + 'j';
  return `(${complexPartString(re, dtype, false)}${complexPartString(im, dtype, true)}j)`;
}

/** `str()` of a NumPy float scalar: `1.0`, `0.1`, `1e-05`, `1e+16`, `nan`, `-inf`. */
export function floatScalarString(x: number, dtype: FloatDType): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  const a = Math.abs(x);
  if (x === 0 || (a >= 1e-4 && a < MAX_POSITIONAL[dtype])) return formatPositional(x, dtype, { trim: '0' });
  return formatScientific(x, dtype, { trim: '-' });
}
