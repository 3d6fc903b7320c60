/**
 * The JS value of one complex number: what `np.complex(re, im)` makes, what nested arrays given
 * to `np.array` may hold, and what `item()`, `tolist()` and scalar indexing return for complex
 * arrays (NumPy returns Python `complex` objects there).
 *
 * JS has no complex number type, so kiln uses a small immutable class with `re` and `im`. Input
 * also accepts any plain object `{ re, im }` with two numbers, so data from JSON or other libraries
 * needs no conversion. A Complex prints as Python prints a complex: `(1+2j)`, `1j`, `(nan+infj)`.
 */

/** Anything read as a complex number: a Complex or a plain `{ re, im }` object. */
export interface ComplexLike {
  readonly re: number;
  readonly im: number;
}

export class Complex implements ComplexLike {
  constructor(readonly re: number, readonly im: number) {
    Object.freeze(this);
  }

  /** Python's repr of a complex: `(1+2j)`, `(1.5-0j)`, `2j` (a real part of +0 is left out). */
  toString(): string {
    return pyComplexRepr(this.re, this.im);
  }

  /** The absolute value |z| (np.abs of a scalar). */
  abs(): number {
    return Math.hypot(this.re, this.im);
  }

  /** The complex conjugate. */
  conj(): Complex {
    return new Complex(this.re, -this.im);
  }

  /** Exact equality of both parts (NaN never equals, as in NumPy). */
  equals(other: ComplexLike | number): boolean {
    return typeof other === 'number' ? this.re === other && this.im === 0 : this.re === other.re && this.im === other.im;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** `np.complex(re, im)`: the complex number re + im·j. */
export function complex(re = 0, im = 0): Complex {
  if (typeof re !== 'number' || typeof im !== 'number') throw new TypeError('complex() arguments must be numbers');
  return new Complex(re, im);
}

/** Whether a value is a complex number as kiln reads one (a Complex or a plain `{ re, im }`). */
export function isComplexLike(x: unknown): x is ComplexLike {
  if (x instanceof Complex) return true;
  if (typeof x !== 'object' || x === null || Array.isArray(x) || ArrayBuffer.isView(x)) return false;
  const o = x as { re?: unknown; im?: unknown };
  return typeof o.re === 'number' && typeof o.im === 'number' && Object.keys(o).length === 2;
}

/**
 * Python's repr of a float inside a complex (`repr` without the added `.0`): the shortest digits
 * that round-trip, positional from 1e-4 up to 1e16, else with an exponent of at least two digits.
 */
export function pyFloatRepr(x: number, sign = false): string {
  if (Number.isNaN(x)) return sign ? '+nan' : 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : sign ? '+inf' : 'inf';
  const neg = x < 0 || Object.is(x, -0);
  const lead = neg ? '-' : sign ? '+' : '';
  if (x === 0) return lead + '0';
  const [mant, expText] = Math.abs(x).toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const digits = mant.replace('.', '');
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return lead + '0.' + '0'.repeat(-exp - 1) + digits;
    if (digits.length <= exp + 1) return lead + digits.padEnd(exp + 1, '0');
    return lead + digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  }
  const e = (exp < 0 ? '-' : '+') + String(Math.abs(exp)).padStart(2, '0');
  return lead + digits[0] + (digits.length > 1 ? '.' + digits.slice(1) : '') + 'e' + e;
}

/** Python's repr of complex(re, im). */
export function pyComplexRepr(re: number, im: number): string {
  if (re === 0 && !Object.is(re, -0)) return pyFloatRepr(im) + 'j';
  return `(${pyFloatRepr(re)}${pyFloatRepr(im, true)}j)`;
}
