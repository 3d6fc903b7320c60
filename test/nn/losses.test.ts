/**
 * Losses: nn.functional's loss functions and the loss modules. Values, errors and input gradients
 * are pinned to PyTorch 1.13 by test/fixtures/torch_losses.json (made by
 * scripts/fixtures_torch/losses_fixtures.py); gradients are also checked against finite
 * differences in float64 with kiln.autograd.gradcheck, first and second order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as kiln from 'kiln';
import { assertMatches, decodeArray, loadFixture, type EncodedArray } from '../helpers.js';

const { nn } = kiln;
const F = nn.functional;
type Tensor = kiln.Tensor;

// ---- PyTorch fixtures ------------------------------------------------------------------------------

interface Arg { t: EncodedArray; grad: boolean }

interface Case {
  name: string;
  fn: string;
  args: Arg[];
  opts?: Record<string, unknown>;
  result: EncodedArray | { error: string; message: string };
  weights?: EncodedArray;
  grads?: (EncodedArray | null)[];
}

const fixture = loadFixture<Case>('torch_losses');
const fns = F as unknown as Record<string, (...args: unknown[]) => Tensor>;

/** The module class that wraps each function, built from the same options. */
const MODULES: Record<string, new (options: Record<string, unknown>) => { forward(...args: Tensor[]): Tensor }> = {
  mseLoss: nn.MSELoss, l1Loss: nn.L1Loss, smoothL1Loss: nn.SmoothL1Loss, huberLoss: nn.HuberLoss,
  crossEntropy: nn.CrossEntropyLoss, nllLoss: nn.NLLLoss, binaryCrossEntropy: nn.BCELoss,
  binaryCrossEntropyWithLogits: nn.BCEWithLogitsLoss, klDiv: nn.KLDivLoss, cosineEmbeddingLoss: nn.CosineEmbeddingLoss,
};

function decodeOptions(opts: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) {
    out[k] = v !== null && typeof v === 'object' && 't' in v ? kiln.tensor(decodeArray((v as { t: EncodedArray }).t)) : v;
  }
  return out;
}

function tolerance(dtype: string): { rtol: number; atol: number } {
  return dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 2e-5, atol: 2e-6 };
}

for (const c of fixture.cases) {
  test(`torch: ${c.name}`, () => {
    const args = c.args.map((a) => {
      const t = kiln.tensor(decodeArray(a.t));
      return a.grad ? t.requiresGrad_() : t;
    });
    const opts = decodeOptions(c.opts);
    const call = (): Tensor => fns[c.fn]!(...args, opts);
    if ('error' in c.result) {
      const { error, message } = c.result;
      assert.throws(call, (e: Error) => {
        assert.equal(e.message, message);
        if (error === 'ValueError' || error === 'IndexError') assert.equal(e.name, error);
        return true;
      });
      return;
    }
    const out = call();
    const tol = tolerance(c.result.dtype);
    assertMatches(out.detach().numpy(), c.result, tol, 'result');

    // the module computes the same
    const fromModule = new MODULES[c.fn]!(opts).forward(...args);
    assert.deepEqual(fromModule.detach().tolist(), out.detach().tolist(), 'module result');

    if (!c.weights || !c.grads) return;
    out.mul(kiln.tensor(decodeArray(c.weights))).sum().backward();
    c.grads.forEach((g, i) => {
      if (g === null) assert.equal(args[i]!.grad, null, `grad ${i} should be None`);
      else assertMatches(args[i]!.grad?.numpy(), g, tol, `grad ${i}`);
    });
  });
}

// ---- gradcheck in float64 ------------------------------------------------------------------------------

let seed = 777;
function uniform(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

/** A float64 leaf requiring grad, values in [lo, hi). */
function leaf(shape: number[], lo = -1, hi = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, () => lo + (hi - lo) * uniform());
  return kiln.tensor(values, { dtype: 'float64' }).reshape(shape).requiresGrad_();
}

const long = (values: number[]): Tensor => kiln.tensor(values, { dtype: 'int64' });

/** First and second order: the gradient of sum(w · ∂loss/∂inputs) is checked too. */
function checkBothOrders(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  assert.ok(kiln.autograd.gradcheck(fn, inputs));
  const secondOrder = (...xs: Tensor[]): Tensor => {
    const out = fn(...xs).sum();
    const grads = kiln.autograd.grad(out, xs.filter((x) => x.requiresGrad), { createGraph: true });
    return grads.reduce((acc: Tensor, g, i) => (g ? acc.add(g.mul(i + 1.5).sum()) : acc), kiln.tensor(0, { dtype: 'float64' }));
  };
  assert.ok(kiln.autograd.gradcheck(secondOrder, inputs));
}

