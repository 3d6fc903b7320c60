/**
 * The native addon's kernels (native/, src/backend/native/). Child processes run a battery of ops
 * (test/backend/native-battery.ts) with the TypeScript kernels (KILN_NATIVE=0) and with each ISA
 * path (KILN_ISA), and every result must match the TypeScript one; in-process tests compare
 * float32 products with float64 references, check that thread counts do not change results,
 * that large buffers are freed, and that the addon refuses views outside their arrays.
 * Without the addon (no compiler at install time) the tests that need it are skipped; the others
 * then check the TypeScript kernels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as kiln from 'kiln';
import { np } from 'kiln';
import { loadNative } from '../../src/backend/native/loader.js';
import { battery, decode, type Tolerance } from './native-battery.js';

type NDArray = np.NDArray;
type Floats = Float32Array | Float64Array;

const addon = loadNative();
const skip = addon ? false : 'the native addon is not built (npm run build:native)';
const root = fileURLToPath(new URL('../../', import.meta.url));
const childScript = fileURLToPath(new URL('./native-child.ts', import.meta.url));

interface ChildResult {
  kernels: string;
  threads: number;
  results: Record<string, { dtype: string; shape: number[]; b64: string }>;
}

/** Runs the battery in a child process with these environment variables. */
function runBattery(env: Record<string, string>): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=kiln-source', '--import', 'tsx', childScript], {
      cwd: root, env: { ...process.env, KILN_ISA: '', KILN_NATIVE: '', KILN_TEST_THREADS: '', ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`battery child (${JSON.stringify(env)}) exited with ${code}:\n${err}`));
      else resolve(JSON.parse(out) as ChildResult);
    });
  });
}

/** Distance in units in the last place (NaN equals NaN; infinities must match exactly). */
function ulps(a: number, b: number, f32: boolean): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const bits = (x: number): bigint => {
    const v = f32 ? BigInt(new Int32Array(new Float32Array([x]).buffer)[0]!) : new BigInt64Array(new Float64Array([x]).buffer)[0]!;
    return v < 0n ? (f32 ? -2147483648n : -9223372036854775808n) - v : v; // monotonic in x
  };
  const d = bits(a) - bits(b);
  return Number(d < 0n ? -d : d);
}

/** The first element where `got` and `want` differ beyond the tolerance, as a message; or null. */
function mismatch(got: Floats, want: Floats, tol: Tolerance): string | null {
  if (got.length !== want.length) return `length ${got.length} != ${want.length}`;
  let maxAbs = 0;
  for (const w of want) if (Number.isFinite(w)) maxAbs = Math.max(maxAbs, Math.abs(w));
  const f32 = got instanceof Float32Array;
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    let ok: boolean;
    if (tol === 'exact') ok = Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w));
    else if ('ulp' in tol) ok = ulps(g, w, f32) <= tol.ulp;
    else ok = Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)) || Math.abs(g - w) <= tol.relMax * maxAbs;
    if (!ok) return `element ${i}: ${g} vs ${w}`;
  }
  return null;
}

function compareBatteries(label: string, got: ChildResult, want: ChildResult): void {
  const cases = battery();
  assert.equal(Object.keys(got.results).length, cases.length);
  for (const c of cases) {
    const bad = mismatch(decode(got.results[c.name]!), decode(want.results[c.name]!), c.tol);
    assert.equal(bad, null, `${label}: ${c.name}: ${bad}`);
  }
}

// ---- every ISA path against the TypeScript kernels ------------------------------------------------

test('native kernels match the TypeScript kernels on every ISA path', { skip }, async () => {
  const isas = ['avx512', 'avx2', 'sse2', 'scalar'];
  const [js, ...native] = await Promise.all([
    runBattery({ KILN_NATIVE: '0' }),
    ...isas.map((isa) => runBattery({ KILN_ISA: isa })),
  ]);
  assert.equal(js!.kernels, 'cpu-js');
  for (let i = 0; i < isas.length; i++) {
    const run = native[i]!;
    // a CPU without an ISA falls back to the next one down
    const picked = run.kernels.replace('cpu-native-', '');
    assert.ok(isas.indexOf(picked) >= i, `KILN_ISA=${isas[i]} gave ${run.kernels}`);
    compareBatteries(run.kernels, run, js!);
    // float32 sums take the same steps in the same order whatever the vector width
    for (const [name, r] of Object.entries(run.results)) {
      if (/^(sum|mean) float32/.test(name)) assert.equal(r.b64, native[0]!.results[name]!.b64, `${name}: ${run.kernels} vs ${native[0]!.kernels}`);
    }
  }
});

test('results do not depend on the thread count', { skip }, async () => {
  const [one, two, three] = await Promise.all(['1', '2', '3'].map((n) => runBattery({ KILN_TEST_THREADS: n })));
  assert.deepEqual([one!.threads, two!.threads, three!.threads], [1, 2, 3]);
  for (const other of [two!, three!]) {
    for (const [name, r] of Object.entries(one!.results)) assert.equal(other.results[name]!.b64, r.b64, `${name}, ${other.threads} threads`);
  }
});

