import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { np } from 'kiln';
import { type Encoded, type EncodedArray, assertRaises, decodeArray, decodeValue, loadFixture } from '../helpers.js';

// ---- fixture plumbing -----------------------------------------------------------------------

type Arg = number | boolean | string | null | { bigint: string } | { array: EncodedArray } | Arg[];
interface Step { method: string; args: Arg[]; kwargs: Record<string, Arg>; result: Encoded }
interface Case {
  kind: 'seedseq' | 'generator' | 'legacy' | 'hash' | 'legacy_normals' | 'errors';
  seed?: Arg;
  steps?: Step[];
  state32?: EncodedArray;
  state64?: EncodedArray;
  pcg_state?: string;
  pcg_inc?: string;
  api?: 'generator' | 'legacy';
  streams?: Record<string, string>;
  values?: EncodedArray;
  errors?: (Step & { api: string })[];
}

const { cases } = loadFixture<Case>('random');

type Value = number | bigint | boolean | null | np.NDArray | Value[];

function decodeArg(a: Arg): Value {
  if (Array.isArray(a)) return a.map(decodeArg);
  if (a !== null && typeof a === 'object') return 'bigint' in a ? BigInt(a.bigint) : decodeArray(a.array);
  return a as number | boolean | null;
}

const sizeArg = (v: Value): number | number[] | undefined => (v === undefined || v === null ? undefined : (v as number | number[]));

/** Calls NumPy's method `method` on a kiln Generator with NumPy's positional/keyword arguments. */
function callGenerator(g: np.random.Generator, method: string, rawArgs: Arg[], rawKw: Record<string, Arg>): unknown {
  const a = rawArgs.map(decodeArg);
  const kw = Object.fromEntries(Object.entries(rawKw).map(([k, v]) => [k, decodeArg(v)])) as Record<string, never>;
  switch (method) {
    case 'random': return g.random(sizeArg(a[0]) as number, kw);
    case 'integers': return g.integers(a[0] as number, a[1] as number, sizeArg(a[2]) as number, kw);
    case 'standard_normal': return g.standardNormal(sizeArg(a[0]) as number, kw);
    case 'normal': return g.normal(a[0] as number, a[1] as number, sizeArg(a[2]) as number);
    case 'uniform': return g.uniform(a[0] as number, a[1] as number, sizeArg(a[2]) as number);
    case 'exponential': return g.exponential(a[0] as number, sizeArg(a[1]) as number);
    case 'standard_exponential': return g.standardExponential(sizeArg(a[0]) as number, kw);
    case 'choice': return g.choice(a[0] as number, sizeArg(a[1]), kw);
    case 'permutation': return g.permutation(a[0] as number);
    case 'shuffle': {
      const x = (a[0] as np.NDArray).copy();
      g.shuffle(x);
      return x;
    }
    case 'bytes': return np.array(Array.from(g.bytes(a[0] as number)), { dtype: 'uint8' });
    default: throw new Error(`no mapping for Generator.${method}`);
  }
}

/** Calls NumPy's legacy module function `method` through np.random.*. */
function callLegacy(method: string, rawArgs: Arg[], rawKw: Record<string, Arg>): unknown {
  const a = rawArgs.map(decodeArg);
  const kw = Object.fromEntries(Object.entries(rawKw).map(([k, v]) => [k, decodeArg(v)])) as Record<string, never>;
  const r = np.random;
  switch (method) {
    case 'rand': return r.rand(...(a as number[]));
    case 'randn': return r.randn(...(a as number[]));
    case 'randint': return r.randint(a[0] as number, a[1] as number, sizeArg(a[2]) as number, kw);
    case 'random': return r.random(sizeArg(a[0]) as number);
    case 'random_sample': return r.randomSample(sizeArg(a[0]) as number);
    case 'uniform': return r.uniform(a[0] as number, a[1] as number, sizeArg(a[2]) as number);
    case 'normal': return r.normal(a[0] as number, a[1] as number, sizeArg(a[2]) as number);
    case 'standard_normal': return r.standardNormal(sizeArg(a[0]) as number);
    case 'exponential': return r.exponential(a[0] as number, sizeArg(a[1]) as number);
    case 'choice': return r.choice(a[0] as number, sizeArg(a[1]), kw);
    case 'permutation': return r.permutation(a[0] as number);
    case 'shuffle': {
      const x = (a[0] as np.NDArray).copy();
      r.shuffle(x);
      return x;
    }
    case 'seed': return r.seed(a[0] as number);
    default: throw new Error(`no mapping for np.random.${method}`);
  }
}

