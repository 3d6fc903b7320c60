/**
 * complex64/complex128 against NumPy 2 (test/fixtures/complex.json, made by
 * scripts/fixtures/complex.py): creation, promotion with every real dtype, arithmetic with NaN,
 * inf and division by zero, abs/angle/conj/real/imag, exp/log/sqrt/power, casts both ways,
 * reductions, indexing and joining, matmul, sorting, printing, tolist and eig.
 *
 * Exact wherever kiln repeats NumPy's arithmetic step for step: add, subtract, divide, conj,
 * reciprocal, integer powers, casts, comparisons, sums (pairwise, or row by row), products, mean,
 * and multiply, square and abs, whose SIMD loops fuse multiply-adds (kiln emulates the FMA
 * exactly). Where NumPy calls glibc (cexp, clog, csqrt, cpow) or SVML's atan2, results are
 * compared to a few units in the last place of |z|: 1e-15 relative in complex128, 1e-6 in
 * complex64 (looser for powers and products, whose errors grow with the exponent).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { np } from 'kiln';
import {
  type Encoded, type EncodedArray, type EncodedValue, assertMatches, assertRaises, complexValues, decodeArray,
  decodeValue, loadFixture,
} from '../helpers.js';

type PyValue = number | boolean | string | { re: EncodedValue; im: EncodedValue } | { float: EncodedValue } | PyValue[];
type Arg = EncodedArray | { py: PyValue };

interface Case {
  group: string;
  name: string;
  fn?: string;
  args?: Arg[];
  data?: PyValue;
  kw?: Record<string, unknown>;
  expected?: Encoded | string | unknown;
  input?: EncodedArray;
  str?: string;
  repr?: string;
  a?: string;
  b?: string;
  c?: string;
  w?: EncodedArray;
  v?: EncodedArray;
  wvals?: EncodedArray;
}

const { cases } = loadFixture<Case>('complex');
const inGroup = (g: string): Case[] => cases.filter((c) => c.group === g);

const num = (v: EncodedValue): number => Number(decodeValue(v));

/** A Python scalar (or nested list) of the fixture as kiln takes it. */
function decodePy(v: PyValue): unknown {
  if (Array.isArray(v)) return v.map(decodePy);
  if (typeof v === 'object' && v !== null) {
    if ('re' in v) return np.complex(num(v.re), num(v.im));
    return num(v.float);
  }
  return v;
}

function decodeArg(a: Arg): unknown {
  return 'py' in a ? decodePy(a.py) : decodeArray(a);
}

/** Calls the kiln function a case names; most are np.<fn>(...args, kw). */
function callKiln(c: Case): unknown {
  const args = (c.args ?? []).map(decodeArg) as never[];
  const kw = c.kw ?? {};
  const x = args[0] as unknown as np.NDArray;
  const edit = (f: (y: np.NDArray) => void): np.NDArray => {
    const y = x.copy();
    f(y);
    return y;
  };
  switch (c.fn) {
    case 'array': return np.array((c.data === undefined ? args[0] : decodePy(c.data)) as never, kw);
    case 'astype': return x.astype(args[1] as unknown as string);
    case 'reshape': return x.reshape(4, 3);
    case 'concatenate': return np.concatenate([x, args[1] as unknown as np.NDArray]);
    case 'concatenate1': return np.concatenate([x, np.conj(x)], { axis: 1 });
    case 'stack': return np.stack([x, np.multiply(x, np.complex(0, 1))]);
    case 'get': return x.get('1:, ::-2');
    case 'getScalar': return x.get([2, 1]);
    case 'getFancy': return x.get([[2, 0, 2], [1, 3, 0]]);
    case 'getMask': return x.get(np.equal(np.mod(x.real, 2), 0));
    case 'setScalar': return edit((y) => y.set([0, 1], np.complex(5, -5)));
    case 'setSlice': return edit((y) => y.set(':, 0', 7));
    case 'setFancy': return edit((y) => y.set([[0, 2], [3, 3]], np.array([np.complex(0, 1), np.complex(0, 2)])));
    case 'setMask': return edit((y) => y.set(np.greater(y.imag, 18), 0));
    case 'setReal': return edit((y) => y.real.set(':', -1));
    case 'setImag': return edit((y) => y.imag.set([1, 2], 99));
    case 'realOfView': return (x.get('::2, 1::2') as np.NDArray).T.real;
    case 'imagOfView': return (x.get('::-1, ::3') as np.NDArray).imag;
    case 'addOut': return np.add(x, args[1] as never, { out: np.zeros(3) });
    case 'arrayFloat': return np.array([np.complex(1, 2)], { dtype: 'float64' });
    case 'arrayInt': return np.array([np.complex(1, 2), 2], { dtype: 'int32' });
    default: {
      const fn = (np as unknown as Record<string, (...a: unknown[]) => unknown>)[c.fn!];
      assert.ok(typeof fn === 'function', `np.${c.fn} exists`);
      return Object.keys(kw).length > 0 ? fn(...args, kw) : fn(...args);
    }
  }
}

