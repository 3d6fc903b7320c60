/**
 * np.linalg against NumPy (test/fixtures/linalg.json, made by scripts/fixtures/linalg.py).
 * Values that are unique (det, inv, solve, singular values, sorted eigenvalues, norms, ranks,
 * pinv, slogdet, lstsq's x, Cholesky and QR factors) are compared with NumPy's directly;
 * eigenvectors and singular vectors up to sign, plus the invariants (A @ inv(A) = I, A v = w v,
 * U diag(s) Vh = A, Q R = A, L L^T = A) checked with the test's own small matrix helpers.
 * Tolerances are normwise: 1e-10 of the result's largest entry in float64 on well-conditioned
 * input, scaled by the condition number on ill-conditioned input; 1e-4 in float32.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np } from 'kiln';
import {
  assertMatches, assertRaises, decodeArray, decodeValue, loadFixture,
  type Encoded, type EncodedArray, type EncodedError, type EncodedTuple,
} from '../helpers.js';

const L = np.linalg;

interface Case {
  fn: string;
  args: EncodedArray[];
  kw: Record<string, unknown>;
  tag: string;
  expected: Encoded | null;
  cond?: number;
  complex?: { wr: EncodedArray; wi: EncodedArray; vr?: EncodedArray; vi?: EncodedArray };
}

const fixture = loadFixture<Case>('linalg');

// ---- small helpers over plain number arrays (row-major) -------------------------------------------

type Mat = { rows: number; cols: number; data: number[] };

function nums(x: unknown): number[] {
  if (typeof x === 'number') return [x];
  assert.ok(x instanceof np.NDArray, `expected an NDArray, got ${String(x)}`);
  return x.toArray().map(Number);
}

/** The matrices of a stack (..., rows, cols). */
function matrices(x: np.NDArray): Mat[] {
  const rows = x.shape[x.ndim - 2]!;
  const cols = x.shape[x.ndim - 1]!;
  const flat = nums(x);
  const out: Mat[] = [];
  for (let k = 0; k * rows * cols < flat.length || (k === 0 && flat.length === 0); k++) {
    out.push({ rows, cols, data: flat.slice(k * rows * cols, (k + 1) * rows * cols) });
    if (flat.length === 0) break;
  }
  return out;
}

function mul(a: Mat, b: Mat): Mat {
  assert.equal(a.cols, b.rows);
  const data = new Array<number>(a.rows * b.cols).fill(0);
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      for (let j = 0; j < b.cols; j++) data[i * b.cols + j]! += a.data[i * a.cols + k]! * b.data[k * b.cols + j]!;
    }
  }
  return { rows: a.rows, cols: b.cols, data };
}

function tr(a: Mat): Mat {
  const data = new Array<number>(a.rows * a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) data[j * a.rows + i] = a.data[i * a.cols + j]!;
  return { rows: a.cols, cols: a.rows, data };
}

function eye(n: number): Mat {
  const data = new Array<number>(n * n).fill(0);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return { rows: n, cols: n, data };
}

function column(a: Mat, j: number): number[] {
  return Array.from({ length: a.rows }, (_, i) => a.data[i * a.cols + j]!);
}

const maxAbs = (xs: number[]): number => xs.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const dot = (x: number[], y: number[]): number => x.reduce((s, v, i) => s + v * y[i]!, 0);

/** max |got - want| <= tol * max(|want|, floor): agreement relative to the result's size. */
function assertNormwise(got: number[], want: number[], tol: number, label: string, floor = 1e-300): void {
  assert.equal(got.length, want.length, `length (${label})`);
  const scale = Math.max(maxAbs(want), floor);
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (Number.isNaN(w)) {
      assert.ok(Number.isNaN(g), `expected NaN at ${i} (${label}), got ${g}`);
      continue;
    }
    if (!Number.isFinite(w)) {
      assert.equal(g, w, `at ${i} (${label})`);
      continue;
    }
    assert.ok(Math.abs(g - w) <= tol * scale, `at ${i} (${label}): got ${g}, NumPy ${w} (tolerance ${tol * scale})`);
  }
}

