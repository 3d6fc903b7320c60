/**
 * Matrix products of the tensor face: matmul, mm, bmm, mv, dot, outer, addmm, addmv, baddbmm,
 * linear and einsum. Values, errors and gradients are pinned to PyTorch 1.13 by
 * test/fixtures/torch_linalg.json (made by scripts/fixtures_torch/linalg.py); gradients are also
 * checked against finite differences (first and second order) with kiln.autograd.gradcheck.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as kiln from 'kiln';
import { assertMatches, decodeArray, loadFixture, type EncodedArray } from '../helpers.js';

type Tensor = kiln.Tensor;

// ---- PyTorch fixtures ------------------------------------------------------------------------------

type Arg = { t: EncodedArray; grad: boolean; permute?: number[] } | { v: unknown };

interface Case {
  name: string;
  fn: string;
  args: Arg[];
  opts?: Record<string, number>;
  tol?: number;
  result: EncodedArray | { error: string; message: string };
  weights?: EncodedArray;
  grads?: (EncodedArray | null)[];
}

const fixture = loadFixture<Case>('torch_linalg');

const fns = kiln as unknown as Record<string, (...args: unknown[]) => Tensor>;

/**
 * PyTorch 1.13 prints mv's size mismatch as "size mismatch, got 2, 2x3,4"; kiln uses the wording
 * of later PyTorch releases, which names the operands.
 */
function expectedMessage(message: string): string {
  const mv = /^size mismatch, got (\d+), (\d+)x(\d+),(\d+)$/.exec(message);
  return mv ? `size mismatch, got input (${mv[1]}), mat (${mv[2]}x${mv[3]}), vec (${mv[4]})` : message;
}

function tolerance(c: Case): { rtol: number; atol: number } {
  return c.tol ? { rtol: c.tol, atol: c.tol } : { rtol: 1e-9, atol: 1e-12 };
}

for (const c of fixture.cases) {
  test(`torch: ${c.name}`, () => {
    const leaves: Tensor[] = [];
    const args = c.args.map((a) => {
      if ('v' in a) return a.v;
      const leaf = kiln.tensor(decodeArray(a.t));
      if (a.grad) leaf.requiresGrad_();
      leaves.push(leaf);
      return a.permute ? leaf.permute(a.permute) : leaf;
    });
    if (c.opts) args.push(c.opts);
    const call = (): Tensor => fns[c.fn]!(...args);
    if ('error' in c.result) {
      assert.throws(call, { message: expectedMessage(c.result.message) });
      return;
    }
    const out = call();
    const tol = tolerance(c);
    assertMatches(out.detach().numpy(), c.result, tol, 'result');
    if (!c.weights || !c.grads) return;
    out.mul(kiln.tensor(decodeArray(c.weights))).sum().backward();
    c.grads.forEach((g, i) => {
      if (g === null) assert.equal(leaves[i]!.grad, null, `grad ${i} should be None`);
      else assertMatches(leaves[i]!.grad?.numpy(), g, tol, `grad ${i}`);
    });
  });
}

// ---- deterministic float64 inputs for gradcheck ------------------------------------------------------

let seed = 12345;
/** A float64 leaf requiring grad with values in [-1, 1) (a small LCG, so runs are reproducible). */
function rnd(...shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    values.push((seed / 2147483648) * 2 - 1);
  }
  return kiln.tensor(values, { dtype: 'float64' }).reshape(shape).detach().requiresGrad_();
}

const check = (fn: (...xs: Tensor[]) => Tensor | Tensor[], inputs: Tensor[]): void => {
  assert.equal(kiln.autograd.gradcheck(fn, inputs), true);
};

/**
 * Second order: gradcheck of the gradient of (f(x)²).sum(), built with createGraph (with grad
 * enabled even where gradcheck evaluates under noGrad, as PyTorch's gradgradcheck does).
 */
function checkSecondOrder(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  check((...xs) => kiln.enableGrad(() => {
    const y = f(...xs);
    return kiln.autograd.grad(y.mul(y).sum(), xs, { createGraph: true }) as Tensor[];
  }), inputs);
}

