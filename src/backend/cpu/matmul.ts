/**
 * CPU batched matrix product in TypeScript: operands are packed into contiguous float64 panels,
 * multiplied in i-k-j order (unit-stride inner loop), and stored in the output dtype. The native
 * SIMD kernels of the CPU-speed issue replace this for float32/float64.
 */
import { isBig } from '../../core/dtype.js';
import type { View } from '../../core/view.js';
import { ELEMENTWISE_HELPERS as H } from './helpers.js';

function readMatrix(v: View, batchOffset: number, rows: number, cols: number, into: Float64Array): void {
  const a = v.storage.typed(v.dtype) as unknown as ArrayLike<number | bigint>;
  const nd = v.shape.length;
  const rs = v.elementStrides[nd - 2]!;
  const cs = v.elementStrides[nd - 1]!;
  const half = v.dtype === 'float16';
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const raw = a[batchOffset + i * rs + j * cs]!;
      into[i * cols + j] = half ? H.halfToNum(raw as number) : Number(raw);
    }
  }
}

/** Offsets of each batch element, for views whose batch axes are already broadcast. */
function batchOffsets(v: View, batchShape: readonly number[]): number[] {
  const out: number[] = [];
  const total = batchShape.reduce((a, b) => a * b, 1);
  for (let k = 0; k < total; k++) {
    let rem = k;
    let off = v.offset;
    for (let d = batchShape.length - 1; d >= 0; d--) {
      const n = batchShape[d]!;
      off += (rem % n) * v.elementStrides[d]!;
      rem = Math.floor(rem / n);
    }
    out.push(off);
  }
  return out;
}

export function matmulCpu(a: View, b: View, out: View): void {
  const nd = out.shape.length;
  const n = out.shape[nd - 2]!;
  const m = out.shape[nd - 1]!;
  const k = a.shape[a.shape.length - 1]!;
  const batchShape = out.shape.slice(0, nd - 2);
  const aOffs = batchOffsets(a, batchShape);
  const bOffs = batchOffsets(b, batchShape);
  const oOffs = batchOffsets(out, batchShape);
  const A = new Float64Array(n * k);
  const B = new Float64Array(k * m);
  const C = new Float64Array(n * m);
  const dst = out.storage.typed(out.dtype) as unknown as (number | bigint)[];
  const ors = out.elementStrides[nd - 2]!;
  const ocs = out.elementStrides[nd - 1]!;
  const big = isBig(out.dtype);
  for (let t = 0; t < oOffs.length; t++) {
    readMatrix(a, aOffs[t]!, n, k, A);
    readMatrix(b, bOffs[t]!, k, m, B);
    C.fill(0);
    for (let i = 0; i < n; i++) {
      const ci = i * m;
      for (let p = 0; p < k; p++) {
        const av = A[i * k + p]!;
        const bp = p * m;
        for (let j = 0; j < m; j++) C[ci + j]! += av * B[bp + j]!;
      }
    }
    const base = oOffs[t]!;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        const v = C[i * m + j]!;
        const at = base + i * ors + j * ocs;
        if (big) dst[at] = H.numToBig(v);
        else if (out.dtype === 'float16') dst[at] = H.numToHalf(v);
        else if (out.dtype === 'bool') dst[at] = v !== 0 ? 1 : 0;
        else dst[at] = v;
      }
    }
  }
}