/** Same dtype and shape as NumPy's array, values normwise close. */
function assertArrayClose(actual: unknown, expected: Encoded, tol: number, label: string): void {
  assert.ok(!('error' in expected), `NumPy raised ${JSON.stringify(expected)}`);
  if ('scalar' in expected) {
    assert.equal(typeof actual, 'number', `expected a number (${label})`);
    assertNormwise([actual as number], [Number(decodeValue(expected.scalar))], tol, label);
    return;
  }
  const e = expected as EncodedArray;
  assert.ok(actual instanceof np.NDArray, `expected an NDArray (${label}), got ${String(actual)}`);
  assert.equal(actual.dtype, e.dtype, `dtype (${label})`);
  assert.deepEqual(actual.shape, e.shape, `shape (${label})`);
  assertNormwise(nums(actual), e.data.map((v) => Number(decodeValue(v))), tol, label);
}

function tuple(e: Encoded | null): Encoded[] {
  assert.ok(e && 'tuple' in e, 'expected a tuple from NumPy');
  return (e as EncodedTuple).tuple;
}

/** NumPy's values, whether a scalar or an array. */
function scalarsOf(e: Encoded): number[] {
  return 'scalar' in e ? [Number(decodeValue(e.scalar))] : nums(decoded(e));
}

function decoded(e: Encoded): np.NDArray {
  return decodeArray(e as EncodedArray);
}

/** The tolerance for a case: float32 results are only float32-accurate; ill-conditioning scales it. */
function tolerance(c: Case, factor = 1): number {
  const dtypes = c.args.map((a) => a.dtype);
  if (dtypes.includes('float32') && !dtypes.some((d) => d === 'float64')) return 1e-4 * factor;
  const cond = c.cond ?? 1;
  return Math.max(1e-10, cond * 1e-15) * factor;
}

/** Pairs columns of `got` with NumPy's, up to sign, and asserts they agree. */
function assertColumnsUpToSign(got: Mat, want: Mat, cols: number[], tol: number, label: string): void {
  for (const j of cols) {
    const g = column(got, j);
    const w = column(want, j);
    const sign = dot(g, w) < 0 ? -1 : 1;
    assertNormwise(g.map((v) => v * sign), w, tol, `${label}, column ${j}`);
  }
}

/** Indices whose value is separated from its neighbours by more than `gap` (so its vector is unique). */
function isolated(values: number[], gap: number): number[] {
  return values.flatMap((v, i) => (values.every((u, k) => k === i || Math.abs(u - v) > gap) ? [i] : []));
}

// ---- the checks per function --------------------------------------------------------------------

function callKiln(c: Case): unknown {
  const args = c.args.map(decodeArray);
  const kw = c.kw as never;
  const a = args[0]!;
  switch (c.fn) {
    case 'inv': return L.inv(a);
    case 'det': return L.det(a);
    case 'slogdet': return L.slogdet(a);
    case 'solve': return L.solve(a, args[1]!);
    case 'lstsq': return L.lstsq(a, args[1]!, kw);
    case 'eig': return L.eig(a);
    case 'eigvals': return L.eigvals(a);
    case 'eigh': return L.eigh(a, kw);
    case 'eigvalsh': return L.eigvalsh(a, kw);
    case 'svd': return L.svd(a, kw);
    case 'qr': return L.qr(a, kw);
    case 'cholesky': return L.cholesky(a, kw);
    case 'pinv': return L.pinv(a, kw);
    case 'matrixRank': return L.matrixRank(a, kw);
    case 'matrixPower': return L.matrixPower(a, (c.kw as { n: number }).n);
    case 'transpose': return a.T;
    case 'norm': {
      const { ord = null, ...options } = c.kw as { ord?: number | string | null };
      const o = ord === 'inf' ? Infinity : ord === '-inf' ? -Infinity : ord;
      return L.norm(a, o as np.linalg.NormOrder, options);
    }
    default:
      throw new Error(`no kiln call for ${c.fn}`);
  }
}

