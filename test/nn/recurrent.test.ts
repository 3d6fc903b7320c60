/**
 * Recurrent and attention layers: RNN, LSTM, GRU and their cells, MultiheadAttention, the
 * Transformer blocks and nn.functional.scaledDotProductAttention. Outputs and the gradients of a
 * weighted-sum loss w.r.t. inputs, initial states and every parameter are pinned to PyTorch 1.13
 * by test/fixtures/torch_nn_recurrent.json (made by scripts/fixtures_torch/nn_recurrent_fixtures.py),
 * loading PyTorch's state dicts unchanged; seeded initialisation is pinned the same way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as kiln from 'kiln';
import { assertMatches, decodeArray, loadFixture, type EncodedArray } from '../helpers.js';

const { nn } = kiln;
const F = nn.functional;
type Tensor = kiln.Tensor;
type Module = kiln.nn.Module;

interface Spec {
  module: string;
  args: unknown[];
  options: Record<string, unknown>;
  layer?: Spec;
}

type ForwardValue = { input: string } | unknown;

interface ModuleCase extends Spec {
  name: string;
  kind: 'module';
  dtype: 'float32' | 'float64';
  train: boolean;
  seed?: number;
  tol?: number;
  state: Record<string, EncodedArray>;
  inputs: Record<string, { t: EncodedArray; grad: boolean }>;
  forward: Record<string, ForwardValue>;
  outputs: (EncodedArray | null)[];
  weights: (EncodedArray | null)[];
  grads: { inputs: Record<string, EncodedArray>; params: Record<string, EncodedArray> };
}

interface SdpaCase extends Omit<ModuleCase, 'kind' | keyof Spec | 'state' | 'train'> {
  kind: 'sdpa';
}

interface InitCase extends Spec {
  name: string;
  kind: 'init';
  seed: number;
  state: Record<string, EncodedArray>;
}

interface MaskCase {
  name: string;
  kind: 'mask';
  size: number;
  result: EncodedArray;
}

type Case = ModuleCase | SdpaCase | InitCase | MaskCase;

const fixture = loadFixture<Case>('torch_nn_recurrent');

const asTensor = (e: EncodedArray): Tensor => kiln.tensor(decodeArray(e));

/** The kiln module a spec describes (built as the fixture script builds PyTorch's). */
function build(spec: Spec): Module {
  const ctor = (nn as unknown as Record<string, new (...args: unknown[]) => Module>)[spec.module]!;
  if (spec.module === 'TransformerEncoder' || spec.module === 'TransformerDecoder') {
    const { norm, ...rest } = spec.options;
    const dModel = spec.layer!.args[0] as number;
    return new ctor(build(spec.layer!), spec.args[0], { ...rest, norm: norm ? new nn.LayerNorm(dModel) : null });
  }
  return spec.args.length > 0 ? new ctor(...spec.args, spec.options) : new ctor(spec.options);
}

/** Calls a module the way the fixture script called PyTorch's; returns its outputs in fixture order. */
function runForward(name: string, m: Module, x: Record<string, Tensor>, opts: Record<string, unknown>): (Tensor | null)[] {
  const mod = m as unknown as { forward: (...args: unknown[]) => unknown };
  switch (name) {
    case 'RNN': case 'GRU': {
      const [out, h] = mod.forward(x.input, x.hx ?? null) as [Tensor, Tensor];
      return [out, h];
    }
    case 'LSTM': {
      const [out, [h, c]] = mod.forward(x.input, x.h0 ? [x.h0, x.c0] : null) as [Tensor, [Tensor, Tensor]];
      return [out, h, c];
    }
    case 'RNNCell': case 'GRUCell':
      return [mod.forward(x.input, x.hx ?? null) as Tensor];
    case 'LSTMCell':
      return mod.forward(x.input, x.h0 ? [x.h0, x.c0] : null) as Tensor[];
    case 'MultiheadAttention': {
      const key = x.key ?? x.query;
      return mod.forward(x.query, key, x.value ?? key, opts) as (Tensor | null)[];
    }
    case 'TransformerEncoderLayer': case 'TransformerEncoder':
      return [mod.forward(x.src, opts) as Tensor];
    case 'TransformerDecoderLayer': case 'TransformerDecoder':
      return [mod.forward(x.tgt, x.memory, opts) as Tensor];
    case 'Transformer':
      return [mod.forward(x.src, x.tgt, opts) as Tensor];
    default:
      throw new Error(`no forward for ${name}`);
  }
}

