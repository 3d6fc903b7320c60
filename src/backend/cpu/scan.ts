/** CPU inclusive scans (cumsum, cumprod) along the last axis. */
import { isBig } from '../../core/dtype.js';
import type { View } from '../../core/view.js';
import type { ScanOp } from '../backend.js';
import { ELEMENTWISE_HELPERS as H } from './helpers.js';

export function scanCpu(op: ScanOp, x: View, out: View): void {
  const nd = x.shape.length;
  const n = nd === 0 ? 1 : x.shape[nd - 1]!;
  const xs = nd === 0 ? 0 : x.elementStrides[nd - 1]!;
  const os = nd === 0 ? 0 : out.elementStrides[nd - 1]!;
  const src = x.storage.typed(x.dtype) as unknown as (number | bigint)[];
  const dst = out.storage.typed(out.dtype) as unknown as (number | bigint)[];
  const isSum = op === 'cumsum';
  const big = isBig(out.dtype);
  const readNum = (i: number): number =>
    x.dtype === 'float16' ? H.halfToNum(src[i] as number) : Number(src[i]);
  const lanes = nd <= 1 ? 1 : x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  for (let lane = 0; lane < lanes; lane++) {
    let xo = x.offset;
    let oo = out.offset;
    let rem = lane;
    for (let d = nd - 2; d >= 0; d--) {
      const size = x.shape[d]!;
      const c = rem % size;
      rem = Math.floor(rem / size);
      xo += c * x.elementStrides[d]!;
      oo += c * out.elementStrides[d]!;
    }
    if (big) {
      let acc = isSum ? 0n : 1n;
      for (let i = 0; i < n; i++) {
        const v = src[xo + i * xs]!;
        const b = typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
        acc = BigInt.asIntN(64, isSum ? acc + b : acc * b);
        dst[oo + i * os] = acc;
      }
    } else {
      let acc = isSum ? 0 : 1;
      for (let i = 0; i < n; i++) {
        const v = readNum(xo + i * xs);
        acc = isSum ? acc + v : acc * v;
        if (out.dtype === 'float16') {
          dst[oo + i * os] = H.numToHalf(acc);
          acc = H.halfToNum(dst[oo + i * os] as number); // NumPy accumulates in the output dtype
        } else if (out.dtype === 'float32') {
          acc = Math.fround(acc);
          dst[oo + i * os] = acc;
        } else {
          dst[oo + i * os] = out.dtype === 'bool' ? (acc !== 0 ? 1 : 0) : acc;
        }
      }
    }
  }
}
