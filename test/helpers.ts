/** Test helpers: decode NumPy fixtures and compare arrays with NumPy's semantics. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { np } from 'kiln';

export type EncodedValue = number | boolean | string;
/** Complex arrays (dtype complex64/complex128) hold interleaved parts: [re0, im0, re1, im1, ...]. */
export interface EncodedArray { dtype: string; shape: number[]; data: EncodedValue[] }
/** A complex scalar carries its imaginary part in `imag`. */
export interface EncodedScalar { scalar: EncodedValue; imag?: EncodedValue; dtype?: string }
export interface EncodedError { error: string; message: string }
export interface EncodedTuple { tuple: Encoded[] }
export type Encoded = EncodedArray | EncodedScalar | EncodedError | EncodedTuple;

/** Loads test/fixtures/<name>.json (made by scripts/make_numpy_fixtures.py). */
export function loadFixture<T = Record<string, unknown>>(name: string): { numpy: string; cases: T[] } {
  const url = new URL(`./fixtures/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8'));
}

export function decodeValue(v: EncodedValue): number | boolean {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  if (typeof v === 'string') return Number(v);
  return v;
}

/** An encoded complex scalar (or a real one) as a Complex. */
export function decodeComplex(e: EncodedScalar): np.Complex {
  return np.complex(Number(decodeValue(e.scalar)), e.imag === undefined ? 0 : Number(decodeValue(e.imag)));
}

/** The interleaved parts of an encoded complex array as Complex values. */
export function complexValues(e: EncodedArray): np.Complex[] {
  const out: np.Complex[] = [];
  for (let i = 0; i < e.data.length; i += 2) out.push(np.complex(Number(decodeValue(e.data[i]!)), Number(decodeValue(e.data[i + 1]!))));
  return out;
}

const isComplexDType = (d: string): boolean => d === 'complex64' || d === 'complex128';

/** An encoded array as an NDArray of the same dtype and shape. */
export function decodeArray(e: EncodedArray): np.NDArray {
  if (isComplexDType(e.dtype)) return np.array(complexValues(e), { dtype: e.dtype }).reshape(e.shape);
  const flat = e.dtype.startsWith('int64') || e.dtype.startsWith('uint64')
    ? e.data.map((v) => (typeof v === 'string' && !['nan', 'inf', '-inf'].includes(v) ? BigInt(v) : decodeValue(v)))
    : e.data.map(decodeValue);
  return np.array(flat as number[], { dtype: e.dtype }).reshape(e.shape);
}

export interface CloseOptions { rtol?: number; atol?: number; checkDtype?: boolean }

/**
 * Asserts that `actual` matches a NumPy result: same dtype and shape, values equal (NaN equals
 * NaN) or within rtol/atol for floats.
 */
export function assertMatches(actual: unknown, expected: Encoded, options: CloseOptions = {}, label = ''): void {
  const where = label ? ` (${label})` : '';
  if ('error' in expected) {
    assert.fail(`expected NumPy's ${expected.error}: ${expected.message}${where}, got a result`);
  }
  if ('tuple' in expected) {
    assert.ok(Array.isArray(actual), `expected a tuple${where}`);
    assert.equal((actual as unknown[]).length, expected.tuple.length, `tuple length${where}`);
    expected.tuple.forEach((e, i) => assertMatches((actual as unknown[])[i], e, options, `${label}[${i}]`));
    return;
  }
  if ('scalar' in expected) {
    const got = actual instanceof np.NDArray ? actual.item() : actual;
    if (expected.imag !== undefined) {
      assert.ok(got instanceof np.Complex, `expected a Complex${where}, got ${String(got)}`);
      const want = decodeComplex(expected);
      assertValueClose(got.re, want.re, options, `${where} (real part)`);
      assertValueClose(got.im, want.im, options, `${where} (imaginary part)`);
      return;
    }
    const want = decodeValue(expected.scalar);
    assert.ok(typeof got === 'number' || typeof got === 'boolean', `expected a scalar${where}, got ${String(got)}`);
    assertValueClose(got, want, options, where);
    return;
  }
  assert.ok(actual instanceof np.NDArray, `expected an NDArray${where}, got ${String(actual)}`);
  if (options.checkDtype !== false) assert.equal(actual.dtype, expected.dtype, `dtype${where}`);
  assert.deepEqual(actual.shape, expected.shape, `shape${where}`);
  if (isComplexDType(expected.dtype)) {
    const got = actual.toArray();
    const want = complexValues(expected);
    assert.equal(got.length, want.length, `size${where}`);
    for (let i = 0; i < want.length; i++) {
      const g = got[i];
      const [gr, gi] = g instanceof np.Complex ? [g.re, g.im] : [Number(g), 0];
      assertValueClose(gr, want[i]!.re, options, `${where} at flat index ${i} (real part)`);
      assertValueClose(gi, want[i]!.im, options, `${where} at flat index ${i} (imaginary part)`);
    }
    return;
  }
  const got = actual.toArray() as (number | boolean)[];
  const want = expected.data.map(decodeValue);
  for (let i = 0; i < want.length; i++) assertValueClose(got[i]!, want[i]!, options, `${where} at flat index ${i}`);
}

function assertValueClose(got: number | boolean, want: number | boolean, options: CloseOptions, where: string): void {
  if (typeof want === 'boolean' || typeof got === 'boolean') {
    assert.equal(Number(got), Number(want), `value${where}`);
    return;
  }
  if (Number.isNaN(want)) {
    assert.ok(Number.isNaN(got), `expected NaN${where}, got ${got}`);
    return;
  }
  if (!Number.isFinite(want) || (options.rtol === undefined && options.atol === undefined)) {
    assert.ok(Object.is(got, want) || got === want, `expected ${want}${where}, got ${got}`);
    return;
  }
  const tol = (options.atol ?? 0) + (options.rtol ?? 0) * Math.abs(want);
  assert.ok(Math.abs(got - want) <= tol, `expected ${want} ± ${tol}${where}, got ${got}`);
}

/** NumPy's exception classes that kiln reports under their Python base class name. */
const ERROR_BASES: Record<string, string> = {
  UFuncTypeError: 'TypeError', _UFuncNoLoopError: 'TypeError', _UFuncBinaryResolutionError: 'TypeError',
  _UFuncInputCastingError: 'TypeError', _UFuncOutputCastingError: 'TypeError', DTypePromotionError: 'TypeError',
  LinAlgError: 'LinAlgError', AxisError: 'AxisError',
};

/**
 * Asserts that fn throws the error NumPy raised: the same class name (NumPy's private ufunc
 * errors count as TypeError) and, when `checkMessage`, NumPy's exact message.
 */
export function assertRaises(fn: () => unknown, expected: { error: string; message?: string }, checkMessage = false, label = ''): void {
  const where = label ? ` (${label})` : '';
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof Error, `expected NumPy's ${expected.error}: ${expected.message ?? ''}${where}, but nothing was thrown`);
  const want = ERROR_BASES[expected.error] ?? expected.error;
  const ok = thrown.name === want || (want === 'ValueError' && thrown.name === 'AxisError');
  assert.ok(ok, `expected ${want}${where}, got ${thrown.name}: ${thrown.message}`);
  if (checkMessage && expected.message !== undefined) assert.equal(thrown.message, expected.message, `message${where}`);
}

/** Narrows a get() result to an NDArray (fails the test otherwise). */
export function asArray(x: unknown): np.NDArray {
  assert.ok(x instanceof np.NDArray, `expected an NDArray, got ${String(x)}`);
  return x;
}
