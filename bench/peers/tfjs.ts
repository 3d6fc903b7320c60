/**
 * TensorFlow.js's side of the suite: `tfjs.ts wasm` or `tfjs.ts cpu`. The wasm binaries ship in
 * @tensorflow/tfjs-backend-wasm/dist/ and are loaded from node_modules (nothing is fetched).
 * @tensorflow/tfjs (the union package) is loaded only for its gradient registrations, which
 * tfjs-core's Node bundle lacks; all share the one tfjs-core. NHWC layouts for convolutions (TensorFlow's native one; the CPU backend has no NCHW conv).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type PeerImpl, type Prepared, Skip, serve } from '../lib/serve.js';
import type { WorkloadSpec } from '../lib/workloads.js';

type TF = typeof import('@tensorflow/tfjs-core');
type Tensor = import('@tensorflow/tfjs-core').Tensor;
type Rank2 = import('@tensorflow/tfjs-core').Tensor2D;
type Rank4 = import('@tensorflow/tfjs-core').Tensor4D;

const backend = process.argv[2] === 'cpu' ? 'cpu' : 'wasm';
const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs-core') as TF;
// tfjs-core's Node bundle registers no gradients: the union package does (and brings the cpu backend).
require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-cpu');
let wasmDir: string | null = null;
if (backend === 'wasm') {
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
  wasm.setWasmPaths(wasmDir);
}
if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
await tf.ready();

const dispose = (t: Tensor | Tensor[] | null | undefined): void => {
  if (Array.isArray(t)) t.forEach((x) => x.dispose());
  else t?.dispose();
};

/** Variables for a dense layer (in, out) with PyTorch's default init scale. */
function dense(nIn: number, nOut: number): [import('@tensorflow/tfjs-core').Variable, import('@tensorflow/tfjs-core').Variable] {
  const bound = 1 / Math.sqrt(nIn);
  return [tf.variable(tf.randomUniform([nIn, nOut], -bound, bound)), tf.variable(tf.randomUniform([nOut], -bound, bound))];
}

function convVars(cin: number, cout: number): [import('@tensorflow/tfjs-core').Variable, import('@tensorflow/tfjs-core').Variable] {
  const bound = 1 / Math.sqrt(cin * 9);
  return [tf.variable(tf.randomUniform([3, 3, cin, cout], -bound, bound)), tf.variable(tf.randomUniform([cout], -bound, bound))];
}

