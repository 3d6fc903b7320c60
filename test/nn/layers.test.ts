/**
 * The basic layers, nn.functional's activations and normalisations, and nn.init, against PyTorch
 * 1.13 (test/fixtures/torch_nn_layers.json, made by scripts/fixtures_torch/nn_layers_fixtures.py):
 * outputs and gradients for PyTorch's weights, BatchNorm's running statistics step by step,
 * state-dict keys, printouts, error messages, and seeded initialisation bit for bit. Then
 * statistical checks of the initialisers, gradchecks of the functional ops, and behaviour
 * (train/eval, dropout, in-place activations, dtype casts) PyTorch's semantics fix.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as kiln from 'kiln';
import { assertMatches, type EncodedArray } from '../helpers.js';

const { nn } = kiln;
const F = nn.functional;
type Tensor = kiln.Tensor;
type Opts = Record<string, unknown>;

interface Step {
  mode: 'train' | 'eval';
  seed?: number;
  inputs: EncodedArray[];
  out: EncodedArray;
  w: EncodedArray;
  inputGrads: (EncodedArray | null)[];
  paramGrads: Record<string, EncodedArray>;
  stateAfter: Record<string, EncodedArray>;
}
interface ModuleCase {
  name: string; ctor: string; args: unknown[]; options: Opts; repr: string; stateKeys: string[]; paramNames: string[];
  state: Record<string, EncodedArray>; steps: Step[];
}
type Arg = { t: EncodedArray; grad: boolean } | { v: unknown };
interface FunctionalCase {
  name: string; fn: string; args: Arg[]; options: Record<string, Arg>; out: EncodedArray; seed?: number;
  w?: EncodedArray; grads?: (EncodedArray | null)[]; after: EncodedArray[];
}
interface SeededCase {
  name: string; kind: 'module' | 'init'; ctor?: string; fn?: string; args?: unknown[]; options: Opts; seed: number;
  shape?: number[]; dtype?: string; state?: Record<string, EncodedArray>; out?: EncodedArray; tol?: number;
}
interface ErrorCase {
  name: string; kind: string; error: string; message: string; ctor?: string; fn?: string; args?: unknown[]; options?: Opts;
  input?: number[]; inputDtype?: string; shape?: number[]; nonlinearity?: string;
  state?: Record<string, { shape: number[]; dtype: string }>;
}
interface ModelCase {
  name: string; stateKeys: string[]; repr: string; paramNames?: string[]; bufferNames?: string[]; moduleNames?: string[];
  state?: Record<string, EncodedArray>; input?: EncodedArray; out?: EncodedArray; w?: EncodedArray;
  paramGrads?: Record<string, EncodedArray>;
}
interface Fixture {
  torch: string; modules: ModuleCase[]; functional: FunctionalCase[]; seeded: SeededCase[];
  gains: [string, number | null, number][]; fans: { shape: number[]; fanIn: number; fanOut: number }[];
  errors: ErrorCase[]; models: ModelCase[];
}

const fixture: Fixture = JSON.parse(readFileSync(new URL('../fixtures/torch_nn_layers.json', import.meta.url), 'utf8'));

// ---- helpers -----------------------------------------------------------------------------------

function decode(e: EncodedArray): Tensor {
  const values = e.data.map((v) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v));
  return kiln.tensor(values, { dtype: e.dtype as never }).reshape(e.shape);
}

function decodeState(state: Record<string, EncodedArray>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, decode(v)]));
}

/** float32: rtol 1e-5, atol 1e-6 (looser where noted); float64: rtol 1e-10. */
function tolFor(dtype: string, loose = false): { rtol: number; atol: number } {
  if (dtype === 'float64') return { rtol: 1e-10, atol: 1e-12 };
  return loose ? { rtol: 1e-4, atol: 1e-5 } : { rtol: 1e-5, atol: 1e-6 };
}

function assertClose(got: Tensor | null | undefined, want: EncodedArray, label: string, loose = false): void {
  assert.ok(got, `${label}: missing`);
  const tol = want.dtype.startsWith('float') ? tolFor(want.dtype, loose) : {};
  assertMatches(got.detach().numpy(), want, tol, label);
}

