/**
 * Elementwise math against NumPy 2 (test/fixtures/ufuncs.json, made by scripts/fixtures/ufuncs.py):
 * every ufunc on every dtype, broadcasting, out= and dtype=, errors, rounding, mod/floorDivide,
 * NaN handling, where, integer powers, float16/float32 rounding and 64-bit exactness.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np } from 'kiln';
import { loadFixture } from '../helpers.js';
import { type Case, checkCases } from './fixture-cases.js';

const { cases } = loadFixture<Case>('ufuncs');
const UNARY = new Set([
  'negative', 'positive', 'abs', 'sign', 'square', 'reciprocal', 'sqrt', 'cbrt', 'exp', 'exp2', 'expm1', 'log',
  'log2', 'log10', 'log1p', 'sin', 'cos', 'tan', 'arcsin', 'arccos', 'arctan', 'sinh', 'cosh', 'tanh', 'arcsinh',
  'arccosh', 'arctanh', 'deg2rad', 'rad2deg', 'ceil', 'floor', 'trunc', 'rint', 'invert', 'logicalNot', 'isnan',
  'isinf', 'isfinite', 'signbit',
]);
const has = (c: Case, key: 'out' | 'dtype'): boolean => c.opts !== undefined && key in c.opts;
const groups: [string, (c: Case) => boolean][] = [
  ['unary ufuncs on every dtype', (c) => UNARY.has(c.fn) && c.opts === undefined],
  ['binary ufuncs on every dtype', (c) => !UNARY.has(c.fn) && !['round', 'clip', 'where'].includes(c.fn) && c.opts === undefined],
  ['out=', (c) => has(c, 'out') || c.outIsArg !== undefined],
  ['dtype=', (c) => has(c, 'dtype')],
  ['round', (c) => c.fn === 'round' && c.opts === undefined],
  ['clip', (c) => c.fn === 'clip'],
  ['where', (c) => c.fn === 'where'],
];

for (const [name, pred] of groups) {
  test(name, () => {
    const mine = cases.filter(pred);
    assert.ok(mine.length > 0);
    checkCases(mine);
  });
}

test('every fixture case belongs to a group', () => {
  assert.equal(cases.filter((c) => !groups.some(([, pred]) => pred(c))).length, 0);
});

test('the broadcast error names both shapes', () => {
  assert.throws(() => np.add(np.ones([2, 3]), np.ones([4])), {
    name: 'ValueError',
    message: 'operands could not be broadcast together with shapes (2,3) (4,) ',
  });
});

test('binary functions take numbers, booleans and nested arrays', () => {
  assert.deepEqual(np.add([[1, 2], [3, 4]], 1).tolist(), [[2, 3], [4, 5]]);
  assert.deepEqual(np.multiply(true, [1.5, 2]).tolist(), [1.5, 2]);
  assert.equal(np.add(2, 3).dtype, 'int64');
  assert.deepEqual(np.less([1, 5], 3).tolist(), [true, false]);
});

test('in-place results overlap their inputs safely', () => {
  const a = np.arange(6).reshape(2, 3);
  np.add(a, a.T.T, { out: a });
  assert.deepEqual(a.tolist(), [[0, 2, 4], [6, 8, 10]]);
  const b = np.arange(4).reshape(2, 2);
  np.add(b, b.T, { out: b }); // reads the transposed view from a copy
  assert.deepEqual(b.tolist(), [[0, 3], [3, 6]]);
});

test('an input broadcast into its own output is read before it is overwritten', () => {
  // NumPy: a = [[1, 2, 3], [4, 5, 6]]; np.add(a[:1], 10, out=a) gives [[11, 12, 13], [11, 12, 13]]
  const a = np.array([[1, 2, 3], [4, 5, 6]]);
  const firstRow = a.makeView([1, 3], [3, 1], 0);
  np.add(firstRow, 10, { out: a });
  assert.deepEqual(a.tolist(), [[11, 12, 13], [11, 12, 13]]);
});
