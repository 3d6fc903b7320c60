/**
 * Pointwise, reduction and shape ops against PyTorch 1.13 (test/fixtures/torch_ops.json, made by
 * scripts/fixtures_torch/make_torch_fixtures.py): values, result dtypes and shapes, errors, and
 * the gradients of sum_i (out_i * w_i).sum() w.r.t. every input that requires grad.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as kiln from 'kiln';
import { type Encoded, type EncodedArray, assertMatches, decodeArray, loadFixture } from '../helpers.js';

type Arg =
  | { t: EncodedArray; grad: boolean; permute?: number[] }
  | { list: Arg[] }
  | { v: unknown };

interface Case {
  name: string;
  fn: string;
  args: Arg[];
  opts?: Record<string, unknown>;
  method?: boolean;
  tol?: [number, number];
  result: Encoded;
  weights?: (EncodedArray | null)[];
  grads?: (EncodedArray | null)[];
}

type Operand = Parameters<typeof kiln.torchResultType>[0][number];
const fixture = loadFixture<Case>('torch_ops') as unknown as { cases: Case[]; promotion: [Operand, Operand, string][] };
const { cases } = fixture;

/** Composite cases: the same expressions as in the generator. */
const COMPOSITES: Record<string, (...a: kiln.Tensor[]) => kiln.Tensor> = {
  _whereGt: (x, y) => kiln.where(kiln.gt(x, y), kiln.mul(x, 2.5), y),
  _maskThenSum: (x) => kiln.where(kiln.le(x, 0.5 - 0.5), kiln.zerosLike(x), x).sum(),
  _floorMix: (x) => kiln.add(kiln.add(kiln.mul(kiln.floor(x), x), kiln.sign(x)), kiln.round(x)),
};

/**
 * Messages where kiln keeps newer PyTorch wording on purpose (1.13's text in the fixture).
 * tril/triu on 1-D: PyTorch 2 says "input tensor must have at least 2 dimensions".
 */
const MESSAGE_DEVIATIONS: Record<string, string> = {
  'tril 1-d': 'tril: input tensor must have at least 2 dimensions',
  'triu 1-d': 'triu: input tensor must have at least 2 dimensions',
};

function build(arg: Arg, leaves: (kiln.Tensor | null)[]): unknown {
  if ('t' in arg) {
    const leaf = kiln.tensor(decodeArray(arg.t), { requiresGrad: arg.grad });
    leaves.push(leaf);
    return arg.permute ? leaf.permute(arg.permute) : leaf;
  }
  if ('list' in arg) return arg.list.map((a) => build(a, leaves));
  return arg.v;
}

function call(c: Case, args: unknown[]): unknown {
  const all = c.opts === undefined ? args : [...args, c.opts];
  if (c.fn in COMPOSITES) return COMPOSITES[c.fn]!(...(all as kiln.Tensor[]));
  if (c.method) {
    const self = all[0] as unknown as Record<string, (...a: unknown[]) => unknown>;
    assert.equal(typeof self[c.fn], 'function', `Tensor.${c.fn} is missing`);
    return self[c.fn]!(...all.slice(1));
  }
  const f = (kiln as unknown as Record<string, (...a: unknown[]) => unknown>)[c.fn];
  assert.equal(typeof f, 'function', `kiln.${c.fn} is missing`);
  return f!(...all);
}

/** rtol, atol by dtype; gradients compose several float32 ops, so they get a little more room. */
function tolerance(dtype: string, c: Case, forGrad: boolean): { rtol: number; atol: number } {
  if (c.tol) return { rtol: c.tol[0], atol: c.tol[1] };
  if (dtype === 'float64') return forGrad ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-12, atol: 1e-14 };
  if (dtype === 'float32') return forGrad ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-6, atol: 1e-7 };
  if (dtype === 'float16') return { rtol: 1e-3, atol: 1e-3 };
  return { rtol: 0, atol: 0 };
}

function assertTensor(actual: unknown, expected: EncodedArray, c: Case, label: string, forGrad = false): void {
  assert.ok(actual instanceof kiln.Tensor, `${label}: expected a Tensor, got ${String(actual)}`);
  assertMatches(actual.detach().numpy(), expected, tolerance(expected.dtype, c, forGrad), label);
}