/** Builds a kiln module the way the fixture names it; the options object only when it has keys. */
function build(ctor: string, args: unknown[], options: Opts = {}): kiln.nn.Module {
  const Ctor = (nn as unknown as Record<string, new (...a: unknown[]) => kiln.nn.Module>)[ctor];
  assert.ok(Ctor, `kiln.nn.${ctor} is missing`);
  return new Ctor(...args, ...(Object.keys(options).length ? [options] : []));
}

const fwd = (m: kiln.nn.Module, ...xs: unknown[]): Tensor => m.forward(...xs) as Tensor;
const isFloat = (t: Tensor): boolean => t.dtype.startsWith('float');
// float32 sums of tiny cubes (normalize with p=3 on 1e-3-sized inputs) drift past 1e-5 relative
const LOOSE = /normalize/;

// ---- modules against PyTorch ---------------------------------------------------------------------

describe(`modules against PyTorch ${fixture.torch}`, () => {
  for (const c of fixture.modules) {
    it(c.name, () => {
      const m = build(c.ctor, c.args, c.options);
      assert.equal(String(m), c.repr, 'printout');
      assert.deepEqual(Object.keys(m.stateDict()), c.stateKeys, 'state-dict keys');
      assert.deepEqual([...m.namedParameters()].map(([k]) => k), c.paramNames, 'parameter names');
      m.loadStateDict(decodeState(c.state));
      const loose = LOOSE.test(c.name);
      c.steps.forEach((s, i) => {
        const at = `step ${i} (${s.mode})`;
        m.train(s.mode === 'train');
        m.zeroGrad();
        const inputs = s.inputs.map((e) => {
          const t = decode(e);
          return isFloat(t) ? t.requiresGrad_() : t;
        });
        if (s.seed !== undefined) kiln.manualSeed(s.seed);
        const out = fwd(m, ...inputs);
        assertClose(out, s.out, `${at}: output`);
        out.mul(decode(s.w)).sum().backward();
        s.inputGrads.forEach((g, k) => {
          if (g) assertClose(inputs[k]!.grad, g, `${at}: input ${k} gradient`, loose);
        });
        for (const [name, p] of m.namedParameters()) {
          const want = s.paramGrads[name];
          if (want) assertClose(p.grad, want, `${at}: ${name} gradient`, loose);
          else assert.ok(p.grad === null || p.grad.abs().sum().item() === 0, `${at}: ${name} should get no gradient`);
        }
        const state = m.stateDict();
        assert.deepEqual(Object.keys(state), Object.keys(s.stateAfter), `${at}: state keys`);
        for (const [k, v] of Object.entries(s.stateAfter)) assertClose(state[k], v, `${at}: ${k} after`, loose);
      });
    });
  }
});

// ---- functional against PyTorch -----------------------------------------------------------------

describe('nn.functional against PyTorch', () => {
  for (const c of fixture.functional) {
    it(c.name, () => {
      const leaves: Tensor[] = [];
      const make = (a: Arg): unknown => {
        if ('v' in a) return a.v;
        const t = decode(a.t);
        if (a.grad) t.requiresGrad_();
        leaves.push(t);
        return t;
      };
      const args = c.args.map(make);
      const options = Object.fromEntries(Object.entries(c.options).map(([k, a]) => [k, make(a)]));
      const fn = (F as unknown as Record<string, (...a: unknown[]) => Tensor>)[c.fn];
      assert.ok(fn, `nn.functional.${c.fn} is missing`);
      if (c.seed !== undefined) kiln.manualSeed(c.seed);
      const out = fn(...args, ...(Object.keys(options).length ? [options] : []));
      assertClose(out, c.out, 'output');
      if (c.w && c.grads) {
        out.mul(decode(c.w)).sum().backward();
        const withGrad = leaves.filter((t) => t.requiresGrad);
        c.grads.forEach((g, k) => {
          if (g) assertClose(withGrad[k]!.grad, g, `gradient ${k}`, LOOSE.test(c.fn));
        });
      }
      c.after.forEach((e, k) => assertClose(leaves[k], e, `argument ${k} after the call`));
    });
  }
});

