/** Products (matmul, dot, vdot, inner, outer, tensordot, kron, trace, diagonal) against NumPy. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np } from 'kiln';
import {
  type CloseOptions, type Encoded, type EncodedArray, type EncodedError, assertMatches, assertRaises, decodeArray,
  loadFixture,
} from '../helpers.js';

type Arg = (EncodedArray & { view?: 'T' | 'flip' }) | { py: np.ArrayLike };
interface Case {
  fn: string;
  a: Arg;
  b?: Arg;
  expected: Encoded;
  axes?: number | [number | number[], number | number[]];
  offset?: number;
  axis1?: number;
  axis2?: number;
  dtype?: string;
}

/** The argument a case describes: a Python value as is, or the (view of the) stored array. */
function decode(e: Arg): np.ArrayLike {
  if ('py' in e) return e.py;
  const a = decodeArray(e);
  return e.view === 'T' ? a.T : e.view === 'flip' ? np.flip(a) : a;
}

function call(c: Case): unknown {
  const a = decode(c.a);
  const b = c.b ? decode(c.b) : undefined!;
  const diag = {
    ...(c.offset !== undefined ? { offset: c.offset } : {}),
    ...(c.axis1 !== undefined ? { axis1: c.axis1 } : {}),
    ...(c.axis2 !== undefined ? { axis2: c.axis2 } : {}),
  };
  switch (c.fn) {
    case 'matmul': return np.matmul(a, b);
    case 'dot': return np.dot(a, b);
    case 'vdot': return np.vdot(a, b);
    case 'inner': return np.inner(a, b);
    case 'outer': return np.outer(a, b);
    case 'tensordot': return np.tensordot(a, b, c.axes);
    case 'kron': return np.kron(a, b);
    case 'trace': return np.trace(a, { ...diag, ...(c.dtype !== undefined ? { dtype: c.dtype } : {}) });
    case 'diagonal': return np.diagonal(a, diag);
    default: throw new Error(`unknown fixture function ${c.fn}`);
  }
}

/**
 * kiln accumulates float products in float64 and rounds once; NumPy (BLAS) accumulates float32 in
 * float32, off by up to ~1e-5 absolute for the 64-long sums here. Floats match closely, not exactly.
 */
function tolerance(expected: Encoded): CloseOptions {
  const dtype = 'dtype' in expected ? expected.dtype : undefined;
  if (dtype === 'float64') return { rtol: 1e-12, atol: 1e-12 };
  if (dtype === 'float32') return { rtol: 1e-6, atol: 2e-5 };
  if (dtype === 'float16') return { rtol: 1e-3, atol: 1e-3 };
  return {};
}

const fixture = loadFixture<Case>('products');

test(`products match NumPy ${fixture.numpy} on every fixture case`, () => {
  const failures: string[] = [];
  fixture.cases.forEach((c, i) => {
    const label = `case ${i}: ${c.fn} ${JSON.stringify({ axes: c.axes, offset: c.offset, axis1: c.axis1, axis2: c.axis2 })}`;
    try {
      if ('error' in c.expected) {
        assertRaises(() => call(c), c.expected as EncodedError, true, label);
        return;
      }
      const result = call(c);
      assertMatches(result, c.expected, tolerance(c.expected), label);
      // NumPy's scalars come back as JS scalars: a boolean for bool results, else a number
      if ('scalar' in c.expected) {
        assert.equal(typeof result, c.expected.dtype === 'bool' ? 'boolean' : 'number', `scalar type (${label})`);
      }
    } catch (e) {
      failures.push(e instanceof assert.AssertionError ? e.message : `${label}: ${String(e)}`);
    }
  });
  assert.deepEqual(failures, []);
});

test('transpose and the matrix product np.dot(arr.T, arr) (the seed example)', () => {
  const arr = np.array([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(arr.T.tolist(), [[1, 4], [2, 5], [3, 6]]);
  const p = np.dot(arr.T, arr) as np.NDArray;
  assert.equal(p.dtype, 'int64');
  assert.deepEqual(p.tolist(), [[17, 22, 27], [22, 29, 36], [27, 36, 45]]);
  const f = np.arange(15).reshape(3, 5).astype('float64');
  assert.deepEqual((np.dot(f.T, f) as np.NDArray).shape, [5, 5]);
  assert.equal((np.dot(f.T, f) as np.NDArray).item(0, 0), 125);
  assert.deepEqual((np.matmul(f, f.T) as np.NDArray).tolist(), (np.dot(f, f.T) as np.NDArray).tolist());
  assert.equal(np.dot(np.array([1, 2, 3]), np.array([4, 5, 6])), 32);
});

test('matmul writes into out and checks it', () => {
  const a = np.arange(6).reshape(2, 3);
  const b = np.ones([3, 2]);
  const out = np.zeros([2, 2], { dtype: 'float32' });
  assert.equal(np.matmul(a, b, { out }), out);
  assert.deepEqual(out.tolist(), [[3, 3], [12, 12]]);
  assert.throws(
    () => np.matmul(a, b, { out: np.zeros([2, 3]) }),
    /matmul: Output operand 0 has a mismatch in its core dimension 1, with gufunc signature \(n\?,k\),\(k,m\?\)->\(n\?,m\?\) \(size 3 is different from 2\)/,
  );
  assert.throws(
    () => np.matmul(a, b, { out: np.zeros([2, 2], { dtype: 'int64' }) }),
    /Cannot cast ufunc 'matmul' output from dtype\('float64'\) to dtype\('int64'\) with casting rule 'same_kind'/,
  );
  // out may be one of the inputs: the product is computed before it is written
  const m = np.array([[1, 2], [3, 4]]);
  np.matmul(m, m, { out: m });
  assert.deepEqual(m.tolist(), [[7, 10], [15, 22]]);
  const d = np.zeros([2, 2]);
  assert.equal(np.dot(np.eye(2), np.ones([2, 2]), { out: d }), d);
  assert.throws(() => np.dot(np.eye(2), np.ones([2, 2]), { out: np.zeros([2, 2], { dtype: 'float32' }) }), /output array is not acceptable/);
});

test('matmul of larger and batched float arrays agrees with a plain triple loop', () => {
  const n = 37;
  const k = 29;
  const m = 23;
  const a = np.sin(np.arange(2 * n * k).reshape(2, n, k));
  const b = np.cos(np.arange(k * m).reshape(k, m));
  const c = np.matmul(a, b) as np.NDArray;
  assert.deepEqual(c.shape, [2, n, m]);
  const A = a.toArray() as number[];
  const B = b.toArray() as number[];
  const C = c.toArray() as number[];
  for (let t = 0; t < 2; t++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += A[t * n * k + i * k + p]! * B[p * m + j]!;
        assert.ok(Math.abs(C[t * n * m + i * m + j]! - s) <= 1e-12 * (1 + Math.abs(s)));
      }
    }
  }
});

test('int64 products stay exact beyond 2^53', () => {
  const a = np.array([[2n ** 40n + 1n, 3n]], { dtype: 'int64' });
  const b = np.array([[2n ** 30n + 9n], [5n]], { dtype: 'int64' });
  const r = np.matmul(a, b) as np.NDArray;
  const exact = BigInt.asIntN(64, (2n ** 40n + 1n) * (2n ** 30n + 9n) + 15n);
  assert.equal(r.storage.typed('int64')[r.offset], exact);
});