const GRADCHECKS: [string, () => void][] = [
  ['mseLoss', () => checkBothOrders((a, b) => F.mseLoss(a!, b!), [leaf([3, 4]), leaf([3, 4])])],
  ['l1Loss none', () => checkBothOrders((a, b) => F.l1Loss(a!, b!, { reduction: 'none' }), [leaf([5]), leaf([5], 2, 3)])],
  ['smoothL1Loss', () => checkBothOrders((a, b) => F.smoothL1Loss(a!, b!, { beta: 0.7, reduction: 'sum' }), [leaf([8], -2, 2), leaf([8], -2, 2)])],
  ['huberLoss', () => checkBothOrders((a, b) => F.huberLoss(a!, b!, { delta: 0.6 }), [leaf([8], -2, 2), leaf([8], -2, 2)])],
  ['crossEntropy indices weight ignore', () => {
    const w = kiln.tensor([0.5, 1, 2], { dtype: 'float64' });
    checkBothOrders((x) => F.crossEntropy(x!, long([0, 2, -100, 1]), { weight: w }), [leaf([4, 3], -2, 2)]);
  }],
  ['crossEntropy label smoothing k-dim', () => {
    const w = kiln.tensor([0.5, 1, 2], { dtype: 'float64' });
    checkBothOrders((x) => F.crossEntropy(x!, long([0, 2, 1, 1, 0, 2]).reshape(2, 3), { weight: w, labelSmoothing: 0.2 }), [leaf([2, 3, 3], -2, 2)]);
  }],
  ['crossEntropy probabilities', () => {
    checkBothOrders((x, p) => F.crossEntropy(x!, p!, { labelSmoothing: 0.1 }), [leaf([3, 4], -2, 2), leaf([3, 4], 0, 1)]);
  }],
  ['nllLoss none', () => checkBothOrders((x) => F.nllLoss(x!, long([1, 0, 2]), { reduction: 'none' }), [leaf([3, 3])])],
  ['binaryCrossEntropy', () => {
    const w = kiln.tensor([0.5, 2, 1], { dtype: 'float64' });
    checkBothOrders((x, t) => F.binaryCrossEntropy(x!, t!, { weight: w }), [leaf([2, 3], 0.1, 0.9), leaf([2, 3], 0, 1)]);
  }],
  ['binaryCrossEntropyWithLogits', () => {
    const pw = kiln.tensor([0.5, 2, 3], { dtype: 'float64' });
    checkBothOrders((x, t) => F.binaryCrossEntropyWithLogits(x!, t!, { posWeight: pw, reduction: 'sum' }), [leaf([2, 3], -3, 3), leaf([2, 3], 0, 1)]);
  }],
  ['klDiv batchmean', () => checkBothOrders((x, t) => F.klDiv(x!, t!, { reduction: 'batchmean' }), [leaf([2, 3], -3, -0.1), leaf([2, 3], 0.1, 1)])],
  ['klDiv logTarget', () => checkBothOrders((x, t) => F.klDiv(x!, t!, { reduction: 'sum', logTarget: true }), [leaf([2, 3], -3, -0.1), leaf([2, 3], -3, -0.1)])],
  ['cosineEmbeddingLoss', () => {
    checkBothOrders((a, b) => F.cosineEmbeddingLoss(a!, b!, long([1, -1, -1]), { margin: -0.9 }), [leaf([3, 4]), leaf([3, 4])]);
  }],
];

for (const [name, run] of GRADCHECKS) test(`gradcheck: ${name}`, run);

// ---- modules ------------------------------------------------------------------------------------------

test('loss modules: weights are buffers with PyTorch state dict keys', () => {
  const ce = new nn.CrossEntropyLoss({ weight: kiln.tensor([1, 2, 3], { dtype: 'float32' }) });
  assert.deepEqual(Object.keys(ce.stateDict()), ['weight']);
  assert.deepEqual(ce.parameters(), []);
  assert.deepEqual(Object.keys(new nn.CrossEntropyLoss().stateDict()), []);
  const bce = new nn.BCEWithLogitsLoss({ posWeight: kiln.tensor([2]) });
  assert.deepEqual(Object.keys(bce.stateDict()), ['pos_weight']);
  ce.to('float64');
  assert.equal(ce.weight?.dtype, 'float64');
  assert.equal(String(ce), 'CrossEntropyLoss()');
});

test('loss modules: options and defaults', () => {
  const ce = new nn.CrossEntropyLoss();
  assert.equal(ce.reduction, 'mean');
  assert.equal(ce.ignoreIndex, -100);
  assert.equal(ce.labelSmoothing, 0);
  assert.equal(ce.weight, null);
  assert.equal(new nn.SmoothL1Loss({ beta: 0.5 }).beta, 0.5);
  assert.equal(new nn.HuberLoss().delta, 1);
  assert.equal(new nn.KLDivLoss({ reduction: 'batchmean' }).reduction, 'batchmean');
  assert.equal(new nn.CosineEmbeddingLoss({ margin: 0.2 }).margin, 0.2);
});

test('crossEntropy is stable for huge logits and its gradient is softmax - onehot', () => {
  const x = kiln.tensor([[1e4, 0, -1e4]], { requiresGrad: true });
  const loss = F.crossEntropy(x, long([1]));
  assert.equal(loss.item(), 1e4);
  loss.backward();
  assert.deepEqual(x.grad!.tolist(), [[1, -1, 0]]);
});

test('a loss trains: logistic regression with BCEWithLogitsLoss and plain gradient steps', () => {
  const x = kiln.tensor([[0, 0], [0, 1], [1, 0], [1, 1], [2, 2], [-1, 0]], { dtype: 'float32' });
  const y = kiln.tensor([[0], [0], [0], [1], [1], [0]], { dtype: 'float32' });
  const w = kiln.zeros(2, 1, { requiresGrad: true });
  const b = kiln.zeros(1, { requiresGrad: true });
  const lossFn = new nn.BCEWithLogitsLoss();
  const losses: number[] = [];
  for (let i = 0; i < 50; i++) {
    const loss = lossFn.forward(x.matmul(w).add(b), y);
    losses.push(Number(loss.item()));
    w.grad = null;
    b.grad = null;
    loss.backward();
    kiln.noGrad(() => {
      w.sub_(w.grad!.mul(0.5));
      b.sub_(b.grad!.mul(0.5));
    });
  }
  assert.ok(losses[49]! < losses[0]! / 2, `loss fell from ${losses[0]} to ${losses[49]}`);
});