// ---- seeded initialisation ------------------------------------------------------------------------

function callInit(fn: string, t: Tensor, o: Opts): Tensor {
  const init = nn.init;
  const n = (k: string): number | undefined => o[k] as number | undefined;
  switch (fn) {
    case 'kaimingUniform_': return init.kaimingUniform_(t, o);
    case 'kaimingNormal_': return init.kaimingNormal_(t, o);
    case 'xavierUniform_': return init.xavierUniform_(t, n('gain'));
    case 'xavierNormal_': return init.xavierNormal_(t, n('gain'));
    case 'uniform_': return init.uniform_(t, n('a'), n('b'));
    case 'normal_': return init.normal_(t, n('mean'), n('std'));
    case 'constant_': return init.constant_(t, n('val')!);
    case 'eye_': return init.eye_(t);
    case 'orthogonal_': return init.orthogonal_(t, n('gain'));
    case 'truncNormal_': return init.truncNormal_(t, o);
    default: throw new Error(`no init ${fn}`);
  }
}

describe('seeded initialisation draws PyTorch\'s numbers', () => {
  for (const c of fixture.seeded) {
    it(c.name, () => {
      kiln.manualSeed(c.seed);
      if (c.kind === 'module') {
        const state = build(c.ctor!, c.args!, c.options).stateDict();
        assert.deepEqual(Object.keys(state), Object.keys(c.state!));
        for (const [k, v] of Object.entries(c.state!)) assertMatches(state[k]!.numpy(), v, {}, k);
        return;
      }
      const t = kiln.empty(c.shape!, { dtype: c.dtype as never });
      const r = callInit(c.fn!, t, c.options);
      assert.equal(r, t, 'returns its tensor');
      assertMatches(t.numpy(), c.out!, c.tol ? { atol: c.tol, rtol: 0 } : {}, c.name);
    });
  }

  it('calculateGain', () => {
    for (const [name, param, want] of fixture.gains) {
      assert.equal(nn.init.calculateGain(name as never, param), want, `${name}(${param})`);
    }
  });

  it('fan in and fan out', () => {
    for (const f of fixture.fans) {
      assert.deepEqual(nn.init.calculateFanInAndFanOut(kiln.empty(f.shape)), [f.fanIn, f.fanOut], `[${f.shape}]`);
    }
  });
});

// ---- errors -------------------------------------------------------------------------------------

function provoke(c: ErrorCase): void {
  switch (c.kind) {
    case 'construct':
      build(c.ctor!, c.args!, c.options);
      return;
    case 'forward': {
      const m = build(c.ctor!, c.args!, c.options).train();
      fwd(m, kiln.randn(c.input!));
      return;
    }
    case 'functional': {
      const input = c.inputDtype ? kiln.tensor(c.input!, { dtype: c.inputDtype as never }) : kiln.randn(c.input!);
      const args = c.args!.map((a) => (a === 'weight' ? kiln.randn(3, 2) : a));
      (F as unknown as Record<string, (...a: unknown[]) => unknown>)[c.fn!]!(input, ...args);
      return;
    }
    case 'init':
      callInit(c.fn!, kiln.empty(c.shape!), c.options!);
      return;
    case 'gain':
      nn.init.calculateGain(c.nonlinearity as never);
      return;
    case 'load': {
      const m = build(c.ctor!, c.args!, c.options);
      const state = Object.fromEntries(Object.entries(c.state!).map(([k, s]) => [k, kiln.zeros(s.shape, { dtype: s.dtype as never })]));
      m.loadStateDict(state);
      return;
    }
    default:
      throw new Error(`unknown error kind ${c.kind}`);
  }
}

describe("PyTorch's error messages", () => {
  for (const c of fixture.errors) {
    it(c.name, () => {
      assert.throws(() => provoke(c), (e: Error) => {
        assert.equal(e.message, c.message);
        return true;
      });
    });
  }
});

// ---- a nested model -----------------------------------------------------------------------------