// ---- values and shapes by hand -----------------------------------------------------------------------

const M = (rows: number[][], dtype: kiln.Tensor['dtype'] = 'float64'): Tensor => kiln.tensor(rows, { dtype });

test('matmul follows PyTorch rank rules', () => {
  const a = M([[1, 2, 3], [4, 5, 6]]);
  const b = M([[1, 0], [0, 1], [1, 1]]);
  assert.deepEqual(kiln.matmul(a, b).tolist(), [[4, 5], [10, 11]]);
  assert.deepEqual(kiln.matmul(a, kiln.tensor([1, 1, 1], { dtype: 'float64' })).tolist(), [6, 15]);
  assert.deepEqual(kiln.matmul(kiln.tensor([1, 1], { dtype: 'float64' }), a).tolist(), [5, 7, 9]);
  const d = kiln.matmul(kiln.tensor([1, 2, 3]), kiln.tensor([4, 5, 6]));
  assert.deepEqual(d.shape, []);
  assert.equal(d.item(), 32);
  assert.equal(d.dtype, 'int64');
  // batched with broadcast batch dims
  const x = kiln.arange(24, { dtype: 'float64' }).reshape(2, 1, 3, 4);
  const y = kiln.arange(40, { dtype: 'float64' }).reshape(5, 4, 2);
  assert.deepEqual(kiln.matmul(x, y).shape, [2, 5, 3, 2]);
  assert.deepEqual(kiln.matmul(kiln.ones(2, 1, 1, 2), kiln.ones(3, 2, 2)).shape, [2, 3, 1, 2]);
  assert.deepEqual(kiln.matmul(kiln.ones(4), kiln.ones(2, 3, 4, 5)).shape, [2, 3, 5]);
  assert.deepEqual(kiln.matmul(kiln.ones(2, 3, 4, 5), kiln.ones(5)).shape, [2, 3, 4]);
  assert.deepEqual(kiln.matmul(kiln.ones(3, 4), kiln.ones(2, 4, 5)).shape, [2, 3, 5]);
  assert.deepEqual(a.matmul(b).tolist(), [[4, 5], [10, 11]]);
});

test('transposed operands are used as views', () => {
  const a = kiln.arange(12, { dtype: 'float64' }).reshape(3, 4);
  const b = kiln.arange(8, { dtype: 'float64' }).reshape(2, 4);
  // Aᵀ·A and A·Bᵀ without copies: compare with products of contiguous copies
  assert.deepEqual(kiln.matmul(a.t(), a).tolist(), kiln.matmul(a.t().contiguous(), a).tolist());
  assert.deepEqual(kiln.matmul(a, b.t()).tolist(), kiln.matmul(a, b.t().contiguous()).tolist());
  const batched = kiln.arange(24, { dtype: 'float64' }).reshape(2, 4, 3);
  assert.deepEqual(kiln.matmul(batched.mT, b.t()).tolist(), kiln.matmul(batched.mT.contiguous(), b.t()).tolist());
});

test('empty products', () => {
  assert.deepEqual(kiln.matmul(kiln.ones(2, 0), kiln.ones(0, 3)).tolist(), [[0, 0, 0], [0, 0, 0]]);
  assert.deepEqual(kiln.matmul(kiln.ones(0, 3), kiln.ones(3, 2)).shape, [0, 2]);
  assert.equal(kiln.dot(kiln.ones(0), kiln.ones(0)).item(), 0);
});