/** Whether NumPy's result is only reproducible to rounding (fused multiply-adds, glibc, float32 sums). */
function approximate(c: Case): boolean {
  const fn = c.fn!;
  // glibc's cexp/clog/csqrt and NumPy's SIMD atan2 round differently from JS's Math; matmul sums
  // the parts' real products; var/std sum float32 squares as kiln's real sums do (in float64)
  if (['sqrt', 'exp', 'log', 'angle', 'matmul', 'dot', 'vdot', 'var', 'std'].includes(fn)) return true;
  if (fn === 'power') {
    // integer powers below 100 are exact repeated products; others go through clog and cexp
    const e = c.args![1]!;
    return !('py' in e) || typeof e.py !== 'number' || !Number.isInteger(e.py) || Math.abs(e.py) >= 100;
  }
  return false;
}

/** Parts of a complex (or real) result within rtol of |want| (per element), NaN for NaN, inf exactly. */
function assertClose(actual: unknown, expected: Encoded, rtol: number, label: string): void {
  if ('error' in expected || 'tuple' in expected) {
    assertMatches(actual, expected, {}, label);
    return;
  }
  if ('scalar' in expected) {
    const got = actual instanceof np.NDArray ? actual.item() : actual;
    const want = expected.imag === undefined ? [num(expected.scalar), 0] : [num(expected.scalar), num(expected.imag)];
    const g = got instanceof np.Complex ? [got.re, got.im] : [Number(got), 0];
    closePair(g as [number, number], want as [number, number], rtol, label);
    return;
  }
  assert.ok(actual instanceof np.NDArray, `${label}: expected an NDArray, got ${String(actual)}`);
  assert.equal(actual.dtype, expected.dtype, `${label}: dtype`);
  assert.deepEqual(actual.shape, expected.shape, `${label}: shape`);
  const got = actual.toArray();
  const want = expected.dtype.startsWith('complex') ? complexValues(expected) : expected.data.map((v) => np.complex(num(v), 0));
  got.forEach((g, i) => {
    const gp: [number, number] = g instanceof np.Complex ? [g.re, g.im] : [Number(g), 0];
    closePair(gp, [want[i]!.re, want[i]!.im], rtol, `${label} at ${i}`);
  });
}

function closePair(got: [number, number], want: [number, number], rtol: number, label: string): void {
  const finite = want.filter(Number.isFinite);
  const scale = Math.hypot(...finite);
  for (let k = 0; k < 2; k++) {
    const [g, w] = [got[k]!, want[k]!];
    const what = `${label} (${k ? 'imaginary' : 'real'} part): got ${g}, NumPy ${w}`;
    if (Number.isNaN(w)) assert.ok(Number.isNaN(g), what);
    else if (!Number.isFinite(w)) assert.equal(g, w, what);
    else assert.ok(Math.abs(g - w) <= rtol * scale + 1e-300, what);
  }
}

function checkCall(c: Case): void {
  const expected = c.expected as Encoded;
  const label = `${c.group}: ${c.name}`;
  if ('error' in expected) {
    assertRaises(() => callKiln(c), expected, true, label);
    return;
  }
  const got = callKiln(c);
  if (!approximate(c)) {
    assertMatches(got, expected, {}, label);
    return;
  }
  const single = c.name.includes('complex64') || c.name.includes('float32') || c.name.includes('float16')
    || (c.args ?? []).some((a) => !('py' in a) && a.dtype === 'complex64');
  // products of many terms, and powers (cexp(b log a) amplifies log's rounding by |b log a|), drift further
  const loose = ['prod', 'cumprod', 'var', 'std', 'power'].includes(c.fn!);
  assertClose(got, expected, single ? (loose ? 1e-5 : 1e-6) : loose ? 1e-13 : 1e-15, label);
}