/** The model of the fixture script, written as a PyTorch user would in TypeScript. */
class Net extends nn.Module {
  embed = new nn.Embedding(7, 4, { paddingIdx: 0 });
  fc1 = new nn.Linear(4, 6);
  bn = new nn.BatchNorm1d(6);
  blocks = new nn.Sequential(new nn.Linear(6, 6), new nn.GELU(), new nn.Dropout(0.1), new nn.LayerNorm(6));
  heads = new nn.ModuleList([new nn.Linear(6, 2), new nn.Linear(6, 3, { bias: false })]);
  norms = new nn.ModuleDict({ rms: new nn.RMSNorm(5), group: new nn.GroupNorm(1, 5) });

  forward(idx: Tensor): Tensor {
    let h = fwd(this.embed, idx).mean(1);
    h = F.relu(fwd(this.bn, fwd(this.fc1, h)));
    h = this.blocks.forward(h) as Tensor;
    const out = kiln.cat([fwd(this.heads.at(0), h), fwd(this.heads.at(1), h)], -1);
    return fwd(this.norms.get('group')!, fwd(this.norms.get('rms')!, out).unsqueeze(-1)).squeeze(-1);
  }
}

describe('models', () => {
  const [net, seq] = fixture.models as [ModelCase, ModelCase];

  it('a nested model: names, printout, PyTorch\'s weights, output and gradients', () => {
    const m = new Net();
    assert.equal(String(m), net.repr);
    assert.deepEqual(Object.keys(m.stateDict()), net.stateKeys);
    assert.deepEqual([...m.namedParameters()].map(([k]) => k), net.paramNames);
    assert.deepEqual([...m.namedBuffers()].map(([k]) => k), net.bufferNames);
    assert.deepEqual([...m.namedModules()].map(([k]) => k), net.moduleNames);
    m.loadStateDict(decodeState(net.state!));
    m.eval();
    const out = m.forward(decode(net.input!));
    assertClose(out, net.out!, 'output');
    out.mul(decode(net.w!)).sum().backward();
    for (const [name, p] of m.namedParameters()) {
      const want = net.paramGrads![name];
      if (want) assertClose(p.grad, want, `${name} gradient`, true);
    }
    // the padding row of the embedding gets nothing
    assert.deepEqual(m.embed.weight.grad!.get(0).tolist(), [0, 0, 0, 0]);
  });

  it('a nested Sequential', () => {
    const m = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Sequential(new nn.BatchNorm1d(4), new nn.Linear(4, 2)));
    assert.deepEqual(Object.keys(m.stateDict()), seq.stateKeys);
    assert.equal(String(m), seq.repr);
  });

  it('train() and eval() reach every submodule', () => {
    const m = new Net();
    m.eval();
    assert.ok(m.modules().every((x) => !x.training));
    m.train();
    assert.ok(m.modules().every((x) => x.training));
  });

  it('loadStateDict with strict: false reports what it skipped', () => {
    const m = new nn.Linear(3, 2);
    const r = m.loadStateDict({ weight: kiln.ones(2, 3), extra: kiln.zeros(1) }, { strict: false });
    assert.deepEqual(r, { missingKeys: ['bias'], unexpectedKeys: ['extra'] });
    assert.deepEqual(m.weight.tolist(), [[1, 1, 1], [1, 1, 1]]);
  });

  it('stateDict tensors share memory with the parameters and buffers', () => {
    const bn = new nn.BatchNorm1d(2);
    const state = bn.stateDict();
    bn.train();
    fwd(bn, kiln.tensor([[1, 2], [3, 6]], { dtype: 'float32' }));
    assert.deepEqual((state.running_mean!.tolist() as number[]).map((v) => Math.round(v * 1e6) / 1e6), [0.2, 0.4]);
    assert.equal(state.num_batches_tracked!.item(), 1);
  });
});

// ---- initialisation statistics --------------------------------------------------------------------

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const v = t.detach().to('float64');
  return {
    mean: Number(v.mean().item()), std: Number(v.std().item()), min: Number(v.amin().item()), max: Number(v.amax().item()),
  };
}

