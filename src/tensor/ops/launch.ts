/**
 * Running kernels for tensor ops: device checks, PyTorch's broadcasting (with its error text),
 * scalars as 0-d operands of the loop dtype, and the output. Every tensor op reaches its kernel
 * through here and the backend of its device.
 */
import type { DType } from '../../core/dtype.js';
import type { ElementwiseOp } from '../../core/elementwise-ops.js';
import { broadcastStrides, shapesEqual } from '../../core/shape.js';
import type { View } from '../../core/view.js';
import { backendFor } from '../../backend/backend.js';
import { scalarArray } from '../../np/convert.js';
import { Tensor } from '../tensor.js';
import type { TensorLike } from '../types.js';

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
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  shapes.forEach((s, which) => {
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
  });
  return out;
}

/** A view of `v` read as `shape` (0 strides on broadcast axes). */
export function broadcastView(v: View, shape: readonly number[]): View {
  if (shapesEqual(v.shape, shape)) return v;
  return { storage: v.storage, dtype: v.dtype, shape, elementStrides: broadcastStrides(v.shape, v.elementStrides, shape), offset: v.offset };
}

/**
 * out = op(...operands) elementwise in `loop`, stored as `outDtype`. Scalars become 0-d operands of
 * the loop dtype; tensors broadcast together. No autograd here: callers record the node.
 */
export function launchElementwise(
  op: ElementwiseOp, operands: readonly TensorLike[], loop: DType, outDtype: DType, out?: Tensor,
): Tensor {
  const tensors = operands.filter((o): o is Tensor => o instanceof Tensor);
  checkSameDevice(out ? [...tensors, out] : tensors);
  const inShape = broadcastShape(tensors.map((t) => t.shape));
  const shape = out ? broadcastShape([inShape, out.shape]) : inShape;
  const target = out ?? Tensor.empty(shape, outDtype);
  if (out && !shapesEqual(out.shape, shape)) {
    throw new Error(`output with shape [${out.shape.join(', ')}] doesn't match the broadcast shape [${shape.join(', ')}]`);
  }
  const views = operands.map((o) => (o instanceof Tensor ? broadcastView(o, shape) : broadcastView(scalarArray(o, loop), shape)));
  backendFor(target).elementwise(op, views, target, loop);
  return target;
}
