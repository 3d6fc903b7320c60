/**
 * PyTorch's CPU random functions: bit-for-bit agreement with torch 1.13 for fixed seeds
 * (test/fixtures/torch_random.json, made by scripts/fixtures_torch/random.py), plus statistical
 * checks, reproducibility, options and PyTorch's argument errors.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as kiln from 'kiln';

type Enc = { dtype: string; shape: number[]; data: (number | string | boolean)[] };
type Err = { error: string; message: string };
interface Call { fn: string; args: unknown[]; options: Record<string, unknown>; target?: { shape: number[]; dtype: string; transpose: boolean } }
interface Case { name: string; seed: number; generator: boolean; calls: Call[]; results: (Enc | Err)[] }
interface Fixture { torch: string; capability: string; cases: Case[]; states: { seed: number; draws: number; state: string }[] }

const fixture: Fixture = JSON.parse(readFileSync(new URL('../fixtures/torch_random.json', import.meta.url), 'utf8'));
const api = kiln as unknown as Record<string, (...a: unknown[]) => kiln.Tensor>;

function decodeArg(a: unknown): unknown {
  if (a !== null && typeof a === 'object' && 't' in a) {
    const e = (a as { t: Enc }).t;
    return kiln.tensor(e.data as number[], { dtype: e.dtype as never }).reshape(e.shape);
  }
  return a;
}

function makeTarget(t: NonNullable<Call['target']>): kiln.Tensor {
  const dtype = t.dtype as never;
  return t.transpose ? kiln.empty([...t.shape].reverse(), { dtype }).t() : kiln.empty(t.shape, { dtype });
}

function runCall(c: Call, generator?: kiln.Generator): kiln.Tensor {
  const options: Record<string, unknown> = { ...c.options };
  if (generator) options.generator = generator;
  const args = c.args.map(decodeArg);
  if (c.fn.endsWith('_')) {
    const t = makeTarget(c.target!);
    api[c.fn]!(t, ...args, options);
    return t;
  }
  if (c.fn.endsWith('Like')) return api[c.fn]!(makeTarget(c.target!), ...args, options);
  return api[c.fn]!(...args, options);
}

/** Flat values, exactly: BigInt strings for int64, numbers otherwise. */
function flat(t: kiln.Tensor): (number | string)[] {
  const c = t.contiguous();
  if (c.dtype === 'int64') return Array.from(c.storage.typed('int64') as BigInt64Array).slice(c.offset, c.offset + c.numel()).map(String);
  return (c.numpy().toArray() as (number | boolean)[]).map(Number);
}

function expected(e: Enc): (number | string)[] {
  return e.data.map((v) => (e.dtype === 'int64' ? String(v) : typeof v === 'string' ? Number(v) : Number(v)));
}

function assertSame(got: kiln.Tensor, want: Enc, label: string): void {
  assert.equal(got.dtype, want.dtype === 'bool' ? 'bool' : want.dtype, `${label}: dtype`);
  assert.deepEqual(got.shape, want.shape, `${label}: shape`);
  const g = flat(got);
  const w = expected(want);
  const bad = g.findIndex((v, i) => !Object.is(v, w[i]));
  assert.equal(bad, -1, `${label}: first difference at ${bad}: got ${g[bad]}, torch ${w[bad]}`);
}

