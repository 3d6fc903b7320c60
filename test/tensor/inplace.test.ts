/**
 * In-place ops without a graph write straight into self (no temporary and copy), and keep
 * PyTorch's rules: result dtypes self must hold, broadcasting into self's shape, refusals of
 * partly overlapping operands and of leaves that require grad; with a graph they still record.
 * addcmul, addcdiv and lerp (out of place and in place): values against their formulas, in
 * PyTorch's order of operations, against PyTorch 1.13 itself, and gradients.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as kiln from 'kiln';

type T = kiln.Tensor;

const f64 = (values: number[], requiresGrad = false): T => kiln.tensor(values, { dtype: 'float64', requiresGrad });
const list = (t: T): number[] => t.tolist() as number[];
const f32 = Math.fround;

describe('in-place ops without a graph write into self', () => {
  it('add_, sub_, mul_, div_ keep self and its storage, bump its version, and compute as out of place', () => {
    const a = kiln.tensor([1, 2, 3, 4], { dtype: 'float32' });
    const b = kiln.tensor([0.5, -1, 2, 0.25]);
    const storage = a.storage;
    const version = storage.version;
    const want = list(kiln.div(kiln.mul(kiln.sub(kiln.add(a, b, { alpha: 2 }), b), b), 3));
    assert.equal(a.add_(b, { alpha: 2 }).sub_(b).mul_(b).div_(3), a);
    assert.equal(a.storage, storage);
    assert.equal(a.storage.version, version + 4);
    assert.deepEqual(list(a), want);
  });

  it('scalars, broadcasting operands, and views as self', () => {
    const a = kiln.zeros(2, 3);
    a.add_(kiln.tensor([1, 2, 3])).mul_(2).sub_(1, { alpha: 0.5 });
    assert.deepEqual(a.tolist(), [[1.5, 3.5, 5.5], [1.5, 3.5, 5.5]]);
    const col = a.get(':, 1');
    col.mul_(10);
    assert.deepEqual(a.tolist(), [[1.5, 35, 5.5], [1.5, 35, 5.5]]);
    const t = a.t();
    t.add_(kiln.tensor([1, 2]));
    assert.deepEqual(a.tolist(), [[2.5, 36, 6.5], [3.5, 37, 7.5]]);
  });

  it('self as its own operand (the same elements) is fine', () => {
    const a = kiln.tensor([1, 2, 3], { dtype: 'float32' });
    a.mul_(a);
    assert.deepEqual(list(a), [1, 4, 9]);
    a.addcmul_(a, a, { value: 0.5 });
    assert.deepEqual(list(a), [1.5, 12, 49.5]);
  });

  it('partly overlapping dense operands are refused with PyTorch\'s message; strided ones are computed aside', () => {
    const msg = /unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location/;
    const x = kiln.arange(6, { dtype: 'float32' });
    assert.throws(() => x.narrow(0, 1, 5).add_(x.narrow(0, 0, 5)), msg);
    const m = kiln.arange(6, { dtype: 'float32' }).reshape(2, 3);
    assert.throws(() => m.add_(m.get(0)), msg);
    assert.throws(() => x.narrow(0, 1, 3).addcmul_(x.narrow(0, 0, 3), x.narrow(0, 0, 3)), msg);
    // disjoint parts of one storage
    const y = kiln.arange(6, { dtype: 'float32' });
    y.narrow(0, 0, 3).add_(y.narrow(0, 3, 3));
    assert.deepEqual(list(y), [3, 5, 7, 3, 4, 5]);
    // a strided view of self read while self is written: PyTorch can't tell; kiln reads first
    const s = kiln.arange(4, { dtype: 'float32' }).reshape(2, 2);
    s.add_(s.t());
    assert.deepEqual(s.tolist(), [[0, 3], [3, 6]]);
  });

  it('result dtypes: computed in the promoted dtype, refused when self cannot hold it', () => {
    const i = kiln.tensor([1, 2]);
    assert.throws(() => i.add_(0.5), /result type Float can't be cast to the desired output type Long/);
    assert.throws(() => i.div_(2), /result type Float can't be cast to the desired output type Long/);
    assert.throws(() => i.sqrt_(), /result type Float can't be cast to the desired output type Long/);
    const f = kiln.tensor([1, 2], { dtype: 'float32' });
    f.add_(kiln.tensor([0.1, 0.2], { dtype: 'float64' }));
    assert.deepEqual(list(f), [f32(1.1), f32(2.2)]);
    const i32 = kiln.tensor([1, 2], { dtype: 'int32' });
    i32.mul_(kiln.tensor([3, 4]));
    assert.deepEqual(list(i32), [3, 8]);
    assert.equal(i32.dtype, 'int32');
  });

  it('shape errors as PyTorch', () => {
    assert.throws(() => kiln.zeros(3).add_(kiln.zeros(2, 3)), /output with shape \[3\] doesn't match the broadcast shape \[2, 3\]/);
    assert.throws(() => kiln.zeros(3).addcmul_(kiln.ones(2, 3), kiln.ones(3)), /output with shape \[3\] doesn't match the broadcast shape \[2, 3\]/);
    assert.throws(() => kiln.zeros(1).expand(3).add_(1), /more than one element of the written-to tensor refers to a single memory location/);
  });

  it('sqrt_, exp_, neg_, relu_, clamp_, clampMin_, clampMax_', () => {
    assert.deepEqual(list(f64([4, 9]).sqrt_()), [2, 3]);
    assert.deepEqual(list(f64([0, 1]).exp_()), [1, Math.E]);
    assert.deepEqual(list(f64([1, -2]).neg_()), [-1, 2]);
    assert.deepEqual(list(f64([1, -2]).negative_()), [-1, 2]);
    assert.deepEqual(list(f64([1, -2, 0]).relu_()), [1, 0, 0]);
    assert.deepEqual(list(f64([-1, 0.5, 3]).clamp_(0, 1)), [0, 0.5, 1]);
    assert.deepEqual(list(f64([-1, 0.5, 3]).clampMin_(0)), [0, 0.5, 3]);
    assert.deepEqual(list(f64([-1, 0.5, 3]).clampMax_(1)), [-1, 0.5, 1]);
    assert.deepEqual(list(f64([-1, 0.5, 3]).clamp_(f64([0, 0, 0]), f64([1, 0.25, 5]))), [0, 0.25, 3]);
    assert.deepEqual(list(f64([-1, 0.5, 3]).clampMin(0)), [0, 0.5, 3]);
    assert.deepEqual(list(kiln.clampMax(f64([-1, 0.5, 3]), 0)), [-1, 0, 0]);
    assert.throws(() => kiln.tensor([true]).neg_(), /Negation, the `-` operator, on a bool tensor is not supported/);
  });

  it('leaves that require grad: refused with grad on, written directly under noGrad (what optimizers do)', () => {
    const p = kiln.tensor([1, 2], { requiresGrad: true });
    assert.throws(() => p.add_(1), /a leaf Variable that requires grad is being used in an in-place operation/);
    assert.throws(() => p.addcdiv_(p.detach(), kiln.ones(2)), /a leaf Variable that requires grad/);
    const v = p.storage.version;
    kiln.noGrad(() => p.addcdiv_(kiln.ones(2), kiln.tensor([2, 4], { dtype: 'float32' }), { value: -1 }).mul_(2));
    assert.deepEqual(list(p.detach()), [1, 3.5]);
    assert.equal(p.storage.version, v + 2);
    assert.equal(p.gradFn, null);
    assert.equal(p.requiresGrad, true);
  });

  it('with a graph, in-place ops record (the node of the out-of-place op) and gradients flow', () => {
    const x = f64([1, 2, 3], true);
    const y = x.mul(1);
    y.add_(x, { alpha: 2 }).mul_(x).addcmul_(x, x, { value: 0.5 }).lerp_(x, 0.25);
    assert.equal(y.gradFn?.name, 'LerpBackward0');
    y.sum().backward();
    // y = 0.75 (3x·x + 0.5 x²) + 0.25 x = 2.625 x² + 0.25 x
    assert.deepEqual(list(x.grad!), [1, 2, 3].map((v) => 5.25 * v + 0.25));
    const saved = f64([1, 2], true).exp();
    const z = saved.mul(2);
    z.add_(1); // not saved by exp: fine
    saved.sum().backward();
    const w = f64([1, 2], true).exp();
    const u = w.mul(1);
    w.mul_(2);
    assert.throws(() => u.sum().backward(), /modified by an inplace operation/);
  });

  it('in place on a view of a tensor that requires grad updates its base\'s graph', () => {
    const x = f64([1, 2, 3, 4], true);
    const y = x.mul(1);
    y.narrow(0, 1, 2).addcmul_(x.narrow(0, 0, 2), x.narrow(0, 0, 2));
    assert.deepEqual(list(y.detach()), [1, 3, 7, 4]);
    y.sum().backward();
    assert.deepEqual(list(x.grad!), [3, 5, 1, 1]);
  });
});

describe('results of small ops share slabs, not state', () => {
  it('each result has its own storage and version counter', () => {
    const a = kiln.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const saved = a.exp(); // exp saves its output
    const other = a.detach().mul(2);
    other.add_(1);
    other.mul_(3);
    assert.notEqual(saved.storage, other.storage);
    saved.sum().backward();
    assert.deepEqual(list(a.grad!), [1, 2, 3].map(Math.exp));
  });

  it('numpy() and fromNumpy share the right elements of a slab', () => {
    const xs = Array.from({ length: 20 }, (_, i) => kiln.tensor([i, i + 0.5]).mul(2));
    xs.forEach((x, i) => assert.deepEqual(Array.from(x.numpy().tolist() as number[]), [2 * i, 2 * i + 1]));
    const n = xs[3]!.numpy();
    n.set(0, 100);
    assert.deepEqual(list(xs[3]!), [100, 7]);
    assert.deepEqual(list(xs[4]!), [8, 9]);
    const back = kiln.fromNumpy(n);
    back.add_(1);
    assert.deepEqual(list(xs[3]!), [101, 8]);
    assert.deepEqual(list(kiln.tensor(xs[5]!)), [10, 11]);
  });
});

describe('addcmul, addcdiv and lerp', () => {
  const a = f64([1, -2, 3.5, 0.25]);
  const b = f64([0.5, 4, -1, 2]);
  const c = f64([2, 0.5, 0.25, -3]);
  const av = list(a);
  const bv = list(b);
  const cv = list(c);

  it('compute self + value * t1 * t2 and self + value * t1 / t2 left to right', () => {
    const mul = av.map((x, i) => x + 0.3 * bv[i]! * cv[i]!);
    const div = av.map((x, i) => x + -1.7 * bv[i]! / cv[i]!);
    assert.deepEqual(list(kiln.addcmul(a, b, c, { value: 0.3 })), mul);
    assert.deepEqual(list(a.addcmul(b, c, { value: 0.3 })), mul);
    assert.deepEqual(list(a.clone().addcmul_(b, c, { value: 0.3 })), mul);
    assert.deepEqual(list(kiln.addcdiv(a, b, c, { value: -1.7 })), div);
    assert.deepEqual(list(a.addcdiv(b, c, { value: -1.7 })), div);
    assert.deepEqual(list(a.clone().addcdiv_(b, c, { value: -1.7 })), div);
    assert.deepEqual(list(kiln.addcmul(a, b, c)), av.map((x, i) => x + bv[i]! * cv[i]!));
    // float32 rounds after each step, as PyTorch's scalar loop
    const a32 = a.float();
    const b32 = b.float();
    const c32 = c.float();
    const want = av.map((x, i) => f32(f32(x) + f32(f32(f32(0.3) * f32(bv[i]!)) * f32(cv[i]!))));
    assert.deepEqual(list(kiln.addcmul(a32, b32, c32, { value: 0.3 })), want);
    assert.deepEqual(list(a32.clone().addcmul_(b32, c32, { value: 0.3 })), want);
  });

  it('broadcast, and promote as PyTorch', () => {
    const out = kiln.addcmul(kiln.zeros(2, 1), kiln.tensor([1, 2, 3]), kiln.tensor([[1], [2]]));
    assert.deepEqual(out.tolist(), [[1, 2, 3], [2, 4, 6]]);
    assert.equal(kiln.addcmul(kiln.tensor([1, 2]), kiln.tensor([1, 2]), kiln.tensor([1, 2]), { value: 0.5 }).dtype, 'int64');
    assert.deepEqual(list(kiln.addcdiv(kiln.tensor([1, 2]), kiln.tensor([1, 2], { dtype: 'float32' }), kiln.tensor([2, 4], { dtype: 'float32' }))), [1.5, 2.5]);
    assert.throws(() => kiln.addcdiv(kiln.tensor([1.0, 2.0]), kiln.tensor([1, 2]), kiln.tensor([1, 2])), /Integer division with addcdiv is no longer supported/);
  });

  it('lerp: PyTorch\'s two formulas, exact at both ends', () => {
    const small = av.map((x, i) => x + 0.3 * (bv[i]! - x));
    const large = av.map((x, i) => bv[i]! - (bv[i]! - x) * (1 - 0.8));
    assert.deepEqual(list(kiln.lerp(a, b, 0.3)), small);
    assert.deepEqual(list(a.lerp(b, 0.8)), large);
    assert.deepEqual(list(a.clone().lerp_(b, 0.3)), small);
    assert.deepEqual(list(a.clone().lerp_(b, 0.8)), large);
    assert.deepEqual(list(kiln.lerp(a, b, 0)), av);
    assert.deepEqual(list(kiln.lerp(a, b, 1)), bv);
    const w = f64([0.1, 0.9, -0.3, 1.5]);
    const wv = list(w);
    const want = av.map((x, i) => (Math.abs(wv[i]!) < 0.5 ? x + wv[i]! * (bv[i]! - x) : bv[i]! - (bv[i]! - x) * (1 - wv[i]!)));
    assert.deepEqual(list(kiln.lerp(a, b, w)), want);
    assert.deepEqual(list(a.clone().lerp_(b, w)), want);
    assert.deepEqual(kiln.lerp(kiln.zeros(2, 1), kiln.ones(3), 0.25).tolist(), [[0.25, 0.25, 0.25], [0.25, 0.25, 0.25]]);
  });

  it('lerp refusals in PyTorch\'s words', () => {
    assert.throws(() => kiln.lerp(kiln.tensor([1, 2]), kiln.tensor([1, 2]), 0.5), /"lerp_kernel_scalar" not implemented for 'Long'/);
    const x = kiln.tensor([1, 2], { dtype: 'float32' });
    assert.throws(() => kiln.lerp(x, f64([1, 2]), 0.5), /expected dtype float for `end` but got dtype double/);
    assert.throws(() => kiln.lerp(x, x, f64([0.5])), /expected dtype float for `weight` but got dtype double/);
  });

  it('match PyTorch 1.13 on float32 (within its fused multiply-adds: one rounding apart at most)', () => {
    // torch.manual_seed(0); a = torch.randn(6); b = torch.randn(6); c = torch.rand(6) + 0.5
    const x = kiln.tensor([1.5409960746765137, -0.293428897857666, -2.1787893772125244, 0.5684312582015991, -1.0845223665237427, -1.3985954523086548]);
    const y = kiln.tensor([0.40334683656692505, 0.8380263447761536, -0.7192575931549072, -0.40334352850914, -0.5966353416442871, 0.18203648924827576]);
    const z = kiln.tensor([0.9194083213806152, 1.0529069900512695, 1.4527380466461182, 0.5361648201942444, 0.6852310299873352, 0.8734173774719238]);
    const cases: [T, number[]][] = [
      // torch.addcmul(a, b, c, value=0.37), torch.addcdiv(a, b, c, value=-0.0123), torch.lerp(a, b, 0.3), torch.lerp(a, b, 0.83)
      [kiln.addcmul(x, y, z, { value: 0.37 }), [1.6782070398330688, 0.0330456979572773, -2.565399646759033, 0.48841556906700134, -1.2357906103134155, -1.3397676944732666]],
      [kiln.addcdiv(x, y, z, { value: -0.0123 }), [1.5356000661849976, -0.30321866273880005, -2.1726996898651123, 0.577684223651886, -1.07381272315979, -1.4011590480804443]],
      [kiln.lerp(x, y, 0.3), [1.1997013092041016, 0.0460076704621315, -1.7409298419952393, 0.2768988013267517, -0.938156247138977, -0.9244058132171631]],
      [kiln.lerp(x, y, 0.83), [0.5967472195625305, 0.6456789374351501, -0.9673780202865601, -0.23814179003238678, -0.6795761585235596, -0.08667097240686417]],
    ];
    for (const [got, want] of cases) {
      list(got).forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= 2 * 2 ** -23 * Math.max(1, Math.abs(want[i]!)), `${v} vs ${want[i]}`));
    }
  });

  it('gradients', () => {
    const cases: [string, (...xs: T[]) => T, () => T[]][] = [
      ['addcmul', (s, p, q) => kiln.addcmul(s!, p!, q!, { value: -0.7 }), () => [f64([1, 2, 3], true), f64([0.5, -1, 2], true), f64([2, 3, -1], true)]],
      ['addcmul broadcast', (s, p, q) => kiln.addcmul(s!, p!, q!, { value: 1.3 }), () => [f64([1], true), f64([0.5, -1, 2], true), kiln.tensor([[2], [3]], { dtype: 'float64', requiresGrad: true })]],
      ['addcdiv', (s, p, q) => kiln.addcdiv(s!, p!, q!, { value: 0.4 }), () => [f64([1, 2, 3], true), f64([0.5, -1, 2], true), f64([2, 3, -1.5], true)]],
      ['lerp scalar small', (s, e) => kiln.lerp(s!, e!, 0.3), () => [f64([1, 2, 3], true), f64([0.5, -1, 2], true)]],
      ['lerp scalar large', (s, e) => kiln.lerp(s!, e!, 0.8), () => [f64([1, 2, 3], true), f64([0.5, -1, 2], true)]],
      ['lerp tensor', (s, e, w) => kiln.lerp(s!, e!, w!), () => [f64([1, 2, 3], true), f64([0.5, -1, 2], true), f64([0.2, 0.7, 1.3], true)]],
      ['addcmul_ on a non-leaf', (s, p, q) => s!.mul(1).addcmul_(p!, q!, { value: 2 }), () => [f64([1, 2, 3], true), f64([0.5, -1, 2], true), f64([2, 3, -1], true)]],
      ['addcdiv_ on a non-leaf', (s, p, q) => s!.mul(1).addcdiv_(p!, q!, { value: 2 }), () => [f64([1, 2, 3], true), f64([0.5, -1, 2], true), f64([2, 3, -1], true)]],
      ['lerp_ on a non-leaf', (s, e) => s!.mul(1).lerp_(e!, 0.6), () => [f64([1, 2, 3], true), f64([0.5, -1, 2], true)]],
      ['add_ alpha on a non-leaf', (s, e) => s!.mul(1).add_(e!, { alpha: -2 }).mul_(e!), () => [f64([1, 2, 3], true), f64([0.5, -1, 2], true)]],
      ['clampMin_ on a non-leaf', (s) => s!.mul(1).clampMin_(0.3), () => [f64([1, 0.1, -3], true)]],
      ['sqrt_ on a non-leaf', (s) => s!.mul(1).sqrt_(), () => [f64([1, 2, 3], true)]],
    ];
    for (const [name, fn, inputs] of cases) {
      assert.equal(kiln.autograd.gradcheck(fn, inputs()), true, name);
    }
    // second order through addcmul
    const s = f64([1, 2], true);
    const p = f64([0.5, -1], true);
    const [g] = kiln.autograd.grad(kiln.addcmul(s, p, p, { value: 3 }).sum(), [p], { createGraph: true });
    g!.sum().backward();
    assert.deepEqual(list(p.grad!), [6, 6]);
  });
});
