/**
 * kiln's side of the suite. Imports 'kiln' WITHOUT the kiln-source condition, so Node resolves
 * the package's "default" export: the compiled dist/ (npm run bench builds it first). Anything
 * that may not exist yet (setNumThreads, conv2d, the layers) is looked up at run time.
 */
import { readFileSync } from 'node:fs';
import * as kilnNs from 'kiln';
import { type PeerImpl, type Prepared, Skip, serve } from '../lib/serve.js';
import type { WorkloadSpec } from '../lib/workloads.js';

const kiln = kilnNs;
type Fn = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any
const dyn = kilnNs as unknown as Record<string, unknown>;
const nn = kiln.nn as unknown as Record<string, unknown>;
const F = kiln.nn.functional as unknown as Record<string, unknown>;
const optim = kiln.optim as unknown as Record<string, unknown>;

const fn = (obj: Record<string, unknown>, name: string): Fn | null => (typeof obj[name] === 'function' ? (obj[name] as Fn) : null);

const resolved = import.meta.resolve('kiln');
if (!/\/dist\/index\.js$/.test(resolved)) {
  throw new Error(`bench must measure the built package, but 'kiln' resolved to ${resolved} (run without --conditions=kiln-source)`);
}

function setThreads(threads: number): string | undefined {
  const set = fn(dyn, 'setNumThreads');
  if (!set) return threads > 1 ? 'kiln.setNumThreads absent: default thread count' : 'kiln.setNumThreads absent';
  set(threads);
  return undefined;
}

/** Spot-checks a few entries of c = A @ B (A and B may be views) against float64 dot products. */
function checkMatmul(A: kilnNs.Tensor, B: kilnNs.Tensor, c: kilnNs.Tensor, n: number): void {
  const an = A.numpy();
  const bn = B.numpy();
  const cn = c.numpy();
  for (let k = 0; k < 4; k++) {
    const i = (k * 7919) % n;
    const j = (k * 104729 + 3) % n;
    let s = 0;
    let mag = 0;
    for (let p = 0; p < n; p++) {
      const x = Number(an.item(i, p)) * Number(bn.item(p, j));
      s += x;
      mag += Math.abs(x);
    }
    const got = Number(cn.item(i, j));
    if (!(Math.abs(got - s) <= 1e-4 * mag + 1e-5)) throw new Error(`matmul result wrong at (${i}, ${j}): ${got} vs ${s}`);
  }
}

