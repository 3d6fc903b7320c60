import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { np } from 'kiln';
import { type EncodedArray, asArray, decodeArray, loadFixture } from '../helpers.js';

interface PrintCase { name: string; input: EncodedArray; str: string; repr: string }

const fixture = loadFixture<PrintCase>('print');

test('str() and repr() match NumPy on every fixture case', () => {
  const failures: string[] = [];
  for (const c of fixture.cases) {
    const a = decodeArray(c.input);
    const str = a.toString();
    const repr = a.repr();
    if (str !== c.str) failures.push(`${c.name} str:\n${str}\nNumPy:\n${c.str}`);
    if (repr !== c.repr) failures.push(`${c.name} repr:\n${repr}\nNumPy:\n${c.repr}`);
  }
  assert.equal(failures.length, 0, `${failures.length} mismatches:\n\n${failures.slice(0, 10).join('\n\n')}`);
});

test('the examples of the issue', () => {
  assert.equal(np.array([[1, 2], [3, 4]], { dtype: 'float64' }).toString(), '[[1. 2.]\n [3. 4.]]');
  assert.equal(np.array([0.1, 0.25]).toString(), '[0.1  0.25]');
  assert.equal(np.array([true, false]).toString(), '[ True False]');
  assert.equal(np.array([1, 2, 3]).toString(), '[1 2 3]');
  assert.equal(np.array([1, 2, 3]).repr(), 'array([1, 2, 3])');
  assert.equal(np.array([1, 2], { dtype: 'float32' }).repr(), 'array([1., 2.], dtype=float32)');
  assert.equal(np.zeros([0, 3]).repr(), 'array([], shape=(0, 3), dtype=float64)');
  assert.equal(np.array(5).repr(), 'array(5)');
  assert.equal(String(np.array(1.5)), '1.5');
  assert.equal(`${np.array([1e-5, 1])}`, '[1.e-05 1.e+00]');
});

test('console.log and util.inspect show the repr', () => {
  const a = np.array([1, 2], { dtype: 'int32' });
  assert.equal(inspect(a), 'array([1, 2], dtype=int32)');
  assert.equal(inspect({ a }), '{ a: array([1, 2], dtype=int32) }');
});

test('views print in their logical order', () => {
  const a = np.arange(12).reshape(3, 4);
  assert.equal(a.T.toString(), '[[ 0  4  8]\n [ 1  5  9]\n [ 2  6 10]\n [ 3  7 11]]');
  assert.equal(asArray(a.get('::-1, 1:3')).repr(), 'array([[ 9, 10],\n       [ 5,  6],\n       [ 1,  2]])');
  assert.equal(np.broadcastTo(np.array([1.5, 2]), [2, 2]).toString(), '[[1.5 2. ]\n [1.5 2. ]]');
});
