/**
 * Reductions and scans against NumPy (test/fixtures/reductions.json, made by
 * scripts/fixtures/reductions.py): every reduction x dtype x axis/keepdims, non-contiguous views,
 * result dtypes and the dtype/ddof options, NaN, empty arrays, 64-bit exactness, long float sums
 * and NumPy's errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np } from 'kiln';
import {
  assertMatches, assertRaises, decodeArray, loadFixture,
  type CloseOptions, type Encoded, type EncodedArray,
} from '../helpers.js';

interface Case {
  fn: string;
  input?: string;
  gen?: { formula: string; n: number; dtype: string; shape: number[] };
  view?: string;
  kwargs: { axis?: number | number[] | null; keepdims?: boolean; dtype?: string; ddof?: number };
  expected: Encoded;
  rtol?: number;
  atol?: number;
  note?: string;
}

const fixture = loadFixture<Case>('reductions') as { numpy: string; inputs: Record<string, EncodedArray>; cases: Case[] };

type Fn = (a: np.NDArray, options: Case['kwargs']) => unknown;
const FUNCTIONS: Record<string, Fn> = {
  sum: np.sum, prod: np.prod, mean: np.mean, std: np.std, var: np.var, min: np.min, max: np.max,
  argmin: np.argmin as Fn, argmax: np.argmax as Fn, any: np.any, all: np.all, nansum: np.nansum,
  nanmean: np.nanmean, cumsum: np.cumsum as Fn, cumprod: np.cumprod as Fn,
};

/** The same non-contiguous views the generator takes (built from strides: no indexing needed). */
function makeView(a: np.NDArray, kind: string | undefined): np.NDArray {
  switch (kind) {
    case undefined:
      return a;
    case 'T':
      return a.T;
    case 'perm102':
      return a.transpose(1, 0, 2);
    case 'rev': {
      const offset = a.offset + a.shape.reduce((o, n, i) => o + (n - 1) * a.elementStrides[i]!, 0);
      return a.makeView(a.shape, a.elementStrides.map((s) => -s), offset);
    }
    case 'step': {
      const last = a.ndim - 1;
      const shape = a.shape.map((n, i) => (i === last ? Math.ceil(n / 2) : n));
      return a.makeView(shape, a.elementStrides.map((s, i) => (i === last ? 2 * s : s)), a.offset);
    }
    default:
      throw new Error(`unknown view ${kind}`);
  }
}

/** The formulas of the generator's long arrays, evaluated in float64 and then cast. */
function generate(gen: NonNullable<Case['gen']>): np.NDArray {
  const values = new Float64Array(gen.n);
  for (let i = 0; i < gen.n; i++) {
    const m = ((i * 7919) % 1000) / 1000;
    values[i] = gen.formula === 'mod' ? m : gen.formula === 'signed' ? m - 0.4995 : 0.1;
  }
  return np.array(values).astype(gen.dtype).reshape(gen.shape);
}

function operand(c: Case): np.NDArray {
  const base = c.gen ? generate(c.gen) : decodeArray(fixture.inputs[c.input!]!);
  return makeView(base, c.view);
}

/**
 * Tolerances by result dtype. The fixtures' float data are multiples of 1/8, so sums are exact;
 * what differs is rounding order: kiln accumulates floats in float64 and rounds once, NumPy
 * accumulates float16/float32 in (pairwise) float32/float16 arithmetic.
 */
function tolerance(c: Case): CloseOptions {
  if (c.rtol !== undefined) return { rtol: c.rtol, atol: c.atol ?? 0 };
  const e = c.expected;
  const dtype = 'dtype' in e ? e.dtype : undefined;
  if (dtype === 'float16') return c.fn === 'std' || c.fn === 'var' ? { rtol: 1e-2, atol: 1e-2 } : { rtol: 2e-3, atol: 1e-3 };
  if (dtype === 'float32') return { rtol: 2e-6, atol: 1e-6 };
  if (dtype === 'float64') return { rtol: 1e-12, atol: 1e-12 };
  return {};
}

