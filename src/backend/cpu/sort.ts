/** CPU stable sort along the last axis, NaN last (NumPy's order). */
import type { View } from '../../core/view.js';
import { ELEMENTWISE_HELPERS as H } from './helpers.js';

function compare(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'bigint') return a < (b as bigint) ? -1 : a > (b as bigint) ? 1 : 0;
  const an = a !== a;
  const bn = (b as number) !== (b as number);
  if (an || bn) return an && bn ? 0 : an ? 1 : -1;
  return a < (b as number) ? -1 : a > (b as number) ? 1 : 0;
}

export function sortCpu(x: View, values: View | null, indices: View | null): void {
  const nd = x.shape.length;
  const n = x.shape[nd - 1]!;
  const src = x.storage.typed(x.dtype) as unknown as (number | bigint)[];
  const half = x.dtype === 'float16';
  const lanes = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const lane: (number | bigint)[] = new Array(n);
  const order: number[] = new Array(n);
  for (let l = 0; l < lanes; l++) {
    const offsetOf = (v: View): number => {
      let rem = l;
      let off = v.offset;
      for (let d = nd - 2; d >= 0; d--) {
        const size = x.shape[d]!;
        off += (rem % size) * v.elementStrides[d]!;
        rem = Math.floor(rem / size);
      }
      return off;
    };
    const xo = offsetOf(x);
    const xs = x.elementStrides[nd - 1]!;
    for (let i = 0; i < n; i++) {
      const raw = src[xo + i * xs]!;
      lane[i] = half ? H.halfToNum(raw as number) : raw;
      order[i] = i;
    }
    // Array.prototype.sort is stable (ES2019), which argsort(kind='stable') needs.
    order.sort((i, j) => compare(lane[i]!, lane[j]!));
    if (values) {
      const dst = values.storage.typed(values.dtype) as unknown as (number | bigint)[];
      const vo = offsetOf(values);
      const vs = values.elementStrides[nd - 1]!;
      for (let i = 0; i < n; i++) dst[vo + i * vs] = src[xo + order[i]! * xs]!;
    }
    if (indices) {
      const dst = indices.storage.typed(indices.dtype) as unknown as (number | bigint)[];
      const io = offsetOf(indices);
      const is = indices.elementStrides[nd - 1]!;
      const big = indices.dtype === 'int64';
      for (let i = 0; i < n; i++) dst[io + i * is] = big ? BigInt(order[i]!) : order[i]!;
    }
  }
}
