/**
 * Convolution, pooling and resampling: nn.functional's conv1d/conv2d, convTranspose1d/2d,
 * maxPool1d/2d, avgPool1d/2d, adaptive pooling, interpolate, unfold/fold, and the modules over
 * them. Values, gradients (w.r.t. inputs, weights and biases, and for some cases second
 * derivatives), errors, initialisation, state dicts and printouts are pinned to PyTorch 1.13 by
 * test/fixtures/torch_nn_conv.json (made by scripts/fixtures_torch/nn_conv_fixtures.py); gradients
 * are also checked against finite differences (first and second order) with gradcheck.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as kiln from 'kiln';
import { assertMatches, decodeArray, loadFixture, type EncodedArray } from '../helpers.js';

const { nn } = kiln;
const F = nn.functional;
type Tensor = kiln.Tensor;

// ---- PyTorch fixtures: nn.functional ------------------------------------------------------------

type Arg = { t: EncodedArray; grad: boolean } | { v: unknown };
type Result = EncodedArray | { tuple: EncodedArray[] } | { error: string; message: string };

interface FunctionalCase {
  name: string;
  fn: string;
  args: Arg[];
  opts?: Record<string, unknown>;
  result: Result;
  weights?: EncodedArray[];
  grads?: (EncodedArray | null)[];
  doubleWeights?: EncodedArray[];
  doubleGrads?: (EncodedArray | null)[];
}

interface ModuleCase {
  name: string;
  module: string;
  args: unknown[];
  opts?: Record<string, unknown>;
  seed: number;
  repr: string;
  state: Record<string, EncodedArray>;
  input?: EncodedArray;
  forwardArgs?: unknown[];
  output?: EncodedArray | { tuple: EncodedArray[] };
  weights?: EncodedArray[];
  inputGrad?: EncodedArray;
  paramGrads?: Record<string, EncodedArray>;
}

interface ModuleError { name: string; module: string; args: unknown[]; opts: Record<string, unknown>; error: string; message: string }

interface Fixture { torch: string; functional: FunctionalCase[]; modules: ModuleCase[]; moduleErrors: ModuleError[] }

const fixture = loadFixture('torch_nn_conv') as unknown as Fixture;
const functional = F as unknown as Record<string, (...args: unknown[]) => Tensor | Tensor[]>;
const modules = nn as unknown as Record<string, new (...args: unknown[]) => kiln.nn.Module>;

const fromFixture = (e: EncodedArray): Tensor => kiln.tensor(decodeArray(e));

function tolerance(dtype: string): { rtol: number; atol: number } {
  return dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-5 };
}

function assertTensor(actual: Tensor | null | undefined, expected: EncodedArray, label: string): void {
  assert.ok(actual, `${label}: expected a tensor, got ${String(actual)}`);
  assertMatches(actual.detach().numpy(), expected, tolerance(expected.dtype), label);
}

/** PyTorch's exception classes as kiln names them (RuntimeError is a plain Error). */
const errorName = (pythonName: string): string => (pythonName === 'RuntimeError' ? 'Error' : pythonName);

/** Python prints sets in hash order; compare their members sorted. */
const sortSets = (message: string): string => message.replace(/\{([^{}]*)\}/g, (_, inner: string) => `{${inner.split(', ').sort().join(', ')}}`);

