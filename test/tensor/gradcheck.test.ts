/**
 * kiln.autograd.gradcheck (analytical Jacobians against central differences, in float64) on every
 * differentiable pointwise, reduction and shape op, with broadcasting; second-order checks
 * through autograd.grad(..., {createGraph: true}) for a few.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as kiln from 'kiln';

type T = kiln.Tensor;

/** A deterministic float64 leaf that requires grad, with values in [lo, hi). */
let seed = 12345;
function input(shape: number[], lo = -2, hi = 2, requiresGrad = true): T {
  const n = shape.reduce((a, b) => a * b, 1);
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    values.push(lo + (hi - lo) * (seed / 2147483648));
  }
  const t = kiln.tensor(values, { dtype: 'float64' }).reshape(shape).contiguous().detach();
  return requiresGrad ? t.requiresGrad_() : t;
}

/** Values kept away from whole numbers (and from each other), where step functions jump. */
function offInteger(shape: number[]): T {
  const x = input(shape, -3, 3, false);
  return kiln.add(kiln.floor(x), kiln.add(kiln.mul(kiln.sub(x, kiln.floor(x)), 0.6), 0.2)).detach().requiresGrad_();
}

const bool = (values: boolean[], shape: number[]): T => kiln.tensor(values).reshape(shape);

type Case = [name: string, fn: (...xs: T[]) => T | T[], inputs: () => T[]];

