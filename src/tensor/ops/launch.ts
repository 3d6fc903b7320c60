/**
 * Running kernels for tensor ops: device checks, PyTorch's broadcasting (with its error text),
 * scalars as 0-d operands of the loop dtype, and the output. Every tensor op reaches its kernel
 * through here and the backend of its device.
 *
 * Small tensors must not pay for the machinery: operands of one shape (the common case) skip
 * broadcasting altogether, scalars come from a cache of 0-d views, and results come from
 * allocTensor (small ones carved from shared slabs). Nothing here allocates per operand beyond
 * the views array the backend takes.
 */
import type { DType } from '../../core/dtype.js';
import type { ElementwiseOp } from '../../core/elementwise-ops.js';
import { broadcastStrides, shapesEqual } from '../../core/shape.js';
import type { View } from '../../core/view.js';
import { backendFor } from '../../backend/backend.js';
import { scalarArray } from '../../np/convert.js';
import { allocTensor } from '../alloc.js';
import { Tensor } from '../tensor.js';
import type { Scalar, TensorLike } from '../types.js';

/** Throws PyTorch's error when tensors live on different devices. */
export function checkSameDevice(tensors: readonly Tensor[]): void {
  const first = tensors[0];
  for (const t of tensors) {
    if (first && t.device !== first.device) {
      throw new Error(`Expected all tensors to be on the same device, but found at least two devices, ${first.device} and ${t.device}!`);
    }
  }
}

/** The broadcast shape of several shapes, with PyTorch's message on failure. */
export function broadcastShape(shapes: readonly (readonly number[])[]): number[] {
  let ndim = 0;
  for (const s of shapes) if (s.length > ndim) ndim = s.length;
  const out = new Array<number>(ndim).fill(1);
  for (let which = 0; which < shapes.length; which++) {
    const s = shapes[which]!;
    for (let i = 0; i < s.length; i++) {
      const j = ndim - s.length + i;
      const d = s[i]!;
      if (d === out[j] || d === 1) continue;
      if (out[j] === 1) {
        out[j] = d;
        continue;
      }
      const [a, b] = which === 0 ? [d, out[j]!] : [out[j]!, d];
      throw new Error(
        `The size of tensor a (${a}) must match the size of tensor b (${b}) at non-singleton dimension ${j}`,
      );
    }
  }
  return out;
}

/** A view of `v` read as `shape` (0 strides on broadcast axes). */
export function broadcastView(v: View, shape: readonly number[]): View {
  if (shapesEqual(v.shape, shape)) return v;
  return { storage: v.storage, dtype: v.dtype, shape, elementStrides: broadcastStrides(v.shape, v.elementStrides, shape), offset: v.offset };
}

// ---- scalars -------------------------------------------------------------------------------------

/**
 * 0-d tensors of scalars by loop dtype and value. Kernels only read their inputs, so they are
 * shared. They are Tensors (not NDArrays or plain records) so that the views a kernel receives
 * all have one shape of object, which keeps the backend's property reads monomorphic.
 */
const scalarViews = new Map<DType, Map<Scalar, Tensor>>();
const SCALARS_PER_DTYPE = 256;

/** A 0-d tensor holding `value` stored as `dtype` (cached; never written to). */
export function scalarView(value: Scalar, dtype: DType): Tensor {
  // Map keys treat -0 as 0, and the sign of a zero matters (1 / -0): -0 is not cached
  if (value === 0 && 1 / value < 0) return Tensor.fromView(scalarArray(value, dtype));
  let byValue = scalarViews.get(dtype);
  if (byValue === undefined) scalarViews.set(dtype, (byValue = new Map()));
  let v = byValue.get(value);
  if (v === undefined) {
    if (byValue.size >= SCALARS_PER_DTYPE) byValue.clear();
    v = Tensor.fromView(scalarArray(value, dtype));
    byValue.set(value, v);
  }
  return v;
}

/** Zero strides by ndim, shared (the backend never changes a view's strides). */
const zeroStrides: (readonly number[])[] = [];
function zerosOf(ndim: number): readonly number[] {
  return (zeroStrides[ndim] ??= new Array<number>(ndim).fill(0));
}

/** A scalar as an operand of `shape`: its 0-d tensor with 0 strides. */
function scalarOperand(value: Scalar, loop: DType, shape: readonly number[]): View {
  const v = scalarView(value, loop);
  if (shape.length === 0) return v;
  return new Tensor(v.storage, v.dtype, shape, zerosOf(shape.length), v.offset);
}

// ---- the launcher ----------------------------------------------------------------------------------

/**
 * out = op(...operands) elementwise in `loop`, stored as `outDtype`. Scalars become 0-d operands of
 * the loop dtype; tensors broadcast together. No autograd here: callers record the node. With
 * `out`, the result is written there (its shape must be the broadcast shape); an out that overlaps
 * an operand other than element for element is the caller's to avoid.
 */
export function launchElementwise(
  op: ElementwiseOp, operands: readonly TensorLike[], loop: DType, outDtype: DType, out?: Tensor,
): Tensor {
  // one pass over the operands: the first tensor, whether every tensor has its shape, devices
  let first: Tensor | undefined;
  let same = true;
  const n = operands.length;
  for (let i = 0; i < n; i++) {
    const o = operands[i];
    if (!(o instanceof Tensor)) continue;
    if (first === undefined) first = o;
    else {
      if (o.storage.device !== first.storage.device) checkSameDevice([first, o]);
      if (same && !shapesEqual(o.shape, first.shape)) same = false;
    }
  }
  if (out !== undefined && first !== undefined && out.storage.device !== first.storage.device) checkSameDevice([first, out]);
  let shape: readonly number[];
  if (first !== undefined && same && (out === undefined || shapesEqual(out.shape, first.shape))) {
    shape = first.shape;
  } else {
    const shapes: (readonly number[])[] = [];
    for (let i = 0; i < n; i++) {
      const o = operands[i];
      if (o instanceof Tensor) shapes.push(o.shape);
    }
    const inShape = broadcastShape(shapes);
    shape = out ? broadcastShape([inShape, out.shape]) : inShape;
    if (out && !shapesEqual(out.shape, shape)) {
      throw new Error(`output with shape [${out.shape.join(', ')}] doesn't match the broadcast shape [${shape.join(', ')}]`);
    }
    same = false;
  }
  const target = out ?? allocTensor(shape, outDtype);
  const views = new Array<View>(n);
  for (let i = 0; i < n; i++) {
    const o = operands[i]!;
    if (o instanceof Tensor) views[i] = same || shapesEqual(o.shape, shape) ? o : o.makeView(shape, broadcastStrides(o.shape, o.elementStrides, shape), o.offset);
    else views[i] = scalarOperand(o, loop, shape);
  }
  backendFor(target).elementwise(op, views, target, loop);
  return target;
}