for (const c of fixture.functional) {
  test(`torch: ${c.name}`, () => {
    const leaves: Tensor[] = [];
    const args = c.args.map((a) => {
      if ('v' in a) return a.v;
      const leaf = fromFixture(a.t);
      if (a.grad) leaf.requiresGrad_();
      leaves.push(leaf);
      return leaf;
    });
    if (c.opts) args.push(c.opts);
    const call = (): Tensor | Tensor[] => functional[c.fn]!(...args);
    if ('error' in c.result) {
      const { error, message } = c.result;
      assert.throws(call, (e: Error) => {
        assert.equal(e.message, message);
        assert.equal(e.name, errorName(error));
        return true;
      });
      return;
    }
    const result = call();
    const outs = Array.isArray(result) ? result : [result];
    const expected = 'tuple' in c.result ? c.result.tuple : [c.result];
    assert.equal(outs.length, expected.length, 'number of results');
    outs.forEach((o, i) => assertTensor(o, expected[i]!, `result ${i}`));
    if (!c.weights) return;

    const double = c.doubleWeights !== undefined;
    const differentiable = outs.filter((o) => o.requiresGrad);
    const ws = c.weights.map((w) => fromFixture(w).requiresGrad_(double));
    const loss = differentiable.map((o, i) => o.mul(ws[i]!).sum()).reduce((a, b) => a.add(b));
    const wanted = leaves.filter((l) => l.requiresGrad);
    const grads = kiln.autograd.grad(loss, wanted, { allowUnused: true, createGraph: double });
    leaves.forEach((leaf, i) => {
      const want = c.grads![i];
      const got = leaf.requiresGrad ? grads[wanted.indexOf(leaf)] : null;
      if (want) assertTensor(got, want, `gradient ${i}`);
      else assert.ok(!got || got.abs().sum().item() === 0, `gradient ${i}: expected none`);
    });
    if (!double) return;
    const vs = c.doubleWeights!.map(fromFixture);
    const loss2 = grads.map((g, i) => g!.mul(vs[i]!).sum()).reduce((a, b) => a.add(b));
    const targets = [...wanted, ...ws];
    const grads2 = kiln.autograd.grad(loss2, targets, { allowUnused: true });
    c.doubleGrads!.forEach((want, i) => {
      // a gradient that does not depend on an input: PyTorch gives zeros, kiln none
      const zeros = !want || want.data.every((v) => v === 0);
      if (zeros) assert.ok(!grads2[i] || grads2[i]!.abs().sum().item() === 0, `second derivative ${i}: expected zeros`);
      else assertTensor(grads2[i], want, `second derivative ${i}`);
    });
  });
}

// ---- PyTorch fixtures: modules ------------------------------------------------------------------

function construct(c: { module: string; args: unknown[]; opts?: Record<string, unknown> }): kiln.nn.Module {
  const Cls = modules[c.module];
  assert.ok(Cls, `nn.${c.module} exists`);
  return new Cls(...c.args, ...(c.opts ? [c.opts] : []));
}

for (const c of fixture.modules) {
  test(`torch module: ${c.name}`, () => {
    kiln.manualSeed(c.seed);
    const m = construct(c);
    assert.equal(m.toString(), c.repr, 'printout');
    // seeded initialisation draws PyTorch's numbers, under PyTorch's names
    const state = m.stateDict();
    assert.deepEqual(Object.keys(state), Object.keys(c.state), 'state dict keys');
    for (const [k, v] of Object.entries(c.state)) assertTensor(state[k], v, `initial ${k}`);
    if (!c.input) return;

    m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, fromFixture(v)])));
    const x = fromFixture(c.input).requiresGrad_();
    const result = m.forward(x, ...(c.forwardArgs ?? [])) as Tensor | Tensor[];
    const outs = Array.isArray(result) ? result : [result];
    const expected = 'tuple' in c.output! ? c.output.tuple : [c.output!];
    outs.forEach((o, i) => assertTensor(o, expected[i]!, `output ${i}`));
    const floating = outs.filter((o) => o.dtype === 'float32' || o.dtype === 'float64');
    floating.map((o, i) => o.mul(fromFixture(c.weights![i]!)).sum()).reduce((a, b) => a.add(b)).backward();
    assertTensor(x.grad, c.inputGrad!, 'input gradient');
    const params = Object.fromEntries(m.namedParameters());
    assert.deepEqual(Object.keys(params), Object.keys(c.paramGrads!), 'parameters');
    for (const [k, g] of Object.entries(c.paramGrads!)) assertTensor(params[k]!.grad, g, `gradient of ${k}`);
  });
}

for (const c of fixture.moduleErrors) {
  test(`torch module error: ${c.name}`, () => {
    assert.throws(() => construct(c), (e: Error) => {
      assert.equal(e.name, errorName(c.error));
      assert.equal(sortSets(e.message), sortSets(c.message));
      return true;
    });
  });
}

// ---- finite differences ---------------------------------------------------------------------------

const rand64 = (...shape: number[]): Tensor => kiln.randn(shape, { dtype: 'float64', requiresGrad: true });