for (const group of ['creation', 'promotion', 'binary', 'unary', 'power', 'errors', 'cast', 'reduce', 'shape', 'index', 'products', 'sort']) {
  test(`${group} matches NumPy`, () => {
    const mine = inGroup(group);
    assert.ok(mine.length > 0);
    const failures: string[] = [];
    for (const c of mine) {
      try {
        checkCall(c);
      } catch (e) {
        failures.push(`${c.name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    assert.equal(failures.length, 0, `${failures.length} of ${mine.length} cases differ:\n${failures.slice(0, 15).join('\n')}`);
  });
}

test('every fixture case is checked', () => {
  const known = new Set(['creation', 'promotion', 'binary', 'unary', 'power', 'errors', 'cast', 'reduce', 'shape', 'index',
    'products', 'sort', 'promote', 'print', 'scalar_str', 'tolist', 'eig']);
  assert.deepEqual(cases.filter((c) => !known.has(c.group)).map((c) => c.group), []);
});

test('promoteTypes and resultType with complex types (NumPy 2)', () => {
  for (const c of inGroup('promote')) {
    const got = c.c ? np.resultType(c.a as np.DType, c.b as np.DType, c.c as np.DType) : np.promoteTypes(c.a as np.DType, c.b as np.DType);
    assert.equal(got, c.expected, c.name);
  }
});

test('str() and repr() of complex arrays match NumPy', () => {
  const failures: string[] = [];
  for (const c of inGroup('print')) {
    const a = decodeArray(c.input!);
    if (a.toString() !== c.str) failures.push(`${c.name} str:\n${a.toString()}\nNumPy:\n${c.str}`);
    if (a.repr() !== c.repr) failures.push(`${c.name} repr:\n${a.repr()}\nNumPy:\n${c.repr}`);
  }
  assert.equal(failures.length, 0, `${failures.length} mismatches:\n\n${failures.slice(0, 8).join('\n\n')}`);
});

test('a Complex prints as Python prints a complex (item() of every scalar case)', () => {
  for (const c of inGroup('scalar_str')) {
    const z = decodeArray(c.input!).item();
    assert.ok(z instanceof np.Complex, c.name);
    assert.equal(String(z), c.str, c.name);
  }
});

test('tolist gives nested arrays of Complex values', () => {
  const toPlain = (x: unknown): unknown => (Array.isArray(x) ? x.map(toPlain) : x instanceof np.Complex ? { re: x.re, im: x.im } : x);
  const decodeList = (x: unknown): unknown => (Array.isArray(x) ? x.map(decodeList)
    : { re: num((x as { re: EncodedValue }).re), im: num((x as { im: EncodedValue }).im) });
  for (const c of inGroup('tolist')) {
    const got = decodeArray(c.input!).tolist();
    assert.deepEqual(toPlain(got), decodeList(c.expected), c.name);
  }
});

test('eig and eigvals of real matrices with complex eigenvalues match NumPy', () => {
  for (const c of inGroup('eig')) {
    const a = decodeArray(c.input!);
    const [w, v] = np.linalg.eig(a);
    const wv = np.linalg.eigvals(a);
    for (const [got, want, what] of [[w, c.w!, 'w'], [v, c.v!, 'v'], [wv, c.wvals!, 'eigvals']] as const) {
      assert.equal(got.dtype, want.dtype, `${c.name}: ${what} dtype`);
      assert.deepEqual(got.shape, want.shape, `${c.name}: ${what} shape`);
    }
    const tol = c.w!.dtype === 'complex64' ? 1e-4 : 1e-10;
    const n = a.shape[a.ndim - 1]!;
    const gotW = w.toArray() as np.Complex[];
    const gotWv = wv.toArray() as np.Complex[];
    const wantW = complexValues(c.w!);
    const batches = w.size / n;
    for (let b = 0; b < batches; b++) {
      const range = (xs: np.Complex[]) => xs.slice(b * n, (b + 1) * n);
      // each of NumPy's eigenvalues has a kiln eigenvalue next to it (the order may differ)
      for (const mine of [range(gotW), range(gotWv)]) {
        const left = [...mine];
        for (const z of range(wantW)) {
          const d = left.map((g) => Math.hypot(g.re - z.re, g.im - z.im));
          const k = d.indexOf(Math.min(...d));
          assert.ok(d[k]! <= tol * Math.max(1, z.abs()), `${c.name} [${b}]: eigenvalue ${z} not found in ${mine.join(', ')}`);
          left.splice(k, 1);
        }
      }
      // A v = w v, column by column, in complex arithmetic
      const A = b === 0 && a.ndim === 2 ? a : (a.get(b) as np.NDArray);
      const V = v.ndim === 2 ? v : (v.get(b) as np.NDArray);
      const AV = np.matmul(A, V) as np.NDArray;
      const VW = np.multiply(V, np.array(range(gotW)).reshape(1, n));
      assertClose(AV, { dtype: AV.dtype, shape: AV.shape as number[], data: interleave(VW) }, 100 * tol, `${c.name}: A v = w v [${b}]`);
      const norms = np.sqrt(np.sum(np.multiply(np.abs(V), np.abs(V)), { axis: 0 })) as np.NDArray;
      for (const x of norms.toArray()) assert.ok(Math.abs(Number(x) - 1) < tol, `${c.name}: unit eigenvectors`);
    }
  }
});

function interleave(a: np.NDArray): EncodedValue[] {
  return (a.toArray() as np.Complex[]).flatMap((z) => [z.re, z.im]);
}

// ---- the value type and views, spelled out ---------------------------------------------------------

test('np.complex, Complex and plain {re, im} objects', () => {
  const z = np.complex(1, -2);
  assert.ok(z instanceof np.Complex);
  assert.equal(String(z), '(1-2j)');
  assert.equal(String(np.complex(0, 1)), '1j');
  assert.ok(Object.isFrozen(z));
  assert.equal(z.abs(), Math.hypot(1, 2));
  assert.deepEqual(z.conj(), np.complex(1, 2));
  const a = np.array([{ re: 1, im: 2 }, 3]);
  assert.equal(a.dtype, 'complex128');
  assert.deepEqual(a.tolist(), [np.complex(1, 2), np.complex(3, 0)]);
  assert.equal(np.array(np.complex(0.5, 0.5)).ndim, 0);
  assert.equal(np.add(np.ones(2, { dtype: 'float32' }), { re: 0, im: 1 }).dtype, 'complex64');
  assert.equal(np.full([2], np.complex(1, 1)).dtype, 'complex128');
  assert.deepEqual(np.zeros(2, { dtype: 'complex' }).item(1), np.complex(0, 0));
});

test('.real and .imag are float views of the same memory; a real array has read-only zeros as imag', () => {
  const a = np.array([np.complex(1, 2), np.complex(3, 4)], { dtype: 'complex64' });
  assert.equal(a.real.dtype, 'float32');
  assert.ok(np.sharesMemory(a, a.real) && np.sharesMemory(a, a.imag));
  assert.deepEqual(a.real.strides, [8]);
  a.imag.set(0, -7);
  a.real = 0;
  assert.deepEqual(a.tolist(), [np.complex(0, -7), np.complex(0, 4)]);
  const r = np.array([1.5, 2]);
  assert.deepEqual(r.real.tolist(), [1.5, 2]);
  assert.deepEqual(r.imag.tolist(), [0, 0]);
  assert.equal(r.imag.writeable, false);
  assert.throws(() => { r.imag = 1; }, /does not have imaginary part/);
  // np.real and np.imag are the same views
  assert.ok(np.sharesMemory(np.real(a), a) && np.imag(a).dtype === 'float32');
  // a ufunc whose output is the imaginary view of its input's array
  const b = np.array([np.complex(1, 1), np.complex(2, 2)]);
  np.multiply(b.real, 10, { out: b.imag });
  assert.deepEqual(b.tolist(), [np.complex(1, 10), np.complex(2, 20)]);
});

test('complex into real arrays: a TypeError, as Python float()/int(); astype drops the imaginary part', () => {
  const f = np.zeros(2);
  assert.throws(() => f.set(0, np.complex(1, 2)), { name: 'TypeError', message: "float() argument must be a string or a real number, not 'complex'" });
  assert.throws(() => np.zeros(2, { dtype: 'int8' }).set(':', np.complex(1, 0)), { name: 'TypeError', message: /int\(\) argument/ });
  const b = np.zeros(2, { dtype: 'bool' });
  b.set(0, np.complex(0, 1));
  assert.deepEqual(b.tolist(), [true, false]);
  assert.deepEqual(np.array([np.complex(1.5, 2)]).astype('float64').tolist(), [1.5]);
});

test('linalg on complex matrices, text files and unique say clearly that kiln does not do them yet', () => {
  const z = np.array([[np.complex(1, 1), 0], [0, 1]]);
  assert.throws(() => np.linalg.inv(z), /complex matrices .* not supported by kiln yet/);
  assert.throws(() => np.unique(z), /complex arrays/);
  assert.throws(() => np.sin(z), { name: 'TypeError', message: "ufunc 'sin' is not implemented for complex input in kiln yet" });
  assert.equal(np.linalg.norm(np.array([np.complex(3, 4), 0])), 5);
});

test('np.save and np.load round-trip complex arrays (views, 0-d, complex64)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-complex-'));
  try {
    const a = np.array([[np.complex(1, -2), np.complex(Number.NaN, Infinity)], [np.complex(-0, 0.5), np.complex(3, 0)]]);
    for (const [name, x] of [['plain', a], ['T', a.T], ['c64', a.astype('complex64')], ['0-d', np.array(np.complex(1, 1))]] as const) {
      const file = join(dir, `${name}.npy`);
      np.save(file, x);
      const back = np.load(file) as np.NDArray;
      assert.equal(back.dtype, x.dtype, name);
      assert.deepEqual(back.shape, x.shape, name);
      assert.deepEqual(back.tolist(), x.tolist(), name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