function prepare(spec: WorkloadSpec, threads: number): Prepared {
  if (threads > 1) throw new Skip(`tfjs-${backend} runs on one thread in Node`);
  const owned: Tensor[] = [];
  const keep = <T extends Tensor>(t: T): T => {
    owned.push(t);
    return t;
  };
  const done = (p: Prepared): Prepared => ({ ...p, dispose: () => dispose(owned) });
  switch (spec.kind) {
    case 'matmul': {
      const a = keep(tf.randomNormal([spec.n, spec.n], 0, 1, 'float32')) as Rank2;
      const b = keep(tf.randomNormal([spec.n, spec.n], 0, 1, 'float32')) as Rank2;
      const ta = !!spec.ta;
      const tb = !!spec.tb;
      return done({
        fn: () => dispose(tf.matMul(a, b, ta, tb)),
        note: ta ? 'tf.matMul(a, b, true, false)' : tb ? 'tf.matMul(a, b, false, true)' : undefined,
      });
    }
    case 'add': {
      if (spec.out) throw new Skip('n/a: TensorFlow.js has no out= (tensors are immutable)');
      const a = keep(tf.randomNormal([spec.size]));
      const b = keep(tf.randomNormal([spec.size]));
      return done({ fn: () => dispose(tf.add(a, b)) });
    }
    case 'unary': {
      const a = keep(tf.randomNormal([spec.size]));
      const op = spec.fn === 'exp' ? tf.exp : tf.tanh;
      return done({ fn: () => dispose(op(a)) });
    }
    case 'sum': {
      const a = keep(tf.randomNormal([spec.size]));
      return done({ fn: () => dispose(tf.sum(a)) });
    }
    case 'tiny': {
      const a = keep(tf.randomNormal([4]));
      const b = keep(tf.randomNormal([4]));
      return done({ fn: () => dispose(tf.add(a, b)) });
    }
    case 'conv2d': {
      const x = keep(tf.randomNormal([32, 32, 32, 3])) as Rank4;
      const filter = keep(tf.randomNormal([3, 3, 3, 32])) as Rank4;
      const bias = keep(tf.randomNormal([32]));
      return done({
        fn: () => dispose(tf.fused.conv2d({ x, filter, bias, strides: 1, pad: 'same' })),
        note: 'tf.fused.conv2d with bias, NHWC',
      });
    }
    case 'mlp': {
      const [w1, b1] = dense(784, 512);
      const [w2, b2] = dense(512, 256);
      const [w3, b3] = dense(256, 10);
      owned.push(w1, b1, w2, b2, w3, b3);
      const x = keep(tf.randomNormal([128, 784])) as Rank2;
      const labels = keep(tf.oneHot(tf.tensor1d(Array.from({ length: 128 }, (_, i) => (i * 7) % 10), 'int32'), 10));
      const opt = tf.train.sgd(0.01);
      const loss = (): import('@tensorflow/tfjs-core').Scalar => {
        const h1 = tf.relu(tf.fused.matMul({ a: x, b: w1 as Rank2, bias: b1 }));
        const h2 = tf.relu(tf.fused.matMul({ a: h1, b: w2 as Rank2, bias: b2 }));
        const logits = tf.fused.matMul({ a: h2, b: w3 as Rank2, bias: b3 });
        return tf.losses.softmaxCrossEntropy(labels, logits) as import('@tensorflow/tfjs-core').Scalar;
      };
      return {
        fn: () => dispose(opt.minimize(loss, true)),
        note: 'tf.fused.matMul + relu, tf.losses.softmaxCrossEntropy, tf.train.sgd(0.01).minimize',
        dispose: () => {
          dispose(owned);
          opt.dispose();
        },
      };
    }
    case 'cnn': {
      for (const kernel of ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad']) {
        if (!tf.getKernel(kernel, backend)) throw new Skip(`n/a: tfjs-${backend} has no ${kernel} kernel, so it cannot train a CNN`);
      }
      const [k1, c1] = convVars(1, 16);
      const [k2, c2] = convVars(16, 32);
      const [w, b] = dense(32 * 7 * 7, 10);
      owned.push(k1, c1, k2, c2, w, b);
      const x = keep(tf.randomNormal([64, 28, 28, 1])) as Rank4;
      const labels = keep(tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, i) => (i * 7) % 10), 'int32'), 10));
      const opt = tf.train.sgd(0.01);
      const loss = (): import('@tensorflow/tfjs-core').Scalar => {
        let h = tf.relu(tf.fused.conv2d({ x, filter: k1 as Rank4, bias: c1, strides: 1, pad: 'same' }));
        h = tf.maxPool(h, 2, 2, 'valid');
        h = tf.relu(tf.fused.conv2d({ x: h, filter: k2 as Rank4, bias: c2, strides: 1, pad: 'same' }));
        h = tf.maxPool(h, 2, 2, 'valid');
        const logits = tf.fused.matMul({ a: tf.reshape(h, [64, 32 * 7 * 7]) as Rank2, b: w as Rank2, bias: b });
        return tf.losses.softmaxCrossEntropy(labels, logits) as import('@tensorflow/tfjs-core').Scalar;
      };
      return {
        fn: () => dispose(opt.minimize(loss, true)),
        note: 'NHWC tf.fused.conv2d + relu + maxPool, tf.train.sgd(0.01).minimize',
        dispose: () => {
          dispose(owned);
          opt.dispose();
        },
      };
    }
  }
}

const pkg = require('@tensorflow/tfjs-core/package.json') as { version: string };

const impl: PeerImpl = {
  hello: () => ({
    version: pkg.version,
    backend: tf.getBackend(),
    simd: backend === 'wasm' ? tf.env().getBool('WASM_HAS_SIMD_SUPPORT') : null,
    multithread: backend === 'wasm' ? tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') : null,
    wasmDir,
  }),
  prepare,
};

await serve(impl);