describe('bit-for-bit agreement with PyTorch 1.13 (CPU, AVX2)', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const generator = c.generator ? new kiln.Generator().manualSeed(c.seed) : undefined;
      if (!generator) kiln.manualSeed(c.seed);
      c.calls.forEach((call, i) => {
        const want = c.results[i]!;
        const label = `${call.fn}(${JSON.stringify(call.args).slice(0, 80)}) ${JSON.stringify(call.options)}`;
        if ('error' in want) {
          assert.throws(() => runCall(call, generator), (e: Error) => e.message === want.message, `${label}: ${want.message}`);
          return;
        }
        assertSame(runCall(call, generator), want, label);
      });
    });
  }

  it('getState() matches torch.get_rng_state() byte for byte', () => {
    for (const s of fixture.states) {
      kiln.manualSeed(s.seed);
      if (s.draws) {
        kiln.rand(s.draws);
        kiln.randn(3, { dtype: 'float64' });
      }
      const bytes = Buffer.from(s.state, 'base64');
      const got = Buffer.from(kiln.getRngState().storage.typed('uint8') as Uint8Array);
      assert.equal(got.length, bytes.length);
      assert.ok(got.equals(bytes), `state after seed ${s.seed}, ${s.draws} draws`);
    }
  });

  it('setState() restores a torch state, cached normal sample included', () => {
    const s = fixture.states[1]!;
    kiln.setRngState(kiln.tensor(Array.from(Buffer.from(s.state, 'base64')), { dtype: 'uint8' }));
    const a = kiln.randn(4, { dtype: 'float64' }).tolist();
    kiln.manualSeed(s.seed);
    kiln.rand(s.draws);
    kiln.randn(3, { dtype: 'float64' });
    assert.deepEqual(kiln.randn(4, { dtype: 'float64' }).tolist(), a);
    assert.equal(kiln.initialSeed(), s.seed);
  });
});

describe('seeding and generators', () => {
  it('manualSeed returns the default generator; initialSeed reports the seed', () => {
    const g = kiln.manualSeed(2 ** 32 + 5);
    assert.ok(g instanceof kiln.Generator);
    assert.equal(kiln.initialSeed(), 2 ** 32 + 5);
    assert.equal(g.initialSeed(), 2 ** 32 + 5);
  });

  it('the same seed gives the same numbers; a Generator is independent of the global one', () => {
    kiln.manualSeed(123);
    const a = [kiln.rand(5).tolist(), kiln.randn(20).tolist(), kiln.randint(0, 100, [7]).tolist()];
    kiln.manualSeed(123);
    const b = [kiln.rand(5).tolist(), kiln.randn(20).tolist(), kiln.randint(0, 100, [7]).tolist()];
    assert.deepEqual(a, b);
    const g = new kiln.Generator().manualSeed(123);
    kiln.manualSeed(999);
    assert.deepEqual(kiln.rand(5, { generator: g }).tolist(), a[0]);
    assert.equal(new kiln.Generator().manualSeed(5).manualSeed(123).initialSeed(), 123);
  });

  it('seed() reseeds unpredictably and returns the seed', () => {
    const s = kiln.seed();
    assert.ok(Number.isSafeInteger(s) && s >= 0);
    assert.equal(kiln.initialSeed(), s);
    const x = kiln.rand(3).tolist();
    kiln.manualSeed(s);
    assert.deepEqual(kiln.rand(3).tolist(), x);
  });

  it('negative and BigInt seeds wrap as in PyTorch', () => {
    kiln.manualSeed(-1);
    assert.equal(kiln.defaultGenerator.initialSeedBigInt(), 2n ** 64n - 1n);
    const a = kiln.rand(3).tolist();
    kiln.manualSeed(2n ** 64n - 1n);
    assert.deepEqual(kiln.rand(3).tolist(), a);
    assert.throws(() => kiln.manualSeed(2n ** 64n), /Overflow/);
  });

  it('setState rejects a state of the wrong size', () => {
    assert.throws(() => kiln.setRngState(kiln.zeros(10, { dtype: 'uint8' })), {
      message: 'Expected either a CPUGeneratorImplStateLegacy of size 5048 or a CPUGeneratorImplState of size 5056 but found the input RNG state size to be 10',
    });
    assert.throws(() => kiln.setRngState(kiln.zeros(5056, { dtype: 'uint8' })), { message: 'Invalid mt19937 state' });
  });
});