describe('nn.init statistics', () => {
  const n = 256 * 256;

  it('kaimingUniform_ on 256x256: U(±√(6/fanIn))', () => {
    const t = nn.init.kaimingUniform_(kiln.empty(256, 256), { nonlinearity: 'relu' });
    const bound = Math.sqrt(6 / 256);
    const s = stats(t);
    assert.ok(s.min >= -bound && s.max <= bound, `within ±${bound}`);
    assert.ok(s.max > 0.99 * bound && s.min < -0.99 * bound, 'reaches the bounds');
    assert.ok(Math.abs(s.mean) < (5 * bound) / Math.sqrt(3 * n), `mean ${s.mean}`);
    assert.ok(Math.abs(s.std / (bound / Math.sqrt(3)) - 1) < 0.01, `std ${s.std}`);
  });

  it('kaimingNormal_ on 256x256, fan_out: N(0, 2/fanOut)', () => {
    const t = nn.init.kaimingNormal_(kiln.empty(256, 128), { mode: 'fan_out', nonlinearity: 'relu' });
    const std = Math.sqrt(2 / 256);
    const s = stats(t);
    assert.ok(Math.abs(s.mean) < (5 * std) / Math.sqrt(n / 2), `mean ${s.mean}`);
    assert.ok(Math.abs(s.std / std - 1) < 0.015, `std ${s.std}`);
  });

  it('kaiming fans count the receptive field of conv weights', () => {
    const t = nn.init.kaimingUniform_(kiln.empty(64, 16, 3, 3), { a: Math.sqrt(5) });
    const bound = 1 / Math.sqrt(16 * 9);
    const s = stats(t);
    assert.ok(s.min >= -bound && s.max <= bound && s.max > 0.98 * bound);
  });

  it('xavierUniform_ and xavierNormal_', () => {
    const u = stats(nn.init.xavierUniform_(kiln.empty(300, 200), 2));
    const a = 2 * Math.sqrt(6 / 500);
    assert.ok(u.min >= -a && u.max <= a && u.max > 0.99 * a);
    const g = stats(nn.init.xavierNormal_(kiln.empty(300, 200)));
    assert.ok(Math.abs(g.std / Math.sqrt(2 / 500) - 1) < 0.015, `std ${g.std}`);
  });

  it('truncNormal_ stays within [a, b] with the truncated mean', () => {
    const s = stats(nn.init.truncNormal_(kiln.empty(20000), { mean: 0, std: 1, a: -1, b: 2 }));
    assert.ok(s.min >= -1 && s.max <= 2);
    // E[X | -1 < X < 2] for a standard normal
    assert.ok(Math.abs(s.mean - 0.2297) < 0.02, `mean ${s.mean}`);
  });

  it('orthogonal_ gives orthonormal rows (or columns)', () => {
    for (const shape of [[5, 8], [8, 5]]) {
      const q = nn.init.orthogonal_(kiln.empty(shape, { dtype: 'float64' }));
      const gram = shape[0]! < shape[1]! ? q.matmul(q.t()) : q.t().matmul(q);
      const k = Math.min(...shape);
      const err = gram.sub(kiln.eye(k, { dtype: 'float64' })).abs().amax().item();
      assert.ok(Number(err) < 1e-12, `[${shape}]: ${err}`);
    }
  });

  it('Linear and Bilinear defaults: U(±1/√fanIn) for weight and bias', () => {
    const l = new nn.Linear(100, 300);
    const b = 1 / Math.sqrt(100);
    for (const t of [l.weight, l.bias!]) {
      const s = stats(t);
      assert.ok(s.min >= -b && s.max <= b && s.max > 0.95 * b);
    }
    const bl = new nn.Bilinear(50, 7, 20);
    const s = stats(bl.weight);
    assert.ok(s.min >= -1 / Math.sqrt(50) && s.max <= 1 / Math.sqrt(50));
  });

  it('Embedding: N(0, 1) with the padding row zeroed; norm layers: ones and zeros', () => {
    const e = new nn.Embedding(1000, 64, { paddingIdx: 3 });
    const s = stats(e.weight);
    assert.ok(Math.abs(s.std - 1) < 0.01 && Math.abs(s.mean) < 0.01);
    assert.equal(e.weight.get(3).abs().sum().item(), 0);
    const ln = new nn.LayerNorm([2, 3]);
    assert.deepEqual(ln.weight!.tolist(), [[1, 1, 1], [1, 1, 1]]);
    assert.deepEqual(ln.bias!.tolist(), [[0, 0, 0], [0, 0, 0]]);
  });

  it('an own generator: reproducible, and the global stream untouched', () => {
    const draw = (): unknown => nn.init.kaimingUniform_(kiln.empty(3, 4), { generator: new kiln.Generator().manualSeed(5) }).tolist();
    kiln.manualSeed(1);
    const before = kiln.rand(3).tolist();
    kiln.manualSeed(1);
    const a = draw();
    const b = draw();
    assert.deepEqual(a, b);
    assert.deepEqual(kiln.rand(3).tolist(), before);
  });

  it('initialisers work on parameters (under noGrad) and record no graph', () => {
    const p = new nn.Parameter(kiln.empty(4, 4));
    for (const r of [nn.init.xavierNormal_(p), nn.init.zeros_(p), nn.init.ones_(p), nn.init.eye_(p), nn.init.constant_(p, 3)]) {
      assert.equal(r, p);
      assert.equal(p.gradFn, null);
      assert.ok(p.requiresGrad);
    }
    assert.deepEqual(p.tolist(), [[3, 3, 3, 3], [3, 3, 3, 3], [3, 3, 3, 3], [3, 3, 3, 3]]);
  });
});