/** Inputs as leaves (requiring grad where PyTorch's did) and forward options with masks resolved. */
function prepare(c: ModuleCase | SdpaCase): [Record<string, Tensor>, Record<string, unknown>] {
  const x: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(c.inputs)) x[k] = v.grad ? asTensor(v.t).requiresGrad_() : asTensor(v.t);
  const opts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.forward)) {
    opts[k] = v && typeof v === 'object' && 'input' in v ? x[(v as { input: string }).input] : v;
  }
  return [x, opts];
}

/** Compares outputs, then backpropagates sum_i (out_i * w_i).sum() and compares gradients. */
function checkOutputsAndGrads(c: ModuleCase | SdpaCase, outs: (Tensor | null)[], x: Record<string, Tensor>, params: [string, Tensor][]): void {
  const tol = c.tol ? { rtol: c.tol, atol: c.tol } : c.dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-5 };
  assert.equal(outs.length, c.outputs.length, 'number of outputs');
  let loss: Tensor | null = null;
  c.outputs.forEach((want, i) => {
    const got = outs[i] ?? null;
    if (want === null) {
      assert.equal(got, null, `output ${i} should be null`);
      return;
    }
    assert.ok(got, `output ${i} missing`);
    assertMatches(got.detach().numpy(), want, tol, `output ${i}`);
    const term = kiln.sum(kiln.mul(got, asTensor(c.weights[i]!)));
    loss = loss ? kiln.add(loss, term) : term;
  });
  (loss as unknown as Tensor).backward();
  for (const [k, want] of Object.entries(c.grads.inputs)) {
    assert.ok(x[k]!.grad, `no gradient for input ${k}`);
    assertMatches(x[k]!.grad!.numpy(), want, tol, `grad of input ${k}`);
  }
  const names = params.map(([k]) => k).sort();
  assert.deepEqual(names, Object.keys(c.grads.params).sort(), 'parameter names');
  for (const [k, p] of params) {
    assert.ok(p.grad, `no gradient for parameter ${k}`);
    assertMatches(p.grad!.numpy(), c.grads.params[k]!, tol, `grad of ${k}`);
  }
}

for (const c of fixture.cases) {
  if (c.kind === 'module') {
    test(`torch: ${c.name}`, () => {
      const m = build(c);
      if (c.dtype === 'float64') m.double();
      const state = Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, asTensor(v)]));
      assert.deepEqual(Object.keys(m.stateDict()).sort(), Object.keys(state).sort(), 'state dict keys');
      m.loadStateDict(state);
      m.train(c.train);
      const [x, opts] = prepare(c);
      if (c.seed !== undefined) kiln.manualSeed(c.seed);
      const outs = runForward(c.module, m, x, opts);
      checkOutputsAndGrads(c, outs, x, [...m.namedParameters()]);
    });
  } else if (c.kind === 'sdpa') {
    test(`torch: ${c.name}`, () => {
      const [x, opts] = prepare(c);
      const out = F.scaledDotProductAttention(x.query!, x.key!, x.value!, opts);
      checkOutputsAndGrads(c, [out], x, []);
    });
  } else if (c.kind === 'init') {
    test(`torch: ${c.name} (seed ${c.seed})`, () => {
      kiln.manualSeed(c.seed);
      const state = build(c).stateDict();
      assert.deepEqual(Object.keys(state), Object.keys(c.state), 'state dict keys, in order');
      for (const [k, v] of Object.entries(c.state)) assertMatches(state[k]!.numpy(), v, { rtol: 1e-6, atol: 1e-7 }, k);
    });
  } else {
    test(`torch: ${c.name}`, () => {
      assertMatches(nn.generateSquareSubsequentMask(c.size).numpy(), c.result, {}, 'mask');
      assertMatches(nn.Transformer.generateSquareSubsequentMask(c.size).numpy(), c.result, {}, 'static mask');
    });
  }
}

// ---- errors, with PyTorch's wording ---------------------------------------------------------------