describe('distributions (fixed seed, statistical)', () => {
  const meanStd = (xs: number[]): [number, number] => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return [m, Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length)];
  };

  it('randn: mean 0, std 1 over 1e5 samples, float32 and float64', () => {
    kiln.manualSeed(2024);
    for (const dtype of ['float32', 'float64'] as const) {
      const [m, s] = meanStd(kiln.randn(100000, { dtype }).tolist() as number[]);
      assert.ok(Math.abs(m) < 0.01, `${dtype} mean ${m}`);
      assert.ok(Math.abs(s - 1) < 0.01, `${dtype} std ${s}`);
    }
    const [m, s] = meanStd((kiln.randn(7, 5).tolist() as number[][]).flat());
    assert.ok(Math.abs(m) < 1.5 && s > 0.3 && s < 2);
  });

  it('normal(mean, std, size) and normal_ scale and shift', () => {
    kiln.manualSeed(7);
    const [m, s] = meanStd(kiln.normal(3, 0.5, [100000]).tolist() as number[]);
    assert.ok(Math.abs(m - 3) < 0.01 && Math.abs(s - 0.5) < 0.01, `${m} ${s}`);
    const t = kiln.normal_(kiln.empty(50000, { dtype: 'float64' }), -2, 4);
    const [m2, s2] = meanStd(t.tolist() as number[]);
    assert.ok(Math.abs(m2 + 2) < 0.08 && Math.abs(s2 - 4) < 0.08, `${m2} ${s2}`);
  });

  it('rand lies in [0, 1) with mean 1/2; uniform_ in [a, b)', () => {
    kiln.manualSeed(11);
    const xs = kiln.rand(100000).tolist() as number[];
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    assert.ok(Math.abs(meanStd(xs)[0] - 0.5) < 0.005);
    const u = kiln.uniform_(kiln.empty(10000, { dtype: 'float64' }), -3, 5).tolist() as number[];
    assert.ok(u.every((x) => x >= -3 && x < 5));
    assert.ok(Math.abs(meanStd(u)[0] - 1) < 0.1);
  });

  it('randint lies in [low, high), hits every value, int64 by default', () => {
    kiln.manualSeed(3);
    const t = kiln.randint(-3, 4, [10000]);
    assert.equal(t.dtype, 'int64');
    const xs = t.tolist() as number[];
    assert.ok(xs.every((x) => x >= -3 && x < 4));
    assert.equal(new Set(xs).size, 7);
    assert.ok((kiln.randint(5, [100]).tolist() as number[]).every((x) => x >= 0 && x < 5));
    const big = kiln.randint(0, 2 ** 40, [1000]).tolist() as number[];
    assert.ok(big.every((x) => x >= 0 && x < 2 ** 40) && Math.max(...big) > 2 ** 39);
  });

  it('randperm is a permutation', () => {
    kiln.manualSeed(5);
    const p = kiln.randperm(1000).tolist() as number[];
    assert.deepEqual([...p].sort((a, b) => a - b), [...Array(1000).keys()]);
    assert.deepEqual(kiln.randperm(0).shape, [0]);
  });

  it('bernoulli and multinomial follow their probabilities', () => {
    kiln.manualSeed(9);
    const b = kiln.bernoulli(kiln.full([20000], 0.3)).tolist() as number[];
    assert.ok(Math.abs(meanStd(b)[0] - 0.3) < 0.015);
    const m = kiln.multinomial(kiln.tensor([1, 0, 3], { dtype: 'float32' }), 20000, true).tolist() as number[];
    assert.ok(!m.includes(1));
    assert.ok(Math.abs(m.filter((x) => x === 2).length / 20000 - 0.75) < 0.015);
    const w = kiln.multinomial(kiln.tensor([1, 1, 1, 1, 0], { dtype: 'float32' }), 4).tolist() as number[];
    assert.deepEqual([...w].sort(), [0, 1, 2, 3]);
  });
});

