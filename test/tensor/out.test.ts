/** PyTorch's out= option: values, dtype casts, errors, identity and in-place writes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as kiln from 'kiln';

const a = (): kiln.Tensor => kiln.tensor([[1, 2, 3], [4, 5, 6]]).float();
const b = (): kiln.Tensor => kiln.tensor([10, 20, 30]).float();

test('add(a, b, {out}) writes into out and returns the same object', () => {
  const out = kiln.empty(2, 3);
  const v0 = out.storage.version;
  const r = kiln.add(a(), b(), { out });
  assert.equal(r, out);
  assert.deepEqual(out.tolist(), [[11, 22, 33], [14, 25, 36]]);
  assert.ok(out.storage.version > v0);
  kiln.add(a(), b(), { alpha: 2, out });
  assert.deepEqual(out.tolist(), [[21, 42, 63], [24, 45, 66]]);
});

test('out may be a view: memory is written in place', () => {
  const c = kiln.zeros(2, 3);
  const row = c.get(0);
  const r = kiln.mul(b(), 2, { out: row });
  assert.equal(r, row);
  assert.deepEqual(c.tolist(), [[20, 40, 60], [0, 0, 0]]);
  const col = c.get([':', 1]);
  kiln.sub(kiln.tensor([1, 2]).float(), 1, { out: col });
  assert.deepEqual(c.tolist(), [[20, 0, 60], [0, 1, 0]]);
});

test('binary and unary ops with out', () => {
  const x = kiln.tensor([1, 4, 9]).float();
  const out = kiln.empty(3);
  assert.deepEqual(kiln.sqrt(x, { out }).tolist(), [1, 2, 3]);
  assert.deepEqual(kiln.div(x, 2, { out }).tolist(), [0.5, 2, 4.5]);
  assert.deepEqual(kiln.div(x, 2, { roundingMode: 'floor', out }).tolist(), [0, 2, 4]);
  assert.deepEqual(kiln.pow(x, 2, { out }).tolist(), [1, 16, 81]);
  assert.deepEqual(kiln.neg(x, { out }).tolist(), [-1, -4, -9]);
  assert.deepEqual(kiln.abs(kiln.neg(x), { out }).tolist(), [1, 4, 9]);
  assert.deepEqual(kiln.clamp(x, 2, 5, { out }).tolist(), [2, 4, 5]);
  assert.deepEqual(kiln.maximum(x, kiln.full([3], 5), { out }).tolist(), [5, 5, 9]);
  assert.deepEqual(kiln.minimum(x, kiln.full([3], 5), { out }).tolist(), [1, 4, 5]);
  assert.deepEqual(kiln.where(kiln.gt(x, 3), x, 0, { out }).tolist(), [0, 4, 9]);
  for (const [f, g] of [[kiln.exp, Math.exp], [kiln.log, Math.log], [kiln.sin, Math.sin], [kiln.cos, Math.cos], [kiln.tanh, Math.tanh]] as const) {
    f(x, { out });
    (out.tolist() as number[]).forEach((v, i) => assert.ok(Math.abs(v - g([1, 4, 9][i]!)) < 1e-4 * Math.max(1, Math.abs(v))));
  }
  kiln.sigmoid(kiln.zeros(3), { out });
  assert.deepEqual(out.tolist(), [0.5, 0.5, 0.5]);
  // out aliasing an input element for element: x = x + 1
  const y = kiln.tensor([1, 2, 3]).float();
  assert.equal(kiln.add(y, 1, { out: y }), y);
  assert.deepEqual(y.tolist(), [2, 3, 4]);
  // partial overlap computes aside first
  const z = kiln.tensor([1, 2, 3, 4]).float();
  kiln.add(z.narrow(0, 0, 3), 0, { out: z.narrow(0, 1, 3) });
  assert.deepEqual(z.tolist(), [1, 1, 2, 3]);
});

test('comparisons need a bool-compatible out', () => {
  const x = kiln.tensor([1, 2, 3]);
  const out = kiln.empty([3], { dtype: 'bool' });
  assert.equal(kiln.lt(x, 2, { out }), out);
  assert.deepEqual(out.tolist(), [true, false, false]);
  kiln.eq(x, 2, { out });
  assert.deepEqual(out.tolist(), [false, true, false]);
  // bool results may be cast to any dtype
  const f = kiln.empty(3);
  kiln.ge(x, 2, { out: f });
  assert.deepEqual(f.tolist(), [0, 1, 1]);
});

test('dtype: the result is cast to out when allowed', () => {
  const d = kiln.empty([3], { dtype: 'float64' });
  kiln.add(kiln.tensor([1, 2, 3]), 1, { out: d });
  assert.equal(d.dtype, 'float64');
  assert.deepEqual(d.tolist(), [2, 3, 4]);
  const l = kiln.empty([3], { dtype: 'int64' });
  assert.throws(() => kiln.add(kiln.tensor([1.5, 2, 3]), 1, { out: l }), /result type Float can't be cast to the desired output type Long/);
  assert.throws(() => kiln.sum(kiln.tensor([1.5, 2]), 0, false, { out: kiln.empty([], { dtype: 'int64' }) }), /can't be cast/);
  const bool = kiln.empty([3], { dtype: 'bool' });
  assert.throws(() => kiln.add(kiln.tensor([1, 2, 3]), 1, { out: bool }), /result type Long can't be cast to the desired output type Bool/);
});

test('grad: out= is not differentiable', () => {
  const x = kiln.ones([3], { requiresGrad: true });
  assert.throws(() => kiln.add(x, 1, { out: kiln.empty(3) }),
    /add\(\): functions with out=\.\.\. arguments don't support automatic differentiation, but one of the arguments requires grad\./);
  assert.throws(() => kiln.exp(x, { out: kiln.empty(3) }), /exp\(\): functions with out/);
  assert.throws(() => kiln.sum(x, 0, false, { out: kiln.empty([]) }), /sum\(\): functions with out/);
  assert.throws(() => kiln.matmul(x, x, { out: kiln.empty([]) }), /matmul\(\): functions with out/);
  // under noGrad it is allowed
  const out = kiln.empty(3);
  kiln.noGrad(() => kiln.add(x, 1, { out }));
  assert.deepEqual(out.tolist(), [2, 2, 2]);
  assert.equal(out.requiresGrad, false);
});

test('shape: an empty out is resized, a non-empty one of another shape is refused', () => {
  const out = kiln.empty(0);
  const r = kiln.add(a(), b(), { out });
  assert.equal(r, out);
  assert.deepEqual(out.shape, [2, 3]);
  assert.deepEqual(out.tolist(), [[11, 22, 33], [14, 25, 36]]);
  assert.throws(() => kiln.add(a(), b(), { out: kiln.empty(4) }), /output with shape \[4\] doesn't match/);
  assert.throws(() => kiln.sum(a(), 1, false, { out: kiln.empty(3) }), /sum\(\): output with shape \[3\] doesn't match the result shape \[2\]/);
});

test('reductions with out', () => {
  const out = kiln.empty(2);
  assert.equal(kiln.sum(a(), 1, false, { out }), out);
  assert.deepEqual(out.tolist(), [6, 15]);
  kiln.mean(a(), 1, false, { out });
  assert.deepEqual(out.tolist(), [2, 5]);
  kiln.amax(a(), 1, false, { out });
  assert.deepEqual(out.tolist(), [3, 6]);
  kiln.amin(a(), 1, false, { out });
  assert.deepEqual(out.tolist(), [1, 4]);
  const s = kiln.empty([]);
  kiln.sum(a(), null, false, { out: s });
  assert.equal(s.item(), 21);
  const k = kiln.empty(2, 1);
  kiln.sum(a(), 1, true, { out: k });
  assert.deepEqual(k.tolist(), [[6], [15]]);
});

test('matmul, mm, bmm, cat and stack with out', () => {
  const m = kiln.tensor([[1, 2], [3, 4]]).float();
  const out = kiln.empty(2, 2);
  assert.equal(kiln.mm(m, m, { out }), out);
  assert.deepEqual(out.tolist(), [[7, 10], [15, 22]]);
  kiln.matmul(m, kiln.eye(2), { out });
  assert.deepEqual(out.tolist(), [[1, 2], [3, 4]]);
  const bo = kiln.empty(1, 2, 2);
  kiln.bmm(m.unsqueeze(0), m.unsqueeze(0), { out: bo });
  assert.deepEqual(bo.tolist(), [[[7, 10], [15, 22]]]);
  const c = kiln.empty(4, 2);
  assert.equal(kiln.cat([m, m], 0, { out: c }), c);
  assert.deepEqual(c.tolist(), [[1, 2], [3, 4], [1, 2], [3, 4]]);
  const s = kiln.empty(2, 2, 2);
  kiln.stack([m, m], 1, { out: s });
  assert.deepEqual(s.tolist(), [[[1, 2], [1, 2]], [[3, 4], [3, 4]]]);
  // out is one of the inputs: computed aside, then written
  kiln.mm(m, m, { out: m });
  assert.deepEqual(m.tolist(), [[7, 10], [15, 22]]);
});