/** Exact comparison with a NumPy result: same dtype and shape, and the same bits in every element. */
function assertExact(actual: unknown, expected: Encoded, label: string): void {
  if ('error' in expected) assert.fail(`${label}: NumPy raised ${expected.error}: ${expected.message}`);
  if ('tuple' in expected) assert.fail(`${label}: unexpected tuple`);
  if ('scalar' in expected) {
    const want = expected.scalar;
    assert.ok(!(actual instanceof np.NDArray), `${label}: expected a scalar, got an array`);
    if (typeof want === 'boolean') assert.equal(actual, want, label);
    else assert.ok(Object.is(Number(actual), decodeValue(want)), `${label}: expected ${want}, got ${String(actual)}`);
    return;
  }
  assert.ok(actual instanceof np.NDArray, `${label}: expected an NDArray, got ${String(actual)}`);
  assert.equal(actual.dtype, expected.dtype, `${label}: dtype`);
  assert.deepEqual(actual.shape, expected.shape, `${label}: shape`);
  const data = actual.storage.typed(actual.dtype);
  expected.data.forEach((want, i) => {
    const got = data[actual.offset + i]!;
    const ok = typeof got === 'bigint' ? got === BigInt(want as number | string)
      : actual.dtype === 'bool' ? got === Number(want)
        : Object.is(got, decodeValue(want));
    assert.ok(ok, `${label}: element ${i}: expected ${want}, got ${got}`);
  });
}

const seedOf = (c: Case): number | bigint | number[] => decodeArg(c.seed!) as number | bigint | number[];
const label = (c: Case, s: Step, i: number): string =>
  `${c.kind} seed ${JSON.stringify(c.seed)} step ${i} ${s.method}(${JSON.stringify(s.args)}, ${JSON.stringify(s.kwargs)})`;

// ---- bit-exact streams ----------------------------------------------------------------------

test('SeedSequence and PCG64 seeding match NumPy', () => {
  for (const c of cases.filter((c) => c.kind === 'seedseq')) {
    const ss = new np.random.SeedSequence(seedOf(c));
    assert.deepEqual(Array.from(ss.generateState(8)), c.state32!.data, `state32 for ${JSON.stringify(c.seed)}`);
    assert.deepEqual(Array.from(ss.generateState(4, 'uint64'), String), c.state64!.data.map(String), `state64 for ${JSON.stringify(c.seed)}`);
    const st = new np.random.PCG64(seedOf(c)).state;
    assert.equal(st.state, BigInt(c.pcg_state!));
    assert.equal(st.inc, BigInt(c.pcg_inc!));
  }
});

test('Generator streams match NumPy bit for bit, call after call', () => {
  let steps = 0;
  for (const c of cases.filter((c) => c.kind === 'generator')) {
    const g = np.random.defaultRng(seedOf(c));
    c.steps!.forEach((s, i) => {
      assertExact(callGenerator(g, s.method, s.args, s.kwargs), s.result, label(c, s, i));
      steps++;
    });
  }
  assert.ok(steps > 500);
});

test('legacy streams match NumPy bit for bit, call after call', () => {
  for (const c of cases.filter((c) => c.kind === 'legacy')) {
    np.random.seed(seedOf(c) as number);
    c.steps!.forEach((s, i) => assertExact(callLegacy(s.method, s.args, s.kwargs), s.result, label(c, s, i)));
  }
});

