/**
 * The native kernels against NumPy, in one run: float32 matmul (n = 128..2048, 1 and 2 threads,
 * Aᵀ·B and A·Bᵀ; the products of an MLP and a convnet training step), add (fresh output and
 * out=), exp, tanh and sum, through kiln's public API.
 * NumPy runs in a python3 child with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset (they force a
 * slower kernel on these machines) and OPENBLAS_NUM_THREADS set per column.
 *
 *   node --conditions=kiln-source --import tsx bench/native-kernels.ts [--quick] [--rounds N] [--threads 1|2]
 *
 * Each figure is the median of repeated calls (at least 5, for at least a second), with the best
 * call after a slash. The development machines are shared: each workload runs in kiln and then
 * at once in NumPy, and with --rounds N (default 3) the whole comparison runs N times, each cell
 * keeping its least disturbed round (lowest median), for kiln and NumPy alike.
 */
import { spawnSync } from 'node:child_process';
import * as kiln from 'kiln';
import { np } from 'kiln';

type NDArray = np.NDArray;
const quick = process.argv.includes('--quick');
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3;
const threadsArg = process.argv.indexOf('--threads');
const THREADS = threadsArg > 0 ? [Number(process.argv[threadsArg + 1])] : [1, 2];
const MIN_MS = quick ? 300 : 1000;

interface Timing { median: number; best: number } // milliseconds

function time(fn: () => unknown): Timing {
  // warm up (V8 optimizes the op's JavaScript after some calls), then time
  for (let n = 0, until = performance.now() + MIN_MS / 4; n < 3 || performance.now() < until; n++) fn();
  const ts: number[] = [];
  const end = performance.now() + MIN_MS;
  while (ts.length < 5 || (performance.now() < end && ts.length < 100000)) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  return { median: ts[ts.length >> 1]!, best: ts[0]! };
}

interface Workload { name: string; flops?: number; threads: number; kiln: () => unknown; py: string }

const f32 = (seed: number, shape: number[]): NDArray =>
  np.random.defaultRng(seed).standardNormal(shape, { dtype: 'float32' }) as NDArray;

const workloads: Workload[] = [];
const sizes = quick ? [128, 512, 1024] : [128, 256, 512, 1024, 2048];
for (const threads of [1, 2]) {
  for (const n of sizes) {
    const a = f32(1, [n, n]);
    const b = f32(2, [n, n]);
    workloads.push({ name: `matmul ${n}`, flops: 2 * n ** 3, threads, kiln: () => np.matmul(a, b),
      py: `a = rng.standard_normal((${n}, ${n}), dtype=np.float32); b = rng.standard_normal((${n}, ${n}), dtype=np.float32)\nf = lambda: a @ b` });
  }
  const a = f32(3, [1024, 1024]);
  const b = f32(4, [1024, 1024]);
  workloads.push(
    { name: 'matmul 1024 Aᵀ·B', flops: 2 * 1024 ** 3, threads, kiln: () => np.matmul(np.transpose(a), b),
      py: 'a = rng.standard_normal((1024, 1024), dtype=np.float32); b = rng.standard_normal((1024, 1024), dtype=np.float32)\nf = lambda: a.T @ b' },
    { name: 'matmul 1024 A·Bᵀ', flops: 2 * 1024 ** 3, threads, kiln: () => np.matmul(a, np.transpose(b)),
      py: 'a = rng.standard_normal((1024, 1024), dtype=np.float32); b = rng.standard_normal((1024, 1024), dtype=np.float32)\nf = lambda: a @ b.T' },
  );
}
// the products of an MLP and a small convnet training step (one thread): forward with a
// transposed weight, the gradients' transposed operands, and batched small-k convolutions
{
  const rn = (shape: number[]): string => `rng.standard_normal((${shape.join(', ')}), dtype=np.float32)`;
  const shapes: [string, number[], number[], string, number][] = [
    // name, a's shape, b's shape, the NumPy expression (a, b), flops
    ['(128x784)@(512x784)ᵀ', [128, 784], [512, 784], 'a @ b.T', 2 * 128 * 784 * 512],
    ['(128x784)ᵀ@(128x512)', [128, 784], [128, 512], 'a.T @ b', 2 * 784 * 128 * 512],
    ['(128x512)@(512x256)', [128, 512], [512, 256], 'a @ b', 2 * 128 * 512 * 256],
    ['(512x128)@(128x256)', [512, 128], [128, 256], 'a @ b', 2 * 512 * 128 * 256],
    ['64 x (16x9)@(9x784)', [16, 9], [64, 9, 784], 'np.matmul(a, b)', 64 * 2 * 16 * 9 * 784],
    ['64 x (32x144)@(144x196)', [32, 144], [64, 144, 196], 'np.matmul(a, b)', 64 * 2 * 32 * 144 * 196],
    ['64 x (16x784)@(9x784)ᵀ', [64, 16, 784], [64, 9, 784], 'np.matmul(a, b.transpose(0, 2, 1))', 64 * 2 * 16 * 784 * 9],
  ];
  shapes.forEach(([name, as, bs, expr, flops], i) => {
    const a = f32(10 + i, as);
    const b = f32(20 + i, bs);
    const run = expr === 'a @ b.T' ? () => np.matmul(a, np.transpose(b))
      : expr === 'a.T @ b' ? () => np.matmul(np.transpose(a), b)
      : expr.includes('transpose') ? () => np.matmul(a, np.swapaxes(b, 1, 2))
      : () => np.matmul(a, b);
    workloads.push({ name: `matmul ${name}`, flops, threads: 1, kiln: run, py: `a = ${rn(as)}; b = ${rn(bs)}\nf = lambda: ${expr}` });
  });
}
for (const threads of [1, 2]) {
  for (const n of [1e6, 1e7]) {
    const x = f32(5, [n]);
    const y = f32(6, [n]);
    const out = np.empty([n], { dtype: 'float32' });
    const py = `x = rng.standard_normal(${n}, dtype=np.float32); y = rng.standard_normal(${n}, dtype=np.float32); o = np.empty(${n}, dtype=np.float32)`;
    workloads.push(
      { name: `add ${n.toExponential()} fresh output`, threads, kiln: () => np.add(x, y), py: `${py}\nf = lambda: x + y` },
      { name: `add ${n.toExponential()} out=`, threads, kiln: () => np.add(x, y, { out }), py: `${py}\nf = lambda: np.add(x, y, out=o)` },
    );
  }
  const x = f32(7, [1e6]);
  const big = f32(8, [1e7]);
  workloads.push(
    { name: 'exp 1e6', threads, kiln: () => np.exp(x), py: 'x = rng.standard_normal(1000000, dtype=np.float32)\nf = lambda: np.exp(x)' },
    { name: 'tanh 1e6', threads, kiln: () => np.tanh(x), py: 'x = rng.standard_normal(1000000, dtype=np.float32)\nf = lambda: np.tanh(x)' },
    { name: 'sum 1e7', threads, kiln: () => np.sum(big), py: 'x = rng.standard_normal(10000000, dtype=np.float32)\nf = lambda: np.sum(x)' },
  );
}

