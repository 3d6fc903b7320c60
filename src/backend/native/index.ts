/**
 * The CPU backend with native kernels: matmul, elementwise, reduce and softmax go to the addon when the
 * dtypes (float32/float64, one dtype throughout), layouts and sizes qualify, and to the wrapped
 * TypeScript backend otherwise. Small problems stay in TypeScript: a call into the addon costs
 * about a microsecond, more than the whole op on a few elements.
 */
import type { DType, TypedArray } from '../../core/dtype.js';
import type { ElementwiseOp } from '../../core/elementwise-ops.js';
import type { View } from '../../core/view.js';
import type { Backend, ReduceOp } from '../backend.js';
import { NATIVE_F32, NATIVE_F64, type NativeAddon } from './loader.js';
import { nativeFold, nativeMaxPool, nativeUnfold } from './window.js';
import { nativePut, nativeTake } from './gather.js';

/** Minimum sizes for the native path (elements; multiply-adds for matmul): an addon call costs
 * about 0.4 µs, the TypeScript loops a few ns per element. */
const ELEMENTWISE_MIN = 512;
const MATMUL_MIN = 512;
const REDUCE_MIN = 512;
const SOFTMAX_MIN = 128;

const BINARY: Readonly<Record<string, number>> = { add: 0, subtract: 1, multiply: 2, divide: 3, maximum: 4, minimum: 5, reluBackward: 6 };
const UNARY: Readonly<Record<string, number>> = {
  exp: 0, tanh: 1, sigmoid: 2, log: 3, negative: 4, abs: 5, gelu: 6, geluTanh: 7,
};
/** Unary ops the addon has for float32 only. */
const FLOAT32_ONLY = new Set(['gelu']);

type Floats = Float32Array | Float64Array;

function dtypeCode(d: DType): number {
  return d === 'float32' ? NATIVE_F32 : d === 'float64' ? NATIVE_F64 : -1;
}

const floats = (v: View): Floats => v.storage.typed(v.dtype) as TypedArray as Floats;

function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Merges adjacent axes that are contiguous with each other in every operand and drops axes of
 * length 1 (so a contiguous problem of any shape becomes one axis).
 */
function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): [number[], number[][]] {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, i) => outStrides[i]![last] === s[d]! * n)) {
      outShape[last]! *= n;
      strides.forEach((s, i) => (outStrides[i]![last] = s[d]!));
    } else {
      outShape.push(n);
      strides.forEach((s, i) => outStrides[i]!.push(s[d]!));
    }
  }
  return [outShape, outStrides];
}

/** Whether two views of one storage are the same elements in the same order (in-place is fine). */
const sameLayout = (a: View, b: View): boolean =>
  a.offset === b.offset && a.shape.length === b.shape.length &&
  a.elementStrides.every((s, i) => s === b.elementStrides[i] || a.shape[i] === 1);

// ---- elementwise --------------------------------------------------------------------------------

/**
 * Calls visit(offsets) once per 2-D slab (the last two axes) of a collapsed problem, with the
 * element offset of each operand's slab; axes beyond two are walked here.
 */
function forEachSlab(shape: readonly number[], strides: readonly number[][], start: readonly number[],
  visit: (offs: readonly number[]) => void): void {
  const lead = shape.slice(0, Math.max(shape.length - 2, 0));
  const offs = [...start];
  const counter = lead.map(() => 0);
  for (let slab = size(lead); slab > 0; slab--) {
    visit(offs);
    for (let d = lead.length - 1; d >= 0; d--) {
      offs.forEach((_, i) => (offs[i]! += strides[i]![d]!));
      if (++counter[d]! < lead[d]!) break;
      counter[d] = 0;
      offs.forEach((_, i) => (offs[i]! -= strides[i]![d]! * lead[d]!));
    }
  }
}