test('gradcheck: conv2d with stride, padding, dilation and groups', () => {
  kiln.manualSeed(1);
  const [x, w, b] = [rand64(2, 4, 5, 4), rand64(6, 2, 2, 3), rand64(6)];
  assert.ok(kiln.autograd.gradcheck((x, w, b) => F.conv2d(x!, w!, b, { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 }), [x, w, b]));
  assert.ok(kiln.autograd.gradcheck((x, w) => F.conv2d(x!, w!, null, { padding: 'same' }), [rand64(1, 2, 4, 5), rand64(2, 2, 2, 3)]));
});

test('gradcheck: the one-group convolution op, with a frozen weight, a strided input, and an empty batch', () => {
  kiln.manualSeed(2);
  const opts = { stride: 2, dilation: 2, padding: [2, 1] as [number, number] };
  assert.ok(kiln.autograd.gradcheck((x, w, b) => F.conv2d(x!, w!, b, opts), [rand64(2, 2, 9, 8), rand64(3, 2, 3, 2), rand64(3)]));
  // only x and b require grad: the weight's gradient is skipped, x's still comes through col2im
  const frozen = kiln.randn([3, 2, 3, 3], { dtype: 'float64' });
  assert.ok(kiln.autograd.gradcheck((x, b) => F.conv2d(x!, frozen, b, { padding: 1 }), [rand64(2, 2, 6, 5), rand64(3)]));
  // an input that is a permuted view, and a weight that is not contiguous
  const strided = (x: Tensor, w: Tensor): Tensor => F.conv2d(kiln.permute(x, [2, 1, 3, 0]), kiln.transpose(w, 0, 1), null, { padding: 1 });
  assert.ok(kiln.autograd.gradcheck((x, w) => strided(x!, w!), [rand64(5, 2, 3, 4), rand64(2, 3, 3, 3)]));
  const empty = F.conv2d(kiln.randn([0, 3, 8, 8]), kiln.randn([4, 3, 3, 3]), kiln.randn([4]), { padding: 1 });
  assert.deepEqual(empty.shape, [0, 4, 8, 8]);
});

test('gradcheck: conv1d and transposed convolutions', () => {
  kiln.manualSeed(2);
  assert.ok(kiln.autograd.gradcheck((x, w, b) => F.conv1d(x!, w!, b, { stride: 2, padding: 1 }), [rand64(2, 2, 7), rand64(3, 2, 3), rand64(3)]));
  assert.ok(kiln.autograd.gradcheck(
    (x, w, b) => F.convTranspose2d(x!, w!, b, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }),
    [rand64(1, 4, 3, 2), rand64(4, 1, 3, 2), rand64(2)],
  ));
  assert.ok(kiln.autograd.gradcheck((x, w) => F.convTranspose1d(x!, w!, null, { dilation: 2 }), [rand64(2, 2, 4), rand64(2, 3, 2)]));
});