test('matrix products keep integer dtypes and require equal dtypes', () => {
  const a = kiln.tensor([[1, 2], [3, 4]]);
  assert.equal(kiln.mm(a, a).dtype, 'int64');
  assert.deepEqual(kiln.mm(a, a).tolist(), [[7, 10], [15, 22]]);
  assert.equal(kiln.mm(a.int(), a.int()).dtype, 'int32');
  assert.throws(() => kiln.mm(a, a.float()), { message: 'expected scalar type Long but found Float' });
  assert.throws(() => kiln.matmul(a.float(), a.double()), { message: 'expected scalar type Float but found Double' });
  assert.throws(() => kiln.dot(kiln.ones(2), kiln.ones(2).double()), {
    message: 'dot : expected both vectors to have same dtype, but found Float and Double',
  });
  // outer promotes, as PyTorch's reshape-and-multiply does
  assert.equal(kiln.outer(kiln.tensor([1, 2]), kiln.ones(2)).dtype, 'float32');
});

test('error messages', () => {
  assert.throws(() => kiln.matmul(kiln.ones(2, 3), kiln.ones(4, 5)), { message: 'mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)' });
  assert.throws(() => kiln.matmul(kiln.ones(2, 3), kiln.ones(4)), { message: 'size mismatch, got input (2), mat (2x3), vec (4)' });
  assert.throws(() => kiln.bmm(kiln.ones(2, 3, 3), kiln.ones(2, 4, 5)), {
    message: 'Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [2, 4].',
  });
  assert.throws(() => kiln.matmul(kiln.tensor(1), kiln.ones(2, 2)), {
    message: 'both arguments to matmul need to be at least 1D, but they are 0D and 2D',
  });
  assert.throws(() => kiln.mm(kiln.ones(3), kiln.ones(3, 3)), { message: 'self must be a matrix' });
  assert.throws(() => kiln.dot(kiln.ones(2, 2), kiln.ones(2, 2)), { message: '1D tensors expected, but got 2D and 2D tensors' });
  assert.throws(() => kiln.addmm(kiln.ones(3).long(), kiln.ones(2, 3).long(), kiln.ones(3, 3).long(), { alpha: 0.5 }), {
    message: 'For integral input tensors, argument alpha must not be a floating point number.',
  });
  assert.throws(() => kiln.einsum('ij'), /must specify the equation string and at least one operand/);
});

test('addmm, addmv and baddbmm as methods', () => {
  const input = M([[1, 1], [1, 1]]);
  const m1 = M([[1, 2], [3, 4]]);
  assert.deepEqual(input.addmm(m1, m1, { beta: 2, alpha: 1 }).tolist(), [[9, 12], [17, 24]]);
  assert.deepEqual(kiln.tensor([1, 1], { dtype: 'float64' }).addmv(m1, kiln.tensor([1, 0], { dtype: 'float64' })).tolist(), [2, 4]);
  const b = kiln.ones(2, 2, 2).double();
  assert.deepEqual(kiln.zeros(2).double().baddbmm(b, b, { alpha: 3 }).tolist(), [[[6, 6], [6, 6]], [[6, 6], [6, 6]]]);
  // beta = 0 ignores NaN in input
  const nan = kiln.full([2, 2], NaN, { dtype: 'float64' });
  assert.deepEqual(kiln.addmm(nan, m1, m1, { beta: 0 }).tolist(), [[7, 10], [15, 22]]);
});

test('linear is x @ weightᵀ + bias', () => {
  const x = M([[1, 2, 3]]);
  const w = M([[1, 0, 0], [0, 1, 0]]);
  assert.deepEqual(kiln.linear(x, w, kiln.tensor([10, 20], { dtype: 'float64' })).tolist(), [[11, 22]]);
  assert.deepEqual(kiln.linear(x, w).tolist(), [[1, 2]]);
  assert.deepEqual(kiln.linear(kiln.ones(4, 2, 3).double(), w).shape, [4, 2, 2]);
});

