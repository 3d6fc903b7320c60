/**
 * The backward pass: collects the nodes reachable from the outputs, counts how many inputs feed
 * each, and walks them in reverse topological order (a node runs once, after every consumer of
 * its output has sent its gradient), summing gradients that arrive along several paths.
 */
import { AccumulateGrad, type InputMeta, type Node } from './node.js';
import { enableGrad, noGrad } from './grad-mode.js';
import type { Tensor } from '../tensor.js';
import { dtypeInfo } from '../../core/dtype.js';
import { type Storage, nextStorageSerial } from '../../core/storage.js';
import { add, to } from '../ops/pointwise.js';
import { sumToShape } from '../ops/reduce.js';

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
}

interface RunOptions extends BackwardOptions {
  /** When given, gradients for these tensors are returned instead of accumulated into leaves. */
  inputs?: readonly Tensor[];
  allowUnused?: boolean;
}

/** The node a tensor's gradient flows into: its gradFn, or its leaf accumulator. */
export function gradEdge(t: Tensor): Node | null {
  if (!t.requiresGrad) return null;
  return t.gradFn ?? t.gradAccumulator();
}

function checkGradShape(output: Tensor, grad: Tensor, i: number): void {
  if (grad.shape.length !== output.shape.length || grad.shape.some((d, k) => d !== output.shape[k])) {
    throw new Error(
      `Mismatch in shape: grad_output[${i}] has a shape of torch.Size([${grad.shape.join(', ')}]) and output[${i}] has a shape of torch.Size([${output.shape.join(', ')}]).`,
    );
  }
}

export function runBackward(outputs: readonly Tensor[], grads: readonly Tensor[], options: RunOptions): (Tensor | null)[] {
  const roots = outputs.map((t, i) => {
    const node = gradEdge(t);
    if (!node) throw new Error(`element ${i} of tensors does not require grad and does not have a grad_fn`);
    checkGradShape(t, grads[i]!, i);
    return node;
  });

  // dependency counts over the reachable graph
  const deps = new Map<Node, number>();
  const seen = new Set<Node>(roots);
  const stack = [...roots];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const next of node.next) {
      if (!next) continue;
      deps.set(next, (deps.get(next) ?? 0) + 1);
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }

  const capture = new Map<Node, number>();
  options.inputs?.forEach((t, i) => {
    const node = gradEdge(t);
    if (!node) throw new Error(`One of the differentiated Tensors does not require grad`);
    capture.set(node, i);
  });
  const captured: (Tensor | null)[] = (options.inputs ?? []).map(() => null);

  const owner = new GradOwner();
  const run = (): void => {
    const buffers = new Map<Node, Tensor>();
    const addTo = (node: Node, g: Tensor): void => {
      const prev = buffers.get(node);
      buffers.set(node, prev ? add(prev, g) : g);
    };
    roots.forEach((node, i) => addTo(node, grads[i]!));
    const ready = roots.filter((n) => !deps.has(n));
    const done = new Set<Node>();
    while (ready.length > 0) {
      const node = ready.pop()!;
      if (done.has(node)) continue;
      done.add(node);
      const buffered = buffers.get(node);
      buffers.delete(node);
      const collected = node.collect();
      const grad = collected ? (buffered ? add(buffered, collected) : collected) : buffered;
      if (grad) {
        const slot = capture.get(node);
        if (slot !== undefined) captured[slot] = grad;
        // retained non-leaf gradients accumulate over backward calls, as a leaf's do
        if (!options.inputs) for (const t of node.retained) accumulate(t, grad, options.createGraph ?? false, owner);
        if (node instanceof AccumulateGrad) {
          if (!options.inputs) accumulate(node.variable, grad, options.createGraph ?? false, owner);
        } else if (!(options.inputs && capture.size > 0 && allCaptured(captured))) {
          const inputGrads = node.apply(grad);
          node.next.forEach((next, i) => {
            const g = inputGrads[i];
            if (next && g) addTo(next, validateGrad(node, i, g));
          });
        }
      }
      for (const next of node.next) {
        if (!next) continue;
        const left = deps.get(next)! - 1;
        deps.set(next, left);
        if (left === 0) ready.push(next);
      }
      if (!options.retainGraph) node.release();
    }
  };
  if (options.createGraph) enableGrad(run);
  else noGrad(run);

  if (options.inputs && !options.allowUnused && captured.some((g) => g === null)) {
    throw new Error(
      'One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.',
    );
  }
  return captured;
}

/**
 * PyTorch's validate_outputs: a gradient takes its input's dtype, and one of a broadcast shape is
 * summed back to the input's shape; any other shape is a bug in the node's backward.
 */
function validateGrad(node: Node, i: number, g: Tensor): Tensor {
  const meta: InputMeta | null | undefined = node.inputMeta[i];
  if (!meta) return g;
  let out = g;
  if (out.shape.length !== meta.shape.length || out.shape.some((d, k) => d !== meta.shape[k])) {
    if (!expandableTo(meta.shape, out.shape)) {
      throw new Error(
        `Function ${node.name} returned an invalid gradient at index ${i} - got [${out.shape.join(', ')}] but expected shape compatible with [${meta.shape.join(', ')}]`,
      );
    }
    out = sumToShape(out, meta.shape);
  }
  return out.dtype === meta.dtype ? out : to(out, meta.dtype);
}

/** Whether `shape` broadcasts to `target`. */
function expandableTo(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  const lead = target.length - shape.length;
  return shape.every((d, k) => d === 1 || d === target[k + lead]);
}

function allCaptured(captured: (Tensor | null)[]): boolean {
  return captured.every((g) => g !== null);
}

/**
 * Decides whether a leaf may keep a gradient's memory instead of a copy (PyTorch's AccumulateGrad
 * steals a gradient nothing else references). JS has no reference counts, so kiln takes a buffer
 * only when this backward pass made it, it is exactly the gradient (contiguous, whole), and no
 * other leaf took it: then no user tensor, saved tensor or other .grad can alias the new .grad.
 */
class GradOwner {
  private readonly firstFresh = nextStorageSerial();
  private readonly taken = new Set<Storage>();

  take(g: Tensor): boolean {
    const s = g.storage;
    if (s.serial < this.firstFresh || this.taken.has(s) || g.offset !== 0 || !g.isContiguous()) return false;
    if (s.byteLength !== g.numel() * dtypeInfo(g.dtype).itemsize) return false;
    this.taken.add(s);
    return true;
  }
}

function accumulate(leaf: Tensor, grad: Tensor, createGraph: boolean, owner: GradOwner): void {
  const g = createGraph ? grad : grad.detach();
  if (leaf.grad) leaf.grad = createGraph ? add(leaf.grad, g) : add(leaf.grad.detach(), g);
  else leaf.grad = createGraph || owner.take(g) ? g : g.clone();
}
