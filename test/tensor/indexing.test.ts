/**
 * Tensor indexing (get/set), gather, scatter, scatterAdd, indexSelect, take, maskedSelect and
 * indexAdd: against PyTorch 1.13 (test/fixtures/torch_indexing.json, made by
 * scripts/fixtures_torch/indexing.py) for values, views, errors and gradients, then by hand for
 * memory sharing, in-place rules, gradcheck (first and second order) and dtypes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as kiln from 'kiln';
import { type EncodedArray, type EncodedError, assertMatches, decodeArray, loadFixture } from '../helpers.js';

type Item =
  | { int: number } | { slice: (number | null)[] } | { none: true } | { ellipsis: true } | { bool: boolean }
  | { list: unknown[] } | { tensor: EncodedArray };
type Arg = { t: EncodedArray; grad: boolean } | { v: unknown };

interface Case {
  kind: 'get' | 'set' | 'fn';
  name: string;
  x: EncodedArray;
  index: Item[];
  permute?: number[];
  value?: Arg;
  fn: string;
  args: Arg[];
  result: EncodedArray | EncodedError;
  view?: boolean;
  weights?: EncodedArray;
  grad?: EncodedArray;
  valueGrad?: EncodedArray;
  grads?: (EncodedArray | null)[];
}

const { cases } = loadFixture<Case>('torch_indexing');

/** Where kiln keeps PyTorch 2's wording (1.13's text is in the fixture). */
const MESSAGE_DEVIATIONS: Record<string, string> = {
  'float index tensor': 'tensors used as indices must be long, int, byte or bool tensors',
};

const f64 = { dtype: 'float64' } as const;
const fromEncoded = (e: EncodedArray, requiresGrad = false): kiln.Tensor => kiln.tensor(decodeArray(e), { requiresGrad });

function decodeItem(it: Item): kiln.TensorIndexItem {
  if ('int' in it) return it.int;
  if ('slice' in it) return it.slice.map((v) => (v === null ? '' : String(v))).join(':');
  if ('none' in it) return null;
  if ('ellipsis' in it) return '...';
  if ('bool' in it) return it.bool;
  if ('list' in it) return it.list as kiln.TensorIndexItem;
  return fromEncoded(it.tensor);
}

/** A Python tuple of items as kiln's item list; a lone boolean stays a boolean (a JS [true] is a mask). */
function decodeIndex(items: Item[]): kiln.TensorIndex {
  const decoded = items.map(decodeItem);
  return decoded.length === 1 && typeof decoded[0] === 'boolean' ? decoded[0] : decoded;
}

function assertTensor(actual: kiln.Tensor, expected: EncodedArray, label: string): void {
  const tol = expected.dtype === 'float64' ? { rtol: 1e-12, atol: 1e-14 } : {};
  assertMatches(actual.detach().numpy(), expected, tol, label);
}

function assertError(fn: () => unknown, expected: EncodedError, name: string): void {
  const message = MESSAGE_DEVIATIONS[name] ?? expected.message;
  assert.throws(fn, (e: Error) => {
    assert.equal(e.message, message, name);
    return true;
  });
}

function buildArg(a: Arg): unknown {
  return 't' in a ? fromEncoded(a.t, a.grad) : a.v;
}

for (const c of cases) {
  test(`torch ${c.kind}: ${c.name}`, () => {
    if (c.kind === 'get') {
      const leaf = fromEncoded(c.x, true);
      const src = c.permute ? leaf.permute(c.permute) : leaf;
      const run = (): kiln.Tensor => src.get(decodeIndex(c.index));
      if ('error' in c.result) return assertError(run, c.result, c.name);
      const out = run();
      assertTensor(out, c.result, 'value');
      assert.equal(out.storage === leaf.storage, c.view, 'shares memory exactly when PyTorch makes a view');
      out.mul(fromEncoded(c.weights!)).sum().backward();
      assertTensor(leaf.grad!, c.grad!, 'grad');
    } else if (c.kind === 'set') {
      const isFloat = c.x.dtype.startsWith('float');
      const leaf = fromEncoded(c.x, isFloat);
      const value = buildArg(c.value!) as kiln.TensorLike;
      const y = leaf.clone();
      const run = (): kiln.Tensor => y.set(decodeIndex(c.index), value);
      if ('error' in c.result) return assertError(run, c.result, c.name);
      assert.equal(run(), y, 'set returns the tensor it wrote into');
      assertTensor(y, c.result, 'value');
      if (!isFloat) return;
      y.mul(fromEncoded(c.weights!)).sum().backward();
      assertTensor(leaf.grad!, c.grad!, 'grad of x');
      if (c.valueGrad) assertTensor((value as kiln.Tensor).grad!, c.valueGrad, 'grad of value');
    } else {
      const args = c.args.map(buildArg);
      const f = (kiln as unknown as Record<string, (...a: unknown[]) => kiln.Tensor>)[c.fn]!;
      assert.equal(typeof f, 'function', `kiln.${c.fn}`);
      if ('error' in c.result) return assertError(() => f(...args), c.result, c.name);
      const out = f(...args);
      assertTensor(out, c.result, 'value');
      if (!c.grads) return;
      out.mul(fromEncoded(c.weights!)).sum().backward();
      c.grads.forEach((g, i) => {
        if (g) assertTensor((args[i] as kiln.Tensor).grad!, g, `grad of argument ${i}`);
      });
    }
  });
}