test('einsum: contractions, diagonals, implicit output, ellipsis', () => {
  const a = kiln.arange(6, { dtype: 'float64' }).reshape(2, 3);
  const sq = kiln.arange(9, { dtype: 'float64' }).reshape(3, 3);
  assert.deepEqual(kiln.einsum('ij->ji', a).tolist(), a.t().tolist());
  assert.deepEqual(kiln.einsum('ii->i', sq).tolist(), [0, 4, 8]);
  assert.equal(kiln.einsum('ii', sq).item(), 12);
  assert.equal(kiln.einsum('i,i->', kiln.tensor([1, 2]), kiln.tensor([3, 4])).item(), 11);
  assert.deepEqual(kiln.einsum('i,j->ij', kiln.tensor([1, 2]), kiln.tensor([3, 4, 5])).tolist(), [[3, 4, 5], [6, 8, 10]]);
  assert.deepEqual(kiln.einsum('ij,jk', a, a.t()).tolist(), kiln.mm(a, a.t()).tolist());
  // operands may come as one list
  assert.deepEqual(kiln.einsum('ij,jk->ik', [a, a.t()]).tolist(), kiln.mm(a, a.t()).tolist());
  assert.deepEqual(kiln.einsum('...ij,...jk->...ik', kiln.ones(2, 1, 2, 3), kiln.ones(5, 3, 4)).shape, [2, 5, 2, 4]);
  // a diagonal is a view, as torch.diagonal
  const d = kiln.einsum('ii->i', sq);
  assert.equal(d.storage, sq.storage);
});

// ---- gradients against finite differences --------------------------------------------------------------

const MATMUL_SHAPES: [number[], number[]][] = [
  [[3], [3]], [[2, 3], [3]], [[3], [3, 4]], [[2, 3], [3, 4]],
  [[2, 3, 4], [4]], [[4], [2, 4, 5]], [[2, 3, 4], [4, 5]], [[3, 4], [2, 4, 5]],
  [[2, 3, 4], [2, 4, 5]], [[2, 1, 3, 4], [3, 4, 2]], [[1, 3, 2], [2, 2, 3]], [[2, 2, 3, 4], [4]],
];

for (const [sa, sb] of MATMUL_SHAPES) {
  test(`gradcheck matmul [${sa}] @ [${sb}]`, () => {
    check((a, b) => kiln.matmul(a!, b!), [rnd(...sa), rnd(...sb)]);
  });
  test(`second-order gradcheck matmul [${sa}] @ [${sb}]`, () => {
    checkSecondOrder((a, b) => kiln.matmul(a!, b!), [rnd(...sa), rnd(...sb)]);
  });
}

test('gradcheck matmul of transposed views', () => {
  check((a, b) => kiln.matmul(a!.t(), b!), [rnd(4, 3), rnd(4, 2)]);
  check((a, b) => kiln.matmul(a!, b!.t()), [rnd(3, 4), rnd(2, 4)]);
  check((a, b) => kiln.matmul(a!.mT, b!), [rnd(2, 4, 3), rnd(4, 2)]);
  checkSecondOrder((a, b) => kiln.matmul(a!.mT, b!.mT), [rnd(2, 4, 3), rnd(2, 2, 4)]);
});

test('gradcheck mm, bmm, mv, dot, outer', () => {
  check((a, b) => kiln.mm(a!, b!), [rnd(2, 3), rnd(3, 4)]);
  check((a, b) => kiln.bmm(a!, b!), [rnd(2, 3, 4), rnd(2, 4, 2)]);
  check((a, b) => kiln.mv(a!, b!), [rnd(3, 4), rnd(4)]);
  check((a, b) => kiln.dot(a!, b!), [rnd(5), rnd(5)]);
  check((a, b) => kiln.outer(a!, b!), [rnd(3), rnd(4)]);
  checkSecondOrder((a, b) => kiln.bmm(a!, b!), [rnd(2, 3, 4), rnd(2, 4, 2)]);
  checkSecondOrder((a, b) => kiln.dot(a!, b!), [rnd(4), rnd(4)]);
  checkSecondOrder((a, b) => kiln.outer(a!, b!), [rnd(3), rnd(2)]);
});