test('long streams (10^5 draws) hash to the same bytes as NumPy', () => {
  const sha = (a: np.NDArray): string =>
    createHash('sha256').update(new Uint8Array(a.storage.buffer, a.offset * a.itemsize, a.nbytes)).digest('hex');
  const n = 100000;
  for (const c of cases.filter((c) => c.kind === 'hash')) {
    const seed = c.seed as number;
    const g = (): np.random.Generator => np.random.defaultRng(seed);
    const ours: Record<string, () => np.NDArray> = c.api === 'generator'
      ? {
        random: () => g().random(n),
        random_f32: () => g().random(n, { dtype: 'float32' }),
        integers: () => g().integers(0, 1000, n),
        integers_int8: () => g().integers(-100, 100, n, { dtype: 'int8' }),
        integers_big: () => g().integers(0, 2 ** 50, n),
        standard_normal: () => g().standardNormal(n),
        standard_normal_f32: () => g().standardNormal(n, { dtype: 'float32' }),
        standard_exponential: () => g().standardExponential(n),
        permutation: () => g().permutation(n),
      }
      : (() => {
        const rs = new np.random.RandomState(seed);
        const [a, b, p] = [rs.randomSample(n), rs.randint(0, 1000, n), rs.permutation(n)];
        return { random_sample: () => a, randint: () => b, permutation: () => p };
      })();
    for (const [name, want] of Object.entries(c.streams!)) {
      assert.equal(sha(ours[name]!()), want, `${c.api} ${name} seed ${seed}`);
    }
  }
});

test('legacy normals (polar method, through log) match NumPy to the last bit in all but a few', (t) => {
  const c = cases.find((c) => c.kind === 'legacy_normals')!;
  np.random.seed(c.seed as number);
  const ours = np.random.randn(4000) as np.NDArray;
  const got = ours.storage.typed('float64') as Float64Array;
  let exact = 0;
  c.values!.data.forEach((v, i) => {
    const want = decodeValue(v) as number;
    if (Object.is(got[i], want)) exact++;
    // a log rounded the other way moves a value by an ulp or two, never more
    else assert.ok(Math.abs(got[i]! - want) <= 4 * Number.EPSILON * Math.abs(want), `value ${i}: ${got[i]} vs ${want}`);
  });
  t.diagnostic(`${exact} of 4000 legacy normals bit-exact`);
  assert.ok(exact >= 3980, `${exact} of 4000 exact`);
});

test('argument errors carry NumPy\'s messages', () => {
  for (const e of cases.find((c) => c.kind === 'errors')!.errors!) {
    const where = `${e.api}.${e.method}(${JSON.stringify(e.args)}, ${JSON.stringify(e.kwargs)})`;
    const g = np.random.defaultRng(0);
    const fn = e.api === 'generator' ? () => callGenerator(g, e.method, e.args, e.kwargs)
      : e.api === 'legacy' ? () => callLegacy(e.method, e.args, e.kwargs)
        : () => np.random.defaultRng(decodeArg(e.args[0]!) as number);
    assertRaises(fn, e.result as { error: string; message: string }, true, where);
  }
});

// ---- statistics (fixed seeds, so deterministic) ---------------------------------------------

const stats = (a: np.NDArray): { mean: number; std: number; min: number; max: number } => {
  const x = Array.from(a.storage.typed(a.dtype) as Float64Array, Number);
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  const std = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length);
  return { mean, std, min: Math.min(...x), max: Math.max(...x) };
};

test('Generator distributions have the right moments and ranges', () => {
  const g = np.random.defaultRng(2024);
  const n = 100000;
  let s = stats(g.standardNormal(n));
  assert.ok(Math.abs(s.mean) < 0.015 && Math.abs(s.std - 1) < 0.01, `standard normal ${JSON.stringify(s)}`);
  s = stats(g.standardNormal(n, { dtype: 'float32' }));
  assert.ok(Math.abs(s.mean) < 0.015 && Math.abs(s.std - 1) < 0.01, `float32 normal ${JSON.stringify(s)}`);
  s = stats(g.normal(3, 2, n));
  assert.ok(Math.abs(s.mean - 3) < 0.03 && Math.abs(s.std - 2) < 0.02, `normal ${JSON.stringify(s)}`);
  s = stats(g.uniform(-2, 5, n));
  assert.ok(s.min >= -2 && s.max < 5 && Math.abs(s.mean - 1.5) < 0.03, `uniform ${JSON.stringify(s)}`);
  s = stats(g.random(n));
  assert.ok(s.min >= 0 && s.max < 1 && Math.abs(s.mean - 0.5) < 0.005 && Math.abs(s.std - Math.sqrt(1 / 12)) < 0.005);
  s = stats(g.random(n, { dtype: 'float32' }));
  assert.ok(s.min >= 0 && s.max < 1 && Math.abs(s.mean - 0.5) < 0.005);
  s = stats(g.exponential(2, n));
  assert.ok(s.min >= 0 && Math.abs(s.mean - 2) < 0.03 && Math.abs(s.std - 2) < 0.05, `exponential ${JSON.stringify(s)}`);
  s = stats(g.standardExponential(n, { method: 'inv' }));
  assert.ok(Math.abs(s.mean - 1) < 0.015, `exponential inv ${JSON.stringify(s)}`);
});