test('RNN modules check input and state shapes', () => {
  const lstm = new nn.LSTM(6, 7, { numLayers: 2 });
  assert.throws(() => lstm.forward(kiln.zeros(5, 3, 6, 1)), { message: 'LSTM: Expected input to be 2D or 3D, got 4D instead' });
  assert.throws(() => lstm.forward(kiln.zeros(5, 3, 4)), { message: 'input.size(-1) must be equal to input_size. Expected 6, got 4' });
  assert.throws(() => lstm.forward(kiln.zeros(5, 3, 6), [kiln.zeros(1, 3, 7), kiln.zeros(2, 3, 7)]), { message: 'Expected hidden[0] size (2, 3, 7), got [1, 3, 7]' });
  assert.throws(() => lstm.forward(kiln.zeros(5, 3, 6), [kiln.zeros(2, 3, 7), kiln.zeros(2, 3, 6)]), { message: 'Expected hidden[1] size (2, 3, 7), got [2, 3, 6]' });
  assert.throws(() => lstm.forward(kiln.zeros(5, 3, 6), [kiln.zeros(2, 7), kiln.zeros(2, 7)]), { message: 'For batched 3-D input, hx and cx should also be 3-D but got (2-D, 2-D) tensors' });
  const gru = new nn.GRU(6, 7);
  assert.throws(() => gru.forward(kiln.zeros(5, 6), kiln.zeros(1, 1, 7)), { message: 'For unbatched 2-D input, hx should also be 2-D but got 3-D tensor' });
  assert.throws(() => gru.forward(kiln.zeros(5, 2, 6), kiln.zeros(1, 3, 7)), { message: 'Expected hidden size (1, 2, 7), got [1, 3, 7]' });
  assert.throws(() => new nn.LSTM(6, 7, { projSize: 7 }), { message: 'proj_size has to be smaller than hidden_size' });
  assert.throws(() => new nn.GRU(6, 7, { projSize: 2 } as object), { message: 'proj_size argument is only supported for LSTM, not RNN or GRU' });
  assert.throws(() => new nn.RNN(6, 7, { nonlinearity: 'sigmoid' as 'tanh' }), { message: "Unknown nonlinearity 'sigmoid'" });
  assert.throws(() => new nn.LSTM(6, 7, { dropout: 1.5 }), /dropout should be a number in range \[0, 1\]/);
  assert.throws(() => lstm.forward(kiln.zeros(0, 3, 6)), { message: 'Expected sequence length to be larger than 0 in RNN' });
  assert.throws(() => lstm.forward(kiln.zeros([5, 3, 6], { dtype: 'float64' })), { message: 'mat1 and mat2 must have the same dtype' });
});

test('cells check input and state shapes', () => {
  const cell = new nn.LSTMCell(5, 7);
  assert.throws(() => cell.forward(kiln.zeros(2, 3, 5)), { message: 'LSTMCell: Expected input to be 1-D or 2-D but received 3-D tensor' });
  assert.throws(() => cell.forward(kiln.zeros(3, 4)), { message: 'input has inconsistent input_size: got 4 expected 5' });
  assert.throws(() => cell.forward(kiln.zeros(3, 5), [kiln.zeros(2, 7), kiln.zeros(3, 7)]), { message: "Input batch size 3 doesn't match hidden0 batch size 2" });
  assert.throws(() => new nn.GRUCell(5, 7).forward(kiln.zeros(3, 5), kiln.zeros(3, 6)), { message: 'hidden has inconsistent hidden_size: got 6, expected 7' });
});

test('attention checks its arguments', () => {
  assert.throws(() => new nn.MultiheadAttention(8, 3), { message: 'embed_dim must be divisible by num_heads' });
  const mha = new nn.MultiheadAttention(8, 2);
  const q = kiln.zeros(4, 3, 8);
  const k = kiln.zeros(5, 3, 8);
  assert.throws(() => mha.forward(q, k, k, { attnMask: kiln.zeros(4, 4) }), { message: 'The shape of the 2D attn_mask is torch.Size([4, 4]), but should be (4, 5).' });
  assert.throws(() => mha.forward(q, k, k, { attnMask: kiln.zeros(2, 4, 5) }), { message: 'The shape of the 3D attn_mask is torch.Size([2, 4, 5]), but should be (6, 4, 5).' });
  assert.throws(() => mha.forward(q, k, k, { keyPaddingMask: kiln.zeros([3, 4], { dtype: 'bool' }) }), { message: 'expecting key_padding_mask shape of (3, 5), but got torch.Size([3, 4])' });
  assert.throws(() => mha.forward(q, k, k, { keyPaddingMask: kiln.zeros([3, 5], { dtype: 'int64' }) }), { message: 'only bool and floating types of key_padding_mask are supported' });
  assert.throws(() => mha.forward(q, k, kiln.zeros(5, 8)), /For batched \(3-D\) `query`, expected `key` and `value` to be 3-D but found 3-D and 2-D tensors respectively/);
  assert.throws(() => mha.forward(kiln.zeros(4, 3, 6), k, k), { message: 'was expecting embedding dimension of 8, but got 6' });
  assert.throws(() => mha.forward(q, q, q, { isCausal: true }), /Need attn_mask if specifying the is_causal hint/);
  const t = kiln.zeros(2, 3, 4);
  assert.throws(() => F.scaledDotProductAttention(t, t, t, { isCausal: true, attnMask: kiln.zeros(3, 3) }), { message: '_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True' });
  assert.throws(() => new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8 }).forward(kiln.zeros(5, 2, 8), kiln.zeros(4, 3, 8)), { message: 'the batch number of src and tgt must be equal' });
});

