/**
 * CPU kernels behind every gather and scatter: take (read elements by position) and put (write
 * or add them back). Positions are C-order element numbers of the logical array, not storage
 * offsets, so they mean the same for any strides and on any device.
 */
import { type DType, dtypeInfo } from '../../core/dtype.js';
import { fromHalfBits, toHalfBits } from '../../core/float16.js';
import { fromBfloat16Bits, toBfloat16Bits } from '../../core/bfloat16.js';
import { isContiguous, sizeOf } from '../../core/shape.js';
import type { View } from '../../core/view.js';

type Values = { [i: number]: number | bigint };
type Add = (a: number | bigint, b: number | bigint) => number | bigint;

/** The storage offset of a view's k-th element in C order. */
function elementAt(v: View): (k: number) => number {
  const base = v.offset;
  if (isContiguous(v.shape, v.elementStrides)) return (k) => base + k;
  // strided: list every offset once (an odometer over the axes)
  const table = new Float64Array(sizeOf(v.shape));
  const ndim = v.shape.length;
  const index = new Array<number>(ndim).fill(0);
  let offset = base;
  for (let k = 0; k < table.length; k++) {
    table[k] = offset;
    for (let d = ndim - 1; d >= 0; d--) {
      offset += v.elementStrides[d]!;
      if (++index[d]! < v.shape[d]!) break;
      offset -= v.elementStrides[d]! * v.shape[d]!;
      index[d] = 0;
    }
  }
  return (k) => table[k]!;
}

/** The storage offset of the element numbered p in C order (positions may come in any order). */
function locate(v: View): (p: number) => number {
  const { shape, elementStrides: strides, offset } = v;
  if (isContiguous(shape, strides)) return (p) => offset + p;
  return (p) => {
    let at = offset;
    for (let d = shape.length - 1; d >= 0; d--) {
      const n = shape[d]!;
      at += (p % n) * strides[d]!;
      p = Math.floor(p / n);
    }
    return at;
  };
}

/** Addition as the stored dtype does it (the typed array's store rounds or wraps the sum). */
function adder(dtype: DType): Add {
  if (dtype === 'bool') return (a, b) => (a || b ? 1 : 0);
  if (dtype === 'float16') return (a, b) => toHalfBits(fromHalfBits(a as number) + fromHalfBits(b as number));
  if (dtype === 'bfloat16') return (a, b) => toBfloat16Bits(fromBfloat16Bits(a as number) + fromBfloat16Bits(b as number));
  return (a, b) => (a as number) + (b as number);
}

function allContiguous(...views: View[]): boolean {
  return views.every((v) => isContiguous(v.shape, v.elementStrides));
}

/** Typed-array entries per element: 2 for complex (re, im interleaved), else 1. */
function widthOf(v: View): number {
  return dtypeInfo(v.dtype).itemsize / v.storage.typed(v.dtype).BYTES_PER_ELEMENT;
}

export function takeCpu(x: View, positions: View, out: View): void {
  const src = x.storage.typed(x.dtype) as Values;
  const dst = out.storage.typed(out.dtype) as Values;
  const pos = positions.storage.typed(positions.dtype) as Values;
  const from = locate(x);
  const p = elementAt(positions);
  const o = elementAt(out);
  const n = sizeOf(out.shape);
  const w = widthOf(x);
  if (w === 1 && pos instanceof Int32Array && allContiguous(x, positions, out)) {
    // the common case (fresh positions, contiguous tensors): no per-element mapping
    const [xo, po, oo] = [x.offset, positions.offset, out.offset];
    for (let k = 0; k < n; k++) dst[oo + k] = src[xo + pos[po + k]!]!;
    return;
  }
  if (w === 1) {
    for (let k = 0; k < n; k++) dst[o(k)] = src[from(Number(pos[p(k)]))]!;
    return;
  }
  for (let k = 0; k < n; k++) {
    const i = from(Number(pos[p(k)])) * w;
    const j = o(k) * w;
    for (let c = 0; c < w; c++) dst[j + c] = src[i + c]!;
  }
}

export function putCpu(src: View, positions: View, out: View, accumulate: boolean): void {
  const from = src.storage.typed(src.dtype) as Values;
  const dst = out.storage.typed(out.dtype) as Values;
  const pos = positions.storage.typed(positions.dtype) as Values;
  const to = locate(out);
  const p = elementAt(positions);
  const s = elementAt(src);
  const n = sizeOf(positions.shape);
  const w = widthOf(out);
  const add = accumulate ? adder(out.dtype) : null;
  if (w === 1 && pos instanceof Int32Array && allContiguous(src, positions, out)) {
    const [so, po, oo] = [src.offset, positions.offset, out.offset];
    if (!add) for (let k = 0; k < n; k++) dst[oo + pos[po + k]!] = from[so + k]!;
    else {
      for (let k = 0; k < n; k++) {
        const i = oo + pos[po + k]!;
        dst[i] = add(dst[i]!, from[so + k]!);
      }
    }
    return;
  }
  for (let k = 0; k < n; k++) {
    const i = to(Number(pos[p(k)])) * w;
    const j = s(k) * w;
    // complex parts add independently, so one loop serves every width
    for (let c = 0; c < w; c++) dst[i + c] = add ? add(dst[i + c]!, from[j + c]!) : from[j + c]!;
  }
}
