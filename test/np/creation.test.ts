/**
 * Creation functions against NumPy 2 (test/fixtures/creation.json, made by
 * scripts/fixtures/creation.py): arange, linspace, eye, identity, diag, tri/triu/tril, meshgrid,
 * full/zeros/ones/empty, the *Like functions and np.array's inference.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np } from 'kiln';
import { loadFixture } from '../helpers.js';
import { type Case, checkCases } from './fixture-cases.js';

const { cases } = loadFixture<Case>('creation');
const groups: [string, string[]][] = [
  ['arange', ['arange']],
  ['linspace', ['linspace']],
  ['eye and identity', ['eye', 'identity']],
  ['diag', ['diag']],
  ['tri, triu, tril', ['tri', 'triu', 'tril']],
  ['meshgrid', ['meshgrid']],
  ['full, zeros, ones, empty', ['full', 'zeros', 'ones', 'empty']],
  ['the *Like functions', ['zerosLike', 'onesLike', 'emptyLike', 'fullLike']],
  ['array and asarray', ['array', 'asarray']],
];

for (const [name, fns] of groups) {
  test(name, () => {
    const mine = cases.filter((c) => fns.includes(c.fn));
    assert.ok(mine.length > 0);
    checkCases(mine);
  });
}

test('every fixture case belongs to a group', () => {
  assert.deepEqual(cases.filter((c) => !groups.some(([, fns]) => fns.includes(c.fn))).map((c) => c.fn), []);
});

test('the seed examples: linspace(1, 10, 20), arange, zeros, ones, eye', () => {
  const l = np.linspace(1, 10, 20);
  assert.equal(l.dtype, 'float64');
  assert.equal(l.size, 20);
  assert.equal(l.item(19), 10);
  assert.deepEqual(np.arange(10).tolist(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(np.zeros([2, 3]).tolist(), [[0, 0, 0], [0, 0, 0]]);
  assert.deepEqual(np.ones(3, { dtype: 'int32' }).tolist(), [1, 1, 1]);
  assert.deepEqual(np.eye(3).tolist(), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  assert.equal(np.arange(5, { dtype: 'float32' }).dtype, 'float32');
});

test('asarray returns the same array when no conversion is needed', () => {
  const a = np.arange(3);
  assert.equal(np.asarray(a), a);
  assert.equal(np.asarray(a, { dtype: 'int64' }), a);
  assert.notEqual(np.array(a), a);
  assert.notEqual(np.asarray(a, { dtype: 'float64' }), a);
});

test('meshgrid and the *Like functions return independent copies', () => {
  const x = np.array([1, 2, 3]);
  const [xx] = np.meshgrid(x, np.array([4, 5]));
  assert.equal(np.sharesMemory(xx!, x), false);
  assert.equal(np.sharesMemory(np.zerosLike(x), x), false);
});

test('a Python int past uint64 has no kiln dtype (NumPy makes an object array)', () => {
  assert.throws(() => np.array([2n ** 64n]), { name: 'OverflowError' });
  assert.throws(() => np.array([-(2n ** 63n) - 1n]), { name: 'OverflowError' });
  // a whole JS number past 2**64 cannot be an exact int: it is a float
  assert.equal(np.array([1e20]).dtype, 'float64');
});
