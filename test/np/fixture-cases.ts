/**
 * Runs fixture cases made by scripts/fixtures/np_cases.py: each case is one call of a kiln function
 * with NumPy's result (or error) beside it. Comparisons are stricter than test/helpers.ts's
 * assertMatches where exactness matters: the sign of a float zero is checked, and 64-bit integers
 * are compared exactly (toArray() would round them to JS numbers).
 */
import assert from 'node:assert/strict';
import { np } from 'kiln';
import { type Encoded, type EncodedArray, assertRaises, decodeArray, decodeValue } from '../helpers.js';

export type Arg = null | string | { array: EncodedArray } | { list: Arg[] } | { py: number | boolean | string };

export interface Case {
  fn: string;
  args: Arg[];
  opts?: Record<string, Arg>;
  expected: Encoded;
  rtol?: number;
  atol?: number;
  label?: string;
  /** Index of the argument that is also passed as `out` (in-place operations). */
  outIsArg?: number;
  /** Apply `.T` to these arguments first (non-contiguous inputs). */
  transpose?: number[];
  /** NumPy's result for a signed zero is machine-dependent here (maximum of -0.0 and 0.0). */
  anyZeroSign?: boolean;
  /** Compare only the error class, not NumPy's message. */
  looseMessage?: boolean;
  /** Compare dtype and shape only (np.empty's contents are whatever memory held). */
  checkValues?: false;
}

/** A Python scalar: whole JS numbers are Python ints; big ints arrive as decimal strings. */
function decodeScalar(v: number | boolean | string): number | boolean | bigint {
  if (typeof v === 'string' && !['nan', 'inf', '-inf'].includes(v)) return BigInt(v);
  return decodeValue(v);
}

export function decodeArg(a: Arg): unknown {
  if (a === null || typeof a === 'string') return a;
  if ('array' in a) return decodeArray(a.array);
  if ('list' in a) return a.list.map(decodeArg);
  return decodeScalar(a.py);
}

function describe(a: Arg): string {
  if (a === null) return 'null';
  if (typeof a === 'string') return JSON.stringify(a);
  if ('array' in a) {
    const d = a.array.data;
    return `${a.array.dtype}${JSON.stringify(a.array.shape)}${d.length <= 6 ? JSON.stringify(d) : ''}`;
  }
  if ('list' in a) return `[${a.list.map(describe).join(', ')}]`;
  return String(a.py);
}

export function caseLabel(c: Case): string {
  const opts = c.opts ? `, {${Object.entries(c.opts).map(([k, v]) => `${k}: ${describe(v)}`).join(', ')}}` : '';
  return `${c.label ? `${c.label}: ` : ''}${c.fn}(${c.args.map(describe).join(', ')}${opts})`;
}

type Fn = (...args: unknown[]) => unknown;

/** Calls the kiln function a case names; options go last, as every kiln function takes them. */
export function callCase(c: Case): unknown {
  const args = c.args.map(decodeArg);
  for (const i of c.transpose ?? []) args[i] = (args[i] as np.NDArray).T;
  let opts: Record<string, unknown> | undefined;
  if (c.opts || c.outIsArg !== undefined) {
    opts = Object.fromEntries(Object.entries(c.opts ?? {}).map(([k, v]) => [k, decodeArg(v)]));
    if (c.outIsArg !== undefined) opts.out = args[c.outIsArg];
  }
  const tail = opts ? [opts] : [];
  if (c.fn.startsWith('.')) {
    const [self, ...rest] = args;
    const method = (self as Record<string, Fn>)[c.fn.slice(1)];
    assert.ok(typeof method === 'function', `no method ${c.fn}`);
    return method.call(self, ...rest, ...tail);
  }
  const f = (np as unknown as Record<string, Fn>)[c.fn];
  assert.ok(typeof f === 'function', `np.${c.fn} is not a function`);
  const result = f(...args, ...tail);
  if (opts?.out !== undefined) assert.equal(result, opts.out, 'the result is the `out` array');
  return result;
}