test('gradcheck addmm, addmv, baddbmm, linear', () => {
  check((i, a, b) => kiln.addmm(i!, a!, b!), [rnd(2, 4), rnd(2, 3), rnd(3, 4)]);
  check((i, a, b) => kiln.addmm(i!, a!, b!, { beta: 0.5, alpha: -2 }), [rnd(4), rnd(2, 3), rnd(3, 4)]);
  check((i, a, b) => kiln.addmm(i!, a!, b!), [rnd(2, 1), rnd(2, 3), rnd(3, 4)]);
  check((i, a, b) => kiln.addmm(i!, a!, b!, { beta: 0 }), [rnd(4), rnd(2, 3), rnd(3, 4)]);
  check((i, a, b) => kiln.addmv(i!, a!, b!, { beta: 2, alpha: 0.5 }), [rnd(2), rnd(2, 3), rnd(3)]);
  check((i, a, b) => kiln.baddbmm(i!, a!, b!, { beta: -1, alpha: 1.5 }), [rnd(3, 1), rnd(2, 3, 4), rnd(2, 4, 2)]);
  check((x, w, b) => kiln.linear(x!, w!, b!), [rnd(5, 3), rnd(4, 3), rnd(4)]);
  check((x, w, b) => kiln.linear(x!, w!, b!), [rnd(2, 3, 3), rnd(2, 3), rnd(2)]);
  check((x, w) => kiln.linear(x!, w!), [rnd(3), rnd(2, 3)]);
  checkSecondOrder((i, a, b) => kiln.addmm(i!, a!, b!, { beta: 0.5, alpha: 2 }), [rnd(3), rnd(2, 2), rnd(2, 3)]);
  checkSecondOrder((x, w, b) => kiln.linear(x!, w!, b!), [rnd(2, 2, 3), rnd(2, 3), rnd(2)]);
});

const EINSUM: [string, number[][]][] = [
  ['bij,bjk->bik', [[2, 2, 3], [2, 3, 2]]],
  ['bhqd,bhkd->bhqk', [[1, 2, 3, 2], [1, 2, 2, 2]]],
  ['bhqk,bhkd->bhqd', [[1, 2, 3, 2], [1, 2, 2, 2]]],
  ['bi,ij,bj->b', [[2, 3], [3, 2], [2, 2]]],
  ['bi,oij,bj->bo', [[2, 2], [3, 2, 2], [2, 2]]],
  ['ij->ji', [[2, 3]]],
  ['ii->i', [[3, 3]]],
  ['ii', [[3, 3]]],
  ['iij->ij', [[2, 2, 3]]],
  ['ii,i->i', [[3, 3], [3]]],
  ['i,i->', [[4], [4]]],
  ['i,j->ij', [[3], [2]]],
  ['i,i,i->', [[3], [3], [3]]],
  ['ij,ij->ij', [[1, 3], [2, 3]]],
  ['ij,jk->ik', [[2, 1], [3, 2]]],
  ['ij,jk', [[2, 3], [3, 2]]],
  ['ba,ca', [[2, 3], [2, 3]]],
  ['ij->', [[2, 3]]],
  ['ijk,jil->kl', [[3, 2, 2], [2, 3, 2]]],
  ['...ij,...jk->...ik', [[2, 1, 2, 3], [2, 3, 2]]],
  ['...ij->ij', [[2, 2, 3]]],
  ['...i,...i->...', [[2, 3, 4], [3, 4]]],
  [',i->i', [[], [3]]],
];

for (const [eq, shapes] of EINSUM) {
  test(`gradcheck einsum '${eq}'`, () => {
    check((...xs) => kiln.einsum(eq, ...xs), shapes.map((s) => rnd(...s)));
  });
}

test('second-order gradcheck einsum', () => {
  checkSecondOrder((q, k) => kiln.einsum('bhqd,bhkd->bhqk', q!, k!), [rnd(1, 2, 2, 2), rnd(1, 2, 3, 2)]);
  checkSecondOrder((a, v) => kiln.einsum('ii,i->i', a!, v!), [rnd(3, 3), rnd(3)]);
  checkSecondOrder((x, w, y) => kiln.einsum('bi,oij,bj->bo', x!, w!, y!), [rnd(2, 2), rnd(2, 2, 2), rnd(2, 2)]);
});