// ---- views and memory ---------------------------------------------------------------------------

test('basic indexing makes views that share memory', () => {
  const t = kiln.arange(12).reshape(3, 4);
  const rows = t.get('1:3');
  assert.equal(rows.storage, t.storage);
  rows.fill_(-1);
  assert.deepEqual(t.tolist(), [[0, 1, 2, 3], [-1, -1, -1, -1], [-1, -1, -1, -1]]);
  t.get(':, ::2').set([], 7);
  assert.deepEqual(t.get(0).tolist(), [7, 1, 7, 3]);
  t.get('..., 1').mul_(10);
  assert.deepEqual(t.get(':, 1').tolist(), [10, -10, -10]);
});

test('full integer indexing gives a 0-d view, as PyTorch', () => {
  const t = kiln.arange(6, f64).reshape(2, 3);
  const e = t.get('1, 2');
  assert.ok(e instanceof kiln.Tensor);
  assert.deepEqual(e.shape, []);
  assert.equal(e.item(), 5);
  e.fill_(42);
  assert.equal(t.get([1, 2]).item(), 42);
  assert.equal(t.get(kiln.tensor(1)).get(kiln.tensor(2)).item(), 42, 'a 0-d int64 tensor is an integer');
  assert.equal(t.get([-1, -1]).storage, t.storage);
});

test('advanced indexing copies', () => {
  const t = kiln.arange(5);
  const picked = t.get([[4, 4, 0]]);
  assert.notEqual(picked.storage, t.storage);
  picked.fill_(0);
  assert.deepEqual(t.tolist(), [0, 1, 2, 3, 4]);
  assert.deepEqual(t.get(t.gt(2)).tolist(), [3, 4]);
  assert.deepEqual(t.get(kiln.tensor([1, 1], { dtype: 'int32' })).tolist(), [1, 1]);
  assert.deepEqual(t.get(kiln.np.array([3, 0])).tolist(), [3, 0], 'NDArray index arrays work too');
  assert.deepEqual(t.get(kiln.tensor([1, 0, 0, 0, 1], { dtype: 'uint8' })).tolist(), [0, 4], 'uint8 is a mask, as in PyTorch');
});

test('NumPy notation strings and item lists', () => {
  const t = kiln.arange(24).reshape(2, 3, 4);
  assert.deepEqual(t.get('0, :, [0, 1]').shape, [3, 2], 'integers select before index tensors (PyTorch)');
  assert.deepEqual(t.get('[0, 1], :, [0, 1]').shape, [2, 3]);
  assert.deepEqual(t.get('..., None').shape, [2, 3, 4, 1]);
  assert.deepEqual(t.get('1:, ::2, -1').tolist(), [[15, 23]]);
  assert.deepEqual(t.get([1, '1:', [3, 0]]).tolist(), [[19, 16], [23, 20]]);
  assert.deepEqual(t.get('True').shape, [1, 2, 3, 4]);
  assert.deepEqual(t.get([true, false]).shape, [1, 3, 4], 'a list of booleans is a mask');
});

// ---- set ------------------------------------------------------------------------------------------

test('set broadcasts, casts and writes in place', () => {
  const t = kiln.zeros(2, 3);
  const version = t.storage.version;
  assert.equal(t.set(':, 1', kiln.tensor([5, 6])), t);
  assert.ok(t.storage.version > version, 'bumps the storage version');
  t.set(0, kiln.tensor([1, 2, 3], { dtype: 'int64' }));
  t.set([[1, 1], [0, 2]], 9);
  assert.deepEqual(t.tolist(), [[1, 2, 3], [9, 6, 9]]);
  const i = kiln.arange(4);
  i.set(i.gt(1), 2.9);
  i.set(0, true);
  assert.deepEqual(i.tolist(), [1, 1, 2, 2]);
  const b = kiln.zeros(3, { dtype: 'bool' });
  b.set([[0, 2]], 5);
  assert.deepEqual(b.tolist(), [true, false, true]);
});