test('integers stay in [low, high) and cover it evenly, for every dtype', () => {
  const g = np.random.defaultRng(7);
  for (const [dtype, low, high] of [['int64', -5, 7], ['int8', -128, 128], ['uint8', 3, 9], ['int16', -1000, -990],
    ['uint16', 0, 65536], ['int32', -3, 3], ['uint32', 10, 22], ['uint64', 0, 12], ['bool', 0, 2]] as const) {
    const a = g.integers(low, high, 60000, { dtype });
    const counts = new Map<number, number>();
    for (const v of a.toArray()) counts.set(Number(v), (counts.get(Number(v)) ?? 0) + 1);
    for (const v of counts.keys()) assert.ok(v >= low && v < high, `${dtype}: ${v} outside [${low}, ${high})`);
    const k = high - low;
    if (k <= 256) {
      assert.equal(counts.size, k, `${dtype}: every value drawn`);
      for (const c of counts.values()) assert.ok(Math.abs(c - 60000 / k) < 6 * Math.sqrt(60000 / k), `${dtype}: uneven counts`);
    }
  }
  const closed = g.integers(1, 3, 3000, { endpoint: true });
  assert.deepEqual([...new Set(closed.toArray())].sort(), [1, 2, 3]);
  assert.equal(typeof g.integers(5n, 2n ** 62n), 'bigint');
  assert.equal(typeof g.integers(5, 10), 'number');
  assert.equal(typeof g.integers(0, 2, null, { dtype: 'bool' }), 'boolean');
});