const CASES: Case[] = [
  // arithmetic, with broadcasting
  ['add', (a, b) => kiln.add(a!, b!), () => [input([2, 3]), input([3])]],
  ['add alpha', (a, b) => kiln.add(a!, b!, { alpha: -1.5 }), () => [input([2, 3]), input([2, 3])]],
  ['add scalar', (a) => kiln.add(a!, 2.5), () => [input([3])]],
  ['sub', (a, b) => kiln.sub(a!, b!), () => [input([4, 1]), input([1, 5])]],
  ['sub scalar first', (a) => kiln.sub(2.5, a!), () => [input([3])]],
  ['mul', (a, b) => kiln.mul(a!, b!), () => [input([4, 1]), input([1, 5])]],
  ['mul 0-d', (a, b) => kiln.mul(a!, b!), () => [input([]), input([2, 3])]],
  ['div', (a, b) => kiln.div(a!, b!), () => [input([2, 3]), input([3], 0.5, 2)]],
  ['div scalar numerator', (a) => kiln.div(1.5, a!), () => [input([3], 0.5, 2)]],
  ['div trunc (zero gradient)', (a, b) => kiln.div(a!, b!, { roundingMode: 'trunc' }), () => [offInteger([4]), kiln.tensor([1, 1, 1, 1], { dtype: 'float64', requiresGrad: true })]],
  ['div floor (zero gradient)', (a) => kiln.div(a!, 1, { roundingMode: 'floor' }), () => [offInteger([4])]],
  ['remainder', (a, b) => kiln.remainder(a!, b!), () => [offInteger([4]), kiln.tensor([1, 1, 1, 1], { dtype: 'float64', requiresGrad: true })]],
  ['pow tensor exponent', (a, b) => kiln.pow(a!, b!), () => [input([2, 3], 0.5, 2), input([3])]],
  ['pow scalar exponent', (a) => kiln.pow(a!, 3), () => [input([4])]],
  ['pow fractional exponent', (a) => kiln.pow(a!, -1.5), () => [input([4], 0.5, 2)]],
  ['pow scalar base', (b) => kiln.pow(2.5, b!), () => [input([4])]],
  ['neg', (a) => kiln.neg(a!), () => [input([3])]],
  ['square', (a) => kiln.square(a!), () => [input([3])]],
  // unary math
  ['abs', (a) => kiln.abs(a!), () => [input([5], 0.2, 2)]],
  ['abs negative', (a) => kiln.abs(a!), () => [input([5], -2, -0.2)]],
  ['exp', (a) => kiln.exp(a!), () => [input([2, 3])]],
  ['log', (a) => kiln.log(a!), () => [input([4], 0.3, 3)]],
  ['log2', (a) => kiln.log2(a!), () => [input([4], 0.3, 3)]],
  ['log10', (a) => kiln.log10(a!), () => [input([4], 0.3, 3)]],
  ['log1p', (a) => kiln.log1p(a!), () => [input([4], -0.5, 3)]],
  ['expm1', (a) => kiln.expm1(a!), () => [input([4])]],
  ['sqrt', (a) => kiln.sqrt(a!), () => [input([4], 0.3, 3)]],
  ['rsqrt', (a) => kiln.rsqrt(a!), () => [input([4], 0.3, 3)]],
  ['sin', (a) => kiln.sin(a!), () => [input([4])]],
  ['cos', (a) => kiln.cos(a!), () => [input([4])]],
  ['tan', (a) => kiln.tan(a!), () => [input([4], -1.2, 1.2)]],
  ['asin', (a) => kiln.asin(a!), () => [input([4], -0.9, 0.9)]],
  ['acos', (a) => kiln.acos(a!), () => [input([4], -0.9, 0.9)]],
  ['atan', (a) => kiln.atan(a!), () => [input([4])]],
  ['sinh', (a) => kiln.sinh(a!), () => [input([4])]],
  ['cosh', (a) => kiln.cosh(a!), () => [input([4])]],
  ['tanh', (a) => kiln.tanh(a!), () => [input([4])]],
  ['sigmoid', (a) => kiln.sigmoid(a!), () => [input([4], -4, 4)]],
  ['reciprocal', (a) => kiln.reciprocal(a!), () => [input([4], 0.3, 3)]],
  ['floor (zero gradient)', (a) => kiln.floor(a!), () => [offInteger([5])]],
  ['ceil (zero gradient)', (a) => kiln.ceil(a!), () => [offInteger([5])]],
  ['trunc (zero gradient)', (a) => kiln.trunc(a!), () => [offInteger([5])]],
  ['round (zero gradient)', (a) => kiln.round(a!), () => [offInteger([5])]],
  ['round decimals (zero gradient)', (a) => kiln.round(kiln.mul(a!, 0.1), { decimals: 1 }), () => [offInteger([5])]],
  ['sign (zero gradient)', (a) => kiln.sign(a!), () => [input([5], 0.2, 2)]],
  ['relu', (a) => kiln.relu(a!), () => [kiln.tensor([-1.5, -0.3, 0.4, 2], { dtype: 'float64', requiresGrad: true })]],
  ['silu', (a) => kiln.silu(a!), () => [input([5], -4, 4)]],
  ['softplus', (a) => kiln.softplus(a!), () => [input([5], -4, 4)]],
  ['softplus beta threshold', (a) => kiln.softplus(a!, { beta: 2, threshold: 3 }), () => [kiln.tensor([-1, 0.5, 1.2, 2, 5], { dtype: 'float64', requiresGrad: true })]],
  // selection
  ['maximum', (a, b) => kiln.maximum(a!, b!), () => [input([4, 1]), input([1, 3])]],
  ['minimum', (a, b) => kiln.minimum(a!, b!), () => [input([4, 1]), input([1, 3])]],
  ['clamp scalars', (a) => kiln.clamp(a!, -0.5, 0.7), () => [kiln.tensor([-1, -0.4, 0.1, 0.6, 1.5], { dtype: 'float64', requiresGrad: true })]],
  ['clamp min only', (a) => kiln.clamp(a!, 0.1), () => [kiln.tensor([-1, -0.4, 0.2, 0.6], { dtype: 'float64', requiresGrad: true })]],
  ['clamp tensors', (a, lo, hi) => kiln.clamp(a!, lo!, hi!), () => [
    kiln.tensor([-1, 0.1, 0.6, 2.5], { dtype: 'float64', requiresGrad: true }),
    kiln.tensor([-0.5, -0.5, 0.8, 0.5], { dtype: 'float64', requiresGrad: true }),
    kiln.tensor([2, 2, 2, 1], { dtype: 'float64', requiresGrad: true }),
  ]],
  ['where', (a, b) => kiln.where(bool([true, false, true], [3, 1]), a!, b!), () => [input([1, 4]), input([3, 4])]],
  ['where scalar', (a) => kiln.where(bool([true, false, true], [3]), a!, 0.5), () => [input([3])]],
  ['maskedFill', (a, v) => kiln.maskedFill(a!, bool([true, false, false], [3]), v!), () => [input([2, 3]), input([])]],
  ['clone', (a) => kiln.clone(a!), () => [input([2, 3])]],
  ['to (a copy)', (a) => a!.to('float64', { copy: true }), () => [input([3])]],
  // reductions
  ['sum', (a) => kiln.sum(a!), () => [input([2, 3])]],
  ['sum dims keepdim', (a) => kiln.sum(a!, [0, 2], true), () => [input([2, 3, 2])]],
  ['mean', (a) => kiln.mean(a!, -1), () => [input([2, 3])]],
  ['prod', (a) => kiln.prod(a!), () => [input([5], 0.5, 1.5)]],
  ['prod dim', (a) => kiln.prod(a!, 1, true), () => [input([2, 3])]],
  ['prod with a zero', (a) => kiln.prod(a!, 1), () => [kiln.tensor([[0, 2, 3], [1, 0, 0]], { dtype: 'float64', requiresGrad: true })]],
  ['var', (a) => kiln.var(a!, 1), () => [input([2, 4])]],
  ['var correction 0 keepdim', (a) => kiln.var(a!, [0, 1], { correction: 0, keepdim: true }), () => [input([2, 3])]],
  ['std', (a) => kiln.std(a!), () => [input([5])]],
  ['amax', (a) => kiln.amax(a!, 1), () => [input([3, 4])]],
  ['amin', (a) => kiln.amin(a!, [0, 1]), () => [input([3, 4])]],
  ['max all', (a) => kiln.max(a!), () => [input([3, 4])]],
  ['max dim', (a) => kiln.max(a!, 1, true), () => [input([3, 4])]],
  ['min all', (a) => kiln.min(a!), () => [input([3, 4])]],
  ['min dim', (a) => kiln.min(a!, 0), () => [input([3, 4])]],
  ['max elementwise', (a, b) => kiln.max(a!, b!), () => [input([3]), input([3])]],
  ['logsumexp', (a) => kiln.logsumexp(a!, 1), () => [input([3, 4])]],
  ['logsumexp keepdim', (a) => kiln.logsumexp(a!, [0, 1], true), () => [input([3, 4])]],
  ['softmax', (a) => kiln.softmax(a!, -1), () => [input([3, 4])]],
  ['softmax dim 0', (a) => kiln.softmax(a!, 0), () => [input([3, 4])]],
  ['logSoftmax', (a) => kiln.logSoftmax(a!, 1), () => [input([3, 4])]],
  ['logSoftmax 3-d middle dim', (a) => kiln.logSoftmax(a!, 1), () => [input([2, 3, 2])]],
  ['softmax of a transpose', (a) => kiln.softmax(a!.t(), 1), () => [input([4, 3])]],
  ['gelu', (a) => kiln.nn.functional.gelu(a!), () => [input([7], -4, 4)]],
  ['gelu tanh', (a) => kiln.nn.functional.gelu(a!, { approximate: 'tanh' }), () => [input([7], -4, 4)]],
  ['cumsum', (a) => kiln.cumsum(a!, 1), () => [input([3, 4])]],
  ['cumsum dim 0', (a) => kiln.cumsum(a!, 0), () => [input([3, 4])]],
  // shape
  ['reshape', (a) => kiln.reshape(a!, [3, 2]), () => [input([2, 3])]],
  ['reshape of a transpose (copy)', (a) => kiln.reshape(a!.t(), [6]), () => [input([2, 3])]],
  ['view', (a) => kiln.view(a!, [-1]), () => [input([2, 3])]],
  ['flatten', (a) => kiln.flatten(a!, 1), () => [input([2, 3, 2])]],
  ['permute', (a) => kiln.permute(a!, [2, 0, 1]), () => [input([2, 3, 2])]],
  ['transpose', (a) => kiln.transpose(a!, 0, -1), () => [input([2, 3, 2])]],
  ['t', (a) => kiln.t(a!), () => [input([2, 3])]],
  ['squeeze', (a) => kiln.squeeze(a!), () => [input([1, 3, 1])]],
  ['unsqueeze', (a) => kiln.unsqueeze(a!, 1), () => [input([2, 3])]],
  ['expand', (a) => kiln.expand(a!, [2, 3, 4]), () => [input([3, 1])]],
  ['narrow', (a) => kiln.narrow(a!, 1, 1, 2), () => [input([2, 4])]],
  ['split', (a) => kiln.split(a!, 2, 1), () => [input([2, 5])]],
  ['chunk', (a) => kiln.chunk(a!, 3), () => [input([5, 2])]],
  ['cat', (a, b) => kiln.cat([a!, b!], 1), () => [input([2, 3]), input([2, 2])]],
  ['stack', (a, b) => kiln.stack([a!, b!], -1), () => [input([2, 3]), input([2, 3])]],
  ['tril', (a) => kiln.tril(a!, 1), () => [input([3, 4])]],
  ['triu', (a) => kiln.triu(a!), () => [input([2, 3, 3])]],
  // composites
  ['where through a comparison', (a, b) => kiln.where(kiln.gt(a!, b!), kiln.mul(a!, a!), b!), () => [input([2, 4]), input([4])]],
  ['softmax of a product', (a, b) => kiln.softmax(kiln.mul(a!, b!), 1), () => [input([2, 3]), input([3])]],
];