/** The exact values of a 64-bit integer array, read from its storage (toArray gives numbers). */
function bigValues(a: np.NDArray): bigint[] {
  const typed = a.storage.typed(a.dtype) as unknown as ArrayLike<bigint>;
  const out: bigint[] = [];
  const visit = (dim: number, off: number): void => {
    if (dim === a.ndim) {
      out.push(typed[off]!);
      return;
    }
    for (let i = 0; i < a.shape[dim]!; i++) visit(dim + 1, off + i * a.elementStrides[dim]!);
  };
  visit(0, a.offset);
  return out;
}

function label(c: Case): string {
  const src = c.gen ? `${c.gen.formula}(${c.gen.n}) ${c.gen.dtype} ${JSON.stringify(c.gen.shape)}`
    : `${fixture.inputs[c.input!]!.dtype} ${JSON.stringify(fixture.inputs[c.input!]!.shape)}`;
  return `${c.fn}(${src}${c.view ? ` .${c.view}` : ''}, ${JSON.stringify(c.kwargs)})`;
}

function check(c: Case): void {
  const x = operand(c);
  const fn = FUNCTIONS[c.fn]!;
  const options = { ...c.kwargs };
  const e = c.expected;
  if ('error' in e) {
    assertRaises(() => fn(x, options), e, true, label(c));
    return;
  }
  const actual = fn(x, options);
  assertMatches(actual, e, tolerance(c), label(c));
  if ('scalar' in e) {
    // NumPy returns a scalar for a 0-d result; kiln returns a plain JS value
    assert.ok(typeof actual === 'number' || typeof actual === 'boolean', `expected a JS scalar (${label(c)})`);
  } else if ('data' in e && (e.dtype === 'int64' || e.dtype === 'uint64')) {
    const want = e.data.map((v) => BigInt(v as number | string));
    assert.deepEqual(bigValues(actual as np.NDArray), want, `exact 64-bit values (${label(c)})`);
  }
}

// One test per function, reporting every failing case of it.
const byFn = new Map<string, Case[]>();
for (const c of fixture.cases) byFn.set(c.fn, [...(byFn.get(c.fn) ?? []), c]);
for (const [fn, cases] of byFn) {
  test(`${fn} matches NumPy ${fixture.numpy} (${cases.length} cases)`, () => {
    const failures: string[] = [];
    for (const c of cases) {
      try {
        check(c);
      } catch (err) {
        failures.push(err instanceof Error ? err.message.split('\n')[0]! : String(err));
      }
    }
    assert.equal(failures.length, 0, `${failures.length} of ${cases.length} cases failed:\n${failures.slice(0, 30).join('\n')}`);
  });
}

test('reductions return JS scalars only for 0-d results', () => {
  const a = np.arange(6).reshape(2, 3);
  assert.equal(np.sum(a), 15);
  assert.equal(np.sum(a, { axis: [0, 1] }), 15);
  assert.equal(np.max(np.arange(3), { axis: 0 }), 2);
  assert.equal(np.any(a), true);
  assert.ok(np.sum(a, { keepdims: true }) instanceof np.NDArray);
  assert.ok(np.sum(a, { axis: 0 }) instanceof np.NDArray);
  assert.ok(np.cumsum(np.array(4)) instanceof np.NDArray);
});

test('reductions leave their input untouched and do not alias it', () => {
  const a = np.arange(12, { dtype: 'float32' }).reshape(3, 4);
  const before = a.tolist();
  const s = np.sum(a, { axis: [] }) as np.NDArray;
  assert.ok(!np.sharesMemory(s, a));
  np.cumsum(a.T, { axis: 0 });
  np.std(a, { axis: 1, ddof: 1 });
  assert.deepEqual(a.tolist(), before);
});