const CHECKS: Record<string, (c: Case, got: unknown, a: np.NDArray) => void> = {
  inv(c, got, a) {
    assertArrayClose(got, c.expected!, tolerance(c), 'inv');
    // A @ inv(A) = I holds only to cond * eps, and not at all with NaN
    if (tolerance(c) > 1e-10 || /NaN/.test(c.tag)) return;
    matrices(a).forEach((m, k) => {
      const prod = mul(m, matrices(got as np.NDArray)[k]!);
      assertNormwise(prod.data, eye(m.rows).data, 1e-10, `A @ inv(A) = I [${k}]`, 1);
    });
  },
  det(c, got, a) {
    // scaled by Hadamard's bound (the product of the row norms), which covers det = 0 too
    const want = scalarsOf(c.expected!);
    const values = nums(got);
    matrices(a).forEach((m, k) => {
      let bound = 1;
      for (let i = 0; i < m.rows; i++) bound *= Math.hypot(...m.data.slice(i * m.cols, (i + 1) * m.cols));
      assertNormwise([values[k]!], [want[k]!], tolerance(c), `det [${k}]`, bound);
    });
    if ('scalar' in c.expected!) assert.equal(typeof got, 'number');
    else assertArrayClose(got, c.expected!, Infinity, 'det dtype and shape');
  },
  slogdet(c, got) {
    const [sign, logdet] = tuple(c.expected);
    const [gs, gl] = got as [unknown, unknown];
    assertArrayClose(gs, sign!, 0, 'sign');
    assertArrayClose(gl, logdet!, Infinity, 'logdet dtype and shape');
    assertNormwise(nums(gl), scalarsOf(logdet!), tolerance(c), 'logdet', 1);
  },
  solve(c, got) {
    assertArrayClose(got, c.expected!, tolerance(c), 'solve');
  },
  matrixRank(c, got) {
    assertMatches(got, c.expected!, {}, 'matrixRank');
  },
  cholesky(c, got, a) {
    assertArrayClose(got, c.expected!, tolerance(c), 'cholesky');
    const upper = (c.kw as { upper?: boolean }).upper;
    matrices(got as np.NDArray).forEach((f, k) => {
      const prod = upper ? mul(tr(f), f) : mul(f, tr(f));
      const m = matrices(a)[k]!;
      // only the triangle that was read has to match
      const lowerOf = (x: Mat) => x.data.filter((_, idx) => (upper ? idx % x.cols >= Math.floor(idx / x.cols) : idx % x.cols <= Math.floor(idx / x.cols)));
      assertNormwise(lowerOf(prod), lowerOf(m), Math.min(tolerance(c), 1e-4), `L L^T = A [${k}]`);
    });
  },
  qr(c, got, a) {
    const mode = (c.kw as { mode?: string }).mode ?? 'reduced';
    if (mode === 'r') {
      assertArrayClose(got, c.expected!, tolerance(c), 'R');
      return;
    }
    const [eq, er] = tuple(c.expected);
    const [q, r] = got as [np.NDArray, np.NDArray];
    if (mode === 'raw') {
      assertArrayClose(q, eq!, tolerance(c), 'h');
      assertArrayClose(r, er!, tolerance(c), 'tau');
      return;
    }
    // kiln's Householder QR follows LAPACK's sign conventions, so Q and R match NumPy's exactly
    // where they are unique (full column rank); always Q R = A and Q^T Q = I.
    const fullRank = !/rank|zeros/.test(c.tag);
    assertArrayClose(r, er!, fullRank ? tolerance(c) : Infinity, 'R');
    assertArrayClose(q, eq!, fullRank ? tolerance(c) : Infinity, 'Q');
    const tol = tolerance(c.cond && c.cond > 1e4 ? { ...c, cond: 1 } : c);
    matrices(q).forEach((qm, k) => {
      assertNormwise(mul(qm, matrices(r)[k]!).data, matrices(a)[k]!.data, tol, `Q R = A [${k}]`, 1e-300);
      assertNormwise(mul(tr(qm), qm).data, eye(qm.cols).data, tol, `Q^T Q = I [${k}]`);
    });
  },
  svd(c, got, a) {
    const kw = c.kw as { computeUv?: boolean; fullMatrices?: boolean };
    const tol = tolerance(c.cond && c.cond > 1e4 ? { ...c, cond: 1 } : c);
    if (kw.computeUv === false) {
      assertArrayClose(got, c.expected!, tol, 's');
      return;
    }
    const [eu, es, ev] = tuple(c.expected);
    const [u, s, vh] = got as [np.NDArray, np.NDArray, np.NDArray];
    assertArrayClose(s, es!, tol, 's');
    assertArrayClose(u, eu!, Infinity, 'u dtype and shape');
    assertArrayClose(vh, ev!, Infinity, 'vh dtype and shape');
    const sv = nums(s);
    const k = sv.length / Math.max(1, matrices(a).length);
    const um = matrices(u);
    const vm = matrices(vh);
    const eum = matrices(decoded(eu!));
    const evm = matrices(decoded(ev!));
    matrices(a).forEach((m, b) => {
      const sb = sv.slice(b * k, (b + 1) * k);
      // U[:, :k] diag(s) Vh[:k] = A
      const us: Mat = { rows: m.rows, cols: k, data: [] };
      for (let i = 0; i < m.rows; i++) for (let j = 0; j < k; j++) us.data.push(um[b]!.data[i * um[b]!.cols + j]! * sb[j]!);
      const vk: Mat = { rows: k, cols: m.cols, data: vm[b]!.data.slice(0, k * m.cols) };
      assertNormwise(mul(us, vk).data, m.data, tol, `U S Vh = A [${b}]`);
      assertNormwise(mul(tr(um[b]!), um[b]!).data, eye(um[b]!.cols).data, tol, `U^T U = I [${b}]`);
      assertNormwise(mul(vm[b]!, tr(vm[b]!)).data, eye(vm[b]!.rows).data, tol, `Vh Vh^T = I [${b}]`);
      // singular vectors of distinct, nonzero singular values are unique up to sign
      const smax = Math.max(sb[0] ?? 0, 1e-300);
      const unique = isolated(sb, 1e-6 * smax).filter((j) => sb[j]! > 1e-8 * smax);
      if ((c.kw as { hermitian?: boolean }).hermitian) return;
      assertColumnsUpToSign(um[b]!, eum[b]!, unique, 1e-8, `u [${b}]`);
      assertColumnsUpToSign(tr(vm[b]!), tr(evm[b]!), unique, 1e-8, `vh [${b}]`);
    });
  },
  eigh(c, got, a) {
    const [ew, ev] = tuple(c.expected);
    const [w, v] = got as [np.NDArray, np.NDArray];
    assertArrayClose(w, ew!, tolerance(c.cond && c.cond > 1e4 ? { ...c, cond: 1 } : c), 'w');
    assertArrayClose(v, ev!, Infinity, 'v dtype and shape');
    const tol = c.args[0]!.dtype === 'float32' ? 1e-4 : 1e-10;
    const n = v.shape[v.ndim - 1]!;
    const wv = nums(w);
    const evm = matrices(decoded(ev!));
    const uplo = (c.kw as { UPLO?: string }).UPLO ?? 'L';
    matrices(v).forEach((vm, b) => {
      const wb = wv.slice(b * n, (b + 1) * n);
      for (let i = 1; i < n; i++) assert.ok(wb[i]! >= wb[i - 1]!, 'eigenvalues ascending');
      // the symmetric matrix NumPy saw: one triangle mirrored
      const m = matrices(a)[b]!;
      const sym = m.data.map((_, idx) => {
        const i = Math.floor(idx / n);
        const j = idx % n;
        const [r, s] = (uplo === 'L') === i >= j ? [i, j] : [j, i];
        return m.data[r * n + s]!;
      });
      const av = mul({ rows: n, cols: n, data: sym }, vm);
      const vw = vm.data.map((x, idx) => x * wb[idx % n]!);
      assertNormwise(av.data, vw, tol, `A v = w v [${b}]`, maxAbs(sym));
      assertNormwise(mul(tr(vm), vm).data, eye(n).data, tol, `V^T V = I [${b}]`);
      const scale = Math.max(maxAbs(wb), 1e-300);
      assertColumnsUpToSign(vm, evm[b]!, isolated(wb, 1e-4 * scale), 1e-7, `v [${b}]`);
    });
  },
  eigvalsh(c, got) {
    assertArrayClose(got, c.expected!, tolerance(c.cond && c.cond > 1e4 ? { ...c, cond: 1 } : c), 'w');
  },
  eig(c, got, a) {
    const [ew, ev] = tuple(c.expected);
    const [w, v] = got as [np.NDArray, np.NDArray];
    assertArrayClose(w, ew!, Infinity, 'w dtype and shape');
    assertArrayClose(v, ev!, Infinity, 'v dtype and shape');
    const n = w.shape[w.ndim - 1]!;
    const tol = c.args[0]!.dtype === 'float32' ? 1e-4 : tolerance(c);
    const evm = matrices(decoded(ev!));
    const ewv = nums(decoded(ew!));
    matrices(v).forEach((vm, b) => {
      const wb = nums(w).slice(b * n, (b + 1) * n);
      const nwb = ewv.slice(b * n, (b + 1) * n);
      // the spectra agree (the order the QR algorithm finds them in may differ)
      const sortedIdx = (x: number[]) => x.map((_, i) => i).sort((p, q) => x[p]! - x[q]!);
      const gi = sortedIdx(wb);
      const ni = sortedIdx(nwb);
      assertNormwise(gi.map((i) => wb[i]!), ni.map((i) => nwb[i]!), tol, `sorted w [${b}]`, 1);
      const m = matrices(a)[b]!;
      const av = mul(m, vm);
      for (let j = 0; j < n; j++) {
        const vj = column(vm, j);
        assert.ok(Math.abs(Math.hypot(...vj) - 1) < (c.args[0]!.dtype === 'float32' ? 1e-6 : 1e-12), `unit eigenvector ${j} [${b}]`);
        assertNormwise(column(av, j), vj.map((x) => x * wb[j]!), c.args[0]!.dtype === 'float32' ? 1e-4 : 1e-9, `A v = w v, column ${j} [${b}]`, maxAbs(m.data));
      }
      // eigenvectors of well-separated eigenvalues match NumPy's up to sign
      if (/defective/.test(c.tag)) return;
      const sortedW = gi.map((i) => wb[i]!);
      const unique = isolated(sortedW, 1e-3 * Math.max(maxAbs(sortedW), 1));
      const reorder = (mat: Mat, idx: number[]): Mat => ({ rows: mat.rows, cols: mat.cols, data: mat.data.map((_, k) => mat.data[Math.floor(k / mat.cols) * mat.cols + idx[k % mat.cols]!]!) });
      assertColumnsUpToSign(reorder(vm, gi), reorder(evm[b]!, ni), unique, c.args[0]!.dtype === 'float32' ? 1e-3 : 1e-7, `v [${b}]`);
    });
  },
  eigvals(c, got) {
    const want = nums(decoded(c.expected!));
    assertArrayClose(got, c.expected!, Infinity, 'dtype and shape');
    const n = c.args[0]!.shape.at(-1)!;
    const g = nums(got);
    for (let b = 0; b * n < want.length; b++) {
      const sort = (x: number[]) => x.slice(b * n, (b + 1) * n).sort((p, q) => p - q);
      assertNormwise(sort(g), sort(want), c.args[0]!.dtype === 'float32' ? 1e-4 : tolerance(c), `sorted eigenvalues [${b}]`, 1);
    }
  },
  pinv(c, got) {
    const cond = c.cond && c.cond < 1e4 ? 1 : (c.cond ?? 1);
    assertArrayClose(got, c.expected!, tolerance({ ...c, cond }), 'pinv');
  },
  lstsq(c, got) {
    const [ex, er, erank, es] = tuple(c.expected);
    const [x, residuals, rank, s] = got as [np.NDArray, np.NDArray, number, np.NDArray];
    assertArrayClose(x, ex!, tolerance(c), 'x');
    assert.equal(rank, Number(decodeValue((erank as { scalar: number }).scalar)), 'rank');
    assertArrayClose(s, es!, tolerance({ ...c, cond: 1 }), 's');
    // residuals are squared norms: compare against |b|^2
    const b = nums(decodeArray(c.args[1]!));
    assertArrayClose(residuals, er!, Infinity, 'residuals dtype and shape');
    assertNormwise(nums(residuals), nums(decoded(er!)), tolerance(c), 'residuals', dot(b, b));
  },
  norm(c, got) {
    assert.ok(c.expected && !('error' in c.expected));
    if ('scalar' in c.expected) assert.equal(typeof got, 'number', 'a number for a 0-d result');
    const float32 = c.args[0]!.dtype === 'float32';
    assertMatches(got, c.expected, { rtol: float32 ? 1e-5 : 1e-12, atol: 0 }, 'norm');
  },
  matrixPower(c, got) {
    const exact = ['int', 'uint', 'bool'].some((p) => c.args[0]!.dtype.startsWith(p)) && (c.kw as { n: number }).n >= 0;
    if (exact) assertMatches(got, c.expected!, {}, 'matrixPower');
    else assertArrayClose(got, c.expected!, c.args[0]!.dtype === 'float32' ? 1e-5 : 1e-12, 'matrixPower');
  },
  transpose(c, got) {
    assertMatches(got, c.expected!, {}, 'transpose');
  },
};

