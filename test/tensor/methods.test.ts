/**
 * Tensor methods added to the catalogue (log2, log10, expm1, tan, asin, acos, atan, sinh, cosh,
 * remainder, floorDivide, logicalXor, isinf, isfinite, negative, erf, gelu, addcmul, addcdiv,
 * lerp, cumsum with a dtype): each against its formula and the function form, with gradients.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as kiln from 'kiln';

type T = kiln.Tensor;

const f64 = (values: number[], requiresGrad = false): T => kiln.tensor(values, { dtype: 'float64', requiresGrad });
const list = (t: T): (number | boolean)[] => t.tolist() as (number | boolean)[];

/** erf by its series (float64-accurate for |x| < 3), to check the kernel. */
function erfSeries(x: number): number {
  let sum = 0;
  let term = x;
  for (let n = 0; n < 200; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

describe('unary methods match their formulas and the function forms', () => {
  const x = f64([0.3, 0.7, 1.9, 2.5]);
  const u = f64([-0.9, -0.2, 0.4, 0.8]);
  const xs = list(x) as number[];
  const us = list(u) as number[];
  const cases: [string, T, T, number[]][] = [
    ['log2', x.log2(), kiln.log2(x), xs.map(Math.log2)],
    ['log10', x.log10(), kiln.log10(x), xs.map(Math.log10)],
    ['expm1', x.expm1(), kiln.expm1(x), xs.map(Math.expm1)],
    ['tan', u.tan(), kiln.tan(u), us.map(Math.tan)],
    ['asin', u.asin(), kiln.asin(u), us.map(Math.asin)],
    ['acos', u.acos(), kiln.acos(u), us.map(Math.acos)],
    ['atan', x.atan(), kiln.atan(x), xs.map(Math.atan)],
    ['sinh', u.sinh(), kiln.sinh(u), us.map(Math.sinh)],
    ['cosh', u.cosh(), kiln.cosh(u), us.map(Math.cosh)],
    ['negative', u.negative(), kiln.negative(u), us.map((v) => -v)],
  ];
  for (const [name, method, fn, want] of cases) {
    it(name, () => {
      assert.deepEqual(list(method), want);
      assert.deepEqual(list(fn), want);
    });
  }

  it('erf and gelu', () => {
    (list(u.erf()) as number[]).forEach((v, i) => assert.ok(Math.abs(v - erfSeries(us[i]!)) < 1e-15));
    const gelu = us.map((v) => 0.5 * v * (1 + erfSeries(v / Math.SQRT2)));
    (list(u.gelu()) as number[]).forEach((v, i) => assert.ok(Math.abs(v - gelu[i]!) < 1e-15));
    const tanhGelu = us.map((v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))));
    (list(u.gelu({ approximate: 'tanh' })) as number[]).forEach((v, i) => assert.ok(Math.abs(v - tanhGelu[i]!) < 1e-15));
  });

  it('integer inputs compute in the default float dtype', () => {
    const i = kiln.tensor([1, 2, 4]);
    assert.equal(i.log2().dtype, 'float32');
    assert.deepEqual(list(i.log2()), [0, 1, 2]);
    assert.equal(i.sinh().dtype, 'float32');
  });
});

describe('binary and logical methods', () => {
  it('remainder takes the divisor\'s sign, floorDivide rounds down (as Python and PyTorch)', () => {
    const a = kiln.tensor([7, -7, 7, -7]);
    const b = kiln.tensor([3, 3, -3, -3]);
    assert.deepEqual(list(a.remainder(b)), [1, 2, -2, -1]);
    assert.deepEqual(list(a.floorDivide(b)), [2, -3, -3, 2]);
    assert.deepEqual(list(f64([5.5, -5.5]).remainder(2)), [1.5, 0.5]);
    assert.deepEqual(list(f64([5.5, -5.5]).floorDivide(2)), [2, -3]);
    assert.throws(() => a.remainder(0), /ZeroDivisionError/);
  });

  it('logicalXor, isinf, isfinite', () => {
    const p = kiln.tensor([true, true, false, false]);
    const q = kiln.tensor([true, false, true, false]);
    assert.deepEqual(list(p.logicalXor(q)), [false, true, true, false]);
    assert.deepEqual(list(kiln.tensor([0, 2, 0]).logicalXor(kiln.tensor([0, 0, 3]))), [false, true, true]);
    const v = f64([1, Infinity, -Infinity, NaN]);
    assert.deepEqual(list(v.isinf()), [false, true, true, false]);
    assert.deepEqual(list(v.isfinite()), [true, false, false, false]);
    assert.deepEqual(list(kiln.tensor([1, 2]).isfinite()), [true, true]);
  });

  it('addcmul, addcdiv and lerp as methods', () => {
    const s = f64([1, 2]);
    const a = f64([3, 4]);
    const b = f64([2, 8]);
    assert.deepEqual(list(s.addcmul(a, b, { value: 0.5 })), [4, 18]);
    assert.deepEqual(list(s.addcdiv(a, b)), [2.5, 2.5]);
    assert.deepEqual(list(s.lerp(a, 0.25)), [1.5, 2.5]);
    assert.deepEqual(list(s.lerp(a, f64([0, 1]))), [1, 4]);
  });
});