test('set with a value overlapping the destination reads the old values', () => {
  // PyTorch refuses this exact overlap; kiln copies the value first, as NumPy does
  const t = kiln.arange(5);
  t.set('1:', t.get(':-1'));
  assert.deepEqual(t.tolist(), [0, 0, 1, 2, 3]);
});

test('set on a leaf that requires grad: PyTorch errors, allowed under noGrad', () => {
  const leaf = kiln.zeros(3, { requiresGrad: true });
  assert.throws(() => leaf.set(0, 1), { message: 'a view of a leaf Variable that requires grad is being used in an in-place operation.' });
  assert.throws(() => leaf.set([[0]], 1), { message: 'a leaf Variable that requires grad is being used in an in-place operation.' });
  assert.throws(() => leaf.set('...', 1), { message: 'a leaf Variable that requires grad is being used in an in-place operation.' });
  kiln.noGrad(() => leaf.set(1, 4));
  assert.deepEqual(leaf.tolist(), [0, 4, 0]);
  assert.equal(leaf.gradFn, null);
});

test('set after a tensor was saved for backward raises PyTorch\'s error', () => {
  const leaf = kiln.ones(3, { requiresGrad: true });
  const a = leaf.mul(2);
  const b = a.mul(a);
  a.set(0, 5);
  assert.throws(() => b.sum().backward(), /modified by an inplace operation/);
});

test('set records a node: the value\'s gradient flows, the overwritten part of x gets none', () => {
  const x = kiln.tensor([1, 2, 3, 4], { dtype: 'float64', requiresGrad: true });
  const v = kiln.tensor(10, { dtype: 'float32', requiresGrad: true });
  const y = x.mul(1);
  y.set([[1, 3, 3]], v);
  assert.equal(y.gradFn?.name, 'IndexPutBackward0');
  y.mul(kiln.tensor([1, 2, 3, 4], f64)).sum().backward();
  assert.deepEqual(x.grad!.tolist(), [1, 0, 3, 0]);
  assert.equal(v.grad!.dtype, 'float32');
  assert.equal(v.grad!.item(), 2 + 4 + 4, 'duplicates each get the gradient, as PyTorch');
  // a plain tensor becomes part of the graph when a value that requires grad is written into it
  const z = kiln.zeros(3, f64);
  const w = kiln.tensor(2, { dtype: 'float64', requiresGrad: true });
  z.set(1, w);
  assert.ok(z.requiresGrad && !z.isLeaf);
  z.mul(kiln.tensor([1, 2, 3], f64)).sum().backward();
  assert.equal(w.grad!.item(), 2);
});

// ---- gradcheck: first and second order ----------------------------------------------------------

let seed = 0;
/** A float64 leaf with fixed, distinct values (independent of the random generator). */
function rnd(...shape: number[]): kiln.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  seed++;
  const values = Array.from({ length: n }, (_, k) => Math.sin(1.7 * k + seed) + 0.1 * k);
  return kiln.tensor(values, f64).reshape(shape).requiresGrad_();
}
const idx = (data: unknown): kiln.Tensor => kiln.tensor(data, { dtype: 'int64' });

/** gradcheck of f, and of the gradient of (f(x) * f(x)).sum() (so the double backward too). */
function checkTwice(f: (...a: kiln.Tensor[]) => kiln.Tensor, inputs: kiln.Tensor[]): void {
  assert.ok(kiln.autograd.gradcheck(f, inputs));
  const first = (...a: kiln.Tensor[]): kiln.Tensor[] => {
    // gradcheck evaluates under noGrad; the gradient itself needs a graph
    return kiln.enableGrad(() => {
      const out = f(...a);
      return kiln.autograd.grad(out.mul(out).sum(), a, { createGraph: true }).map((g, i) => g ?? kiln.zerosLike(a[i]!));
    });
  };
  assert.ok(kiln.autograd.gradcheck(first, inputs));
}

test('gradcheck: get, basic and advanced (with duplicates and masks)', () => {
  const x = rnd(3, 4);
  checkTwice((a) => a.get('1:, ::2'), [x]);
  checkTwice((a) => a.get('2, 1'), [x]);
  checkTwice((a) => a.get('None, ..., 0'), [x]);
  checkTwice((a) => a.get([[0, 0, 2], [1, 1, 3]]), [x]);
  checkTwice((a) => a.get([':', [3, 3, 0]]), [x]);
  checkTwice((a) => a.get(kiln.tensor([[true, false, true, true], [false, false, false, true], [true, true, false, false]])), [x]);
  checkTwice((a) => a.t().get([[1, 1], 0]), [x]);
});