function runCase(c: Case): void {
  const leaves: kiln.Tensor[] = [];
  const args = c.args.map((a) => build(a, leaves as (kiln.Tensor | null)[]));
  const expected = c.result;
  if ('error' in expected) {
    let thrown: unknown;
    try {
      call(c, args);
    } catch (e) {
      thrown = e;
    }
    assert.ok(thrown instanceof Error, `${c.name}: expected PyTorch's error "${expected.message}", nothing was thrown`);
    // PyTorch 1.13 lacks some kernels (abs on bool, silu on int64): kiln only has to refuse them
    if (/not implemented for '/.test(expected.message)) return;
    assert.equal(thrown.message, MESSAGE_DEVIATIONS[c.name] ?? expected.message, `${c.name}: message`);
    return;
  }
  const result = call(c, args);
  const outs = 'tuple' in expected ? (result as kiln.Tensor[]) : [result];
  if ('tuple' in expected) {
    assert.ok(Array.isArray(result), `${c.name}: expected a tuple`);
    assert.equal(outs.length, expected.tuple.length, `${c.name}: tuple length`);
    expected.tuple.forEach((e, i) => assertTensor(outs[i], e as EncodedArray, c, `${c.name} [${i}]`));
  } else {
    assertTensor(result, expected as EncodedArray, c, c.name);
  }
  if (!c.grads || !c.weights) return;
  let loss: kiln.Tensor | null = null;
  c.weights.forEach((w, i) => {
    if (!w) return;
    const out = outs[i] as kiln.Tensor;
    assert.ok(out.requiresGrad, `${c.name}: output ${i} should require grad`);
    const term = kiln.mul(out, kiln.tensor(decodeArray(w))).sum();
    loss = loss ? kiln.add(loss, term) : term;
  });
  (loss as kiln.Tensor | null)!.backward();
  c.grads.forEach((g, i) => {
    const leaf = leaves[i]!;
    const label = `${c.name}: grad of input ${i}`;
    if (g === null) {
      // PyTorch gives None where no gradient flows; zeros say the same
      if (leaf.grad) assert.ok(leaf.grad.abs().sum().item() === 0, `${label}: expected no gradient`);
      return;
    }
    assert.ok(leaf.grad, `${label}: missing`);
    assertTensor(leaf.grad, g, c, label, true);
  });
}

/** Groups by op family so a failure names its area; every case runs in exactly one group. */
const GROUPS: [string, RegExp][] = [
  ['arithmetic', /^(add|sub|mul|div|trueDivide|floorDivide|remainder|pow)$/],
  ['unary math and activations', /^(neg|negative|abs|exp|log|log2|log10|log1p|expm1|sqrt|rsqrt|sin|cos|tan|asin|acos|atan|sinh|cosh|tanh|sigmoid|reciprocal|floor|ceil|trunc|sign|round|relu|silu|softplus|square)$/],
  ['comparisons and logic', /^(eq|ne|lt|le|gt|ge|logical\w+|isnan|isinf|isfinite)$/],
  ['maximum, minimum, clamp, where, maskedFill', /^(maximum|minimum|clamp|where|maskedFill|_\w+)$/],
  ['clone and to', /^(clone|to)$/],
  ['sum, mean, prod, var, std', /^(sum|mean|prod|var|std)$/],
  ['amax, amin, max, min, argmax, argmin', /^(amax|amin|max|min|argmax|argmin)$/],
  ['logsumexp, softmax, logSoftmax, cumsum, all, any', /^(logsumexp|softmax|logSoftmax|cumsum|all|any)$/],
  ['reshape, view, flatten, permute, transpose, t', /^(reshape|view|flatten|permute|transpose|t)$/],
  ['squeeze, unsqueeze, expand, narrow, split, chunk', /^(squeeze|unsqueeze|expand|narrow|split|chunk)$/],
  ['cat, stack, tril, triu', /^(cat|stack|tril|triu)$/],
];

for (const [name, pattern] of GROUPS) {
  test(`${name} match PyTorch`, () => {
    const mine = cases.filter((c) => pattern.test(c.fn));
    assert.ok(mine.length > 0);
    const failures: string[] = [];
    for (const c of mine) {
      try {
        runCase(c);
      } catch (e) {
        failures.push(`${c.name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${mine.length} cases differ from PyTorch`);
  });
}

test('every fixture case belongs to a group', () => {
  assert.deepEqual(cases.filter((c) => !GROUPS.some(([, p]) => p.test(c.fn))).map((c) => c.name), []);
});

test('torchResultType matches torch.result_type for every pair of operand kinds', () => {
  const wrong = fixture.promotion
    .filter(([a, b, want]) => kiln.torchResultType([a, b]) !== want)
    .map(([a, b, want]) => `${JSON.stringify(a)} with ${JSON.stringify(b)}: ${kiln.torchResultType([a, b])}, PyTorch ${want}`);
  assert.deepEqual(wrong, []);
  assert.ok(fixture.promotion.length > 300);
});