test('choice, permutation and shuffle', () => {
  const g = np.random.defaultRng(11);
  const p = [0.1, 0.6, 0.3];
  const picks = g.choice(3, 30000, { p }) as np.NDArray;
  const freq = [0, 1, 2].map((v) => picks.toArray().filter((x) => x === v).length / 30000);
  freq.forEach((f, i) => assert.ok(Math.abs(f - p[i]!) < 0.015, `choice frequency ${freq}`));
  const unique = g.choice(50, 50, { replace: false }) as np.NDArray;
  assert.deepEqual((unique.toArray() as number[]).sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  const big = g.choice(100000, 5000, { replace: false }) as np.NDArray;
  assert.equal(new Set(big.toArray()).size, 5000);
  const rows = g.choice(np.arange(12).reshape(4, 3), 2, { replace: false }) as np.NDArray;
  assert.deepEqual(rows.shape, [2, 3]);
  for (const r of rows.tolist() as number[][]) assert.equal(r[0]! % 3, 0);
  assert.equal(typeof g.choice(5), 'number');
  assert.deepEqual((g.choice(np.array([7.5]), []) as np.NDArray).shape, []);
  assert.deepEqual((g.choice(0, 0) as np.NDArray).shape, [0]);

  const perm = g.permutation(20);
  assert.equal(perm.dtype, 'int64');
  assert.deepEqual((perm.toArray() as number[]).sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i));
  const m = np.arange(15).reshape(5, 3);
  const pm = g.permutation(m);
  assert.deepEqual(m.tolist(), np.arange(15).reshape(5, 3).tolist(), 'permutation copies');
  assert.deepEqual((pm.tolist() as number[][]).map((r) => r.join()).sort(), (m.tolist() as number[][]).map((r) => r.join()).sort());

  // shuffle works in place on views, along axis 0 only
  const base = np.arange(20).reshape(10, 2);
  const view = base.T.T;
  g.shuffle(view);
  const rowsAfter = base.tolist() as number[][];
  for (const r of rowsAfter) assert.equal(r[1]! - r[0]!, 1);
  assert.deepEqual(rowsAfter.map((r) => r[0]).sort((x, y) => x! - y!), [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  const js = [1, 2, 3, 4, 5];
  g.shuffle(js);
  assert.deepEqual([...js].sort(), [1, 2, 3, 4, 5]);
});

test('legacy API: reproducible for a seed, right distributions', () => {
  np.random.seed(99);
  const first = np.random.rand(5) as np.NDArray;
  np.random.seed(99);
  assert.deepEqual((np.random.rand(5) as np.NDArray).tolist(), first.tolist());
  assert.equal(typeof np.random.rand(), 'number');
  assert.deepEqual((np.random.rand(2, 3) as np.NDArray).shape, [2, 3]);

  np.random.seed(5);
  let s = stats(np.random.randn(100000) as np.NDArray);
  assert.ok(Math.abs(s.mean) < 0.015 && Math.abs(s.std - 1) < 0.01, `randn ${JSON.stringify(s)}`);
  s = stats(np.random.normal(-1, 3, 100000));
  assert.ok(Math.abs(s.mean + 1) < 0.04 && Math.abs(s.std - 3) < 0.03, `normal ${JSON.stringify(s)}`);
  s = stats(np.random.uniform(1, 4, 100000));
  assert.ok(s.min >= 1 && s.max < 4 && Math.abs(s.mean - 2.5) < 0.02, `uniform ${JSON.stringify(s)}`);
  s = stats(np.random.random(100000));
  assert.ok(s.min >= 0 && s.max < 1 && Math.abs(s.mean - 0.5) < 0.005);
  const ints = np.random.randint(-3, 4, 70000);
  const counts = new Map<number, number>();
  for (const v of ints.toArray()) counts.set(Number(v), (counts.get(Number(v)) ?? 0) + 1);
  assert.deepEqual([...counts.keys()].sort((x, y) => x - y), [-3, -2, -1, 0, 1, 2, 3]);
  for (const c of counts.values()) assert.ok(Math.abs(c - 10000) < 600);
  const pick = np.random.choice(4, 40000, { p: [0.25, 0.25, 0.5, 0] }) as np.NDArray;
  const half = pick.toArray().filter((v) => v === 2).length / 40000;
  assert.ok(Math.abs(half - 0.5) < 0.015 && !pick.toArray().includes(3));
  const noRepeat = np.random.choice(30, 30, { replace: false }) as np.NDArray;
  assert.equal(new Set(noRepeat.toArray()).size, 30);
  const arr = np.arange(10);
  np.random.shuffle(arr);
  assert.deepEqual((arr.toArray() as number[]).sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual((np.random.permutation(6).toArray() as number[]).sort(), [0, 1, 2, 3, 4, 5]);

  // seeding resets the cached second normal of the polar method
  np.random.seed(1);
  const pair = [np.random.randn(), np.random.randn()];
  np.random.seed(1);
  np.random.randn();
  np.random.seed(1);
  assert.deepEqual([np.random.randn(), np.random.randn()], pair);
  // independent RandomState objects do not touch the global one
  const rs = new np.random.RandomState(1);
  assert.deepEqual([rs.randn(), rs.randn()], pair);
});

test('seeds: unseeded generators differ, equal seeds agree, bad seeds are refused', () => {
  const a = np.random.defaultRng().random(4).tolist();
  const b = np.random.defaultRng().random(4).tolist();
  assert.notDeepEqual(a, b);
  assert.deepEqual(np.random.defaultRng(123n).random(3).tolist(), np.random.defaultRng(123).random(3).tolist());
  assert.deepEqual(np.random.defaultRng([5, 2 ** 40]).random(2).tolist(), np.random.defaultRng([5, 2 ** 40]).random(2).tolist());
  const g = np.random.defaultRng(3);
  assert.equal(np.random.defaultRng(g), g);
  assert.throws(() => np.random.defaultRng(1.5), /SeedSequence expects int/);
});

test('speed: millions of numbers per second', (t) => {
  const g = np.random.defaultRng(0);
  const n = 1_000_000;
  g.random(1000);
  let t0 = performance.now();
  g.random(n);
  const uniform = n / ((performance.now() - t0) / 1000);
  g.standardNormal(1000);
  t0 = performance.now();
  g.standardNormal(n);
  const normal = n / ((performance.now() - t0) / 1000);
  t.diagnostic(`random(): ${(uniform / 1e6).toFixed(1)} M/s, standardNormal(): ${(normal / 1e6).toFixed(1)} M/s`);
  assert.ok(uniform > 1e6 && normal > 1e6, `random ${uniform}/s, standardNormal ${normal}/s`);
});