test('scaledDotProductAttention: dropout applies whenever dropoutP > 0', () => {
  kiln.manualSeed(2);
  const [q, k, v] = [kiln.randn(2, 3, 4), kiln.randn(2, 5, 4), kiln.randn(2, 5, 4)];
  const plain = F.scaledDotProductAttention(q, k, v);
  assert.deepEqual(F.scaledDotProductAttention(q, k, v, { dropoutP: 0 }).tolist(), plain.tolist());
  assert.ok((F.scaledDotProductAttention(q, k, v, { dropoutP: 1 }).numpy().toArray() as number[]).every((x) => x === 0));
  assert.notDeepEqual(F.scaledDotProductAttention(q, k, v, { dropoutP: 0.5 }).tolist(), plain.tolist());
});

// ---- gradients against finite differences (float64) -----------------------------------------------

test('gradcheck: LSTM with projection, GRU, RNN relu (float64)', () => {
  kiln.manualSeed(3);
  const lstm = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, projSize: 2 }).double();
  const x = kiln.randn([3, 1, 3], { dtype: 'float64' }).requiresGrad_();
  const h0 = kiln.randn([4, 1, 2], { dtype: 'float64' }).requiresGrad_();
  const c0 = kiln.randn([4, 1, 4], { dtype: 'float64' }).requiresGrad_();
  assert.ok(kiln.autograd.gradcheck((a, b, c) => {
    const [out, [h, cn]] = lstm.forward(a!, [b!, c!]);
    return [out, h, cn];
  }, [x, h0, c0]));
  const gru = new nn.GRU(3, 4, { batchFirst: true }).double();
  assert.ok(kiln.autograd.gradcheck((a) => gru.forward(a!)[0], [kiln.randn([2, 4, 3], { dtype: 'float64' }).requiresGrad_()]));
  const rnn = new nn.RNN(3, 4, { nonlinearity: 'relu' }).double();
  assert.ok(kiln.autograd.gradcheck((a) => rnn.forward(a!)[1], [kiln.randn([4, 2, 3], { dtype: 'float64' }).requiresGrad_()]));
});

test('gradcheck: MultiheadAttention with masks, scaledDotProductAttention (float64)', () => {
  kiln.manualSeed(4);
  const mha = new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 5 }).double();
  const q = kiln.randn([3, 2, 4], { dtype: 'float64' }).requiresGrad_();
  const k = kiln.randn([5, 2, 3], { dtype: 'float64' }).requiresGrad_();
  const v = kiln.randn([5, 2, 5], { dtype: 'float64' }).requiresGrad_();
  const kpm = kiln.tensor([[false, false, true, false, true], [false, true, false, false, false]]);
  assert.ok(kiln.autograd.gradcheck((a, b, c) => {
    const [out, weights] = mha.forward(a!, b!, c!, { keyPaddingMask: kpm, attnMask: nn.generateSquareSubsequentMask(5, { dtype: 'float64' }).narrow(0, 0, 3) });
    return [out, weights!];
  }, [q, k, v]));
  const qs = kiln.randn([2, 3, 4], { dtype: 'float64' }).requiresGrad_();
  assert.ok(kiln.autograd.gradcheck((a, b, c) => F.scaledDotProductAttention(a!, b!, c!, { isCausal: true }), [qs, qs.detach().clone().requiresGrad_(), qs.detach().clone().requiresGrad_()]));
});

// ---- modules: structure, copies, modes -------------------------------------------------------------