// ---- gradcheck of the functional ops -----------------------------------------------------------

describe('gradcheck (float64)', () => {
  kiln.manualSeed(0);
  const x = (...shape: number[]): Tensor => kiln.randn(shape, { dtype: 'float64' }).requiresGrad_();
  // values kept away from the kinks at 0 (and ±1, 6), where one-sided differences disagree
  const smooth = (...shape: number[]): Tensor => {
    const r = kiln.randn(shape, { dtype: 'float64' });
    return r.add(r.sign().mul(0.2)).detach().requiresGrad_();
  };
  const cases: [string, () => boolean][] = [
    ['relu6', () => kiln.autograd.gradcheck((a) => F.relu6(a.mul(4)), [smooth(3, 4)])],
    ['hardtanh', () => kiln.autograd.gradcheck((a) => F.hardtanh(a, -0.5, 0.7), [smooth(3, 4)])],
    ['leakyRelu', () => kiln.autograd.gradcheck((a) => F.leakyRelu(a, 0.3), [smooth(3, 4)])],
    ['elu', () => kiln.autograd.gradcheck((a) => F.elu(a, 0.7), [smooth(3, 4)])],
    ['selu', () => kiln.autograd.gradcheck((a) => F.selu(a), [smooth(3, 4)])],
    ['gelu', () => kiln.autograd.gradcheck((a) => F.gelu(a), [x(3, 4)])],
    ['gelu tanh', () => kiln.autograd.gradcheck((a) => F.gelu(a, { approximate: 'tanh' }), [x(3, 4)])],
    ['silu', () => kiln.autograd.gradcheck((a) => F.silu(a), [x(3, 4)])],
    ['mish', () => kiln.autograd.gradcheck((a) => F.mish(a), [x(3, 4)])],
    ['logsigmoid', () => kiln.autograd.gradcheck((a) => F.logsigmoid(a), [x(3, 4)])],
    ['softplus', () => kiln.autograd.gradcheck((a) => F.softplus(a, { beta: 2 }), [x(3, 4)])],
    ['softmax', () => kiln.autograd.gradcheck((a) => F.softmax(a, 1), [x(3, 4)])],
    ['logSoftmax', () => kiln.autograd.gradcheck((a) => F.logSoftmax(a, 0), [x(3, 4)])],
    ['softmin', () => kiln.autograd.gradcheck((a) => F.softmin(a, -1), [x(2, 5)])],
    ['linear', () => kiln.autograd.gradcheck((a, w, b) => F.linear(a, w, b), [x(3, 4), x(2, 4), x(2)])],
    ['bilinear', () => kiln.autograd.gradcheck((a, b, w, c) => F.bilinear(a, b, w, c), [x(3, 2), x(3, 4), x(2, 2, 4), x(2)])],
    ['embedding', () => kiln.autograd.gradcheck((w) => F.embedding(kiln.tensor([[0, 2], [2, 3]], { dtype: 'int64' }), w), [x(4, 3)])],
    ['batchNorm', () => kiln.autograd.gradcheck((a, w, b) => F.batchNorm(a, null, null, { weight: w, bias: b, training: true }), [x(4, 3, 2), x(3), x(3)])],
    ['batchNorm eval', () => kiln.autograd.gradcheck((a, w) => F.batchNorm(a, kiln.zeros(3, { dtype: 'float64' }), kiln.ones(3, { dtype: 'float64' }), { weight: w }), [x(4, 3), x(3)])],
    ['layerNorm', () => kiln.autograd.gradcheck((a, w, b) => F.layerNorm(a, [4], { weight: w, bias: b }), [x(3, 4), x(4), x(4)])],
    ['groupNorm', () => kiln.autograd.gradcheck((a, w, b) => F.groupNorm(a, 2, { weight: w, bias: b }), [x(2, 4, 3), x(4), x(4)])],
    ['rmsNorm', () => kiln.autograd.gradcheck((a, w) => F.rmsNorm(a, [2, 3], { weight: w }), [x(2, 2, 3), x(2, 3)])],
    ['normalize', () => kiln.autograd.gradcheck((a) => F.normalize(a), [x(3, 4)])],
    ['normalize p=3', () => kiln.autograd.gradcheck((a) => F.normalize(a, { p: 3, dim: 0 }), [smooth(3, 4)])],
    ['pad constant', () => kiln.autograd.gradcheck((a) => F.pad(a, [1, -1, 2, 0], { value: 1.5 }), [x(3, 4)])],
    ['pad reflect', () => kiln.autograd.gradcheck((a) => F.pad(a, [2, 3], { mode: 'reflect' }), [x(2, 5)])],
    ['pad replicate', () => kiln.autograd.gradcheck((a) => F.pad(a, [2, 1, 1, 2], { mode: 'replicate' }), [x(2, 3)])],
    ['pad circular', () => kiln.autograd.gradcheck((a) => F.pad(a, [3, 1], { mode: 'circular' }), [x(2, 4)])],
  ];
  for (const [name, run] of cases) it(name, () => assert.ok(run()));
});