/**
 * eig/eigvals where NumPy's results are complex (the fixture holds their real and imaginary parts):
 * the same complex dtype and shape, the same spectrum (each of NumPy's eigenvalues paired with the
 * nearest of kiln's), and for eig: A v = w v in complex arithmetic, unit eigenvectors, and the
 * eigenvectors of well-separated eigenvalues equal to NumPy's up to a unit complex factor.
 */
function checkComplexEig(c: Case, got: unknown, a: np.NDArray): void {
  const parts = c.complex!;
  const float32 = c.args[0]!.dtype === 'float32';
  const dtype = parts.wr.dtype === 'float32' ? 'complex64' : 'complex128';
  const tol = float32 ? 1e-4 : tolerance(c);
  const [w, v] = c.fn === 'eig' ? (got as [np.NDArray, np.NDArray]) : [got as np.NDArray, null];
  assert.ok(w instanceof np.NDArray && w.dtype === dtype, `w is ${dtype}, got ${(w as np.NDArray).dtype}`);
  assert.deepEqual(w.shape, parts.wr.shape, 'w shape');
  const n = w.shape[w.ndim - 1]!;
  const [gwr, gwi] = [nums(w.real), nums(w.imag)];
  const [nwr, nwi] = [nums(decoded(parts.wr)), nums(decoded(parts.wi))];
  const [nvr, nvi] = v ? [matrices(decoded(parts.vr!)), matrices(decoded(parts.vi!))] : [[], []];
  if (v) {
    assert.ok(v instanceof np.NDArray && v.dtype === dtype, `v is ${dtype}`);
    assert.deepEqual(v.shape, parts.vr!.shape, 'v shape');
  }
  const [gvr, gvi] = v ? [matrices(v.real), matrices(v.imag)] : [[], []];
  const mats = matrices(a);
  for (let b = 0; b * n < nwr.length; b++) {
    const scale = Math.max(1, ...nwr.slice(b * n, (b + 1) * n).map((x, i) => Math.hypot(x, nwi[b * n + i]!)));
    const used = new Set<number>();
    for (let i = b * n; i < (b + 1) * n; i++) {
      // the nearest unused kiln eigenvalue
      let best = -1;
      for (let j = b * n; j < (b + 1) * n; j++) {
        if (used.has(j)) continue;
        const d = Math.hypot(gwr[j]! - nwr[i]!, gwi[j]! - nwi[i]!);
        if (best < 0 || d < Math.hypot(gwr[best]! - nwr[i]!, gwi[best]! - nwi[i]!)) best = j;
      }
      used.add(best);
      const dist = Math.hypot(gwr[best]! - nwr[i]!, gwi[best]! - nwi[i]!);
      assert.ok(dist <= tol * scale, `eigenvalue ${nwr[i]}+${nwi[i]}j [${b}]: nearest kiln value is ${gwr[best]}+${gwi[best]}j`);
      if (!v) continue;
      const [jg, jn] = [best - b * n, i - b * n];
      const [vr, vi] = [column(gvr[b]!, jg), column(gvi[b]!, jg)];
      const [wr, wi] = [gwr[best]!, gwi[best]!];
      const m = mats[b]!;
      // A (vr + i vi) = (wr + i wi)(vr + i vi)
      const avr = column(mul(m, { rows: n, cols: 1, data: vr }), 0);
      const avi = column(mul(m, { rows: n, cols: 1, data: vi }), 0);
      const mscale = maxAbs(m.data) * Math.max(1, Math.hypot(wr, wi));
      assertNormwise(avr, vr.map((x, k) => wr * x - wi * vi[k]!), float32 ? 1e-4 : 1e-9, `A v = w v (re), column ${jg} [${b}]`, mscale);
      assertNormwise(avi, vi.map((x, k) => wr * x + wi * vr[k]!), float32 ? 1e-4 : 1e-9, `A v = w v (im), column ${jg} [${b}]`, mscale);
      const norm = Math.sqrt(dot(vr, vr) + dot(vi, vi));
      assert.ok(Math.abs(norm - 1) < (float32 ? 1e-6 : 1e-12), `unit eigenvector ${jg} [${b}]`);
      // well separated: NumPy's vector times a unit complex factor
      const isolatedValue = nwr.slice(b * n, (b + 1) * n).every((x, k) =>
        k === jn || Math.hypot(x - nwr[i]!, nwi[b * n + k]! - nwi[i]!) > 1e-3 * scale);
      if (!isolatedValue) continue;
      const [er, ei] = [column(nvr[b]!, jn), column(nvi[b]!, jn)];
      // phase = <kiln, numpy> / |<kiln, numpy>|
      const pr = dot(vr, er) + dot(vi, ei);
      const pi = dot(vr, ei) - dot(vi, er);
      const pm = Math.hypot(pr, pi);
      const [fr, fi] = [pr / pm, pi / pm];
      assertNormwise(vr.map((x, k) => x * fr - vi[k]! * fi), er, float32 ? 1e-3 : 1e-7, `v (re) up to phase, column ${jg} [${b}]`);
      assertNormwise(vr.map((x, k) => x * fi + vi[k]! * fr), ei, float32 ? 1e-3 : 1e-7, `v (im) up to phase, column ${jg} [${b}]`);
    }
  }
}