function prepare(spec: WorkloadSpec, threads: number): Prepared {
  const threadNote = setThreads(threads);
  const withNote = (p: Prepared): Prepared => (threadNote ? { ...p, note: [p.note, threadNote].filter(Boolean).join('; ') } : p);
  switch (spec.kind) {
    case 'matmul': {
      const { n } = spec;
      const a = kiln.randn([n, n]);
      const b = kiln.randn([n, n]);
      const A = spec.ta ? kiln.t(a) : a;
      const B = spec.tb ? kiln.t(b) : b;
      const c = kiln.matmul(A, B);
      checkMatmul(A, B, c, n);
      const note = spec.ta ? 'kiln.matmul(kiln.t(a), b) (a view)' : spec.tb ? 'kiln.matmul(a, kiln.t(b)) (a view)' : undefined;
      return withNote({ fn: () => void kiln.matmul(A, B), note });
    }
    case 'add': {
      const a = kiln.randn([spec.size]);
      const b = kiln.randn([spec.size]);
      if (!spec.out) return withNote({ fn: () => void kiln.add(a, b) });
      const c = kiln.empty([spec.size]);
      // The tensor face first (kiln.add(a, b, {out: c})), if it honours `out`.
      try {
        const r = (kiln.add as Fn)(a, b, { out: c });
        if (r === c) return withNote({ fn: () => void (kiln.add as Fn)(a, b, { out: c }), note: 'kiln.add(a, b, {out: c})' });
      } catch {
        // not supported: fall through
      }
      const an = a.numpy();
      const bn = b.numpy();
      const cn = c.numpy();
      const r = kiln.np.add(an, bn, { out: cn });
      if (r !== cn) throw new Skip('neither kiln.add nor kiln.np.add returned the out= array');
      return withNote({
        fn: () => void kiln.np.add(an, bn, { out: cn }),
        note: 'kiln.np.add(a, b, {out: c}) on the tensors\' NDArrays (kiln.add has no out= yet)',
      });
    }
    case 'unary': {
      const a = kiln.randn([spec.size]);
      const op = spec.fn === 'exp' ? kiln.exp : kiln.tanh;
      return withNote({ fn: () => void op(a) });
    }
    case 'sum': {
      const a = kiln.randn([spec.size]);
      return withNote({ fn: () => void kiln.sum(a) });
    }
    case 'tiny': {
      const a = kiln.randn([4]);
      const b = kiln.randn([4]);
      return withNote({ fn: () => void kiln.add(a, b) });
    }
    case 'conv2d': {
      const conv2d = fn(F, 'conv2d');
      if (!conv2d) throw new Skip('kiln.nn.functional.conv2d does not exist yet');
      const x = kiln.randn([32, 3, 32, 32]);
      const w = kiln.randn([32, 3, 3, 3]);
      const bias = kiln.randn([32]);
      return withNote({ fn: () => void conv2d(x, w, bias, { padding: 1 }), note: 'kiln.nn.functional.conv2d(x, w, b, {padding: 1})' });
    }
    case 'mlp':
    case 'cnn': {
      const need = spec.kind === 'mlp'
        ? ['Sequential', 'Linear', 'ReLU']
        : ['Sequential', 'Linear', 'ReLU', 'Conv2d', 'MaxPool2d', 'Flatten'];
      const missing = need.filter((k) => typeof nn[k] !== 'function').map((k) => `nn.${k}`);
      if (!fn(F, 'crossEntropy')) missing.push('nn.functional.crossEntropy');
      if (typeof optim.SGD !== 'function') missing.push('optim.SGD');
      if (missing.length) throw new Skip(`kiln lacks ${missing.join(', ')}`);
      const M = nn as Record<string, new (...args: any[]) => any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const model = spec.kind === 'mlp'
        ? new M.Sequential!(new M.Linear!(784, 512), new M.ReLU!(), new M.Linear!(512, 256), new M.ReLU!(), new M.Linear!(256, 10))
        : new M.Sequential!(
          new M.Conv2d!(1, 16, 3, { padding: 1 }), new M.ReLU!(), new M.MaxPool2d!(2),
          new M.Conv2d!(16, 32, 3, { padding: 1 }), new M.ReLU!(), new M.MaxPool2d!(2),
          new M.Flatten!(), new M.Linear!(32 * 7 * 7, 10),
        );
      const SGD = optim.SGD as new (params: unknown, options: { lr: number }) => { zeroGrad(): void; step(): unknown };
      const opt = new SGD(model.parameters(), { lr: 0.01 });
      const batch = spec.kind === 'mlp' ? 128 : 64;
      const x = spec.kind === 'mlp' ? kiln.randn([batch, 784]) : kiln.randn([batch, 1, 28, 28]);
      const y = kiln.randint(0, 10, [batch]);
      const crossEntropy = F.crossEntropy as Fn;
      const step = (): void => {
        opt.zeroGrad();
        const loss = crossEntropy(model.forward(x), y) as kilnNs.Tensor;
        loss.backward();
        opt.step();
      };
      const note = spec.kind === 'mlp'
        ? 'nn.Sequential(Linear, ReLU, ...), F.crossEntropy, optim.SGD(lr=0.01)'
        : 'nn.Conv2d/MaxPool2d/Linear, F.crossEntropy, optim.SGD(lr=0.01)';
      return withNote({ fn: step, note });
    }
  }
}

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const impl: PeerImpl = {
  hello: () => ({
    version: pkg.version,
    resolved,
    backends: fn(dyn, 'backends')?.() ?? null,
    defaultThreads: fn(dyn, 'getNumThreads')?.() ?? null,
    setNumThreads: typeof dyn.setNumThreads === 'function',
    node: process.version,
  }),
  prepare,
};

await serve(impl);
