/**
 * CPU max pooling with the position of each maximum, so that the gradient (and the indices
 * PyTorch returns) come from the take/put kernels. Like im2col, the windows are listed once per
 * call (the cells inside the input, per output cell) and every plane reuses the list.
 */
import { fromHalfBits } from '../../core/float16.js';
import { fromBfloat16Bits } from '../../core/bfloat16.js';
import type { View } from '../../core/view.js';
import type { Window2d } from '../backend.js';

/** The input cells of every output cell's window, in PyTorch's scan order (rows, then columns). */
interface Windows {
  /** Output cell t's window cells are entries [start[t], start[t + 1]). */
  start: Int32Array;
  /** Offset of each cell within an input plane (x's strides; Int32 unless they might not fit). */
  offset: Int32Array | Float64Array;
  /** Its flat index h * W + w within the plane. */
  index: Int32Array;
}

function windows(x: View, w: Window2d, oh: number, ow: number): Windows {
  const [H, W] = x.shape.slice(2) as [number, number];
  const [xh, xw] = x.elementStrides.slice(2) as [number, number];
  const [kh, kw] = w.kernel;
  const [dh, dw] = w.dilation;
  const start = new Int32Array(oh * ow + 1);
  const reach = Math.abs(xh) * H + Math.abs(xw) * W;
  const offset = new (reach < 2 ** 31 ? Int32Array : Float64Array)(oh * ow * kh * kw);
  const index = new Int32Array(oh * ow * kh * kw);
  let k = 0;
  for (let y = 0; y < oh; y++) {
    for (let z = 0; z < ow; z++) {
      start[y * ow + z] = k;
      const h0 = y * w.stride[0] - w.padding[0];
      const v0 = z * w.stride[1] - w.padding[1];
      for (let i = 0; i < kh; i++) {
        const h = h0 + i * dh;
        if (h < 0 || h >= H) continue;
        for (let j = 0; j < kw; j++) {
          const v = v0 + j * dw;
          if (v < 0 || v >= W) continue;
          offset[k] = h * xh + v * xw;
          index[k++] = h * W + v;
        }
      }
    }
  }
  start[oh * ow] = k;
  return { start, offset, index };
}

export function maxPoolCpu(x: View, out: View, positions: View, w: Window2d): void {
  const src = x.storage.typed(x.dtype) as unknown as { [i: number]: number };
  const dst = out.storage.typed(out.dtype) as unknown as { [i: number]: number };
  const pos = positions.storage.typed(positions.dtype);
  const big = pos instanceof BigInt64Array;
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [xn, xc] = x.elementStrides as [number, number];
  const [oh, ow] = out.shape.slice(2) as [number, number];
  const [on, oc, oy, ox] = out.elementStrides as [number, number, number, number];
  const [pn, pc, py, px] = positions.elementStrides as [number, number, number, number];
  const { start, offset, index } = windows(x, w, oh, ow);
  // float16 and bfloat16 hold bit patterns: compare the decoded values, store the winner's bits
  const decode = x.dtype === 'float16' ? fromHalfBits : x.dtype === 'bfloat16' ? fromBfloat16Bits : null;
  const minusInf = x.dtype === 'float16' ? 0xfc00 : x.dtype === 'bfloat16' ? 0xff80 : -Infinity;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xBase = x.offset + n * xn + c * xc;
      const oBase = out.offset + n * on + c * oc;
      const pBase = positions.offset + n * pn + c * pc;
      const plane = (n * C + c) * H * W;
      for (let y = 0, t = 0; y < oh; y++) {
        for (let z = 0; z < ow; z++, t++) {
          const first = start[t]!;
          const end = start[t + 1]!;
          // as PyTorch: -inf until a cell beats it, NaN always taking over; an empty window
          // (not possible with valid arguments) would report its first cell
          let best = -Infinity;
          let bestRaw = minusInf;
          let at = first < end ? index[first]! : 0;
          for (let k = first; k < end; k++) {
            const raw = src[xBase + offset[k]!]!;
            const value = decode ? decode(raw) : raw;
            if (value > best || value !== value) {
              best = value;
              bestRaw = raw;
              at = index[k]!;
            }
          }
          dst[oBase + y * oy + z * ox] = bestRaw;
          const p = pBase + y * py + z * px;
          if (big) (pos as BigInt64Array)[p] = BigInt(plane + at);
          else pos[p] = plane + at;
        }
      }
    }
  }
}