for (const c of fixture.cases) {
  test(`${c.fn}: ${c.tag}`, () => {
    if (c.complex) {
      checkComplexEig(c, callKiln(c), decodeArray(c.args[0]!));
      return;
    }
    const expected = c.expected!;
    if ('error' in expected) {
      assertRaises(() => callKiln(c), expected as EncodedError, true, c.tag);
      return;
    }
    CHECKS[c.fn]!(c, callKiln(c), decodeArray(c.args[0]!));
  });
}

// ---- the seed's example, spelled out ------------------------------------------------------------

test('seed: transpose and eigenvalues/eigenvectors', () => {
  const arr = np.arange(1, 13).reshape(4, 3);
  const x = np.array(arr.T.tolist() as number[][]);
  assert.deepEqual(arr.T.shape, [3, 4]);
  assert.deepEqual(x.tolist(), [[1, 4, 7, 10], [2, 5, 8, 11], [3, 6, 9, 12]]);

  const [w, v] = L.eig(np.array([[2, 0], [0, 3]]));
  assert.deepEqual(w.tolist(), [2, 3]);
  assert.deepEqual(v.tolist(), [[1, 0], [0, 1]]);

  const [w2, v2] = L.eig(np.array([[1, 2], [3, 4]]));
  const values = nums(w2);
  // (5 -+ sqrt(33)) / 2, in LAPACK's order
  assertNormwise(values, [(5 - Math.sqrt(33)) / 2, (5 + Math.sqrt(33)) / 2], 1e-14, 'eigenvalues');
  const vm = matrices(v2)[0]!;
  const a: Mat = { rows: 2, cols: 2, data: [1, 2, 3, 4] };
  for (let j = 0; j < 2; j++) {
    assertNormwise(column(mul(a, vm), j), column(vm, j).map((t) => t * values[j]!), 1e-14, `A v = w v ${j}`, 1);
  }

  const [ws, vs] = L.eigh(np.array([[2, 1], [1, 2]]));
  assertNormwise(nums(ws), [1, 3], 1e-15, 'eigh values');
  assertNormwise(nums(vs).map(Math.abs), [Math.SQRT1_2, Math.SQRT1_2, Math.SQRT1_2, Math.SQRT1_2], 1e-15, 'eigh vectors');
});

