/**
 * Python's printf-style formatting (`'%.18e' % x`) of NumPy scalars, as np.savetxt uses it:
 * conversions d i u o x X e E f F g G s r c and %%, flags `-+ 0#`, width and precision.
 * Floats round exactly as C's printf does (half to even on exact ties), and `%s` prints a
 * scalar as NumPy's str() does (shortest digits that round-trip).
 */
import type { DType } from '../../core/dtype.js';
import { KilnTypeError, OverflowError, ValueError } from '../../core/errors.js';
import { roundToHalf } from '../../core/float16.js';

/** One value to format and the dtype it came from (which `%s` and `%r` show). */
export interface Scalar {
  value: number | bigint | boolean;
  dtype: DType;
}

interface Spec {
  flags: string;
  width: number | null;
  precision: number | null;
  conversion: string;
}

/** A parsed format: literal text between conversion specs. */
export interface CompiledFormat {
  literals: string[]; // literals.length === specs.length + 1
  specs: Spec[];
}

/** Parses a format string once; unsupported conversions fail as Python's do. */
export function compileFormat(fmt: string): CompiledFormat {
  const literals: string[] = [];
  const specs: Spec[] = [];
  let literal = '';
  let i = 0;
  while (i < fmt.length) {
    const ch = fmt[i]!;
    if (ch !== '%') {
      literal += ch;
      i++;
      continue;
    }
    const start = i;
    const m = /^%([-+ 0#]*)(\d+)?(?:\.(\d*))?[hlL]?(.?)/.exec(fmt.slice(i))!;
    const conversion = m[4]!;
    if (conversion === '') throw new ValueError('incomplete format');
    i += m[0].length;
    if (conversion === '%' && m[0] === '%%') {
      literal += '%';
      continue;
    }
    if (!'diuoxXeEfFgGsrc'.includes(conversion)) {
      const code = conversion.codePointAt(0)!.toString(16);
      throw new ValueError(`unsupported format character '${conversion}' (0x${code}) at index ${start + m[0].length - 1}`);
    }
    literals.push(literal);
    literal = '';
    specs.push({
      flags: m[1]!,
      width: m[2] === undefined ? null : Number(m[2]),
      precision: m[3] === undefined ? null : Number(m[3] || '0'),
      conversion,
    });
  }
  literals.push(literal);
  return { literals, specs };
}

/** `format % tuple(args)`; a wrong argument count is Python's TypeError. */
export function applyFormat(f: CompiledFormat, args: readonly Scalar[]): string {
  if (args.length < f.specs.length) throw new KilnTypeError('not enough arguments for format string');
  if (args.length > f.specs.length) throw new KilnTypeError('not all arguments converted during string formatting');
  let out = f.literals[0]!;
  for (let i = 0; i < f.specs.length; i++) out += formatOne(f.specs[i]!, args[i]!) + f.literals[i + 1]!;
  return out;
}

const PY_TYPE: Record<DType, string> = {
  bool: 'numpy.bool', int8: 'numpy.int8', uint8: 'numpy.uint8', int16: 'numpy.int16', uint16: 'numpy.uint16',
  int32: 'numpy.int32', uint32: 'numpy.uint32', int64: 'numpy.int64', uint64: 'numpy.uint64',
  float16: 'numpy.float16', float32: 'numpy.float32', float64: 'numpy.float64',
  complex64: 'numpy.complex64', complex128: 'numpy.complex128',
  bfloat16: 'bfloat16', // never an NDArray's dtype: NumPy has no bfloat16
};

function formatOne(spec: Spec, arg: Scalar): string {
  const { conversion: c, flags } = spec;
  const isFloatArg = typeof arg.value === 'number' && (arg.dtype === 'float16' || arg.dtype === 'float32' || arg.dtype === 'float64');
  if (c === 's' || c === 'r') {
    let s = c === 's' ? scalarStr(arg) : scalarRepr(arg);
    if (spec.precision !== null) s = s.slice(0, spec.precision);
    return pad(s, spec.width, flags.includes('-'), false, '');
  }
  if (c === 'c') {
    if (isFloatArg) throw new KilnTypeError(`%c requires an int or a unicode character, not ${PY_TYPE[arg.dtype]}`);
    return pad(String.fromCodePoint(Number(toInteger(arg))), spec.width, flags.includes('-'), false, '');
  }
  if ('diuoxX'.includes(c)) {
    if ('oxX'.includes(c) && (isFloatArg || arg.dtype === 'bool')) {
      throw new KilnTypeError(`%${c} format: an integer is required, not ${PY_TYPE[arg.dtype]}`);
    }
    const n = toInteger(arg);
    const negative = n < 0n;
    const abs = negative ? -n : n;
    let digits = c === 'o' ? abs.toString(8) : c === 'x' ? abs.toString(16) : c === 'X' ? abs.toString(16).toUpperCase() : abs.toString();
    if (spec.precision !== null && digits.length < spec.precision) digits = digits.padStart(spec.precision, '0');
    let prefix = '';
    if (flags.includes('#')) prefix = c === 'o' ? '0o' : c === 'x' ? '0x' : c === 'X' ? '0X' : '';
    return pad(digits, spec.width, flags.includes('-'), flags.includes('0'), signOf(negative, flags) + prefix);
  }
  // e E f F g G
  const x = typeof arg.value === 'number' ? arg.value : Number(arg.value);
  const negative = x < 0 || Object.is(x, -0);
  const upper = c === 'E' || c === 'F' || c === 'G';
  let body: string;
  if (!Number.isFinite(x)) body = Number.isNaN(x) ? 'nan' : 'inf';
  else body = formatFloat(Math.abs(x), c.toLowerCase() as 'e' | 'f' | 'g', spec.precision ?? 6, flags.includes('#'));
  if (upper) body = body.toUpperCase();
  return pad(body, spec.width, flags.includes('-'), flags.includes('0'), signOf(negative && !Number.isNaN(x), flags));
}

function signOf(negative: boolean, flags: string): string {
  if (negative) return '-';
  if (flags.includes('+')) return '+';
  if (flags.includes(' ')) return ' ';
  return '';
}

/** Pads to `width`: zeros go between the sign and the digits, as in C. */
function pad(body: string, width: number | null, left: boolean, zero: boolean, sign: string): string {
  const len = sign.length + body.length;
  if (width === null || len >= width) return sign + body;
  if (left) return sign + body + ' '.repeat(width - len);
  if (zero) return sign + '0'.repeat(width - len) + body;
  return ' '.repeat(width - len) + sign + body;
}

/** Python's int() of a NumPy scalar, for %d and friends. */
function toInteger(arg: Scalar): bigint {
  const v = arg.value;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (Number.isNaN(v)) throw new ValueError('cannot convert float NaN to integer');
  if (!Number.isFinite(v)) throw new OverflowError('cannot convert float infinity to integer');
  return BigInt(Math.trunc(v));
}

// ---- floats ---------------------------------------------------------------------------------

/** Formats a finite, non-negative x as C's %e, %f or %g do. */
function formatFloat(x: number, c: 'e' | 'f' | 'g', precision: number, alternate: boolean): string {
  if (c === 'f') {
    const s = fixedDigits(x, precision);
    return alternate && precision === 0 ? `${s}.` : s;
  }
  if (c === 'e') {
    const { mantissa, exponent } = expDigits(x, precision);
    return `${mantissa}${alternate && precision === 0 ? '.' : ''}e${expSuffix(exponent)}`;
  }
  const p = precision === 0 ? 1 : precision;
  const { exponent } = expDigits(x, p - 1);
  let s: string;
  if (exponent >= -4 && exponent < p) s = fixedDigits(x, p - 1 - exponent);
  else {
    const e = expDigits(x, p - 1);
    s = `${e.mantissa}e${expSuffix(e.exponent)}`;
  }
  if (alternate) return s.includes('.') ? s : s.replace(/(e|$)/, '.$1');
  // %g drops trailing zeros, and then a bare point, from the mantissa
  const [mantissa, exp] = s.split('e') as [string, string | undefined];
  const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
  return exp === undefined ? trimmed : `${trimmed}e${exp}`;
}

function expSuffix(exponent: number): string {
  return (exponent < 0 ? '-' : '+') + String(Math.abs(exponent)).padStart(2, '0');
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** x = m * 2^e with m odd (or m = 0): the exact binary value of a finite x >= 0. */
function decompose(x: number): { m: number; e: number } {
  if (x === 0) return { m: 0, e: 0 };
  f64[0] = x;
  const lo = u32[0]!;
  const hi = u32[1]!;
  const biased = (hi >>> 20) & 0x7ff;
  let m = (hi & 0xfffff) * 2 ** 32 + lo;
  const e = biased === 0 ? -1074 : biased - 1075;
  if (biased !== 0) m += 2 ** 52;
  const low = lo !== 0 ? lo : m / 2 ** 32; // the lowest non-zero 32-bit word of m
  const zeros = (lo !== 0 ? 0 : 32) + 31 - Math.clz32(low & -low);
  return { m: m / 2 ** zeros, e: e + zeros };
}

/** x with `decimals` digits after the point, rounded half to even. */
function fixedDigits(x: number, decimals: number): string {
  // JS rounds exact ties away from zero; C rounds them to even. A tie at `decimals` digits
  // means x * 2 * 10^decimals is an odd integer, i.e. x = odd * 2^-(decimals + 1).
  const { m, e } = decompose(x);
  const tie = m !== 0 && e === -(decimals + 1);
  if (!tie && decimals <= 100 && x < 1e21) return x.toFixed(decimals);
  return roundExact(exactDecimal(x), decimals, 'fixed').text;
}

/** x as d.ddd (precision digits after the point) and a decimal exponent, rounded half to even. */
function expDigits(x: number, precision: number): { mantissa: string; exponent: number } {
  if (x === 0) return { mantissa: precision > 0 ? `0.${'0'.repeat(precision)}` : '0', exponent: 0 };
  if (precision <= 100) {
    const [mantissa, exp] = x.toExponential(precision).split('e') as [string, string];
    const exponent = Number(exp);
    // A tie at x's decimal exponent e10 means x * 2 * 10^(precision - e10) is an odd integer.
    // Rounding up may have raised the exponent by one, so both candidates are checked.
    const { m, e } = decompose(x);
    if (!isExpTie(m, e, precision - exponent) && !isExpTie(m, e, precision - exponent + 1)) return { mantissa, exponent };
  }
  const r = roundExact(exactDecimal(x), precision, 'significant');
  return { mantissa: r.text, exponent: r.exponent };
}

/** Whether m * 2^e * 2 * 10^q is an odd integer (m odd): x sits exactly halfway at 10^-q. */
function isExpTie(m: number, e: number, q: number): boolean {
  return m !== 0 && e + 1 + q === 0 && (q >= 0 || (-q <= 22 && m % 5 ** -q === 0));
}

/** The exact decimal expansion of a finite x >= 0: digits with the point after `point` of them. */
function exactDecimal(x: number): { digits: string; point: number } {
  const { m, e } = decompose(x);
  if (m === 0) return { digits: '0', point: 1 };
  if (e >= 0) {
    const digits = (BigInt(m) << BigInt(e)).toString();
    return { digits, point: digits.length };
  }
  // m / 2^k = m * 5^k / 10^k
  const digits = (BigInt(m) * 5n ** BigInt(-e)).toString();
  return { digits, point: digits.length + e };
}

/**
 * Rounds an exact decimal half to even, keeping `n` digits after the point ('fixed') or `n`
 * digits after the first significant one ('significant'); returns the text and the exponent.
 */
function roundExact(d: { digits: string; point: number }, n: number, mode: 'fixed' | 'significant'): { text: string; exponent: number } {
  let { digits, point } = d;
  const lead = digits.search(/[1-9]/);
  digits = digits.slice(lead);
  point -= lead;
  const keep = mode === 'fixed' ? point + n : n + 1;
  let kept: string;
  if (keep < 0) kept = '';
  else {
    kept = digits.slice(0, keep).padEnd(keep, '0');
    const rest = digits.slice(Math.max(keep, 0));
    const half = rest[0] !== undefined && (rest[0] > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || Number(kept[kept.length - 1] ?? '0') % 2 === 1)));
    if (half) {
      const bumped = (BigInt(kept || '0') + 1n).toString();
      if (bumped.length > kept.length) point++;
      kept = bumped.padStart(Math.max(keep, 1), '0');
      if (mode === 'significant') kept = kept.slice(0, n + 1);
    }
  }
  if (mode === 'significant') {
    return { text: kept.length > 1 ? `${kept[0]}.${kept.slice(1)}` : kept, exponent: point - 1 };
  }
  // fixed: kept holds all digits up to n after the point
  const intLen = kept.length - n;
  const intPart = intLen > 0 ? kept.slice(0, intLen) : '0';
  const frac = intLen >= 0 ? kept.slice(intLen) : kept.padStart(n, '0');
  return { text: n > 0 ? `${intPart}.${frac}` : intPart, exponent: 0 };
}

// ---- str() and repr() of NumPy scalars --------------------------------------------------------

/** Positional notation is used below 10^k: NumPy's limit per float type. */
const POSITIONAL_LIMIT: Partial<Record<DType, number>> = { float16: 1e3, float32: 1e6, float64: 1e16 };

/** str(x) for a NumPy scalar: '1.5', '1e-05', 'True', '-3'. */
export function scalarStr(arg: Scalar): string {
  const v = arg.value;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'bigint') return v.toString();
  const limit = POSITIONAL_LIMIT[arg.dtype];
  if (limit === undefined) return String(v);
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const { digits, exponent } = shortestDigits(v, arg.dtype);
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  const abs = Math.abs(v);
  if (abs === 0 || (abs >= 1e-4 && abs < limit)) {
    if (exponent >= digits.length - 1) return `${sign}${digits}${'0'.repeat(exponent - digits.length + 1)}.0`;
    if (exponent >= 0) return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
    return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mantissa}e${expSuffix(exponent)}`;
}

/** repr(x) for a NumPy scalar: 'np.float64(1.5)', 'np.True_'. */
export function scalarRepr(arg: Scalar): string {
  if (typeof arg.value === 'boolean') return arg.value ? 'np.True_' : 'np.False_';
  return `np.${arg.dtype}(${scalarStr(arg)})`;
}

/** The fewest significant digits that read back as the same value of the dtype. */
function shortestDigits(v: number, dtype: DType): { digits: string; exponent: number } {
  const abs = Math.abs(v);
  if (abs === 0) return { digits: '0', exponent: 0 };
  const split = (s: string): { digits: string; exponent: number } => {
    const [m, e] = s.split('e') as [string, string];
    return { digits: m.replace('.', '').replace(/0+$/, '') || '0', exponent: Number(e) };
  };
  if (dtype === 'float64') return split(abs.toExponential());
  const round = dtype === 'float32' ? Math.fround : roundToHalf;
  for (let p = 1; p < 17; p++) {
    // expDigits breaks exact ties to even, as NumPy's Dragon4 does
    const { mantissa, exponent } = expDigits(abs, p - 1);
    const s = `${mantissa}e${exponent}`;
    if (round(Number(s)) === abs) return split(s);
  }
  return split(abs.toExponential());
}
