/**
 * Whole-row copies for the selections that pick rows (indexSelect, `t.get(index)` on dim 0,
 * embedding lookups) and for gather along the last dim, on CPU storages. The general route
 * (C-order positions for every element, then the backend's take) builds a position per element;
 * here a contiguous source is read row by row instead, as 32-bit (or narrower) words, so every
 * dtype is copied bit for bit (NaN payloads and int64 included) with a single loop shape.
 *
 * This reads storages as typed arrays, so it is for CPU storages only: callers check
 * `usesRows` and take the positions path otherwise. A device backend would get a gather-rows
 * kernel in the Backend interface and these would move there.
 */
import { type DType, type TypedArray, dtypeInfo } from '../../core/dtype.js';
import { isContiguous } from '../../core/shape.js';
import type { Tensor } from '../tensor.js';

/** Word arrays of a storage: the unsigned integer view whose element is min(itemsize, 4) bytes. */
function words(t: Tensor): { array: { [i: number]: number }; perElement: number } {
  const itemsize = dtypeInfo(t.dtype).itemsize;
  const word: DType = itemsize === 1 ? 'uint8' : itemsize === 2 ? 'uint16' : 'uint32';
  const array = t.storage.typed(word) as TypedArray as unknown as { [i: number]: number };
  return { array, perElement: itemsize >= 4 ? itemsize / 4 : 1 };
}

/** Whether x can be read by rows here: a contiguous tensor on a CPU storage. */
export function usesRows(x: Tensor): boolean {
  return x.storage.device === 'cpu' && isContiguous(x.shape, x.elementStrides);
}

/**
 * out = x's blocks along one dim: x read as [outer, n, inner] (contiguous), out as [outer, k,
 * inner] with k = rows.length (contiguous, fresh); out[o, i, :] = x[o, rows[i], :]. Rows are in
 * range (callers checked).
 */
export function copyRows(x: Tensor, outer: number, n: number, inner: number, rows: ArrayLike<number>, out: Tensor): void {
  const { array: src, perElement: w } = words(x);
  const dst = words(out).array;
  const len = inner * w;
  const k = rows.length;
  let o = out.offset * w;
  for (let b = 0; b < outer; b++) {
    const base = (x.offset + b * n * inner) * w;
    for (let i = 0; i < k; i++) {
      let s = base + rows[i]! * len;
      const end = s + len;
      while (s < end) dst[o++] = src[s++]!;
    }
  }
}

/**
 * out[..., j] = x[..., values[..., j]] along x's last dim (torch.gather with dim = -1): x
 * contiguous with shape xs, the index of shape `is` (same rank, leading sizes at most x's),
 * values its entries in C order (in range), out fresh and contiguous with shape `is`.
 */
export function gatherLast(x: Tensor, xs: readonly number[], is: readonly number[], values: Float64Array, out: Tensor): void {
  const { array: src, perElement: w } = words(x);
  const dst = words(out).array;
  const d = xs.length - 1;
  const m = is[d]!;
  // element strides of x's leading dims (contiguous)
  const strides = new Array<number>(d);
  let s = xs[d]!;
  for (let k = d - 1; k >= 0; k--) {
    strides[k] = s;
    s *= xs[k]!;
  }
  let rows = 1;
  for (let k = 0; k < d; k++) rows *= is[k]!;
  const coords = new Array<number>(d).fill(0);
  let row = x.offset;
  let o = out.offset * w;
  let v = 0;
  for (let r = 0; r < rows; r++) {
    if (w === 1) {
      for (let j = 0; j < m; j++) dst[o++] = src[row + values[v++]!]!;
    } else {
      for (let j = 0; j < m; j++) {
        let at = (row + values[v++]!) * w;
        for (let c = 0; c < w; c++) dst[o++] = src[at++]!;
      }
    }
    for (let k = d - 1; k >= 0; k--) {
      row += strides[k]!;
      if (++coords[k]! < is[k]!) break;
      row -= strides[k]! * is[k]!;
      coords[k] = 0;
    }
  }
}