describe('cumsum with a dtype', () => {
  it('casts first, as PyTorch', () => {
    const i = kiln.tensor([[1, 2], [3, 4]], { dtype: 'int32' });
    const c = i.cumsum(1, { dtype: 'float64' });
    assert.equal(c.dtype, 'float64');
    assert.deepEqual(c.tolist(), [[1, 3], [3, 7]]);
    assert.equal(i.cumsum(0).dtype, 'int64');
    const f = kiln.tensor([0.1, 0.2, 0.3], { dtype: 'float32' });
    assert.equal(f.cumsum(0, { dtype: 'float64' }).dtype, 'float64');
    assert.equal(kiln.cumsum(f, 0, { dtype: 'float64' }).dtype, 'float64');
  });

  it('differentiates', () => {
    const x = f64([1, 2, 3], true);
    assert.equal(kiln.autograd.gradcheck((a) => a!.cumsum(0, { dtype: 'float64' }), [x]), true);
  });
});

describe('gradients of the new methods', () => {
  const cases: [string, (x: T) => T, number[]][] = [
    ['log2', (x) => x.log2(), [0.4, 1.3, 2.2]],
    ['log10', (x) => x.log10(), [0.4, 1.3, 2.2]],
    ['expm1', (x) => x.expm1(), [-0.4, 1.3, 2.2]],
    ['tan', (x) => x.tan(), [-0.4, 0.3, 1.1]],
    ['asin', (x) => x.asin(), [-0.7, 0.3, 0.6]],
    ['acos', (x) => x.acos(), [-0.7, 0.3, 0.6]],
    ['atan', (x) => x.atan(), [-2, 0.3, 1.6]],
    ['sinh', (x) => x.sinh(), [-2, 0.3, 1.6]],
    ['cosh', (x) => x.cosh(), [-2, 0.3, 1.6]],
    ['negative', (x) => x.negative(), [-2, 0.3, 1.6]],
    ['erf', (x) => x.erf(), [-2, 0.3, 1.6]],
    ['gelu', (x) => x.gelu(), [-2, 0.3, 1.6]],
    ['gelu tanh', (x) => x.gelu({ approximate: 'tanh' }), [-2, 0.3, 1.6]],
    ['remainder', (x) => x.remainder(0.7), [-2, 0.3, 1.6]],
    ['clampMin', (x) => x.clampMin(0.5), [-2, 0.3, 1.6]],
    ['clampMax', (x) => x.clampMax(0.5), [-2, 0.3, 1.6]],
  ];
  for (const [name, fn, values] of cases) {
    it(name, () => assert.equal(kiln.autograd.gradcheck(fn as (...xs: T[]) => T, [f64(values, true)]), true));
  }
});

describe('dot and mv record one node each, as PyTorch', () => {
  it('DotBackward0 and MvBackward0, to second order', () => {
    const a = f64([1, -2, 0.5], true);
    const b = f64([0.3, 2, -1], true);
    const m = kiln.tensor([[1, 2, 3], [-1, 0.5, 2]], { dtype: 'float64', requiresGrad: true });
    assert.equal(a.dot(b).gradFn?.name, 'DotBackward0');
    assert.equal(m.mv(a).gradFn?.name, 'MvBackward0');
    assert.equal(kiln.autograd.gradcheck((x, y) => x!.dot(y!), [a, b]), true);
    assert.equal(kiln.autograd.gradcheck((x, y) => x!.mv(y!), [m, a]), true);
    // d/da of sum(grad of (a·b)² w.r.t. b) = d/da sum(2 (a·b) a)
    const [gb] = kiln.autograd.grad(a.dot(b).square(), [b], { createGraph: true });
    const [ga] = kiln.autograd.grad(gb!.sum(), [a]);
    const s = (list(a) as number[]).reduce((t, v) => t + v, 0);
    const ab = (list(a) as number[]).reduce((t, v, i) => t + v * (list(b) as number[])[i]!, 0);
    (list(ga!) as number[]).forEach((v, i) => assert.ok(Math.abs(v - (2 * (list(b) as number[])[i]! * s + 2 * ab)) < 1e-12));
    const [gm] = kiln.autograd.grad(m.mv(a).sum(), [a], { createGraph: true });
    assert.deepEqual(list(gm!), [0, 2.5, 5]);
  });
});
