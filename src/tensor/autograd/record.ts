/** Recording ops into the graph: one call per differentiable op, after its forward kernel ran. */
import { isGradEnabled } from './grad-mode.js';
import { type BackwardFn, Node } from './node.js';
import { gradEdge } from './engine.js';
import { Tensor } from '../tensor.js';

/** Whether an op on these inputs must record a node. */
export function needsGrad(inputs: readonly unknown[]): boolean {
  return isGradEnabled() && inputs.some((i) => i instanceof Tensor && i.requiresGrad);
}

/**
 * Marks `out` as made by `name` from `inputs`, with `backward` giving one gradient per input
 * (null where none flows). `saved` are tensors backward reads, checked for in-place changes.
 */
export function record(
  out: Tensor, name: string, inputs: readonly unknown[], backward: BackwardFn, saved: readonly Tensor[] = [],
): Tensor {
  if (!needsGrad(inputs)) return out;
  out.requiresGrad = true;
  const tensors = inputs.map((i) => (i instanceof Tensor ? i : null));
  const meta = tensors.map((t) => t && { dtype: t.dtype, shape: t.shape });
  const node = new Node(name, tensors.map((t) => t && gradEdge(t)), backward, saved, meta);
  node.output = out;
  out.gradFn = node;
  return out;
}
