/**
 * Per-op overhead of tiny tensor ops (issue 5: "one tiny op ≤ 1 µs"), plus a few larger tensor-layer
 * workloads (indexSelect of rows, an Adam step on 1M parameters). Measures the BUILT package: tsx
 * adds overhead of its own, so compile this file and run it with plain node:
 *
 *   npm run build
 *   npx tsc bench/tensor-overhead.ts --outDir .tmp/bench --rootDir bench --module nodenext \
 *     --moduleResolution nodenext --target es2022 --skipLibCheck --types node
 *   node .tmp/bench/tensor-overhead.js            # imports 'kiln' (dist/)
 *   node .tmp/bench/tensor-overhead.js /path/to/other/dist/index.js   # compare another build
 *
 * Prints the best and the median time per call over several rounds (nanoseconds for tiny ops);
 * BENCH_ONLY=<regexp> picks rows, BENCH_JSON=1 adds a JSON line of [name, best, median, unit].
 */
type Kiln = typeof import('kiln');

const target = process.argv[2];
const kiln: Kiln = (await import(target ? (target.startsWith('/') ? `file://${target}` : target) : 'kiln')) as Kiln;
const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;

function sorted(xs: number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/**
 * Seconds per call of fn: [best, median] over `rounds` rounds of `iters` calls, after a warm-up.
 * The best round is the figure to compare (the machines here are shared and noisy: interference
 * only ever adds time); the median shows the spread.
 */
function time(fn: () => unknown, iters: number, rounds = 25): [number, number] {
  for (let i = 0; i < iters; i++) fn();
  const per: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iters; i++) fn();
    per.push(Number(process.hrtime.bigint() - t0) / 1e9 / iters);
  }
  const s = sorted(per);
  return [s[0]!, s[Math.floor(s.length / 2)]!];
}

const rows: [string, number, number, string][] = [];
function report(name: string, fn: () => unknown, iters: number, unit: 'ns' | 'us' | 'ms', rounds?: number): void {
  if (only && !only.test(name)) return;
  const scale = unit === 'ns' ? 1e9 : unit === 'us' ? 1e6 : 1e3;
  const [best, med] = time(fn, iters, rounds).map((v) => v * scale) as [number, number];
  rows.push([name, best, med, unit]);
  const digits = unit === 'ns' ? 0 : 2;
  console.log(`${name.padEnd(44)} ${best.toFixed(digits).padStart(10)} ${unit}  (median ${med.toFixed(digits)})`);
}

const a = kiln.tensor([1, 2, 3, 4], { dtype: 'float32' });
const b = kiln.tensor([5, 6, 7, 8], { dtype: 'float32' });
const c = kiln.tensor([1, 2, 3, 4], { dtype: 'float32' });
const ag = kiln.tensor([1, 2, 3, 4], { dtype: 'float32', requiresGrad: true });
const bg = kiln.tensor([5, 6, 7, 8], { dtype: 'float32', requiresGrad: true });
const N = 20_000;

report('kiln.add(a, b) [4 x f32]', () => kiln.add(a, b), N, 'ns');
report('a.add(b)', () => a.add(b), N, 'ns');
report('kiln.add(a, 2)', () => kiln.add(a, 2), N, 'ns');
report('kiln.mul(a, b)', () => kiln.mul(a, b), N, 'ns');
report('kiln.relu(a)', () => kiln.relu(a), N, 'ns');
report('kiln.exp(a)', () => kiln.exp(a), N, 'ns');
report('kiln.sum(a)', () => kiln.sum(a), N, 'ns');
report('c.add_(b)', () => c.add_(b), N, 'ns');
report('c.mul_(1.0001)', () => c.mul_(1.0001), N, 'ns');
report('kiln.add(ag, bg) (requiresGrad)', () => kiln.add(ag, bg), N, 'ns');
report('kiln.mul(ag, b) (requiresGrad)', () => kiln.mul(ag, b), N, 'ns');
report('kiln.add(ag, bg) inside noGrad', () => kiln.noGrad(() => kiln.add(ag, bg)), N, 'ns');
const x = kiln.np.array([1, 2, 3, 4], { dtype: 'float32' });
const y = kiln.np.array([5, 6, 7, 8], { dtype: 'float32' });
report('np.add(x, y) [4 x f32]', () => kiln.np.add(x, y), N, 'ns');

// indexSelect / gather / get / embedding: 64 rows of 64 float32 out of 1000
const table = kiln.randn(1000, 64);
const ids = kiln.randint(0, 1000, [64]);
report('indexSelect(0, 64 ids) of [1000, 64]', () => table.indexSelect(0, ids), 2000, 'us');
report('table.get(ids) [1-D int index]', () => table.get(ids as never), 2000, 'us');
const gidx = kiln.randint(0, 64, [64, 64]);
const g64 = kiln.randn(64, 64);
report('gather(-1, [64, 64] idx) of [64, 64]', () => g64.gather(-1, gidx), 2000, 'us');
const emb = new kiln.nn.Embedding(1000, 64);
const tok = kiln.randint(0, 1000, [8, 8]);
report('nn.Embedding(1000, 64) on [8, 8] ids', () => emb.forward(tok), 2000, 'us');

// Adam step on a 1M-element parameter
const p = kiln.randn([1 << 20], { requiresGrad: true });
p.grad = kiln.randn([1 << 20]);
const adam = new kiln.optim.Adam([p], { lr: 1e-3 });
report('Adam step, 1M float32 params', () => adam.step(), 20, 'ms', 9);
const q = kiln.randn([1 << 20], { requiresGrad: true });
q.grad = kiln.randn([1 << 20]);
const sgd = new kiln.optim.SGD([q], { lr: 1e-3, momentum: 0.9 });
report('SGD(momentum) step, 1M float32 params', () => sgd.step(), 20, 'ms', 9);

if (process.env.BENCH_JSON) console.log(JSON.stringify(rows));