function elementwise(addon: NativeAddon, op: ElementwiseOp, inputs: readonly View[], out: View, loop: DType): boolean {
  if (op.name === 'copy') return copy(addon, inputs[0]!, out);
  const code = op.arity === 2 ? BINARY[op.name] : op.arity === 1 ? UNARY[op.name] : undefined;
  const dt = dtypeCode(out.dtype);
  if (code === undefined || dt < 0 || loop !== out.dtype || size(out.shape) < ELEMENTWISE_MIN) return false;
  if (dt !== NATIVE_F32 && FLOAT32_ONLY.has(op.name)) return false;
  for (const v of inputs) {
    if (v.dtype !== out.dtype) return false;
    if (v.storage === out.storage && !sameLayout(v, out)) return false; // partial overlap
  }
  const [shape, strides] = collapse(out.shape, [out.elementStrides, ...inputs.map((v) => v.elementStrides)]);
  const nd = shape.length;
  if (nd === 0) return false;
  // any strides: the addon packs operands whose innermost axis is not contiguous
  const inner = shape[nd - 1]!;
  const outer = nd >= 2 ? shape[nd - 2]! : 1;
  const rowStride = (i: number): number => (nd >= 2 ? strides[i]![nd - 2]! : 0);
  const colStride = (i: number): number => strides[i]![nd - 1]!;
  const o = floats(out);
  const ins = inputs.map(floats);
  forEachSlab(shape, strides, [out.offset, ...inputs.map((v) => v.offset)], (offs) => {
    if (op.arity === 2) {
      addon.binary(dt, code, outer, inner, o, offs[0]!, rowStride(0), colStride(0),
        ins[0]!, offs[1]!, rowStride(1), colStride(1), ins[1]!, offs[2]!, rowStride(2), colStride(2));
    } else {
      addon.unary(dt, code, outer, inner, o, offs[0]!, rowStride(0), colStride(0), ins[0]!, offs[1]!, rowStride(1), colStride(1));
    }
  });
  return true;
}

// ---- copies and casts -----------------------------------------------------------------------------

/** The addon's codes for a cast's source (bool converts as uint8); casts go to float32 or float64. */
const CAST_FROM: Partial<Record<DType, number>> = { float32: 0, float64: 1, int32: 2, int64: 3, uint8: 4, bool: 4 };
/** Same-dtype copies move bits, so dtypes of one size share a code. */
const BITS: Partial<Record<DType, number>> = { float32: 0, float64: 1, int32: 2, uint32: 2, int64: 3, uint64: 3, int8: 4, uint8: 4, bool: 4 };

function copy(addon: NativeAddon, x: View, out: View): boolean {
  let from: number | undefined;
  let to: number | undefined;
  if (x.dtype === out.dtype) {
    from = to = BITS[x.dtype];
  } else if (out.dtype === 'float32' || out.dtype === 'float64') {
    from = CAST_FROM[x.dtype];
    to = out.dtype === 'float32' ? 0 : 1;
  }
  if (from === undefined || to === undefined || size(out.shape) < ELEMENTWISE_MIN) return false;
  if (x.storage === out.storage && !(x.dtype === out.dtype && sameLayout(x, out))) return false; // overlap
  const [shape, strides] = collapse(out.shape, [out.elementStrides, x.elementStrides]);
  const nd = shape.length;
  if (nd === 0) return false;
  const inner = shape[nd - 1]!;
  const outer = nd >= 2 ? shape[nd - 2]! : 1;
  const rowStride = (i: number): number => (nd >= 2 ? strides[i]![nd - 2]! : 0);
  const o = out.storage.typed(out.dtype);
  const xa = x.storage.typed(x.dtype);
  forEachSlab(shape, strides, [out.offset, x.offset], (offs) => {
    addon.copy(from, to, outer, inner, o, offs[0]!, rowStride(0), strides[0]![nd - 1]!, xa, offs[1]!, rowStride(1), strides[1]![nd - 1]!);
  });
  return true;
}

