/**
 * Sorting and searching against NumPy (test/fixtures/sorting.json, made by
 * scripts/fixtures/sorting.py). kiln's sorts are always stable, so sort/argsort expectations come
 * from NumPy's kind='stable'.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np } from 'kiln';
import {
  type Encoded, type EncodedArray, type EncodedScalar, assertMatches, assertRaises, decodeArray, decodeValue, loadFixture,
} from '../helpers.js';

interface Case {
  op: string;
  a?: EncodedArray;
  view?: 'T' | null;
  kw: Record<string, unknown>;
  expected: Encoded;
  v?: EncodedArray | EncodedScalar;
  sorter?: EncodedArray | null;
  keys?: EncodedArray[];
  kth?: number | number[];
  expected_sorted?: Encoded;
  strict_zeros?: boolean;
}

const { cases } = loadFixture<Case>('sorting');

function input(c: Case): np.NDArray {
  const a = decodeArray(c.a!);
  return c.view === 'T' ? a.T : a;
}

/** A fixture scalar as the JS value a kiln user would pass (BigInt beyond 2^53). */
function scalarArg(e: EncodedScalar): number | boolean | bigint {
  if (e.dtype === 'bool') return Boolean(e.scalar);
  if (e.dtype === 'int64' && typeof e.scalar === 'string') return BigInt(e.scalar);
  return decodeValue(e.scalar) as number;
}

function call(c: Case): unknown {
  const kw = c.kw as never;
  switch (c.op) {
    case 'sort': return np.sort(input(c), kw);
    case 'argsort': return np.argsort(input(c), kw);
    case 'unique': return np.unique(input(c), kw);
    case 'nonzero': return np.nonzero(input(c));
    case 'flatnonzero': return np.flatnonzero(input(c));
    case 'argwhere': return np.argwhere(input(c));
    case 'countNonzero': return np.countNonzero(input(c), kw);
    case 'lexsort': return np.lexsort(c.keys!.map(decodeArray), kw);
    case 'partition': return np.partition(input(c), c.kth!, kw);
    case 'argpartition': return np.argpartition(input(c), c.kth!, kw);
    case 'searchsorted': {
      const v = 'scalar' in c.v! ? scalarArg(c.v) : decodeArray(c.v as EncodedArray);
      const options = { ...(c.kw as object), ...(c.sorter ? { sorter: decodeArray(c.sorter) } : {}) };
      return np.searchsorted(input(c), v as np.NDArray, options);
    }
    default: throw new Error(`unknown op ${c.op}`);
  }
}

/** NumPy's sort order for JS values: NaN last; booleans as 0/1. */
function order(x: number | boolean, y: number | boolean): number {
  const a = Number(x);
  const b = Number(y);
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b || (a !== a && b !== b)) return 0;
  return a !== a ? 1 : -1;
}

/** The lanes along `axis` (null: the flattened array) as JS arrays. */
function lanes(arr: np.NDArray, axis: number | null | undefined): (number | boolean)[][] {
  if (axis === null) return [arr.ravel().toArray() as (number | boolean)[]];
  const moved = arr.moveaxis(axis ?? -1, -1).copy();
  const n = moved.shape[moved.ndim - 1]!;
  const flat = moved.toArray() as (number | boolean)[];
  return Array.from({ length: flat.length / n }, (_, l) => flat.slice(l * n, (l + 1) * n));
}

/**
 * NumPy leaves a partition's order unspecified except at kth: check that kiln's values there
 * equal the sorted ones, that nothing before is larger and nothing after smaller, and that the
 * lane holds the same values (argpartition: a permutation of the indices).
 */
function checkPartition(c: Case, result: np.NDArray, label: string): void {
  const zeroD = c.a!.shape.length === 0;
  const axis = zeroD ? null : (c.kw.axis as number | null | undefined);
  const sortedLanes = lanes(decodeArray(c.expected_sorted as EncodedArray), axis === null ? null : axis);
  let valueLanes: (number | boolean)[][];
  if (c.op === 'argpartition') {
    assert.equal(result.dtype, 'int64', `dtype (${label})`);
    const xLanes = lanes(input(c), axis);
    const idxLanes = lanes(result, axis);
    valueLanes = idxLanes.map((idx, l) => {
      assert.deepEqual([...idx].map(Number).sort((p, q) => p - q), idx.map((_, i) => i), `permutation (${label})`);
      return idx.map((i) => xLanes[l]![Number(i)]!);
    });
  } else {
    assertMatches(np.sort(result, { axis: axis === undefined ? -1 : axis }), c.expected_sorted!, {}, label);
    valueLanes = lanes(result, axis);
  }
  const n = sortedLanes[0]!.length;
  const kths = (typeof c.kth === 'number' ? [c.kth] : c.kth!).map((k) => (k < 0 ? k + n : k));
  valueLanes.forEach((lane, l) => {
    assert.deepEqual([...lane].sort(order).map(Number), sortedLanes[l]!.map(Number), `same values (${label})`);
    for (const k of kths) {
      assert.equal(order(lane[k]!, sortedLanes[l]![k]!), 0, `value at kth=${k} (${label})`);
      lane.forEach((v, i) => {
        if (i < k) assert.ok(order(v, lane[k]!) <= 0, `before kth=${k} (${label})`);
        if (i > k) assert.ok(order(v, lane[k]!) >= 0, `after kth=${k} (${label})`);
      });
    }
  });
}

