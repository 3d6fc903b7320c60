/** Joining, splitting and rearranging, checked against NumPy (test/fixtures/manipulation.json). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np } from 'kiln';
import {
  type Encoded, type EncodedArray, type EncodedError, assertMatches, assertRaises, decodeArray, loadFixture,
} from '../helpers.js';

type Arg = EncodedArray & { view?: 'T' | 'flip' };
interface Case {
  fn: string;
  expected: Encoded;
  arrays?: Arg[];
  a?: Arg;
  axis?: number | number[] | null;
  dtype?: string;
  sections?: number | number[];
  reps?: number | number[];
  repeats?: number | number[];
}

/** The argument a case describes: the stored array, or the view of it the case names. */
function decode(e: Arg): np.NDArray {
  const a = decodeArray(e);
  return e.view === 'T' ? a.T : e.view === 'flip' ? np.flip(a) : a;
}

function call(c: Case): unknown {
  const arrays = (c.arrays ?? []).map(decode);
  const a = c.a ? decode(c.a) : undefined!;
  const axis = 'axis' in c ? { axis: c.axis as number } : {};
  const dtype = c.dtype !== undefined ? { dtype: c.dtype } : {};
  switch (c.fn) {
    case 'concatenate': return np.concatenate(arrays, { ...('axis' in c ? { axis: c.axis as number | null } : {}), ...dtype });
    case 'stack': return np.stack(arrays, axis);
    case 'vstack': return np.vstack(arrays);
    case 'hstack': return np.hstack(arrays);
    case 'dstack': return np.dstack(arrays);
    case 'column_stack': return np.columnStack(arrays);
    case 'split': return np.split(a, c.sections!, axis);
    case 'array_split': return np.arraySplit(a, c.sections!, axis);
    case 'hsplit': return np.hsplit(a, c.sections!);
    case 'vsplit': return np.vsplit(a, c.sections!);
    case 'dsplit': return np.dsplit(a, c.sections!);
    case 'flip': return np.flip(a, 'axis' in c ? { axis: c.axis as number | number[] } : {});
    case 'fliplr': return np.fliplr(a);
    case 'flipud': return np.flipud(a);
    case 'tile': return np.tile(a, c.reps!);
    case 'repeat': return np.repeat(a, c.repeats!, axis);
    case 'atleast_1d': return arrays.length === 1 ? np.atleast1d(arrays[0]!) : np.atleast1d(...arrays);
    case 'atleast_2d': return arrays.length === 1 ? np.atleast2d(arrays[0]!) : np.atleast2d(...arrays);
    case 'atleast_3d': return arrays.length === 1 ? np.atleast3d(arrays[0]!) : np.atleast3d(...arrays);
    default: throw new Error(`unknown fixture function ${c.fn}`);
  }
}

const fixture = loadFixture<Case>('manipulation');

test(`manipulation matches NumPy ${fixture.numpy} on every fixture case`, () => {
  const failures: string[] = [];
  fixture.cases.forEach((c, i) => {
    const label = `case ${i}: ${c.fn} ${JSON.stringify({ axis: c.axis, sections: c.sections, reps: c.reps, repeats: c.repeats, dtype: c.dtype })}`;
    try {
      if ('error' in c.expected) assertRaises(() => call(c), c.expected as EncodedError, true, label);
      else assertMatches(call(c), c.expected, {}, label);
    } catch (e) {
      failures.push(e instanceof assert.AssertionError ? e.message : `${label}: ${String(e)}`);
    }
  });
  assert.deepEqual(failures, []);
});

test('vstack and hstack (the seed example) copy their inputs', () => {
  const a = np.array([[1, 2, 3], [4, 5, 6]]);
  const b = np.array([[7, 8, 9], [10, 11, 12]]);
  const v = np.vstack([a, b]);
  const h = np.hstack([a, b]);
  assert.deepEqual(v.tolist(), [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]);
  assert.deepEqual(h.tolist(), [[1, 2, 3, 7, 8, 9], [4, 5, 6, 10, 11, 12]]);
  for (const joined of [v, h]) {
    assert.ok(!np.sharesMemory(joined, a) && !np.sharesMemory(joined, b));
    np.multiply(joined, 0, { out: joined });
  }
  assert.deepEqual(a.tolist(), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(b.tolist(), [[7, 8, 9], [10, 11, 12]]);
  assert.deepEqual(np.hstack([np.array([1, 2]), np.array([3.5])]).tolist(), [1, 2, 3.5]);
});

test('split and flip return views; concatenate, stack, tile and repeat copy', () => {
  const a = np.arange(12).reshape(3, 4);
  const parts = np.split(a, 2, { axis: 1 });
  assert.equal(parts.length, 2);
  for (const p of parts) assert.ok(np.sharesMemory(p, a));
  np.multiply(parts[1]!, -1, { out: parts[1]! });
  assert.deepEqual(a.tolist(), [[0, 1, -2, -3], [4, 5, -6, -7], [8, 9, -10, -11]]);
  assert.deepEqual(np.arraySplit(np.arange(5), 2, 0).map((p) => p.tolist()), [[0, 1, 2], [3, 4]]);
  const f = np.flip(a);
  assert.ok(np.sharesMemory(f, a));
  assert.deepEqual(f.strides, [-32, -8]);
  for (const copy of [np.concatenate([a]), np.stack([a]), np.tile(a, 1), np.repeat(a, 1, { axis: 0 })]) {
    assert.ok(!np.sharesMemory(copy, a));
  }
});

test('concatenate writes into out and checks it', () => {
  const out = np.zeros([4], { dtype: 'float32' });
  const r = np.concatenate([np.array([1, 2]), np.array([3.5, 4])], { out });
  assert.equal(r, out);
  assert.deepEqual(out.tolist(), [1, 2, 3.5, 4]);
  assert.throws(() => np.concatenate([np.array([1]), np.array([2])], { out: np.zeros([3]) }), /Output array is the wrong shape/);
  assert.throws(
    () => np.concatenate([np.array([1.5])], { out: np.zeros([1], { dtype: 'int64' }) }),
    /Cannot cast array data from dtype\('float64'\) to dtype\('int64'\) according to the rule 'same_kind'/,
  );
  assert.throws(
    () => np.concatenate([np.array([1])], { out: np.zeros([1]), dtype: 'float64' }),
    /concatenate\(\) only takes `out` or `dtype` as an argument, but both were provided./,
  );
});

test('joining and splitting large and strided arrays', () => {
  const a = np.arange(10000).reshape(100, 100);
  const parts = np.split(a.T, 4, { axis: 0 });
  const back = np.concatenate(parts, { axis: 0 });
  assert.ok(np.all(np.equal(back, a.T)));
  assert.deepEqual(np.stack([a, a], { axis: -1 }).shape, [100, 100, 2]);
  assert.deepEqual(np.tile(np.array([[1, 2]]), [2, 2]).tolist(), [[1, 2, 1, 2], [1, 2, 1, 2]]);
  assert.deepEqual(np.repeat(np.array([[1, 2], [3, 4]]), [1, 2], { axis: 0 }).tolist(), [[1, 2], [3, 4], [3, 4]]);
});
