import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { np } from 'kiln';
import {
  type Encoded, type EncodedArray, type EncodedValue, asArray, assertMatches, assertRaises, decodeArray,
  decodeValue, loadFixture,
} from '../helpers.js';

// ---- NumPy fixtures (scripts/fixtures/indexing.py) ------------------------------------------------

type JsonItem = number | boolean | string | null | JsonItem[] | EncodedArray;
type JsonValue = EncodedValue | JsonValue[];
interface IndexCase {
  op: 'get' | 'set';
  a: EncodedArray;
  pre?: string;
  index: { str: string } | { items: JsonItem[] } | { bare: JsonItem };
  value?: { js: JsonValue } | { self: string } | EncodedArray;
  expected: Encoded;
  view?: boolean;
}

const isEncodedArray = (x: unknown): x is EncodedArray => typeof x === 'object' && x !== null && 'dtype' in x;

function decodeItem(x: JsonItem): np.IndexItem {
  return isEncodedArray(x) ? decodeArray(x) : (x as np.IndexItem);
}

function decodeIndex(index: IndexCase['index']): np.Index {
  if ('str' in index) return index.str;
  if ('items' in index) return index.items.map(decodeItem);
  return decodeItem(index.bare) as np.Index;
}

function decodeJs(v: JsonValue): np.ArrayLike {
  return Array.isArray(v) ? v.map(decodeJs) as np.NestedArray : decodeValue(v);
}

function decodeSetValue(value: NonNullable<IndexCase['value']>, a: np.NDArray): np.ArrayLike {
  if ('js' in value) return decodeJs(value.js);
  if ('self' in value) return a.get(value.self);
  return decodeArray(value);
}

describe('indexing matches NumPy', () => {
  const { cases } = loadFixture<IndexCase>('indexing');
  for (const c of cases) {
    const label = `${c.op} a${JSON.stringify(c.a.shape)}${c.pre ? `[${c.pre}]` : ''}[${JSON.stringify(c.index)}]${c.value ? ` = ${JSON.stringify(c.value)}` : ''}`;
    test(label, () => {
      const a = decodeArray(c.a);
      const target = c.pre === undefined ? a : asArray(a.get(c.pre));
      const index = decodeIndex(c.index);
      if (c.op === 'get') {
        if ('error' in c.expected) {
          assertRaises(() => target.get(index), c.expected, true, label);
          return;
        }
        const r = target.get(index);
        if ('scalar' in c.expected) assert.ok(!(r instanceof np.NDArray), `expected a scalar, got an array (${label})`);
        assertMatches(r, c.expected, {}, label);
        if (c.view !== undefined) {
          const result = asArray(r);
          assert.equal(np.sharesMemory(result, a), c.view, `view (${label})`);
          if (c.view) assert.equal(result.base, a.base ?? a, `base (${label})`);
        }
      } else {
        const value = decodeSetValue(c.value!, a);
        if ('error' in c.expected) {
          assertRaises(() => target.set(index, value), c.expected, true, label);
          return;
        }
        target.set(index, value);
        assertMatches(a, c.expected, {}, label);
      }
    });
  }
});

// ---- the seed's examples and views -----------------------------------------------------------------

test('arr[5:8] = 12 fills the slice, and the slice is a view', () => {
  const arr = np.arange(10);
  assert.deepEqual(asArray(arr.get('5:8')).tolist(), [5, 6, 7]);
  arr.set('5:8', 12);
  assert.deepEqual(arr.tolist(), [0, 1, 2, 3, 4, 12, 12, 12, 8, 9]);
  const arrSlice = asArray(arr.get('5:8'));
  arrSlice.set(1, 12345);
  assert.deepEqual(arr.tolist(), [0, 1, 2, 3, 4, 12, 12345, 12, 8, 9]);
  arrSlice.set(':', 64);
  assert.deepEqual(arr.tolist(), [0, 1, 2, 3, 4, 64, 64, 64, 8, 9]);
  assert.equal(arrSlice.base, arr);
  assert.ok(np.sharesMemory(arr, arrSlice));
  const copied = asArray(arr.get('5:8')).copy();
  copied.set(':', 0);
  assert.deepEqual(arr.tolist(), [0, 1, 2, 3, 4, 64, 64, 64, 8, 9]);
});