test('sorting fixtures cover every op', () => {
  const ops = new Set(cases.map((c) => c.op));
  for (const op of ['sort', 'argsort', 'partition', 'argpartition', 'lexsort', 'unique', 'nonzero', 'flatnonzero', 'argwhere', 'countNonzero', 'searchsorted']) {
    assert.ok(ops.has(op), op);
  }
});

function checkCase(c: Case, label: string): void {
  if ('error' in c.expected) {
    assertRaises(() => call(c), c.expected, true, label);
    return;
  }
  const result = call(c);
  if (c.op === 'partition' || c.op === 'argpartition') {
    checkPartition(c, result as np.NDArray, label);
    return;
  }
  assertMatches(result, c.expected, {}, label);
  const expected = c.expected;
  if (c.strict_zeros && 'data' in expected) {
    // -0.0 and 0.0 compare equal, so a stable sort keeps them in input order
    const got = (result as np.NDArray).toArray();
    expected.data.forEach((e, k) => assert.ok(Object.is(got[k], decodeValue(e)), `sign of zero at ${k} (${label})`));
  }
  if (c.op === 'searchsorted' && 'scalar' in c.v! && typeof c.v.scalar !== 'string') {
    assert.equal(typeof result, 'number', `a scalar key gives a number (${label})`);
  }
}

for (const op of new Set(cases.map((c) => c.op))) {
  test(`${op} matches NumPy`, () => {
    const failures: string[] = [];
    cases.forEach((c, i) => {
      if (c.op !== op) return;
      const label = `${op} case ${i} ${c.a ? `${c.a.dtype}${JSON.stringify(c.a.shape)}` : ''} ${JSON.stringify(c.kw)}${c.view ? ` view ${c.view}` : ''}`;
      try {
        checkCase(c, label);
      } catch (e) {
        failures.push((e as Error).message);
      }
    });
    assert.deepEqual(failures, [], `${failures.length} ${op} cases differ from NumPy`);
  });
}

test('sort returns a copy and leaves the input alone', () => {
  const a = np.array([3, 1, 2]);
  const s = np.sort(a);
  assert.deepEqual(s.tolist(), [1, 2, 3]);
  assert.deepEqual(a.tolist(), [3, 1, 2]);
  assert.equal(np.sharesMemory(a, s), false);
});

test('argsort is stable on long lanes of every kind', () => {
  const n = 5000;
  const values = Array.from({ length: n }, (_, i) => (i * 7919) % 13);
  for (const dtype of ['bool', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float16', 'float32', 'float64'] as const) {
    const a = np.array(values, { dtype });
    const cast = a.toArray().map(Number); // bool turns the values into 0 and 1
    const idx = np.argsort(a).toArray() as number[];
    for (let i = 1; i < n; i++) {
      const [p, q] = [idx[i - 1]!, idx[i]!];
      assert.ok(cast[p]! < cast[q]! || (cast[p] === cast[q] && p < q), `${dtype} at ${i}`);
    }
  }
});

test('unique returns plain values without flags and a list with them', () => {
  const a = np.array([3, 1, 3, 2]);
  const u = np.unique(a);
  assert.ok(u instanceof np.NDArray);
  assert.deepEqual(u.tolist(), [1, 2, 3]);
  const [values, counts] = np.unique(a, { returnCounts: true });
  assert.deepEqual(values!.tolist(), [1, 2, 3]);
  assert.deepEqual(counts!.tolist(), [1, 1, 2]);
});

test('int64 and uint64 stay exact through sort, unique and searchsorted', () => {
  const big = np.array([2n ** 62n + 3n, 2n ** 62n + 1n, 2n ** 62n + 2n, 2n ** 62n + 1n]);
  const s = np.sort(big);
  const exact = Array.from(s.storage.typed('int64') as BigInt64Array).slice(s.offset, s.offset + s.size);
  assert.deepEqual(exact, [2n ** 62n + 1n, 2n ** 62n + 1n, 2n ** 62n + 2n, 2n ** 62n + 3n]);
  const u = np.unique(big);
  assert.deepEqual(Array.from(u.storage.typed('int64') as BigInt64Array), [2n ** 62n + 1n, 2n ** 62n + 2n, 2n ** 62n + 3n]);
  assert.equal(np.searchsorted(s, 2n ** 62n + 2n), 2);
  assert.equal(np.searchsorted(s, 2n ** 62n + 2n, { side: 'right' }), 3);
});

test('lexsort takes the keys as rows of one array too', () => {
  const surnames = [3, 1, 2, 1];
  const firsts = [0, 9, 4, 2];
  const fromList = np.lexsort([np.array(firsts), np.array(surnames)]);
  const fromArray = np.lexsort(np.array([firsts, surnames]));
  assert.deepEqual(fromList.tolist(), [3, 1, 2, 0]);
  assert.deepEqual(fromArray.tolist(), [3, 1, 2, 0]);
  assert.equal(fromArray.dtype, 'int64');
});