/** Runs a case and compares it with NumPy's result or error. */
export function checkCase(c: Case): void {
  const label = caseLabel(c);
  const e = c.expected;
  if ('error' in e) {
    assertRaises(() => callCase(c), e, c.looseMessage !== true, label);
    return;
  }
  let result: unknown;
  try {
    result = callCase(c);
  } catch (err) {
    assert.fail(`${label} threw ${(err as Error).name}: ${(err as Error).message}`);
  }
  if (c.checkValues === false && 'dtype' in e && 'shape' in e) {
    assert.ok(result instanceof np.NDArray, `${label}: expected an NDArray`);
    assert.equal(result.dtype, e.dtype, `${label}: dtype`);
    assert.deepEqual(result.shape, e.shape, `${label}: shape`);
    return;
  }
  assertSame(result, e, c, label);
}

export interface Tolerance { rtol?: number; atol?: number; anyZeroSign?: boolean }

/** Same dtype, shape and values as NumPy's result; floats exact unless a tolerance is given. */
export function assertSame(actual: unknown, expected: Encoded, tol: Tolerance, label: string): void {
  if ('error' in expected) assert.fail(`${label}: expected NumPy's ${expected.error}: ${expected.message}`);
  if ('tuple' in expected) {
    assert.ok(Array.isArray(actual), `${label}: expected a list of results`);
    assert.equal(actual.length, expected.tuple.length, `${label}: number of results`);
    expected.tuple.forEach((x, i) => assertSame((actual as unknown[])[i], x, tol, `${label}[${i}]`));
    return;
  }
  if ('scalar' in expected) {
    // NumPy returns a scalar where kiln returns a 0-d array (JS has no NumPy scalar types)
    let got = actual;
    if (actual instanceof np.NDArray) {
      assert.equal(actual.ndim, 0, `${label}: expected a scalar, got shape [${actual.shape}]`);
      if (expected.dtype) assert.equal(actual.dtype, expected.dtype, `${label}: dtype`);
      got = actual.item();
    }
    assertValue(got as number | boolean, decodeValue(expected.scalar), tol, label);
    return;
  }
  assert.ok(actual instanceof np.NDArray, `${label}: expected an NDArray, got ${String(actual)}`);
  assert.equal(actual.dtype, expected.dtype, `${label}: dtype`);
  assert.deepEqual(actual.shape, expected.shape, `${label}: shape`);
  const got = actual.toArray() as (number | boolean)[];
  const want = expected.data.map(decodeValue);
  for (let i = 0; i < want.length; i++) assertValue(got[i]!, want[i]!, tol, `${label} at flat index ${i}`);
  if (expected.dtype === 'int64' || expected.dtype === 'uint64') {
    // toArray() rounds past 2**53; compare exactly through BigInt loops
    const same = np.equal(actual, decodeArray(expected)).toArray();
    const bad = same.indexOf(false);
    assert.ok(bad < 0, `${label}: 64-bit value differs at flat index ${bad}: expected ${expected.data[bad]}`);
  }
}

function assertValue(got: number | boolean, want: number | boolean, tol: Tolerance, where: string): void {
  if (typeof want === 'boolean' || typeof got === 'boolean') {
    assert.equal(got, want, `${where}: expected ${want}, got ${got}`);
    return;
  }
  if (Number.isNaN(want)) {
    assert.ok(Number.isNaN(got), `${where}: expected NaN, got ${got}`);
    return;
  }
  if (tol.rtol === undefined && tol.atol === undefined || !Number.isFinite(want)) {
    const ok = tol.anyZeroSign ? got === want : Object.is(got, want);
    assert.ok(ok, `${where}: expected ${Object.is(want, -0) ? '-0' : want}, got ${Object.is(got, -0) ? '-0' : got}`);
    return;
  }
  const limit = (tol.atol ?? 0) + (tol.rtol ?? 0) * Math.abs(want);
  assert.ok(Math.abs(got - want) <= limit, `${where}: expected ${want} ± ${limit}, got ${got}`);
}

/** Checks every case and fails once with a list of the failures (the first 30), not at the first. */
export function checkCases(cases: readonly Case[]): void {
  const failures: string[] = [];
  for (const c of cases) {
    try {
      checkCase(c);
    } catch (err) {
      failures.push((err as Error).message.split('\n')[0]!);
    }
  }
  const shown = failures.slice(0, 30).join('\n  ');
  assert.equal(failures.length, 0, `${failures.length} of ${cases.length} cases differ from NumPy:\n  ${shown}`);
}
