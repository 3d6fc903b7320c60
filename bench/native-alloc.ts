/**
 * First-touch cost of fresh outputs: np.add of two float32 arrays into a fresh output, with the
 * native allocator's huge-page advice and with plain ArrayBuffers, against NumPy and against
 * writing into an existing output (out=).
 *
 *   node --conditions=kiln-source --import tsx bench/native-alloc.ts
 */
import { spawnSync } from 'node:child_process';
import * as kiln from 'kiln';
import { np } from 'kiln';
import { Storage } from '../src/core/storage.js';
import { loadNative } from '../src/backend/native/loader.js';

const addon = loadNative();
if (!addon) throw new Error('the native addon is not built');

function time(fn: () => unknown, reps = 30): { median: number; best: number } {
  fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  return { median: ts[reps >> 1]!, best: ts[0]! };
}

const hugeAllocator = (bytes: number): ArrayBuffer => {
  const b = new ArrayBuffer(bytes);
  addon.adviseHugePages(b);
  return b;
};
const fmt = (t: { median: number; best: number }): string => `${t.median.toFixed(2)} / ${t.best.toFixed(2)} ms`;

for (const n of [1e6, 1e7]) {
  const x = np.ones([n], { dtype: 'float32' });
  const y = np.ones([n], { dtype: 'float32' });
  const out = np.empty([n], { dtype: 'float32' });
  const py = spawnSync('python3', ['-c', `
import time, numpy as np
x = np.ones(${n}, dtype=np.float32); y = np.ones(${n}, dtype=np.float32); o = np.empty_like(x)
def t(f):
    f(); ts = []
    for _ in range(30):
        s = time.perf_counter(); f(); ts.append(time.perf_counter() - s)
    ts.sort(); return "%.2f / %.2f ms" % (ts[15] * 1e3, ts[0] * 1e3)
print(t(lambda: x + y), "|", t(lambda: np.add(x, y, out=o)))`], {
    encoding: 'utf8', env: { ...process.env, OPENBLAS_CORETYPE: '', OPENBLAS_L2_SIZE: '' },
  });
  for (const threads of [1, 2]) {
    kiln.setNumThreads(threads);
    Storage.setLargeAllocator(null);
    const plain = time(() => np.add(x, y));
    Storage.setLargeAllocator(hugeAllocator, 4 << 20);
    const huge = time(() => np.add(x, y));
    const into = time(() => np.add(x, y, { out }));
    console.log(`add ${n.toExponential()} float32, ${threads} thread(s): fresh output, plain ArrayBuffer ${fmt(plain)}; ` +
      `huge-page advised ${fmt(huge)}; out= ${fmt(into)}`);
  }
  console.log(`  NumPy (median / best): fresh | out=: ${py.stdout.trim() || py.stderr}`);
}