// ---- matmul -------------------------------------------------------------------------------------

/** Element offsets of each batch entry of a view whose batch axes are already broadcast. */
function batchOffsets(v: View, batchShape: readonly number[], total: number): Float64Array {
  const out = new Float64Array(total);
  for (let t = 0; t < total; t++) {
    let rem = t;
    let off = v.offset;
    for (let d = batchShape.length - 1; d >= 0; d--) {
      const n = batchShape[d]!;
      off += (rem % n) * v.elementStrides[d]!;
      rem = Math.floor(rem / n);
    }
    out[t] = off;
  }
  return out;
}

/** Whether the batch axes continue the row axis (rows of all entries are one strided run). */
function rowsFold(v: View, batchShape: readonly number[], rows: number): boolean {
  const nd = v.shape.length;
  let expected = v.elementStrides[nd - 2]! * rows;
  for (let d = batchShape.length - 1; d >= 0; d--) {
    if (batchShape[d] === 1) continue;
    if (v.elementStrides[d] !== expected) return false;
    expected *= batchShape[d]!;
  }
  return true;
}

function matmul(addon: NativeAddon, a: View, b: View, out: View): boolean {
  const dt = dtypeCode(out.dtype);
  if (dt < 0 || a.dtype !== out.dtype || b.dtype !== out.dtype) return false;
  if (out.storage === a.storage || out.storage === b.storage) return false; // the TS kernel copes
  const nd = out.shape.length;
  const ad = a.shape.length;
  const bd = b.shape.length;
  const rows = out.shape[nd - 2]!;
  const cols = out.shape[nd - 1]!;
  const depth = a.shape[ad - 1]!;
  const batchShape = out.shape.slice(0, nd - 2);
  const batch = size(batchShape);
  if (rows * cols * depth * batch < MATMUL_MIN) return false;
  const ars = a.elementStrides[ad - 2]!;
  const acs = a.elementStrides[ad - 1]!;
  const brs = b.elementStrides[bd - 2]!;
  const bcs = b.elementStrides[bd - 1]!;
  const ors = out.elementStrides[nd - 2]!;
  const ocs = out.elementStrides[nd - 1]!;
  const A = floats(a);
  const B = floats(b);
  const C = floats(out);
  if (batch === 1) {
    addon.gemm(dt, A, B, C, rows, cols, depth, ars, acs, brs, bcs, ors, ocs, a.offset, b.offset, out.offset);
    return true;
  }
  // (batch, rows, k) @ (k, cols), b shared by every entry: one product of batch*rows rows
  const bShared = batchShape.every((n, d) => n === 1 || b.elementStrides[d] === 0);
  if (bShared && rowsFold(a, batchShape, rows) && rowsFold(out, batchShape, rows)) {
    addon.gemm(dt, A, B, C, batch * rows, cols, depth, ars, acs, brs, bcs, ors, ocs, a.offset, b.offset, out.offset);
    return true;
  }
  addon.gemm(dt, A, B, C, rows, cols, depth, ars, acs, brs, bcs, ors, ocs,
    batchOffsets(a, batchShape, batch), batchOffsets(b, batchShape, batch), batchOffsets(out, batchShape, batch));
  return true;
}

// ---- reductions ---------------------------------------------------------------------------------