/** Times the NumPy side of the workloads for one thread count in a python3 child. */
function numpy(threads: number, items: Workload[]): (Timing | null)[] {
  const script = `
import json, time, numpy as np
rng = np.random.default_rng(0)
def bench(f):
    n = 0; until = time.perf_counter() + ${MIN_MS / 4000}
    while n < 3 or time.perf_counter() < until:
        f(); n += 1
    ts = []; end = time.perf_counter() + ${MIN_MS / 1000}
    while len(ts) < 5 or (time.perf_counter() < end and len(ts) < 100000):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    ts.sort(); return {"median": ts[len(ts) // 2] * 1e3, "best": ts[0] * 1e3}
out = []
${items.map((w) => `${w.py}\nout.append(bench(f))`).join('\n')}
print(json.dumps(out))
`;
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync('python3', ['-c', script], { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.error(`numpy unavailable: ${r.stderr || r.error}`);
    return items.map(() => null);
  }
  return JSON.parse(r.stdout) as Timing[];
}

function fmt(w: Workload, t: Timing | null): string {
  if (!t) return '-';
  if (w.flops) return `${(w.flops / t.median / 1e6).toFixed(1)} / ${(w.flops / t.best / 1e6).toFixed(1)}`;
  return `${t.median.toFixed(3)} / ${t.best.toFixed(3)}`;
}

console.log(`kiln kernels: ${kiln.backends()[0]!.kernels}; CPUs: ${kiln.getNumThreads()} threads by default`);
console.log(`matmul in GFLOP/s, others in ms; each cell: median / best, from the least disturbed of ${ROUNDS} rounds; ratio = kiln / NumPy speed (medians)\n`);
const rows: string[][] = [['workload', 'threads', 'kiln', 'NumPy', 'ratio']];
const defaultThreads = kiln.getNumThreads();
/** The less disturbed of two timings of one cell. */
const better = (a: Timing | null | undefined, b: Timing | null): Timing | null => (!a ? b : !b ? a : a.median <= b.median ? a : b);
for (const threads of THREADS) {
  const items = workloads.filter((w) => w.threads === threads);
  let mine: (Timing | null)[] = items.map(() => null);
  let theirs: (Timing | null)[] = items.map(() => null);
  for (let round = 0; round < ROUNDS; round++) {
    kiln.setNumThreads(threads);
    items.forEach((w, i) => {
      // kiln, then NumPy on the same workload right after, so both see about the same machine
      mine[i] = better(mine[i], time(w.kiln));
      theirs[i] = better(theirs[i], numpy(threads, [w])[0] ?? null);
    });
  }
  items.forEach((w, i) => {
    const t = theirs[i];
    const ratio = t ? (t.median / mine[i]!.median).toFixed(2) : '-';
    rows.push([w.name, String(threads), fmt(w, mine[i]!), fmt(w, t ?? null), ratio]);
  });
}
kiln.setNumThreads(defaultThreads);
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const r of rows) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
console.log('\n(NumPy\'s elementwise ops and sums run on one thread whatever OPENBLAS_NUM_THREADS says.)');