test('KILN_NATIVE=0 runs the TypeScript kernels', async () => {
  const run = await runBattery({ KILN_NATIVE: '0' });
  assert.equal(run.kernels, 'cpu-js');
  assert.equal(run.threads, 1);
});

// ---- in process ------------------------------------------------------------------------------------

test('backends() names the active kernels; the thread count can be set', () => {
  assert.match(kiln.backends()[0]!.kernels, addon ? /^cpu-native-(avx512|avx2|sse2|scalar)$/ : /^cpu-js$/);
  const before = kiln.getNumThreads();
  kiln.setNumThreads(1);
  assert.equal(kiln.getNumThreads(), 1);
  kiln.setNumThreads(before);
  assert.equal(kiln.getNumThreads(), before);
  assert.throws(() => kiln.setNumThreads(0), /positive integer/);
  assert.throws(() => kiln.setNumThreads(1.5), /positive integer/);
});

/** A float64 reference product and, per element, the sum of |a||b| that bounds rounding errors. */
function reference(a: NDArray, b: NDArray): { c: Float64Array; scale: Float64Array } {
  const [n, k] = a.shape as [number, number];
  const m = b.shape[1]!;
  const av = (a.astype('float64').flatten().tolist() as number[]);
  const bv = (b.astype('float64').flatten().tolist() as number[]);
  const c = new Float64Array(n * m);
  const scale = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const x = av[i * k + p]!;
      for (let j = 0; j < m; j++) {
        c[i * m + j]! += x * bv[p * m + j]!;
        scale[i * m + j]! += Math.abs(x * bv[p * m + j]!);
      }
    }
  }
  return { c, scale };
}

test('float32 products agree with float64 references (rtol 1e-5 of sum |a||b|)', () => {
  const rng = np.random.defaultRng(7);
  const shapes = [[33, 47, 129], [128, 128, 128], [97, 200, 61], [1, 300, 500], [300, 1, 500], [250, 250, 1]];
  for (const [n, m, k] of shapes) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true]]) {
      const a = ta ? np.transpose(rng.standardNormal([k!, n!], { dtype: 'float32' }) as NDArray)
        : rng.standardNormal([n!, k!], { dtype: 'float32' }) as NDArray;
      const b = tb ? np.transpose(rng.standardNormal([m!, k!], { dtype: 'float32' }) as NDArray)
        : rng.standardNormal([k!, m!], { dtype: 'float32' }) as NDArray;
      const got = (np.matmul(a, b) as NDArray).flatten().tolist() as number[];
      const { c, scale } = reference(a, b);
      for (let i = 0; i < got.length; i++) {
        assert.ok(Math.abs(got[i]! - c[i]!) <= 1e-5 * scale[i]!, `${n}x${k}${ta ? 'T' : ''} @ ${k}x${m}${tb ? 'T' : ''} [${i}]: ${got[i]} vs ${c[i]}`);
      }
    }
  }
});

test('tensors: a linear layer\'s forward and backward products', () => {
  kiln.manualSeed(3);
  const x = kiln.randn([64, 100]);
  const w = kiln.randn([100, 80], { requiresGrad: true });
  const y = kiln.matmul(x, w).tanh().sum();
  y.backward();
  // d/dw sum(tanh(x w)) = xᵀ (1 - tanh²(x w)), in float64
  const x64 = x.numpy().astype('float64');
  const t = np.tanh(np.matmul(x64, w.detach().numpy().astype('float64'))) as NDArray;
  const want = np.matmul(np.transpose(x64), np.subtract(1, np.multiply(t, t))) as NDArray;
  const got = w.grad!.numpy().astype('float64');
  const err = np.max(np.abs(np.subtract(got, want))) as number;
  assert.ok(err < 1e-4 * (np.max(np.abs(want)) as number), `max error ${err}`);
});

test('large buffers come back zeroed and are freed', () => {
  const rss0 = process.memoryUsage().rss;
  const a = np.ones([4_000_000], { dtype: 'float32' }); // 16 MB: above the huge-page threshold
  for (let i = 0; i < 150; i++) {
    const z = np.zeros([4_000_000], { dtype: 'float32' });
    assert.equal(np.sum(z), 0);
    const s = np.add(a, z) as NDArray; // a fresh 16 MB output each time
    assert.equal(np.sum(s), 4_000_000);
  }
  // 300 buffers of 16 MB were made; the GC must have freed most of them
  assert.ok(process.memoryUsage().rss - rss0 < 1.5e9, `rss grew by ${process.memoryUsage().rss - rss0}`);
});