function reduce(addon: NativeAddon, op: ReduceOp, x: View, reduceNdim: number, out: View): boolean {
  const dt = dtypeCode(x.dtype);
  if (op !== 'sum' || dt < 0 || out.dtype !== x.dtype || out.storage === x.storage) return false;
  if (size(x.shape) < REDUCE_MIN) return false;
  const lead = x.shape.length - reduceNdim;
  const [outerShape, [xOuter, oOuter]] = collapse(x.shape.slice(0, lead), [x.elementStrides.slice(0, lead), out.elementStrides]);
  const [innerShape, [xInner]] = collapse(x.shape.slice(lead), [x.elementStrides.slice(lead)]);
  if (outerShape.length > 1 || innerShape.length > 2) return false;
  const rows = outerShape[0] ?? 1;
  const xs = xOuter![0] ?? 0;
  const os = oOuter![0] ?? 0;
  const len = innerShape[innerShape.length - 1] ?? 1;
  const ls = xInner![innerShape.length - 1] ?? 1;
  if (innerShape.length === 2) {
    // lines of contiguous elements, several per output (a sum over axes 0, 2, 3 of (N, C, H, W))
    if (ls !== 1) return false;
    addon.sumRows(dt, rows, innerShape[0]!, xInner![0]!, len, floats(x), x.offset, xs, floats(out), out.offset, os);
  } else if (ls === 1) {
    addon.sumRows(dt, rows, 1, 0, len, floats(x), x.offset, xs, floats(out), out.offset, os);
  } else if (xs === 1 || rows === 1) {
    // reducing a strided axis whose outputs lie side by side in x (a sum over axis 0)
    addon.sumCols(dt, len, rows, floats(x), x.offset, ls, floats(out), out.offset, os);
  } else {
    return false;
  }
  return true;
}

// ---- softmax ------------------------------------------------------------------------------------

/** Rows along a contiguous last axis, the rows themselves one strided run in x and in out. */
function softmax(addon: NativeAddon, x: View, out: View, log: boolean): boolean {
  const dt = dtypeCode(x.dtype);
  const nd = x.shape.length;
  if (dt < 0 || out.dtype !== x.dtype || nd === 0 || size(x.shape) < SOFTMAX_MIN) return false;
  if (out.storage === x.storage) return false; // the TS kernel copes with overlap
  const len = x.shape[nd - 1]!;
  if (len > 1 && (x.elementStrides[nd - 1] !== 1 || out.elementStrides[nd - 1] !== 1)) return false;
  const lead = nd - 1;
  const [rowShape, [xRow, oRow]] = collapse(x.shape.slice(0, lead), [x.elementStrides.slice(0, lead), out.elementStrides.slice(0, lead)]);
  if (rowShape.length > 1) return false;
  addon.softmax(dt, rowShape[0] ?? 1, len, floats(x), x.offset, xRow![0] ?? 0, floats(out), out.offset, oRow![0] ?? 0, log ? 1 : 0);
  return true;
}

// ---- the backend --------------------------------------------------------------------------------

export function withNativeKernels(base: Backend, addon: NativeAddon): Backend {
  return {
    ...base,
    name: `cpu-native-${addon.isa()}`,
    elementwise(op, inputs, out, loop) {
      if (!elementwise(addon, op, inputs, out, loop)) base.elementwise(op, inputs, out, loop);
    },
    matmul(a, b, out) {
      if (!matmul(addon, a, b, out)) base.matmul(a, b, out);
    },
    reduce(op, x, reduceNdim, out) {
      if (!reduce(addon, op, x, reduceNdim, out)) base.reduce(op, x, reduceNdim, out);
    },
    take(x, positions, out) {
      if (!nativeTake(addon, x, positions, out)) base.take(x, positions, out);
    },
    put(src, positions, out, accumulate) {
      if (!nativePut(addon, src, positions, out, accumulate)) base.put(src, positions, out, accumulate);
    },
    unfold(x, out, w) {
      if (!nativeUnfold(addon, x, out, w)) base.unfold(x, out, w);
    },
    fold(cols, out, w) {
      if (!nativeFold(addon, cols, out, w)) base.fold(cols, out, w);
    },
    maxPool(x, out, positions, w) {
      if (!nativeMaxPool(addon, x, out, positions, w)) base.maxPool(x, out, positions, w);
    },
    softmax(x, out, log) {
      if (!softmax(addon, x, out, log)) base.softmax(x, out, log);
    },
  };
}