for (const [name, fn, inputs] of CASES) {
  test(`gradcheck ${name}`, () => {
    assert.equal(kiln.autograd.gradcheck(fn, inputs()), true);
  });
}

test('gradcheck catches a wrong gradient', () => {
  // a "function" whose gradient is deliberately doubled through a detached correction
  const wrong = (x: T): T => kiln.add(kiln.mul(x, 2), kiln.mul(x.detach(), -1));
  assert.equal(kiln.autograd.gradcheck(wrong, [input([3])], { raiseException: false }), false);
  assert.throws(() => kiln.autograd.gradcheck(wrong, [input([3])]), /Jacobian mismatch/);
});

/** fn's gradient (built with createGraph) as a function of its inputs, for a second gradcheck. */
function gradOf(fn: (...xs: T[]) => T, weights: T): (...xs: T[]) => T[] {
  return (...xs) => {
    const out = kiln.mul(fn(...xs), weights).sum();
    return kiln.autograd.grad(out, xs, { createGraph: true }).filter((g): g is T => g !== null);
  };
}

const SECOND_ORDER: [string, (...xs: T[]) => T, () => T[], number[]][] = [
  ['pow', (a, b) => kiln.pow(a!, b!), () => [input([3], 0.5, 2), input([3])], [3]],
  ['pow scalar exponent', (a) => kiln.pow(a!, 3), () => [input([3])], [3]],
  ['exp', (a) => kiln.exp(a!), () => [input([2, 2])], [2, 2]],
  ['tanh', (a) => kiln.tanh(a!), () => [input([4])], [4]],
  ['sigmoid', (a) => kiln.sigmoid(a!), () => [input([4], -3, 3)], [4]],
  ['softmax', (a) => kiln.softmax(a!, 1), () => [input([2, 3])], [2, 3]],
  ['logSoftmax', (a) => kiln.logSoftmax(a!, 0), () => [input([3, 2])], [3, 2]],
  ['gelu', (a) => kiln.nn.functional.gelu(a!), () => [input([5], -3, 3)], [5]],
  ['gelu tanh', (a) => kiln.nn.functional.gelu(a!, { approximate: 'tanh' }), () => [input([5], -3, 3)], [5]],
  ['mul', (a, b) => kiln.mul(a!, b!), () => [input([2, 3]), input([3])], [2, 3]],
  ['div', (a, b) => kiln.div(a!, b!), () => [input([3]), input([3], 0.5, 2)], [3]],
  ['logsumexp', (a) => kiln.logsumexp(a!, 1), () => [input([2, 3])], [2]],
  ['sqrt', (a) => kiln.sqrt(a!), () => [input([3], 0.5, 2)], [3]],
  ['prod', (a) => kiln.prod(a!, 1), () => [input([2, 3], 0.5, 1.5)], [2]],
];

for (const [name, fn, inputs, wShape] of SECOND_ORDER) {
  test(`second-order gradcheck ${name}`, () => {
    const w = input(wShape, -1, 1, false);
    assert.equal(kiln.autograd.gradcheck(gradOf(fn, w), inputs()), true);
  });
}
