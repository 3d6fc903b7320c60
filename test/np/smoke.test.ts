import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np } from 'kiln';

test('array from nested lists infers NumPy dtypes', () => {
  assert.equal(np.array([1, 2, 3]).dtype, 'int64');
  assert.equal(np.array([6, 7.5, 8, 0, 1]).dtype, 'float64');
  assert.equal(np.array([true, false]).dtype, 'bool');
  assert.deepEqual(np.array([[1, 2, 3, 4], [5, 6, 7, 8]]).shape, [2, 4]);
});

test('promotion follows NEP 50', () => {
  const f32 = np.array([1, 2], { dtype: 'float32' });
  assert.equal(np.add(f32, 1.5).dtype, 'float32');
  const i32 = np.array([1, 2], { dtype: 'int32' });
  assert.equal(np.multiply(i32, 2).dtype, 'int32');
  assert.equal(np.add(i32, f32).dtype, 'float64');
  assert.equal(np.add(np.array([1], { dtype: 'uint8' }), np.array([1], { dtype: 'int8' })).dtype, 'int16');
  assert.equal(np.divide(i32, i32).dtype, 'float64');
  assert.deepEqual(np.add(f32, 0.1).tolist(), [Math.fround(Math.fround(1) + Math.fround(0.1)), Math.fround(2 + Math.fround(0.1))]);
});

test('reductions', () => {
  const a = np.arange(6).reshape(2, 3);
  assert.equal(np.sum(a), 15);
  assert.deepEqual((np.sum(a, { axis: 0 }) as np.NDArray).tolist(), [3, 5, 7]);
  assert.equal((np.sum(np.array([[1, 2]], { dtype: 'int32' }), { axis: 0 }) as np.NDArray).dtype, 'int64');
  assert.equal(np.mean(a), 2.5);
  assert.deepEqual((np.argmax(a, { axis: 1 }) as np.NDArray).tolist(), [2, 2]);
  assert.deepEqual(np.cumsum(a, { axis: 1 }).tolist(), [[0, 1, 3], [3, 7, 12]]);
});

test('views share memory', () => {
  const a = np.arange(12).reshape(3, 4);
  const t = a.T;
  assert.ok(np.sharesMemory(a, t));
  assert.equal(t.base, a.base);
  assert.deepEqual(a.strides, [32, 8]);
  assert.deepEqual(t.strides, [8, 32]);
  assert.deepEqual(np.linspace(0, 1, 5).tolist(), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(np.eye(2, { dtype: 'int32' }).tolist(), [[1, 0], [0, 1]]);
});