test('gradcheck: set, w.r.t. the tensor written into and the value', () => {
  const x = rnd(3, 4);
  const row = rnd(4);
  const v = rnd(2, 1);
  checkTwice((a, r) => a.mul(1).set(1, r), [x, row]);
  checkTwice((a, b) => a.mul(1).set([[0, 2], ':2'], b), [x, v]);
  checkTwice((a, b) => a.mul(1).set(a.gt(0.5), b.get(0)), [x, v]);
  // with repeated positions PyTorch (and kiln) give the value the gradient of every repeat, not
  // only of the write that wins: the fixture case 'index tensors with duplicates' pins that
});

test('gradcheck: gather, scatter, scatterAdd, indexSelect, take, maskedSelect, indexAdd', () => {
  const x = rnd(3, 4);
  const i = idx([[0, 0, 3], [1, 1, 1], [2, 3, 2]]);
  checkTwice((a) => kiln.gather(a, 1, i), [x]);
  checkTwice((a) => kiln.gather(a, 0, idx([[2, 2, 0, 1]])), [x]);
  const s = rnd(3, 3);
  const bigger = rnd(3, 5);
  const distinct = idx([[0, 1, 3], [2, 1, 0], [3, 2, 1]]);
  checkTwice((a, b) => kiln.scatter(a, 1, distinct, b), [x, s]);
  checkTwice((a, b) => kiln.scatter(a, 1, distinct, b), [x, bigger]);
  checkTwice((a) => kiln.scatter(a, 1, i, 0.5), [x]);
  checkTwice((a, b) => kiln.scatterAdd(a, 1, i, b), [x, s]);
  checkTwice((a) => kiln.indexSelect(a, 1, idx([3, 0, 3])), [x]);
  checkTwice((a) => kiln.take(a, idx([[0, -1], [11, 4]])), [x]);
  checkTwice((a) => kiln.maskedSelect(a, kiln.tensor([true, false, true, true])), [x]);
  checkTwice((a, b) => kiln.indexAdd(a, 0, idx([2, 0, 2]), b, { alpha: -1.5 }), [x, rnd(3, 4)]);
});

// ---- in-place variants, dtypes, sizes -------------------------------------------------------------

test('scatter_, scatterAdd_ and indexAdd_ write in place', () => {
  const t = kiln.zeros(2, 3);
  assert.equal(t.scatter_(1, idx([[2], [0]]), 5), t);
  t.scatterAdd_(0, idx([[1, 1, 1]]), kiln.ones(1, 3));
  t.indexAdd_(1, idx([0, 0]), kiln.ones(2, 2), { alpha: 2 });
  assert.deepEqual(t.tolist(), [[4, 0, 5], [10, 1, 1]]);
  assert.throws(() => kiln.zeros(2, { requiresGrad: true }).scatter_(0, idx([0]), 1), /leaf Variable/);
});

test('integer, bool and float16 tensors', () => {
  const i = kiln.arange(6).reshape(2, 3);
  assert.deepEqual(i.gather(1, idx([[2, 2], [0, 1]])).tolist(), [[2, 2], [3, 4]]);
  assert.deepEqual(i.scatterAdd(1, idx([[0, 0, 0]]), idx([[1, 2, 3]])).tolist(), [[6, 1, 2], [3, 4, 5]]);
  const h = kiln.tensor([0.5, 1.5, 2.5], { dtype: 'float16' });
  assert.deepEqual(h.get([[2, 0]]).tolist(), [2.5, 0.5]);
  assert.deepEqual(h.scatterAdd(0, idx([0, 0, 0]), h).tolist(), [5, 1.5, 2.5]);
  const b = kiln.tensor([true, false, true]);
  assert.deepEqual(b.indexSelect(0, idx([1, 2])).tolist(), [false, true]);
});

test('a large lookup stays fast (embedding-style indexSelect and its gradient)', () => {
  const weight = kiln.ones([2000, 64], { requiresGrad: true });
  const tokens = idx(Array.from({ length: 4096 }, (_, k) => (k * 7919) % 2000));
  const start = performance.now();
  const rows = weight.indexSelect(0, tokens);
  rows.sum().backward();
  const viaGet = weight.get(tokens);
  assert.deepEqual(rows.shape, [4096, 64]);
  assert.deepEqual(viaGet.shape, [4096, 64]);
  assert.ok(performance.now() - start < 2000, 'a quarter-million-element gather with backward in under 2 s');
});