test('stateDict keys are PyTorch\'s', () => {
  const lstm = new nn.LSTM(6, 7, { numLayers: 2, bidirectional: true, projSize: 3 });
  assert.deepEqual(Object.keys(lstm.stateDict()).slice(0, 10), [
    'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_hr_l0',
    'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse', 'weight_hr_l0_reverse',
  ]);
  assert.equal(lstm.allWeights.length, 4);
  const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 2);
  assert.deepEqual(Object.keys(enc.stateDict()).filter((k) => k.startsWith('layers.1.')), [
    'layers.1.self_attn.in_proj_weight', 'layers.1.self_attn.in_proj_bias', 'layers.1.self_attn.out_proj.weight',
    'layers.1.self_attn.out_proj.bias', 'layers.1.linear1.weight', 'layers.1.linear1.bias', 'layers.1.linear2.weight',
    'layers.1.linear2.bias', 'layers.1.norm1.weight', 'layers.1.norm1.bias', 'layers.1.norm2.weight', 'layers.1.norm2.bias',
  ]);
});

test('TransformerEncoder stacks independent deep copies of its layer', () => {
  const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
  const enc = new nn.TransformerEncoder(layer, 2);
  const [a, b] = [...enc.layers] as kiln.nn.TransformerEncoderLayer[];
  assert.notEqual(a!.linear1.weight, b!.linear1.weight);
  assert.deepEqual(a!.linear1.weight.tolist(), layer.linear1.weight.tolist());
  kiln.noGrad(() => a!.linear1.weight.fill_(1));
  assert.notDeepEqual(b!.linear1.weight.tolist(), a!.linear1.weight.tolist());
  assert.notDeepEqual(layer.linear1.weight.tolist(), a!.linear1.weight.tolist());
  assert.equal(enc.parameters().length, 2 * layer.parameters().length);
  assert.ok(b!.self_attn instanceof nn.MultiheadAttention);
  assert.equal(b!.training, true);
});

test('module printouts', () => {
  assert.equal(String(new nn.LSTM(6, 7, { numLayers: 2, batchFirst: true })), 'LSTM(6, 7, num_layers=2, batch_first=True)');
  assert.equal(String(new nn.GRU(3, 4, { bias: false, dropout: 0.5, numLayers: 2, bidirectional: true })), 'GRU(3, 4, num_layers=2, bias=False, dropout=0.5, bidirectional=True)');
  assert.equal(String(new nn.RNNCell(3, 4, { nonlinearity: 'relu' })), 'RNNCell(3, 4, nonlinearity=relu)');
});

test('dropout: between recurrent layers and on attention weights only in training', () => {
  kiln.manualSeed(0);
  const lstm = new nn.LSTM(3, 8, { numLayers: 2, dropout: 0.5 });
  const x = kiln.randn(6, 2, 3);
  const [evalA] = lstm.eval().forward(x);
  const [evalB] = lstm.forward(x);
  assert.deepEqual(evalA.tolist(), evalB.tolist());
  const [trainA] = lstm.train().forward(x);
  assert.notDeepEqual(trainA.tolist(), evalA.tolist());

  const mha = new nn.MultiheadAttention(8, 2, { dropout: 0.5 });
  const q = kiln.randn(4, 2, 8);
  const [, wTrain] = mha.forward(q, q, q, { averageAttnWeights: false });
  // dropped weights are 0, kept ones scaled by 2, so rows no longer sum to 1
  assert.ok((wTrain!.detach().numpy().toArray() as number[]).some((v) => v === 0));
  const [, wEval] = mha.eval().forward(q, q, q);
  for (const s of kiln.sum(wEval!, -1).detach().numpy().toArray() as number[]) assert.ok(Math.abs(s - 1) < 1e-6);
});

test('an LSTM learns to sum its inputs', () => {
  kiln.manualSeed(1);
  const lstm = new nn.LSTM(1, 8, { batchFirst: true });
  const head = new nn.Linear(8, 1);
  const params = [...lstm.parameters(), ...head.parameters()];
  const x = kiln.randn(16, 5, 1);
  const target = kiln.sum(x, 1);
  const losses: number[] = [];
  for (let step = 0; step < 60; step++) {
    const [out] = lstm.forward(x);
    const pred = head.forward(out.narrow(1, 4, 1).reshape(16, 8));
    const loss = kiln.mean(kiln.square(kiln.sub(pred, target)));
    for (const p of params) p.grad = null;
    loss.backward();
    kiln.noGrad(() => { for (const p of params) p.sub_(kiln.mul(p.grad!, 0.5)); });
    losses.push(Number(loss.item()));
  }
  assert.ok(losses.at(-1)! < 0.5 * losses[0]!, `loss ${losses[0]} -> ${losses.at(-1)}`);
});
