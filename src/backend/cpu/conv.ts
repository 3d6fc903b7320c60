/**
 * CPU im2col (unfold) and col2im (fold): the two kernels behind convolution, transposed
 * convolution, average pooling and nn.functional.unfold/fold. They are each other's adjoint, so
 * each one's gradient is the other. Any strides on either side; every real dtype (float16 and
 * bfloat16, stored as bits, are copied as they are by unfold and decoded to add by fold); not
 * complex pairs, which callers refuse.
 *
 * The window geometry is the same for every (n, c) plane, so it is worked out once per call as a
 * table of (column cell, input cell) offset pairs; each plane is then one branch-free loop over
 * the table, which stays fast on the small images where per-row loops would cost more than the copy.
 */
import { fromHalfBits, toHalfBits } from '../../core/float16.js';
import { fromBfloat16Bits, toBfloat16Bits } from '../../core/bfloat16.js';
import type { View } from '../../core/view.js';
import type { Window2d } from '../backend.js';

/** Typed-array cells; int64 arrays hold bigints, which the same `+` adds. */
type Cells = { [i: number]: number };

/** The zero of a typed array's element type. */
function zeroOf(a: unknown): number {
  return (a instanceof BigInt64Array || a instanceof BigUint64Array ? 0n : 0) as number;
}

/** Int32 offsets unless a view is so large that they might not fit. */
type Offsets = Int32Array | Float64Array;

/** Offsets within one plane: column cells that read an input cell, and those in the padding. */
interface PlaneTable {
  /** Offset of each covered column cell (kh, kw, oh, ow strides of `cols`). */
  colInside: Offsets;
  /** Offset of the input cell it covers (H, W strides of the image). */
  image: Offsets;
  /** Offsets of column cells that fall in the padding. */
  colPadding: Offsets;
}

function planeTable(image: View, cols: View, w: Window2d): PlaneTable {
  const [H, W] = image.shape.slice(2) as [number, number];
  const [sh, sw] = image.elementStrides.slice(2) as [number, number];
  const [kh, kw, oh, ow] = cols.shape.slice(2) as [number, number, number, number];
  const [si, sj, sy, sx] = cols.elementStrides.slice(2) as [number, number, number, number];
  const total = kh * kw * oh * ow;
  const reach = Math.abs(si) * kh + Math.abs(sj) * kw + Math.abs(sy) * oh + Math.abs(sx) * ow + Math.abs(sh) * H + Math.abs(sw) * W;
  const Table = reach < 2 ** 31 ? Int32Array : Float64Array;
  const colInside = new Table(total);
  const imageAt = new Table(total);
  const colPadding = new Table(total);
  let inside = 0;
  let padding = 0;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      for (let y = 0; y < oh; y++) {
        const h = y * w.stride[0] - w.padding[0] + i * w.dilation[0];
        for (let x = 0; x < ow; x++) {
          const v = x * w.stride[1] - w.padding[1] + j * w.dilation[1];
          const col = i * si + j * sj + y * sy + x * sx;
          if (h >= 0 && h < H && v >= 0 && v < W) {
            colInside[inside] = col;
            imageAt[inside++] = h * sh + v * sw;
          } else {
            colPadding[padding++] = col;
          }
        }
      }
    }
  }
  return { colInside: colInside.subarray(0, inside), image: imageAt.subarray(0, inside), colPadding: colPadding.subarray(0, padding) };
}

/** Calls body with the offsets of plane (n, c) in a and in b, for every (n, c) of two (N, C, ...) views. */
function eachPlane(a: View, b: View, body: (aBase: number, bBase: number) => void): void {
  const [N, C] = a.shape as [number, number];
  const [an, ac] = a.elementStrides as [number, number];
  const [bn, bc] = b.elementStrides as [number, number];
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) body(a.offset + n * an + c * ac, b.offset + n * bn + c * bc);
  }
}

export function unfoldCpu(x: View, out: View, w: Window2d): void {
  const src = x.storage.typed(x.dtype) as unknown as Cells;
  const dst = out.storage.typed(out.dtype) as unknown as Cells;
  const zero = zeroOf(dst);
  const { colInside, image, colPadding } = planeTable(x, out, w);
  const n = colInside.length;
  const m = colPadding.length;
  eachPlane(x, out, (xBase, oBase) => {
    for (let k = 0; k < n; k++) dst[oBase + colInside[k]!] = src[xBase + image[k]!]!;
    for (let k = 0; k < m; k++) dst[oBase + colPadding[k]!] = zero;
  });
}

export function foldCpu(cols: View, out: View, w: Window2d): void {
  const src = cols.storage.typed(cols.dtype) as unknown as Cells;
  const dst = out.storage.typed(out.dtype) as unknown as Cells;
  const zero = zeroOf(dst);
  const { colInside, image } = planeTable(out, cols, w);
  const n = colInside.length;
  const [H, W] = out.shape.slice(2) as [number, number];
  const [sh, sw] = out.elementStrides.slice(2) as [number, number];
  const codec: [(bits: number) => number, (value: number) => number] | null = out.dtype === 'float16'
    ? [fromHalfBits, toHalfBits]
    : out.dtype === 'bfloat16' ? [fromBfloat16Bits, toBfloat16Bits] : null;
  if (codec) {
    // values stored as bit patterns: decode, add (rounding each sum as the dtype does), encode
    const [decode, encode] = codec;
    eachPlane(cols, out, (cBase, oBase) => {
      for (let h = 0; h < H; h++) for (let v = 0; v < W; v++) dst[oBase + h * sh + v * sw] = 0;
      for (let k = 0; k < n; k++) {
        const at = oBase + image[k]!;
        dst[at] = encode(decode(dst[at]!) + decode(src[cBase + colInside[k]!]!));
      }
    });
    return;
  }
  eachPlane(cols, out, (cBase, oBase) => {
    for (let h = 0; h < H; h++) for (let v = 0; v < W; v++) dst[oBase + h * sh + v * sw] = zero;
    for (let k = 0; k < n; k++) dst[oBase + image[k]!] += src[cBase + colInside[k]!]!;
  });
}
