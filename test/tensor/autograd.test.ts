/**
 * Autograd semantics as PyTorch has them (expected values and messages taken from PyTorch 1.13),
 * the NumPy bridges, conversions, and the seed's tensor examples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as kiln from 'kiln';
import { np } from 'kiln';

const list = (t: kiln.Tensor | null): unknown => {
  assert.ok(t, 'expected a tensor');
  return t.detach().tolist();
};

function assertClose(actual: kiln.Tensor | null, expected: number[], tol = 1e-6): void {
  assert.ok(actual, 'expected a tensor');
  const got = actual.detach().reshape(-1).tolist() as number[];
  assert.equal(got.length, expected.length);
  got.forEach((g, i) => assert.ok(Math.abs(g - expected[i]!) <= tol * (1 + Math.abs(expected[i]!)), `at ${i}: ${g} vs ${expected[i]}`));
}

// ---- requiresGrad and the graph -------------------------------------------------------------------

test('requiresGrad propagates through ops, not from constants', () => {
  const x = kiln.tensor([1, 2, 3], { requiresGrad: true });
  const c = kiln.tensor([1, 1, 1]);
  assert.equal(x.dtype, 'float32');
  assert.ok(x.isLeaf && x.requiresGrad && x.gradFn === null);
  const y = kiln.add(x, c);
  assert.ok(y.requiresGrad && !y.isLeaf);
  assert.equal(y.gradFn?.name, 'AddBackward0');
  const z = kiln.mul(c, 2);
  assert.ok(!z.requiresGrad && z.isLeaf);
  assert.ok(!kiln.gt(x, 1).requiresGrad, 'comparisons are not differentiable');
  assert.ok(!kiln.argmax(x).requiresGrad);
  assert.ok(kiln.sum(y).requiresGrad);
  assert.ok(x.reshape(3, 1).requiresGrad && x.t().requiresGrad);
});

test('only floating-point tensors can require grad', () => {
  assert.throws(() => kiln.tensor([1, 2], { dtype: 'int64' }).requiresGrad_(), /only Tensors of floating point/i);
  assert.throws(() => kiln.zeros(2, { dtype: 'bool', requiresGrad: true }), /only Tensors of floating point/i);
  assert.ok(kiln.zeros(2, { dtype: 'float64', requiresGrad: true }).requiresGrad);
});

test('backward of a non-scalar needs a gradient; a given gradient must match the shape', () => {
  const x = kiln.ones([2, 3], { requiresGrad: true });
  const y = kiln.mul(x, 2);
  assert.throws(() => y.backward(), { message: 'grad can be implicitly created only for scalar outputs' });
  assert.throws(() => y.backward(kiln.ones(3)), {
    message: 'Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has a shape of torch.Size([2, 3]).',
  });
  y.backward(kiln.fullLike(y, 0.5));
  assert.deepEqual(list(x.grad), [[1, 1, 1], [1, 1, 1]]);
  assert.throws(() => kiln.ones(2).sum().backward(), /does not require grad and does not have a grad_fn/);
});

test('.grad accumulates over backward calls; a freed graph cannot be walked twice', () => {
  const x = kiln.tensor([1, 2, 3], { requiresGrad: true });
  const y = kiln.mul(x, x).sum();
  y.backward(null, { retainGraph: true });
  assert.deepEqual(list(x.grad), [2, 4, 6]);
  y.backward();
  assert.deepEqual(list(x.grad), [4, 8, 12]);
  assert.throws(() => y.backward(), /Trying to backward through the graph a second time/);
  // a fresh graph adds to the same .grad; zeroing is the user's job, as in PyTorch
  kiln.mul(x, 3).sum().backward();
  assert.deepEqual(list(x.grad), [7, 11, 15]);
  x.grad!.zero_();
  kiln.mul(x, 3).sum().backward();
  assert.deepEqual(list(x.grad), [3, 3, 3]);
});

test('.grad never aliases another .grad, the given gradient or a saved tensor (leaves may keep fresh buffers)', () => {
  // big enough for buffers of their own (small results share slabs)
  const n = 1000;
  const a = kiln.ones([n], { requiresGrad: true });
  const b = kiln.ones([n], { requiresGrad: true });
  const c = kiln.ones([n], { requiresGrad: true });
  // both leaves of an add get the same gradient tensor; a view leaf gets a view of it
  const y = kiln.add(kiln.add(a, b), kiln.reshape(c, [10, 100]).reshape([n]));
  const given = kiln.full([n], 2);
  y.backward(given);
  for (const [p, q] of [[a, b], [a, c], [b, c]] as const) assert.notEqual(p.grad!.storage, q.grad!.storage);
  for (const p of [a, b, c]) assert.notEqual(p.grad!.storage, given.storage);
  a.grad!.mul_(10);
  assert.equal((b.grad!.tolist() as number[])[0], 2);
  assert.equal((c.grad!.tolist() as number[])[0], 2);
  assert.equal((given.tolist() as number[])[0], 2);
  // a Linear layer's weight gradient (a transposed view's) comes out contiguous
  const lin = new kiln.nn.Linear(64, 32);
  lin.forward(kiln.randn([16, 64])).sum().backward();
  assert.ok(lin.weight.grad!.isContiguous());
  assert.deepEqual(lin.weight.grad!.shape, [32, 64]);
});

test('retainGrad keeps (and accumulates) a non-leaf gradient; other non-leaves have none', () => {
  const x = kiln.tensor([1, 2], { requiresGrad: true });
  const h = kiln.mul(x, 2);
  const k = kiln.mul(x, 3);
  assert.equal(h.retainGrad(), h);
  const z = kiln.add(kiln.mul(h, h), k).sum();
  z.backward(null, { retainGraph: true });
  assert.deepEqual(list(h.grad), [4, 8]);
  assert.equal(k.grad, null);
  z.backward();
  assert.deepEqual(list(h.grad), [8, 16]);
  assert.deepEqual(list(x.grad), [22, 38]);
  assert.throws(() => kiln.ones(2).retainGrad(), { message: "can't retain_grad on Tensor that has requires_grad=False" });
});

test('detach shares memory and leaves the graph', () => {
  const x = kiln.tensor([1, 2, 3], { requiresGrad: true });
  const y = kiln.mul(x, 2);
  const d = y.detach();
  assert.ok(!d.requiresGrad && d.isLeaf && d.gradFn === null);
  assert.equal(d.storage, y.storage);
  d.add_(1);
  assert.deepEqual(list(y), [3, 5, 7]);
  const z = kiln.mul(d, x).sum();
  z.backward();
  assert.deepEqual(list(x.grad), [3, 5, 7]);
});

test('requiresGrad_ on leaves; not to turn off on a non-leaf', () => {
  const a = kiln.tensor([1.5, 2.5]);
  assert.equal(a.requiresGrad_(), a);
  assert.ok(a.requiresGrad);
  a.requiresGrad_(false);
  assert.ok(!a.requiresGrad);
  const b = kiln.mul(kiln.ones(2, { requiresGrad: true }), 2);
  assert.throws(() => b.requiresGrad_(false), /you can only change requires_grad flags of leaf variables/);
});

test('noGrad and enableGrad nest, and restore the mode after a throw', () => {
  const x = kiln.ones(2, { requiresGrad: true });
  assert.ok(kiln.isGradEnabled());
  const y = kiln.noGrad(() => {
    assert.ok(!kiln.isGradEnabled());
    const inner = kiln.enableGrad(() => kiln.mul(x, 2));
    assert.ok(inner.requiresGrad);
    return kiln.mul(x, 2);
  });
  assert.ok(!y.requiresGrad && y.gradFn === null);
  assert.throws(() => kiln.noGrad(() => {
    throw new Error('boom');
  }), /boom/);
  assert.ok(kiln.isGradEnabled());
  // under noGrad a leaf that requires grad may be updated in place (what optimizers do)
  kiln.noGrad(() => x.sub_(kiln.fullLike(x, 0.5)));
  assert.deepEqual(list(x), [0.5, 0.5]);
  assert.ok(x.isLeaf && x.requiresGrad);
});

test('a diamond-shaped graph runs each node once, in reverse topological order', () => {
  const x = kiln.tensor([0.5], { requiresGrad: true, dtype: 'float64' });
  const a = kiln.mul(x, 2);
  const b = kiln.exp(a);
  const c = kiln.sin(a);
  const d = kiln.add(b, c);
  const calls: string[] = [];
  for (const t of [a, b, c, d]) {
    const node = t.gradFn!;
    const apply = node.apply.bind(node);
    node.apply = (g) => {
      calls.push(node.name);
      return apply(g);
    };
  }
  d.sum().backward();
  assert.equal(calls.filter((n) => n === 'MulBackward0').length, 1);
  assert.equal(calls.length, 4);
  assert.equal(calls[0], 'AddBackward0');
  assert.equal(calls[3], 'MulBackward0');
  assertClose(x.grad, [2 * (Math.exp(1) + Math.cos(1))], 1e-12);
});

test('a tensor saved for backward and then modified in place raises PyTorch\'s error', () => {
  const hint = 'Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).';
  const x = kiln.ones(3, { requiresGrad: true });
  const a = kiln.mul(x, 2);
  const b = kiln.mul(a, a);
  a.add_(1);
  assert.throws(() => b.sum().backward(), {
    message: `one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of AddBackward0, is at version 1; expected version 0 instead. ${hint}`,
  });
  // a saved output is named by the node that saved it
  const y = kiln.exp(kiln.ones(3, { requiresGrad: true }));
  y.add_(1);
  assert.throws(() => y.sum().backward(), {
    message: `one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of ExpBackward0, is at version 1; expected version 0 instead. ${hint}`,
  });
  // a leaf has no maker to name
  const w = kiln.ones(3);
  const z = kiln.mul(kiln.ones(3, { requiresGrad: true }), w);
  w.add_(1);
  assert.throws(() => z.sum().backward(), {
    message: `one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]] is at version 1; expected version 0 instead. ${hint}`,
  });
  // ops that save nothing don't mind
  const p = kiln.ones(2, { requiresGrad: true });
  const q = kiln.add(p, 1);
  const r = kiln.add(q, 1);
  q.mul_(5);
  r.sum().backward();
  assert.deepEqual(list(p.grad), [1, 1]);
});

test('in-place ops on a leaf that requires grad (or a view of one) are refused', () => {
  const x = kiln.ones(3, { requiresGrad: true });
  const message = 'a leaf Variable that requires grad is being used in an in-place operation.';
  assert.throws(() => x.add_(1), { message });
  assert.throws(() => x.copy_(kiln.zeros(3)), { message });
  assert.throws(() => x.fill_(2), { message });
  assert.throws(() => x.narrow(0, 0, 2).mul_(2), { message: 'a view of a leaf Variable that requires grad is being used in an in-place operation.' });
  assert.throws(() => kiln.zeros(3, 1).expand(3, 4).add_(1), /more than one element of the written-to tensor refers to a single memory location/);
  assert.throws(() => kiln.zeros(2, { dtype: 'int64' }).add_(1.5), { message: "result type Float can't be cast to the desired output type Long" });
  assert.throws(() => kiln.zeros(2).add_(kiln.ones(2, 2)), { message: "output with shape [2] doesn't match the broadcast shape [2, 2]" });
});

test('in-place ops move a tensor\'s place in the graph, views update their base (CopySlices)', () => {
  const x = kiln.tensor([1, 2, 3], { requiresGrad: true });
  const y = kiln.mul(x, 1);
  y.mul_(kiln.tensor([1, 2, 3]));
  assert.equal(y.gradFn?.name, 'MulBackward0');
  kiln.mul(y, kiln.tensor([1, 10, 100])).sum().backward();
  assert.deepEqual(list(x.grad), [1, 20, 300]);

  // PyTorch: x.grad == [2, 20, 100]
  const x2 = kiln.tensor([1, 2, 3], { requiresGrad: true });
  const y2 = kiln.mul(x2, 1);
  const v = y2.narrow(0, 0, 2);
  v.mul_(2);
  assert.equal(y2.gradFn?.name, 'CopySlices');
  assert.equal(v.gradFn?.name, 'AsStridedBackward0');
  assert.deepEqual(list(y2), [2, 4, 3]);
  kiln.mul(y2, kiln.tensor([1, 10, 100])).sum().backward();
  assert.deepEqual(list(x2.grad), [2, 20, 100]);

  // the view's own gradient after the in-place op (PyTorch: [0, 3, 4])
  const x3 = kiln.tensor([1, 2, 3], { requiresGrad: true });
  const v3 = kiln.mul(x3, 1).narrow(0, 1, 2);
  v3.add_(kiln.tensor([10, 20]));
  kiln.mul(v3, kiln.tensor([3, 4])).sum().backward();
  assert.deepEqual(list(x3.grad), [0, 3, 4]);

  // copying into part of a buffer that does not require grad connects the buffer (PyTorch: [2, 3])
  const src = kiln.tensor([5, 6], { requiresGrad: true });
  const buf = kiln.zeros(4);
  buf.narrow(0, 1, 2).copy_(src);
  assert.ok(buf.requiresGrad);
  kiln.mul(buf, kiln.tensor([1, 2, 3, 4])).sum().backward();
  assert.deepEqual(list(src.grad), [2, 3]);

  // a transposed view of a 2-D result
  const m = kiln.tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const e = kiln.mul(m, 1);
  e.t().mul_(kiln.tensor([[1, 2], [3, 4]]));
  e.sum().backward();
  assert.deepEqual(list(m.grad), [[1, 3], [2, 4]]);
});

test('in-place ops whose gradient reads the original values still get it (PyTorch saves original_self)', () => {
  const x = kiln.ones(3, { requiresGrad: true });
  const y = kiln.mul(x, 2);
  const w = kiln.full([3], 3, { dtype: 'float32', requiresGrad: true });
  y.mul_(w);
  y.sum().backward();
  assert.deepEqual(list(x.grad), [6, 6, 6]);
  assert.deepEqual(list(w.grad), [2, 2, 2]);
  const x2 = kiln.ones(3, { requiresGrad: true });
  const y2 = kiln.mul(x2, 2);
  y2.pow_(2);
  assert.deepEqual(list(y2), [4, 4, 4]);
  y2.sum().backward();
  assert.deepEqual(list(x2.grad), [8, 8, 8]);
  const x3 = kiln.tensor([-1, 0.5, 2], { requiresGrad: true });
  const y3 = kiln.mul(x3, 1);
  y3.clamp_(0, 1).exp_();
  y3.sum().backward();
  assertClose(x3.grad, [0, Math.exp(0.5), 0]);
});

test('copy_ casts and broadcasts, and is differentiable w.r.t. its source', () => {
  const src = kiln.tensor([1.5, 2.5], { requiresGrad: true, dtype: 'float64' });
  const dst = kiln.zeros(3, 2);
  dst.copy_(src);
  assert.deepEqual(list(dst), [[1.5, 2.5], [1.5, 2.5], [1.5, 2.5]]);
  dst.sum().backward();
  assert.equal(src.grad!.dtype, 'float64');
  assert.deepEqual(list(src.grad), [3, 3]);
  const ints = kiln.zeros(2, { dtype: 'int64' }).copy_(kiln.tensor([1.7, -2.7]));
  assert.deepEqual(list(ints), [1, -2]);
  const t = kiln.tensor([[1, 2], [3, 4]]);
  t.copy_(t.t());
  assert.deepEqual(list(t), [[1, 3], [2, 4]]);
});

test('gradients of float64 inputs mixed with float32 ones keep each input\'s dtype', () => {
  const a = kiln.tensor([1, 2], { requiresGrad: true });
  const b = kiln.tensor(3, { requiresGrad: true, dtype: 'float64' });
  const c = kiln.tensor([1, 2], { requiresGrad: true, dtype: 'float64' });
  kiln.add(kiln.mul(a, b), c).sum().backward();
  assert.equal(a.grad!.dtype, 'float32');
  assert.equal(b.grad!.dtype, 'float64');
  assert.equal(c.grad!.dtype, 'float64');
  assert.deepEqual(list(b.grad), 3);
});

test('autograd.grad returns gradients without touching .grad, and builds graphs on request', () => {
  const x = kiln.tensor([1, 2, 3], { requiresGrad: true, dtype: 'float64' });
  const y = kiln.pow(x, 3).sum();
  const [g] = kiln.autograd.grad(y, x, { createGraph: true });
  assert.deepEqual(list(g!), [3, 12, 27]);
  assert.equal(x.grad, null);
  assert.ok(g!.requiresGrad);
  const [gg] = kiln.autograd.grad(g!.sum(), x);
  assert.deepEqual(list(gg!), [6, 12, 18]);
  const unused = kiln.ones(2, { requiresGrad: true });
  assert.throws(() => kiln.autograd.grad(kiln.mul(x, 2).sum(), [x, unused]), /appears to not have been used in the graph/);
  const [, none] = kiln.autograd.grad(kiln.mul(x, 2).sum(), [x, unused], { allowUnused: true });
  assert.equal(none, null);
  const [gx] = kiln.autograd.grad(kiln.mul(x, 2), x, { gradOutputs: kiln.tensor([1, 0, 1], { dtype: 'float64' }) });
  assert.deepEqual(list(gx!), [2, 0, 2]);
});

test('gradients through split pieces and cat reach the right slices', () => {
  const x = kiln.tensor([1, 2, 3, 4, 5], { requiresGrad: true });
  const [a, b] = x.split([2, 3]);
  kiln.cat([kiln.mul(b!, 2), kiln.mul(a!, 3)]).sum().backward();
  assert.deepEqual(list(x.grad), [3, 3, 2, 2, 2]);
  const y = kiln.tensor([1, 2, 3, 4], { requiresGrad: true });
  y.chunk(2)[1]!.sum().backward();
  assert.deepEqual(list(y.grad), [0, 0, 1, 1]);
});

// ---- bridges and conversions --------------------------------------------------------------------

test('fromNumpy shares memory both ways, keeping the dtype', () => {
  const a = np.array([[1, 2], [3, 4]], { dtype: 'float64' });
  const t = kiln.fromNumpy(a);
  assert.equal(t.dtype, 'float64');
  assert.deepEqual(t.shape, [2, 2]);
  t.add_(10);
  assert.deepEqual(a.tolist(), [[11, 12], [13, 14]]);
  a.set('0, 1', -1);
  assert.deepEqual(t.tolist(), [[11, -1], [13, 14]]);
  const strided = kiln.fromNumpy(a.T);
  assert.deepEqual(strided.tolist(), [[11, 13], [-1, 14]]);
  assert.ok(!strided.isContiguous());
});

test('numpy() shares memory; a tensor that requires grad must be detached first', () => {
  const t = kiln.zeros(3);
  const a = t.numpy();
  a.set('1', 5);
  assert.deepEqual(t.tolist(), [0, 5, 0]);
  t.fill_(2);
  assert.deepEqual(a.tolist(), [2, 2, 2]);
  const g = kiln.ones(2, { requiresGrad: true });
  assert.throws(() => g.numpy(), { message: "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead." });
  assert.deepEqual(g.detach().numpy().tolist(), [1, 1]);
});

test('tolist and item', () => {
  assert.deepEqual(kiln.tensor([[1.5, 2], [3, 4]]).tolist(), [[1.5, 2], [3, 4]]);
  assert.deepEqual(kiln.tensor([true, false]).tolist(), [true, false]);
  assert.equal(kiln.tensor(2.5).tolist(), 2.5);
  assert.equal(kiln.tensor([[7]]).item(), 7);
  assert.equal(kiln.tensor(true).item(), true);
  assert.equal(kiln.ones(1, { requiresGrad: true }).item(), 1);
  assert.throws(() => kiln.tensor([1, 2]).item(), /cannot be converted to Scalar/);
});

test('to(), float(), double(), long(), int(), bool()', () => {
  const t = kiln.tensor([-1.5, 0, 2.7]);
  assert.equal(t.to('float32'), t, 'no change: the same tensor');
  assert.notEqual(t.to('float32', { copy: true }), t);
  assert.equal(t.to('cpu'), t);
  assert.equal(t.double().dtype, 'float64');
  assert.deepEqual(t.long().tolist(), [-1, 0, 2]);
  assert.equal(t.long().dtype, 'int64');
  assert.equal(t.int().dtype, 'int32');
  assert.deepEqual(t.bool().tolist(), [true, false, true]);
  assert.equal(kiln.tensor([1, 2]).float().dtype, 'float32');
  assert.equal(t.to({ dtype: 'float16' }).dtype, 'float16');
  assert.throws(() => t.to('cuda' as never), /cuda/);
  // casts between float dtypes are differentiable and give the gradient back in the input's dtype
  const x = kiln.tensor([1, 2], { requiresGrad: true });
  kiln.mul(x.double(), kiln.tensor([3, 4], { dtype: 'float64' })).sum().backward();
  assert.equal(x.grad!.dtype, 'float32');
  assert.deepEqual(list(x.grad), [3, 4]);
  assert.ok(!x.long().requiresGrad);
});

// ---- the seed's examples ------------------------------------------------------------------------

test('seed: torch.zeros(5)', () => {
  const z = kiln.zeros(5);
  assert.equal(z.dtype, 'float32');
  assert.deepEqual(z.shape, [5]);
  assert.deepEqual(z.tolist(), [0, 0, 0, 0, 0]);
  assert.equal(z.device, 'cpu');
});

test('seed: torch.tensor(data, dtype, device, requires_grad)', () => {
  const t = kiln.tensor([[1, 2], [3, 4]], { dtype: 'float64', device: 'cpu', requiresGrad: true });
  assert.equal(t.dtype, 'float64');
  assert.equal(t.device, 'cpu');
  assert.ok(t.requiresGrad && t.isLeaf);
  kiln.mul(t, t).sum().backward();
  assert.deepEqual(list(t.grad), [[2, 4], [6, 8]]);
  assert.equal(kiln.tensor([1, 2]).dtype, 'int64');
  assert.equal(kiln.tensor([1.5, 2]).dtype, 'float32');
  assert.equal(kiln.tensor([true]).dtype, 'bool');
  assert.throws(() => kiln.tensor([1], { device: 'cuda' as never }), /cuda/);
});

test('seed: broadcasting zeros(2, 3) + ones(3), and its failure', () => {
  const r = kiln.add(kiln.zeros(2, 3), kiln.ones(3));
  assert.deepEqual(r.shape, [2, 3]);
  assert.deepEqual(r.tolist(), [[1, 1, 1], [1, 1, 1]]);
  assert.throws(() => kiln.add(kiln.zeros(2, 3), kiln.ones(4)), {
    message: 'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1',
  });
  assert.deepEqual(kiln.zeros(2, 3).add(kiln.ones(3)).tolist(), r.tolist());
});