test('LinAlgError is exported and thrown', () => {
  const e = (() => {
    try {
      L.inv(np.array([[1, 2], [2, 4]]));
    } catch (err) {
      return err;
    }
    return null;
  })();
  assert.ok(e instanceof L.LinAlgError);
  assert.equal((e as Error).name, 'LinAlgError');
  assert.equal((e as Error).message, 'Singular matrix');
});

test('single values are plain numbers, stacks give arrays', () => {
  const a = np.array([[3, 1], [1, 2]]);
  assert.equal(typeof L.det(a), 'number');
  assert.equal(typeof L.norm(a), 'number');
  assert.equal(typeof L.matrixRank(a), 'number');
  const [sign, logdet] = L.slogdet(a);
  assert.equal(typeof sign, 'number');
  assert.equal(typeof logdet, 'number');
  const stack = np.stack([a, a]);
  assert.ok(L.det(stack) instanceof np.NDArray);
  assert.ok(L.matrixRank(stack) instanceof np.NDArray);
  assert.equal((L.matrixRank(stack) as np.NDArray).dtype, 'int64');
});

test('non-contiguous input views', () => {
  const base = np.array([[4, 1, 2], [1, 5, 3], [2, 3, 6]], { dtype: 'float64' });
  const t = base.T; // a transposed (Fortran-order) view
  const inv = L.inv(t);
  const m = { rows: 3, cols: 3, data: nums(t) };
  assertNormwise(mul(m, matrices(inv)[0]!).data, eye(3).data, 1e-14, 'A inv(A) = I', 1);
});

test('matrixPower rejects a non-integer exponent', () => {
  assert.throws(() => L.matrixPower(np.eye(2), 1.5), { name: 'TypeError', message: 'exponent must be an integer' });
});

test('multi-value results destructure in NumPy order (typed without casts)', () => {
  const a = np.array([[4, 1], [2, 3], [0, 1]]);
  const [q, r] = L.qr(a);
  const rOnly = L.qr(a, { mode: 'r' });
  const [u, s, vh] = L.svd(a);
  const values = L.svd(a, { computeUv: false });
  const [w, v] = L.eigh(np.array([[2, 1], [1, 2]]));
  const [x, residuals, rank, sv] = L.lstsq(a, np.array([1, 2, 3]));
  assert.deepEqual([q.shape, r.shape, rOnly.shape], [[3, 2], [2, 2], [2, 2]]);
  assert.deepEqual([u.shape, s.shape, vh.shape, values.shape], [[3, 3], [2], [2, 2], [2]]);
  assert.deepEqual([w.shape, v.shape, x.shape, residuals.shape, sv.shape], [[2], [2, 2], [2], [1], [2]]);
  assert.equal(rank, 2);
});