describe('options and shapes', () => {
  it('sizes as numbers or one array; dtype; requiresGrad', () => {
    assert.deepEqual(kiln.rand(2, 3).shape, [2, 3]);
    assert.deepEqual(kiln.randn([4, 1, 2]).shape, [4, 1, 2]);
    assert.equal(kiln.rand(2, { dtype: 'float64' }).dtype, 'float64');
    const x = kiln.rand(3, { requiresGrad: true });
    const y = kiln.randn(2, 2, { requiresGrad: true });
    assert.ok(x.requiresGrad && x.isLeaf && y.requiresGrad);
    kiln.sum(kiln.mul(x, 2)).backward();
    assert.deepEqual(x.grad!.tolist(), [2, 2, 2]);
    assert.throws(() => kiln.randint(0, 3, [2], { requiresGrad: true }), /Only Tensors of floating point and complex dtype can require gradients/);
  });

  it('the default dtype is followed', () => {
    kiln.setDefaultDtype('float64');
    try {
      assert.equal(kiln.rand(2).dtype, 'float64');
      assert.equal(kiln.randn(2).dtype, 'float64');
    } finally {
      kiln.setDefaultDtype('float32');
    }
  });

  it('the like functions keep shape and dtype', () => {
    const t = kiln.zeros([2, 5], { dtype: 'float64' });
    assert.deepEqual([kiln.randLike(t).shape, kiln.randLike(t).dtype], [[2, 5], 'float64']);
    assert.equal(kiln.randnLike(t, { dtype: 'float32' }).dtype, 'float32');
    assert.equal(kiln.randintLike(t, 3, 9).dtype, 'float64');
  });

  it('in-place fills return their tensor, fill non-contiguous views in memory order, and refuse grad leaves', () => {
    const base = kiln.empty([4, 6]);
    const view = base.t();
    assert.equal(kiln.uniform_(view), view);
    kiln.manualSeed(1);
    const ref = kiln.rand(24).tolist();
    kiln.manualSeed(1);
    kiln.uniform_(view);
    assert.deepEqual(kiln.flatten(base).tolist(), ref);
    const leaf = kiln.rand(3, { requiresGrad: true });
    assert.throws(() => kiln.normal_(leaf), { message: 'a leaf Variable that requires grad is being used in an in-place operation.' });
    kiln.noGrad(() => kiln.normal_(leaf, 0, 0.02));
    assert.throws(() => kiln.uniform_(kiln.expand(kiln.empty(4), 2, 4)), /more than one element of the written-to tensor/);
  });
});

describe('argument errors with PyTorch wording', () => {
  it('randint bounds', () => {
    assert.throws(() => kiln.randint(5, 5, [3]), { message: "random_ expects 'from' to be less than 'to', but got from=5 >= to=5" });
    assert.throws(() => kiln.randint(0, 300, [3], { dtype: 'uint8' }), { message: 'to - 1 is out of bounds for unsigned char' });
    assert.throws(() => kiln.randint(-200, 3, [3], { dtype: 'int8' }), { message: 'from is out of bounds for signed char' });
    assert.throws(() => (kiln.randint as (...a: unknown[]) => unknown)(3, 10), TypeError);
  });

  it('float-only and parameter checks', () => {
    assert.throws(() => kiln.rand(3, { dtype: 'int64' }), { message: `"check_uniform_bounds" not implemented for 'Long'` });
    assert.throws(() => kiln.randn(3, { dtype: 'bool' }), { message: `"normal_kernel_cpu" not implemented for 'Bool'` });
    assert.throws(() => kiln.normal(0, -1.234567891, [3]), { message: 'normal expects std >= 0.0, but found std -1.23457' });
    assert.throws(() => kiln.normal(0, -1e-7, [3]), { message: 'normal expects std >= 0.0, but found std -1e-07' });
    assert.throws(() => kiln.uniform_(kiln.empty(3), 1, 0), { message: 'uniform_ expects to return a [from, to) range, but found from=1 > to=0' });
    assert.throws(() => kiln.randperm(-1), { message: 'Trying to create tensor with negative dimension -1: [-1]' });
    assert.throws(() => kiln.randperm(3000, { dtype: 'float16' }), { message: 'n cannot be greater than 2049 for Half type.' });
    assert.throws(() => kiln.bernoulli(kiln.tensor([1.5])), /Expected p_in >= 0 && p_in <= 1/);
    assert.throws(() => kiln.multinomial(kiln.tensor([0, 0], { dtype: 'float32' }), 1), { message: 'invalid multinomial distribution (sum of probabilities <= 0)' });
    assert.throws(() => kiln.multinomial(kiln.tensor([1, 0], { dtype: 'float32' }), 0, true), { message: 'cannot sample n_sample <= 0 samples' });
  });
});