// ---- behaviour ----------------------------------------------------------------------------------

describe('layer behaviour', () => {
  it('Dropout: identity in eval; zeros or x/(1-p) in training, about p of them zeros', () => {
    const d = new nn.Dropout(0.25);
    const x = kiln.rand(100, 100).add(1);
    d.eval();
    assert.equal(fwd(d, x), x);
    d.train();
    kiln.manualSeed(3);
    const y = fwd(d, x);
    const zeros = Number(y.eq(0).sum().item());
    assert.ok(Math.abs(zeros / 1e4 - 0.25) < 0.02, `${zeros} zeros`);
    const kept = y.ne(0);
    assert.ok(Number(y.sub(x.div(0.75)).abs().maskedFill(kept.logicalNot(), 0).amax().item()) < 1e-6);
    kiln.manualSeed(3);
    assert.deepEqual(fwd(d, x).tolist(), y.tolist(), 'seeded: the same mask');
    assert.equal(String(new nn.Dropout({ p: 0.2, inplace: true })), 'Dropout(p=0.2, inplace=True)');
  });

  it('Dropout2d drops whole channels', () => {
    const y = F.dropout2d(kiln.ones(4, 8, 3, 3), { p: 0.5 });
    const perChannel = y.sum([2, 3]).reshape(-1).tolist() as number[];
    assert.ok(perChannel.every((v) => v === 0 || v === 18));
  });

  it('in-place activations write into their input and keep the gradient', () => {
    const cases: [() => kiln.nn.Module, (t: Tensor) => Tensor][] = [
      [() => new nn.ReLU({ inplace: true }), (t) => F.relu(t)],
      [() => new nn.LeakyReLU(0.2, { inplace: true }), (t) => F.leakyRelu(t, 0.2)],
      [() => new nn.ELU({ inplace: true, alpha: 0.5 }), (t) => F.elu(t, 0.5)],
    ];
    for (const [make, plain] of cases) {
      const a = kiln.randn(3, 4, { requiresGrad: true });
      const h = a.mul(2);
      const y = fwd(make(), h);
      assert.equal(y, h, 'the input itself comes back');
      y.sum().backward();
      const b = a.detach().requiresGrad_();
      const want = plain(b.mul(2));
      assert.deepEqual(h.tolist(), want.tolist());
      want.sum().backward();
      assert.deepEqual(a.grad!.tolist(), b.grad!.tolist());
    }
    assert.throws(() => fwd(new nn.ReLU({ inplace: true }), kiln.randn(2, { requiresGrad: true })), /leaf Variable that requires grad/);
  });

  it('BatchNorm: to(float64) casts statistics, not the batch counter; eval leaves them alone', () => {
    const bn = new nn.BatchNorm2d(2).to('float64');
    assert.equal(bn.weight!.dtype, 'float64');
    assert.equal(bn.runningMean!.dtype, 'float64');
    assert.equal(bn.numBatchesTracked!.dtype, 'int64');
    fwd(bn, kiln.randn(2, 2, 3, 3, { dtype: 'float64' }));
    const mean = bn.runningMean!.tolist();
    bn.eval();
    fwd(bn, kiln.randn(2, 2, 3, 3, { dtype: 'float64' }));
    assert.deepEqual(bn.runningMean!.tolist(), mean);
    assert.equal(bn.numBatchesTracked!.item(), 1);
  });

  it('Embedding.fromPretrained: the given weights, frozen by default', () => {
    const w = kiln.tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float32' });
    const e = nn.Embedding.fromPretrained(w);
    assert.equal(e.weight.requiresGrad, false);
    assert.deepEqual(fwd(e, kiln.tensor([2, 0], { dtype: 'int64' })).tolist(), [[5, 6], [1, 2]]);
    assert.equal(nn.Embedding.fromPretrained(w, { freeze: false }).weight.requiresGrad, true);
    assert.equal(String(nn.Embedding.fromPretrained(w, { paddingIdx: 1 })), 'Embedding(3, 2, padding_idx=1)');
  });

  it('activation modules take their parameter positionally or by name', () => {
    assert.equal(String(new nn.LeakyReLU({ negativeSlope: 0.2 })), 'LeakyReLU(negative_slope=0.2)');
    assert.equal(String(new nn.ELU(0.5, { inplace: true })), 'ELU(alpha=0.5, inplace=True)');
    assert.equal(String(new nn.Softmax({ dim: -1 })), 'Softmax(dim=-1)');
    assert.equal(String(new nn.Softmax()), 'Softmax(dim=None)');
    assert.equal(String(new nn.Hardtanh()), 'Hardtanh(min_val=-1.0, max_val=1.0)');
    assert.equal(String(new nn.ReLU({ inplace: true })), 'ReLU(inplace=True)');
    const x = kiln.randn(2, 3);
    assert.deepEqual(F.leakyRelu(x, { negativeSlope: 0.2 }).tolist(), F.leakyRelu(x, 0.2).tolist());
  });

  it('oneHot: int64, classes inferred or given', () => {
    const y = F.oneHot(kiln.tensor([[1], [0]], { dtype: 'int64' }), 3);
    assert.equal(y.dtype, 'int64');
    assert.deepEqual(y.shape, [2, 1, 3]);
    assert.deepEqual(y.tolist(), [[[0, 1, 0]], [[1, 0, 0]]]);
  });

  it('Parameter refuses integer tensors that would require grad', () => {
    assert.throws(() => new nn.Parameter(kiln.tensor([1, 2])), /floating point/);
    assert.equal(new nn.Parameter(kiln.tensor([1, 2]), false).requiresGrad, false);
  });

  it('Linear keeps working after module.to(float64) and double()', () => {
    const l = new nn.Linear(3, 2).double();
    assert.equal(fwd(l, kiln.randn(4, 3, { dtype: 'float64' })).dtype, 'float64');
  });
});