test('gradcheck: pooling', () => {
  kiln.manualSeed(3);
  const x = rand64(2, 2, 5, 5);
  assert.ok(kiln.autograd.gradcheck((x) => F.maxPool2d(x!, 3, { stride: 2, padding: 1, ceilMode: true }), [x]));
  assert.ok(kiln.autograd.gradcheck((x) => F.maxPool2d(x!, 2, { stride: 1, dilation: 2 }), [x]));
  assert.ok(kiln.autograd.gradcheck((x) => F.avgPool2d(x!, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [x]));
  assert.ok(kiln.autograd.gradcheck((x) => F.adaptiveAvgPool2d(x!, [3, 2]), [x]));
  assert.ok(kiln.autograd.gradcheck((x) => F.adaptiveMaxPool2d(x!, [3, 2]), [x]));
  assert.ok(kiln.autograd.gradcheck((x) => F.maxPool1d(x!, 3, { stride: 2, padding: 1, dilation: 1 }), [rand64(2, 2, 7)]));
  assert.ok(kiln.autograd.gradcheck((x) => F.avgPool1d(x!, 3, { stride: 2, padding: 1 }), [rand64(2, 2, 7)]));
});

test('gradcheck: interpolate, unfold and fold', () => {
  kiln.manualSeed(4);
  const x = rand64(1, 2, 3, 4);
  assert.ok(kiln.autograd.gradcheck((x) => F.interpolate(x!, { size: [5, 3], mode: 'bilinear' }), [x]));
  assert.ok(kiln.autograd.gradcheck((x) => F.interpolate(x!, { scaleFactor: 1.5, mode: 'bilinear', alignCorners: true }), [x]));
  assert.ok(kiln.autograd.gradcheck((x) => F.interpolate(x!, { size: [5, 7] }), [x]));
  assert.ok(kiln.autograd.gradcheck((x) => F.unfold(x!, 2, { padding: 1, stride: [1, 2] }), [x]));
  assert.ok(kiln.autograd.gradcheck((c) => F.fold(c!, [4, 5], 2, { padding: 1, stride: 2 }), [rand64(1, 8, 9)]));
});

test('gradcheck of the gradient: conv2d, convTranspose2d and maxPool2d differentiate twice', () => {
  kiln.manualSeed(5);
  const v = kiln.randn([1, 3, 3, 3], { dtype: 'float64' });
  // first derivatives of <conv(x, w), v>, as functions of x and w: their gradients are second derivatives
  const firstConv = (x: Tensor, w: Tensor): Tensor[] => kiln.autograd.grad(F.conv2d(x, w, null, { padding: 1, stride: 2 }).mul(v).sum(), [x, w], { createGraph: true }) as Tensor[];
  assert.ok(kiln.autograd.gradcheck((x, w) => firstConv(x!, w!), [rand64(1, 2, 5, 5), rand64(3, 2, 3, 3)]));
  const u = kiln.randn([1, 3, 5, 5], { dtype: 'float64' });
  const firstT = (x: Tensor, w: Tensor): Tensor[] => kiln.autograd.grad(F.convTranspose2d(x, w, null, { stride: 2, padding: 1 }).mul(u).sum(), [x, w], { createGraph: true }) as Tensor[];
  assert.ok(kiln.autograd.gradcheck((x, w) => firstT(x!, w!), [rand64(1, 2, 3, 3), rand64(2, 3, 3, 3)]));
  // max pooling's gradient is linear in the upstream gradient: check d(grad)/d(upstream)
  const x = kiln.randn([1, 2, 4, 4], { dtype: 'float64', requiresGrad: true });
  const out = F.maxPool2d(x, 2, { stride: 1 });
  assert.ok(kiln.autograd.gradcheck((g) => kiln.autograd.grad(out, [x], { gradOutputs: g!, createGraph: true, retainGraph: true })[0]!, [rand64(1, 2, 3, 3)]));
});

// ---- behaviour -------------------------------------------------------------------------------------

test('modules: parameter shapes, state dict keys and default initialisation bounds', () => {
  const conv = new nn.Conv2d(4, 6, [3, 2], { groups: 2 });
  assert.deepEqual(conv.weight.shape, [6, 2, 3, 2]);
  assert.deepEqual(conv.bias!.shape, [6]);
  assert.deepEqual(Object.keys(conv.stateDict()), ['weight', 'bias']);
  const bound = 1 / Math.sqrt(2 * 3 * 2);
  assert.ok(conv.weight.abs().max().item() as number <= bound);
  assert.ok(conv.bias!.abs().max().item() as number <= bound);
  const t = new nn.ConvTranspose2d(4, 6, 3, { groups: 2, bias: false });
  assert.deepEqual(t.weight.shape, [4, 3, 3, 3]);
  assert.equal(t.bias, null);
  assert.deepEqual(Object.keys(t.stateDict()), ['weight']);
  assert.deepEqual(new nn.Conv1d(2, 4, 5).weight.shape, [4, 2, 5]);
  const model = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.MaxPool2d(2), new nn.Conv2d(2, 3, 1, { bias: false }));
  assert.deepEqual(Object.keys(model.stateDict()), ['0.weight', '0.bias', '2.weight']);
});