test('the addon refuses views outside their arrays and mismatched arrays', { skip }, () => {
  const a = new Float32Array(100);
  const b = new Float32Array(100);
  const c = new Float32Array(100);
  assert.throws(() => addon!.gemm(0, a, b, c, 10, 10, 10, 10, 1, 10, 1, 10, 1, 0, 0, 1), RangeError);
  assert.throws(() => addon!.gemm(0, a, b, c, 10, 10, 10, 10, 1, -10, 1, 10, 1, 0, 0, 0), RangeError);
  assert.throws(() => addon!.gemm(0, a, b, c, 10, 10, 10, 10, 1, 10, 1, 10, 1, 0, 0, new Float64Array(2)), RangeError);
  assert.throws(() => addon!.gemm(1, a, b, c, 10, 10, 10, 10, 1, 10, 1, 10, 1, 0, 0, 0), TypeError);
  assert.throws(() => addon!.binary(0, 0, 1, 101, c, 0, 0, 1, a, 0, 0, 1, b, 0, 0, 1), RangeError);
  assert.throws(() => addon!.binary(0, 0, 2, 50, c, 0, 50, 1, a, 0, 51, 1, b, 0, 0, 0), RangeError);
  assert.throws(() => addon!.binary(0, 0, 10, 10, c, 0, 10, 1, a, 0, 1, 11, b, 0, 0, 0), RangeError); // strided rows
  assert.throws(() => addon!.binary(0, 0, 10, 10, c, 0, 1, -10, a, 0, 10, 1, b, 0, 10, 1), RangeError);
  assert.throws(() => addon!.unary(0, 0, 1, 100, c, 1, 0, 1, a, 0, 0, 1), RangeError);
  assert.throws(() => addon!.sumRows(0, 10, 1, 0, 11, a, 0, 10, c, 0, 1), RangeError);
  assert.throws(() => addon!.sumRows(0, 5, 3, 35, 10, a, 0, 10, c, 0, 1), RangeError); // lines past the end
  assert.throws(() => addon!.copy(0, 1, 10, 10, new Float64Array(99), 0, 10, 1, a, 0, 1, 10), RangeError);
  assert.throws(() => addon!.copy(3, 0, 10, 10, c, 0, 10, 1, new BigInt64Array(99), 0, 1, 10), RangeError);
  assert.throws(() => addon!.copy(0, 3, 10, 10, c, 0, 10, 1, a, 0, 1, 10), RangeError); // no float -> int64 cast
  addon!.copy(0, 1, 10, 10, new Float64Array(100), 0, 1, 10, a, 0, 10, 1); // in range: fine
  assert.throws(() => addon!.sumCols(0, 11, 10, a, 0, 10, c, 0, 1), RangeError);
  addon!.gemm(0, a, b, c, 10, 10, 10, 10, 1, 10, 1, 10, 1, 0, 0, 0); // in range: fine
  // windows: a 1 x 1 x 10 x 10 image (strides 100, 100, 10, 1), 3 x 3 kernel, padding 1 -> 10 x 10 cells each
  const spec = (xh: number, colsN: number): Float64Array =>
    new Float64Array([1, 1, 10, 10, 10, 10, 100, 100, xh, 1, colsN, 900, 300, 100, 10, 1, 3, 3, 1, 1, 1, 1, 1, 1]);
  const cols = new Float32Array(900);
  addon!.unfold(0, spec(10, 900), a, 0, cols, 0); // in range: fine
  assert.throws(() => addon!.unfold(0, spec(11, 900), a, 0, cols, 0), RangeError); // the image runs past a
  assert.throws(() => addon!.unfold(0, spec(10, 900), a, 0, cols, 1), RangeError); // the columns run past cols
  assert.throws(() => addon!.fold(0, spec(10, 900), cols, 0, a, 1), RangeError);
  assert.throws(() => addon!.maxPool(0, spec(10, 900), a, 0, c, 0, new Int32Array(99), 0), RangeError);
  assert.throws(() => addon!.maxPool(0, spec(10, 900), a, 0, c, 0, new Float64Array(100) as never, 0), TypeError);
  assert.throws(() => addon!.unfold(0, new Float64Array(18), a, 0, cols, 0), TypeError);
  // gather and scatter check every position
  addon!.take(0, 3, a, 0, 100, new Int32Array([0, 50, 99]), 0, c, 0);
  assert.throws(() => addon!.take(0, 3, a, 0, 100, new Int32Array([0, 100, 1]), 0, c, 0), /position is out of range/);
  assert.throws(() => addon!.take(0, 2, a, 0, 100, new BigInt64Array([0n, -1n]), 0, c, 0), /position is out of range/);
  assert.throws(() => addon!.take(0, 3, a, 1, 100, new Int32Array(3), 0, c, 0), RangeError);
  assert.throws(() => addon!.put(0, 3, b, 0, 0, new Int32Array([5, 200, 1]), 0, c, 0, 100, 1), /position is out of range/);
  assert.throws(() => addon!.put(0, 4, b, 0, 0, new Int32Array(3), 0, c, 0, 100, 1), RangeError);
});
