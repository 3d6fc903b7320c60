/**
 * What fresh outputs cost: np.add of two float32 arrays into a new array, against writing into
 * an existing one (out=), with the native allocator's settings off and on, and NumPy alongside.
 * Each setting runs in its own process (the malloc settings apply when the addon loads):
 *   before      KILN_MALLOC_TUNE=0 and plain ArrayBuffers: glibc's defaults;
 *   huge pages  plain malloc, buffers of 4 MiB and more advised as huge pages;
 *   native      the default: huge pages, and freed memory kept in the heap for reuse.
 *
 *   node --conditions=kiln-source --import tsx bench/native-alloc.ts
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as kiln from 'kiln';
import { np } from 'kiln';
import { Storage } from '../src/core/storage.js';

const SIZES = [1e6, 1e7];
const REPS = 60;

function time(fn: () => unknown): string {
  for (let i = 0; i < 5; i++) fn();
  const ts: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  return `${ts[REPS >> 1]!.toFixed(2)} / ${ts[0]!.toFixed(2)}`;
}

if (process.argv[2] === '--child') {
  // one setting: prints one line per size and thread count
  if (process.env.KILN_BENCH_PLAIN === '1') Storage.setLargeAllocator(null);
  for (const threads of [1, 2]) {
    kiln.setNumThreads(threads);
    for (const n of SIZES) {
      const x = np.ones([n], { dtype: 'float32' });
      const y = np.ones([n], { dtype: 'float32' });
      const out = np.empty([n], { dtype: 'float32' });
      console.log(`${n}\t${threads}\t${time(() => np.add(x, y))}\t${time(() => np.add(x, y, { out }))}`);
    }
  }
} else {
  const self = fileURLToPath(import.meta.url);
  const settings = {
    before: { KILN_MALLOC_TUNE: '0', KILN_BENCH_PLAIN: '1' },
    'huge pages': { KILN_MALLOC_TUNE: '0', KILN_BENCH_PLAIN: '0' },
    native: { KILN_MALLOC_TUNE: '1', KILN_BENCH_PLAIN: '0' },
  };
  const rows: string[][] = [['setting', 'size', 'threads', 'fresh output (ms)', 'out= (ms)']];
  for (const [name, env] of Object.entries(settings)) {
    const r = spawnSync(process.execPath, ['--conditions=kiln-source', '--import', 'tsx', self, '--child'], {
      encoding: 'utf8', env: { ...process.env, ...env },
    });
    if (r.status !== 0) throw new Error(r.stderr);
    for (const line of r.stdout.trim().split('\n')) {
      const [n, threads, fresh, into] = line.split('\t');
      rows.push([name, Number(n).toExponential(), threads!, fresh!, into!]);
    }
  }
  const npEnv: NodeJS.ProcessEnv = { ...process.env };
  delete npEnv.OPENBLAS_CORETYPE;
  delete npEnv.OPENBLAS_L2_SIZE;
  const py = spawnSync('python3', ['-c', `
import time, numpy as np
def t(f):
    for _ in range(5): f()
    ts = []
    for _ in range(${REPS}):
        s = time.perf_counter(); f(); ts.append(time.perf_counter() - s)
    ts.sort(); return "%.2f / %.2f" % (ts[${REPS >> 1}] * 1e3, ts[0] * 1e3)
for n in ${JSON.stringify(SIZES)}:
    n = int(n); x = np.ones(n, np.float32); y = np.ones(n, np.float32); o = np.empty_like(x)
    print(n, t(lambda: x + y), t(lambda: np.add(x, y, out=o)), sep="\\t")`], { encoding: 'utf8', env: npEnv });
  for (const line of py.stdout.trim().split('\n').filter(Boolean)) {
    const [n, fresh, into] = line.split('\t');
    rows.push(['NumPy', Number(n).toExponential(), '1', fresh!, into!]);
  }
  console.log('np.add of float32 arrays; each cell: median / best of', REPS, 'runs\n');
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
}