test('modules: float64 through the dtype option and to()', () => {
  const conv = new nn.Conv2d(2, 3, 3, { padding: 1, dtype: 'float64' });
  assert.equal(conv.weight.dtype, 'float64');
  assert.equal(conv.forward(kiln.randn([1, 2, 4, 4], { dtype: 'float64' })).dtype, 'float64');
  const c32 = new nn.Conv1d(2, 3, 3).to('float64');
  assert.equal(c32.forward(kiln.randn([1, 2, 5], { dtype: 'float64' })).dtype, 'float64');
});

test('conv2d returns contiguous tensors, with and without bias', () => {
  const x = kiln.randn([2, 3, 5, 5]);
  const w = kiln.randn([4, 3, 3, 3]);
  assert.ok(F.conv2d(x, w).isContiguous());
  assert.ok(F.conv2d(x, w, kiln.randn([4])).isContiguous());
  assert.deepEqual(F.conv2d(x, w).view(2, -1).shape, [2, 36]);
});

test('conv2d reads strided inputs and weights', () => {
  const x = kiln.randn([3, 2, 5, 6]);
  const w = kiln.randn([4, 3, 3, 2]);
  const xs = x.permute(1, 0, 2, 3); // (2, 3, 5, 6), not contiguous
  const ws = w.transpose(0, 1).transpose(2, 3).transpose(2, 3); // (3, 4, 3, 2) -> transposed view
  const wt = ws.transpose(0, 1);
  const got = F.conv2d(xs, wt, null, { padding: 1 });
  const want = F.conv2d(xs.contiguous(), wt.contiguous(), null, { padding: 1 });
  assertMatches(got.numpy(), { dtype: 'float32', shape: [...want.shape], data: Array.from(want.flatten().tolist() as number[]) }, { rtol: 0, atol: 0 });
});

test('pooling modules return [values, indices] with returnIndices', () => {
  const pool = new nn.MaxPool2d(2, { returnIndices: true });
  const x = kiln.arange(16, { dtype: 'float32' }).reshape([1, 1, 4, 4]);
  const [values, indices] = pool.forward(x); // typed as [Tensor, Tensor]
  assert.deepEqual(values.flatten().tolist(), [5, 7, 13, 15]);
  assert.deepEqual(indices.flatten().tolist(), [5, 7, 13, 15]);
  assert.equal(indices.dtype, 'int64');
  const plain: Tensor = new nn.MaxPool2d(2).forward(x); // typed as Tensor
  assert.deepEqual(plain.shape, [1, 1, 2, 2]);
  const [, adaptiveIndices] = new nn.AdaptiveMaxPool2d(1, { returnIndices: true }).forward(x);
  assert.deepEqual(adaptiveIndices.flatten().tolist(), [15]);
});

test('ConvTranspose2d forward with an outputSize outside the valid range', () => {
  const m = new nn.ConvTranspose2d(3, 4, 3, { stride: 2 });
  const x = kiln.randn([2, 3, 5, 5]);
  assert.deepEqual((m.forward(x, [12, 12]) as Tensor).shape, [2, 4, 12, 12]);
  assert.deepEqual((m.forward(x, [2, 4, 11, 12]) as Tensor).shape, [2, 4, 11, 12]);
  assert.throws(() => m.forward(x, [13, 12]), { name: 'ValueError', message: 'requested an output size of (13, 12), but valid sizes range from [11, 11] to [12, 12] (for an input of torch.Size([5, 5]))' });
});

test('the digits CNN trains: loss falls over a few steps', () => {
  kiln.manualSeed(0);
  const model = new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.MaxPool2d(2), new nn.Conv2d(4, 8, 3, { padding: 1 }),
    new nn.AvgPool2d(2), new nn.Upsample({ scaleFactor: 2 }), new nn.AdaptiveAvgPool2d(1),
  );
  const x = kiln.randn([8, 1, 8, 8]);
  const target = kiln.randn([8, 8, 1, 1]);
  const lossAt = (): Tensor => (model.forward(x) as Tensor).sub(target).square().mean();
  const first = lossAt().item() as number;
  for (let i = 0; i < 20; i++) {
    model.zeroGrad();
    lossAt().backward();
    kiln.noGrad(() => { for (const p of model.parameters()) p.sub_(p.grad!.mul(0.2)); });
  }
  assert.ok((lossAt().item() as number) < first * 0.9);
});
