/** The seed's tensor examples, one test each, in PyTorch's words translated to kiln's. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as kiln from 'kiln';
import { np } from 'kiln';

test('torch.zeros(5)', () => {
  const z = kiln.zeros(5);
  assert.deepEqual(z.shape, [5]);
  assert.equal(z.dtype, 'float32');
  assert.deepEqual(z.tolist(), [0, 0, 0, 0, 0]);
  assert.equal(String(z), 'tensor([0., 0., 0., 0., 0.])');
});

test("torch.tensor(data, dtype=..., device='cpu', requires_grad=True)", () => {
  const t = kiln.tensor([[1, 2], [3, 4]], { dtype: 'float64', device: 'cpu', requiresGrad: true });
  assert.equal(t.dtype, 'float64');
  assert.equal(t.device, 'cpu');
  assert.equal(t.requiresGrad, true);
  assert.equal(t.isLeaf, true);
  kiln.sum(kiln.mul(t, t)).backward();
  assert.deepEqual(t.grad!.tolist(), [[2, 4], [6, 8]]);
  assert.equal(kiln.tensor([1, 2]).dtype, 'int64');
  assert.equal(kiln.tensor([1.5, 2]).dtype, 'float32');
  assert.equal(kiln.tensor([true, false]).dtype, 'bool');
});

test('the float tensor shortcut: FloatTensor, DoubleTensor, LongTensor', () => {
  const f = kiln.FloatTensor([1, 2]);
  assert.equal(f.dtype, 'float32');
  assert.deepEqual(f.tolist(), [1, 2]);
  assert.equal(String(f), 'tensor([1., 2.])');
  assert.equal(kiln.DoubleTensor([[1, 2]]).dtype, 'float64');
  const l = kiln.LongTensor([1, 2, 3]);
  assert.equal(l.dtype, 'int64');
  assert.deepEqual(l.tolist(), [1, 2, 3]);
  assert.deepEqual(kiln.FloatTensor(2, 3).shape, [2, 3]);
  assert.equal(kiln.HalfTensor([1]).dtype, 'float16');
});

test('from_numpy shares memory both ways', () => {
  const a = np.ones([3]);
  const t = kiln.fromNumpy(a);
  assert.equal(t.dtype, 'float64');
  a.set(0, 5);
  assert.deepEqual(t.tolist(), [5, 1, 1]);
  t.add_(1);
  assert.deepEqual(a.tolist(), [6, 2, 2]);
});

test('the creation list', () => {
  assert.deepEqual(kiln.empty(2, 3).shape, [2, 3]);
  assert.deepEqual(kiln.ones([2]).tolist(), [1, 1]);
  assert.deepEqual(kiln.rand(2, 3).shape, [2, 3]);
  assert.deepEqual(kiln.randn(4).shape, [4]);
  assert.deepEqual(kiln.full([2], 7).tolist(), [7, 7]);
  assert.deepEqual(kiln.arange(3).tolist(), [0, 1, 2]);
  assert.deepEqual(kiln.arange(1, 7, 2).tolist(), [1, 3, 5]);
  assert.deepEqual(kiln.linspace(0, 1, 3).tolist(), [0, 0.5, 1]);
  assert.deepEqual(kiln.eye(2).tolist(), [[1, 0], [0, 1]]);
  assert.deepEqual(kiln.zerosLike(kiln.ones(2)).tolist(), [0, 0]);
  const r = kiln.rand(100);
  assert.ok((r.tolist() as number[]).every((v) => v >= 0 && v < 1));
});

test('.numpy() shares memory and .tolist() gives nested arrays', () => {
  const t = kiln.zeros(2, 2);
  const a = t.numpy();
  assert.deepEqual(a.shape, [2, 2]);
  a.set([0, 1], 3);
  assert.deepEqual(t.tolist(), [[0, 3], [0, 0]]);
  t.fill_(1);
  assert.deepEqual(a.tolist(), [[1, 1], [1, 1]]);
  assert.throws(() => kiln.ones([1], { requiresGrad: true }).numpy(), /Can't call numpy\(\) on Tensor that requires grad/);
});

test('broadcasting: zeros(2, 3) + ones(3)', () => {
  const s = kiln.add(kiln.zeros(2, 3), kiln.ones(3));
  assert.deepEqual(s.shape, [2, 3]);
  assert.deepEqual(s.tolist(), [[1, 1, 1], [1, 1, 1]]);
  assert.throws(() => kiln.add(kiln.zeros(2, 3), kiln.ones(2)), /The size of tensor a \(3\) must match the size of tensor b \(2\) at non-singleton dimension 1/);
});

test('add, sub, mul, div, matmul, mm', () => {
  const x = kiln.tensor([[1, 2], [3, 4]]).float();
  const y = kiln.tensor([[5, 6], [7, 8]]).float();
  assert.deepEqual(kiln.add(x, y).tolist(), [[6, 8], [10, 12]]);
  assert.deepEqual(x.sub(y).tolist(), [[-4, -4], [-4, -4]]);
  assert.deepEqual(kiln.mul(x, y).tolist(), [[5, 12], [21, 32]]);
  assert.deepEqual(kiln.div(x, 2).tolist(), [[0.5, 1], [1.5, 2]]);
  assert.deepEqual(kiln.matmul(x, y).tolist(), [[19, 22], [43, 50]]);
  assert.deepEqual(x.mm(y).tolist(), [[19, 22], [43, 50]]);
});

test('the 3-D and 4-D float16 tensors of the last example', () => {
  kiln.manualSeed(0);
  const t3 = kiln.rand(2, 3, 4, { dtype: 'float16' });
  const t4 = kiln.randn([2, 2, 3, 4], { dtype: 'float16' });
  const c = kiln.tensor([[[1, 2], [3, 4]]], { dtype: 'float16' });
  for (const [t, shape] of [[t3, [2, 3, 4]], [t4, [2, 2, 3, 4]], [c, [1, 2, 2]]] as const) {
    assert.equal(t.dtype, 'float16');
    assert.deepEqual(t.shape, shape);
    assert.equal(t.ndim, shape.length);
    assert.equal(t.elementSize(), 2);
    assert.match(String(t), /^tensor\(\[\[\[/);
    assert.match(String(t), /dtype=float16\)$/);
  }
  assert.ok((t3.tolist() as number[][][]).flat(2).every((v) => v >= 0 && v < 1));
  const s = kiln.add(t3, t4);
  assert.equal(s.dtype, 'float16');
  assert.deepEqual(s.shape, [2, 2, 3, 4]);
  const p = kiln.matmul(t4, kiln.ones([4, 5], { dtype: 'float16' }));
  assert.deepEqual(p.shape, [2, 2, 3, 5]);
  const rowSums = kiln.sum(t4, -1).tolist() as number[][][];
  (p.get([0, 0, 0]).tolist() as number[]).forEach((v) => assert.ok(Math.abs(v - rowSums[0]![0]![0]!) < 1e-2));
  assert.deepEqual(c.mul(2).tolist(), [[[2, 4], [6, 8]]]);
  assert.equal(c.float().dtype, 'float32');
  assert.equal(String(c), 'tensor([[[1., 2.],\n         [3., 4.]]], dtype=float16)');
});

// unbind lives here for lack of a file of its own (test/tensor/*.test.ts are owned elsewhere)
test('unbind: views along dim whose backward stacks the gradients once (UnbindBackward0)', () => {
  const x = kiln.arange(6).float().reshape(2, 3).requiresGrad_();
  const cols = kiln.unbind(x, 1);
  assert.equal(cols.length, 3);
  assert.deepEqual(cols.map((c) => c.tolist()), [[0, 3], [1, 4], [2, 5]]);
  assert.equal(cols[0]!.gradFn!.name, 'UnbindBackward0');
  assert.equal(cols[0]!.storage, x.storage);
  kiln.add(kiln.mul(cols[0]!, 2), kiln.mul(cols[1]!, cols[1]!)).sum().backward();
  assert.deepEqual(x.grad!.tolist(), [[2, 2, 0], [2, 8, 0]]);
  assert.deepEqual(x.detach().unbind().map((r) => r.tolist()), [[0, 1, 2], [3, 4, 5]]);
  assert.throws(() => kiln.unbind(kiln.tensor(1)), /Dimension specified as 0 but tensor has no dimensions/);
  const y = kiln.randn([4, 3], { dtype: 'float64', requiresGrad: true });
  assert.ok(kiln.autograd.gradcheck((t: kiln.Tensor) => kiln.stack(kiln.unbind(t).map((s, i) => s.mul(i + 1).exp()), 1), [y]));
  const [g] = kiln.autograd.grad([kiln.unbind(y)[1]!.pow(3).sum()], [y], { createGraph: true });
  assert.ok(g!.requiresGrad);
  // a long sequence: one stack in backward, not T full-size gradients
  const long = kiln.randn([2000, 8], { requiresGrad: true });
  let h = kiln.zeros(8);
  for (const step of long.unbind()) h = kiln.add(h, step);
  h.sum().backward();
  assert.deepEqual(long.grad!.shape, [2000, 8]);
  assert.ok((long.grad!.tolist() as number[][]).every((r) => r.every((v) => v === 1)));
});