test('changing y = x[...] changes x', () => {
  const x = np.array([[1, 2], [3, 4]]);
  const y = asArray(x.get('...'));
  y.set('0, 0', 100);
  assert.deepEqual(x.tolist(), [[100, 2], [3, 4]]);
  assert.equal(y.base, x);
  // a view of a view still names the array that owns the memory
  const z = asArray(asArray(x.get('::-1')).get(':, 1'));
  assert.equal(z.base, x);
  z.set([], 0);
  assert.deepEqual(x.tolist(), [[100, 0], [3, 0]]);
});

test('2-D indexing and slicing', () => {
  const arr2d = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  assert.deepEqual(asArray(arr2d.get(2)).tolist(), [7, 8, 9]);
  assert.equal(arr2d.get([0, 2]), 3);
  assert.equal(arr2d.get('0, 2'), 3);
  assert.equal(asArray(arr2d.get(0)).get(2), 3);
  assert.deepEqual(asArray(arr2d.get(':2')).tolist(), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(asArray(arr2d.get(':2, 1:')).tolist(), [[2, 3], [5, 6]]);
  assert.deepEqual(asArray(arr2d.get([':2', '1:'])).tolist(), [[2, 3], [5, 6]]);
  assert.deepEqual(asArray(arr2d.get('1, :2')).tolist(), [4, 5]);
  assert.deepEqual(asArray(arr2d.get(':2, 2')).tolist(), [3, 6]);
  assert.deepEqual(asArray(arr2d.get(':, :1')).tolist(), [[1], [4], [7]]);
  arr2d.set(':2, 1:', 0);
  assert.deepEqual(arr2d.tolist(), [[1, 0, 0], [4, 0, 0], [7, 8, 9]]);
  const arr3d = np.array([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]);
  const old = asArray(arr3d.get(0)).copy();
  arr3d.set(0, 42);
  assert.deepEqual(arr3d.tolist(), [[[42, 42, 42], [42, 42, 42]], [[7, 8, 9], [10, 11, 12]]]);
  arr3d.set(0, old);
  assert.deepEqual(asArray(arr3d.get([1, 0])).tolist(), [7, 8, 9]);
});

test('boolean indexing and setting through a mask', () => {
  // names == 'Bob', written with a bool array
  const names = np.array([true, false, false, true, false, false, false]);
  const data = np.array([[4, 7], [0, 2], [-5, 6], [0, 0], [1, 2], [-12, -4], [3, 4]]);
  assert.deepEqual(asArray(data.get(names)).tolist(), [[4, 7], [0, 0]]);
  assert.deepEqual(asArray(data.get([names, '1:'])).tolist(), [[7], [0]]);
  assert.deepEqual(asArray(data.get([names, 1])).tolist(), [7, 0]);
  assert.deepEqual(asArray(data.get(np.logicalNot(names))).tolist(), [[0, 2], [-5, 6], [1, 2], [-12, -4], [3, 4]]);
  // a boolean-indexed result is a copy
  const picked = asArray(data.get(names));
  picked.set([], 99);
  assert.equal(data.get([0, 0]), 4);
  assert.ok(!np.sharesMemory(picked, data));
  // data[data < 0] = 0
  data.set(np.less(data, 0), 0);
  assert.deepEqual(data.tolist(), [[4, 7], [0, 2], [0, 6], [0, 0], [1, 2], [0, 0], [3, 4]]);
  // data[names] = 7 sets whole rows
  data.set(names, 7);
  assert.deepEqual(asArray(data.get('::3')).tolist(), [[7, 7], [7, 7], [3, 4]]);
  // a plain list of booleans is a mask too
  assert.deepEqual(asArray(np.arange(3).get([true, false, true])).tolist(), [0, 2]);
  assert.deepEqual(asArray(np.arange(3).get([[true, false, true]])).tolist(), [0, 2]);
});

test('a mask with a 1-D value of one element per true', () => {
  const a = np.array([3, -1, 4, -1, 5, -9]);
  a.set(np.less(a, 0), [10, 20, 30]);
  assert.deepEqual(a.tolist(), [3, 10, 4, 20, 5, 30]);
  assert.throws(() => a.set(np.greater(a, 4), [1, 2]), {
    name: 'ValueError',
    message: 'NumPy boolean array indexing assignment cannot assign 2 input values to the 4 output values where the mask is true',
  });
});

test('fancy indexing copies, and items in a list are per axis', () => {
  const a = np.arange(32).reshape(8, 4);
  const rows = asArray(a.get([[4, 3, 0, 6]]));
  assert.deepEqual(rows.shape, [4, 4]);
  assert.equal(rows.base, null);
  assert.ok(!np.sharesMemory(rows, a));
  assert.deepEqual(asArray(a.get([[1, 5, 7, 2], [0, 3, 1, 2]])).tolist(), [4, 23, 29, 10]);
  // arr[[1, 5, 7, 2]][:, [0, 3, 1, 2]] picks a rectangle
  assert.deepEqual(asArray(asArray(a.get('[1, 5, 7, 2]')).get(':, [0, 3, 1, 2]')).tolist(), [
    [4, 7, 5, 6], [20, 23, 21, 22], [28, 31, 29, 30], [8, 11, 9, 10],
  ]);
  assert.equal(a.get([1, 2]), 6);
  const idx = np.array([-1, 0]);
  assert.deepEqual(asArray(a.get(idx)).tolist(), [[28, 29, 30, 31], [0, 1, 2, 3]]);
  assert.deepEqual(asArray(a.get([idx, idx])).tolist(), [31, 0]);
  // duplicates: the last write wins, as in NumPy
  const b = np.zeros(3, { dtype: 'int32' });
  b.set([[0, 0, 2]], [1, 2, 3]);
  assert.deepEqual(b.tolist(), [2, 0, 3]);
});

test('basic indexing makes views without copying, with NumPy strides', () => {
  const a = np.arange(24, { dtype: 'float32' }).reshape(2, 3, 4);
  const v = asArray(a.get('1, ::-1, None, 1::2'));
  assert.deepEqual(v.shape, [3, 1, 2]);
  assert.deepEqual(v.strides, [-16, 0, 8]);
  assert.equal(v.base, a.base, 'views name the array that owns the memory');
  assert.ok(np.sharesMemory(v, a));
  assert.deepEqual(v.tolist(), [[[21, 23]], [[17, 19]], [[13, 15]]]);
  v.set('0, 0, 0', -1);
  assert.equal(a.get([1, 2, 1]), -1);
  const t = asArray(a.T.get('::2'));
  assert.equal(t.base, a.base);
  assert.deepEqual(t.shape, [2, 3, 2]);
  const empty = asArray(a.get('5:'));
  assert.deepEqual(empty.shape, [0, 3, 4]);
  assert.equal(empty.size, 0);
});

test('scalars, 0-d views and the whole array', () => {
  const a = np.arange(6).reshape(2, 3);
  assert.equal(typeof a.get([1, -1]), 'number');
  const zeroD = asArray(a.get('1, 2, ...'));
  assert.deepEqual(zeroD.shape, []);
  assert.equal(zeroD.base, a.base);
  zeroD.set([], 50);
  assert.equal(a.get([1, 2]), 50);
  assert.deepEqual(asArray(a.get([])).shape, [2, 3]);
  assert.equal(np.array([true, false]).get(1), false);
  assert.equal(np.array(7).get([]), 7);
  assert.equal(np.array(7).get(''), 7);
  assert.equal(np.array([1.5, 2.5], { dtype: 'float16' }).get(-1), 2.5);
});

test('fill writes every element, with NEP 50 checks', () => {
  const a = np.zeros([2, 2], { dtype: 'uint8' });
  a.fill(7);
  assert.deepEqual(a.tolist(), [[7, 7], [7, 7]]);
  asArray(a.get('::-1, 1')).fill(1);
  assert.deepEqual(a.tolist(), [[7, 1], [7, 1]]);
  assert.throws(() => a.fill(300), { name: 'OverflowError', message: 'Python integer 300 out of bounds for uint8' });
  const f = np.zeros(2, { dtype: 'int32' });
  f.fill(2.9);
  assert.deepEqual(f.tolist(), [2, 2]);
});

test('writes bump the storage version', () => {
  const a = np.arange(4);
  const v0 = a.storage.version;
  a.set(0, 1);
  a.set('1:', 2);
  a.set([[0, 1]], 3);
  assert.equal(a.storage.version, v0 + 3);
});

test('int64 values stay exact through indexing', () => {
  const big = np.array([2n ** 60n + 1n, 5n]);
  const picked = asArray(big.get([[0, 0]]));
  assert.equal(picked.dtype, 'int64');
  const back = asArray(picked.get(':1'));
  const out = np.zeros(1, { dtype: 'int64' });
  out.set(':', back);
  assert.equal(out.storage.typed('int64')[out.offset], 2n ** 60n + 1n);
  out.set(0, 2n ** 62n);
  assert.equal(out.storage.typed('int64')[0], 2n ** 62n);
});

test('index strings are parsed as data', () => {
  const a = np.arange(10);
  assert.deepEqual(asArray(a.get(' 1 : 8 : 3 ')).tolist(), [1, 4, 7]);
  assert.deepEqual(asArray(a.get('None:3')).tolist(), [0, 1, 2]);
  assert.deepEqual(asArray(a.get('np.newaxis, 2:4')).tolist(), [[2, 3]]);
  assert.deepEqual(asArray(a.get('[1, -1],')).tolist(), [1, 9]);
  assert.deepEqual(asArray(a.get('Ellipsis, 1_0_0:')).shape, [0]);
  for (const bad of ['1:2:3:4', 'a', '1.5', '(1)', '[1, 2', '1 2', 'os.system("x")', '1;2', '1,,2']) {
    assert.throws(() => a.get(bad), { name: 'SyntaxError' }, bad);
  }
  assert.throws(() => a.get(['1, 2']), { name: 'SyntaxError' });
});

test('errors use NumPy wording', () => {
  const a = np.arange(3);
  assert.throws(() => a.get(5), { name: 'IndexError', message: 'index 5 is out of bounds for axis 0 with size 3' });
  assert.throws(() => a.get([1, 2]), {
    name: 'IndexError', message: 'too many indices for array: array is 1-dimensional, but 2 were indexed',
  });
  assert.throws(() => a.get('::0'), { name: 'ValueError', message: 'slice step cannot be zero' });
  assert.throws(() => a.get(np.array([true, false, true, false])), {
    name: 'IndexError',
    message: 'boolean index did not match indexed array along axis 0; size of axis is 3 but size of corresponding boolean axis is 4',
  });
  assert.throws(() => a.set(':', [1, 2]), { name: 'ValueError', message: 'could not broadcast input array from shape (2,) into shape (3,)' });
  assert.throws(() => np.zeros(2, { dtype: 'uint8' }).set(':', 300), {
    name: 'OverflowError', message: 'Python integer 300 out of bounds for uint8',
  });
  assert.throws(() => a.get([0.5]), { name: 'IndexError' });
  assert.throws(() => a.get(np.array([1.5])), {
    name: 'IndexError', message: 'arrays used as indices must be of integer (or boolean) type',
  });
});

test('broadcast_to results are read-only, as in NumPy', () => {
  const b = np.broadcastTo(np.arange(3), [2, 3]);
  assert.equal(b.writeable, false);
  assert.throws(() => b.set([0, 0], 9), /assignment destination is read-only/);
  assert.throws(() => (b.get(0) as np.NDArray).fill(1), /assignment destination is read-only/);
  const c = b.copy();
  c.set([0, 0], 9);
  assert.deepEqual(c.tolist(), [[9, 1, 2], [0, 1, 2]]);
});
