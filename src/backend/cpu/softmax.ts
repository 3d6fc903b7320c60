/**
 * CPU softmax / log-softmax along the last axis of a float32 or float64 view, as PyTorch's
 * kernels: per row m = max, e = exp(x - m), then e / sum(e) or (x - m) - log(sum(e)). A NaN or
 * +inf in a row, or a row of -inf, makes the row NaN through x - m. Arithmetic is in float64,
 * rounded once into out.
 */
import type { View } from '../../core/view.js';

type Floats = Float32Array | Float64Array;

export function softmaxCpu(x: View, out: View, log: boolean): void {
  for (const v of [x, out]) {
    if (v.dtype !== 'float32' && v.dtype !== 'float64') throw new Error(`softmax: expected float32 or float64 views, got ${v.dtype}`);
  }
  if (x.shape.length === 0 || x.shape.length !== out.shape.length || x.shape.some((n, i) => n !== out.shape[i])) {
    throw new Error('softmax: x and out must have the same shape, with at least one axis');
  }
  const nd = x.shape.length;
  const len = x.shape[nd - 1]!;
  const lead = x.shape.slice(0, nd - 1);
  const rows = lead.reduce((a, b) => a * b, 1);
  if (len === 0 || rows === 0) return;
  const xa = x.storage.typed(x.dtype) as Floats;
  const oa = out.storage.typed(out.dtype) as Floats;
  const xs = x.elementStrides[nd - 1]!;
  const os = out.elementStrides[nd - 1]!;
  const counter = lead.map(() => 0);
  let xp = x.offset;
  let op = out.offset;
  for (let r = 0; r < rows; r++) {
    softmaxRow(xa, xp, xs, oa, op, os, len, log);
    for (let d = lead.length - 1; d >= 0; d--) {
      xp += x.elementStrides[d]!;
      op += out.elementStrides[d]!;
      if (++counter[d]! < lead[d]!) break;
      counter[d] = 0;
      xp -= x.elementStrides[d]! * lead[d]!;
      op -= out.elementStrides[d]! * lead[d]!;
    }
  }
}

function softmaxRow(x: Floats, xp: number, xs: number, o: Floats, op: number, os: number, n: number, log: boolean): void {
  let m = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[xp + i * xs]!;
    if (v > m) m = v;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(x[xp + i * xs]! - m);
  if (log) {
    const c = Math.log(sum);
    for (let i = 0; i < n; i++) o[op + i * os] = x[xp + i * xs]! - m - c;
  } else {
    for (let i = 0; i < n; i++) o[op + i * os] = Math.exp(x[xp + i * xs]! - m) / sum;
  }
}
