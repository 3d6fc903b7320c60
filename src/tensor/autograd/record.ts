/** Recording ops into the graph: one call per differentiable op, after its forward kernel ran. */
import { isGradEnabled } from './grad-mode.js';
import { type BackwardFn, type InputMeta, Node } from './node.js';
import { gradEdge } from './engine.js';
import { Tensor } from '../tensor.js';

/** Whether an op on these inputs must record a node. */
export function needsGrad(inputs: readonly unknown[]): boolean {
  if (!isGradEnabled()) return false;
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i];
    if (x instanceof Tensor && x.requiresGrad) return true;
  }
  return false;
}

/**
 * needsGrad for one or two operands, without an array: ops call it before building their
 * backward closures, so that an op without a graph allocates nothing for one.
 */
export function wantsGrad(a: unknown, b?: unknown, c?: unknown): boolean {
  return isGradEnabled() && (
    (a instanceof Tensor && a.requiresGrad) || (b instanceof Tensor && b.requiresGrad) || (c instanceof Tensor && c.requiresGrad)
  );
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
  const n = inputs.length;
  const next = new Array<Node | null>(n);
  const meta = new Array<InputMeta | null>(n);
  for (let i = 0; i < n; i++) {
    const t = inputs[i];
    if (t instanceof Tensor) {
      next[i] = gradEdge(t);
      meta[i] = { dtype: t.dtype, shape: t.shape };
    } else {
      next[i] = null;
      meta[i] = null;
    }
  }
  const node = new Node(name, next, backward, saved, meta);
  node.output = out;
  out.gradFn = node;
  return out;
}
